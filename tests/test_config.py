import pytest

from portal import create_app
from portal.config import ConfigError, finalise, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        finalise({"ENV_NAME": "production", "SECRET_KEY": None}, tmp_path)


def test_development_generates_a_key_once_into_the_instance_folder(tmp_path):
    first = {"ENV_NAME": "development", "SECRET_KEY": None}
    finalise(first, tmp_path)
    second = {"ENV_NAME": "development", "SECRET_KEY": None}
    finalise(second, tmp_path)
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_in_the_instance_folder_is_the_default(tmp_path):
    config = {"ENV_NAME": "production", "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": ""}
    finalise(config, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'rapport.db'}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db/rapport", "postgresql+psycopg://u:p@db/rapport"),
        ("postgres://u@db/rapport", "postgresql+psycopg://u@db/rapport"),
        ("postgresql+psycopg://u@db/rapport", "postgresql+psycopg://u@db/rapport"),
        ("sqlite:////var/lib/rapport.db", "sqlite:////var/lib/rapport.db"),
    ],
)
def test_database_url_forms(given, expected):
    assert normalise_database_url(given) == expected


def test_create_app_with_a_config_mapping(app):
    other = create_app({**app.config, "ORGANISATION_NAME": "Acme"})
    assert other.config["ORGANISATION_NAME"] == "Acme"
