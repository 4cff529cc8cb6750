import pytest

from portal.services.units.pseudonym import key_for_email


def test_same_address_always_gives_the_same_key_whatever_its_case_and_spaces() -> None:
    assert key_for_email("Ada.Lovelace@Example.org ", "s1") == key_for_email("ada.lovelace@example.org", "s1")


def test_another_secret_gives_another_key() -> None:
    assert key_for_email("ada@example.org", "s1") != key_for_email("ada@example.org", "s2")


def test_the_key_does_not_contain_the_address() -> None:
    key = key_for_email("ada@example.org", "s1")
    assert "ada" not in key and key.startswith("p-") and len(key) == 18


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="RAPPORT_PSEUDONYM_KEY"):
        key_for_email("ada@example.org", "")
