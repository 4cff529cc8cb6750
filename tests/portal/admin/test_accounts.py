"""Admin pages for login accounts: list, create, edit, passwords, the last admin."""

import re

import pytest

from models import Role
from portal.services.platform.accounts import authenticate, find_account


def _form(**overrides):
    data = {"email": "new.person@example.test", "name": "New Person", "role": "cio", "active": "y"}
    data.update(overrides)
    return data


def test_list_filters_by_role(client, admin, make_account):
    make_account(name="Carl Cio", role=Role.CIO.value)
    make_account(name="Mia Manager", role=Role.ACCOUNT_MANAGER.value)
    everyone = client.get("/admin/accounts").get_data(as_text=True)
    assert "Carl Cio" in everyone
    assert "Mia Manager" in everyone
    cios = client.get("/admin/accounts?role=cio").get_data(as_text=True)
    assert "Carl Cio" in cios
    assert "Mia Manager" not in cios
    assert "1 account" in cios


def test_create_with_a_typed_password(client, admin, audit_entries):
    response = client.post("/admin/accounts/new", data=_form(password="a long enough password", generate_password=""))
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/accounts"
    assert authenticate("new.person@example.test", "a long enough password").role == Role.CIO
    entry = audit_entries("account")[-1]
    assert entry.action == "create"
    assert entry.actor == admin.name
    assert entry.changes["role"] == [None, "cio"]
    assert entry.changes["password"] == [None, "set"]
    assert "a long enough password" not in str(entry.changes)


def test_create_with_a_generated_password_shows_it_once(client, admin, audit_entries):
    response = client.post("/admin/accounts/new", data=_form(generate_password="y"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    password = re.search(r'<p class="secret-box"[^>]*>([^<]+)</p>', page).group(1)
    assert authenticate("new.person@example.test", password) is not None
    assert "will not be shown again" in page
    assert password not in client.get("/admin/accounts").get_data(as_text=True)
    assert password not in str(audit_entries()[-1].changes)


def test_department_head_with_units(client, admin, make_unit):
    unit = make_unit(name="Field Service")
    response = client.post(
        "/admin/accounts/new", data=_form(role="dept_head", units=[str(unit.id)], generate_password="y")
    )
    assert response.status_code == 200
    assert find_account("new.person@example.test").units == [unit]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_form(role="dept_head", generate_password="y"), "units", "A department head needs at least one unit."),
        (_form(email="not-an-email", generate_password="y"), "email", "Enter an email address"),
        (_form(name="", generate_password="y"), "name", "This field is required."),
        (_form(password="short", generate_password=""), "password", "at least 12 characters"),
        (_form(password="a long enough password", generate_password="y"), "password", "not both"),
        (_form(generate_password=""), "generate_password", "Type a password or tick this box"),
        (_form(role="root", generate_password="y"), "role", "Choose one of the roles in the list."),
    ],
)
def test_create_refuses_invalid_input_inline(client, admin, data, field, message):
    response = client.post("/admin/accounts/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = re.search(rf'<small class="field-error" id="{field}-error">([^<]*)</small>', page)
    assert error is not None, page
    assert message in error.group(1)
    assert find_account("new.person@example.test") is None


def test_units_are_only_for_department_heads(client, admin, make_unit):
    unit = make_unit()
    response = client.post("/admin/accounts/new", data=_form(units=[str(unit.id)], generate_password="y"))
    assert "Only department heads are attached to units." in response.get_data(as_text=True)
    assert find_account("new.person@example.test") is None


def test_duplicate_email_is_refused_inline(client, admin, make_account):
    make_account(email="taken@example.test")
    response = client.post("/admin/accounts/new", data=_form(email="Taken@Example.test", generate_password="y"))
    assert 'id="email-error">An account with the email taken@example.test already exists.' in response.get_data(
        as_text=True
    )


def test_edit_page_is_filled_in(client, admin, make_account, make_unit):
    unit = make_unit(name="Plant North")
    account = make_account(name="Hedda Head", role=Role.DEPT_HEAD.value, units=[unit])
    page = client.get(f"/admin/accounts/{account.id}/edit").get_data(as_text=True)
    assert 'value="Hedda Head"' in page
    assert f'<option selected value="{unit.id}">' in page


def test_edit_saves_and_audits_the_changes(client, admin, make_account, audit_entries):
    account = make_account(name="Old Name", role=Role.CIO.value)
    data = {"email": account.email, "name": "New Name", "role": "account_manager", "active": ""}
    response = client.post(f"/admin/accounts/{account.id}/edit", data=data)
    assert response.status_code == 303
    saved = find_account(account.email)
    assert (saved.name, saved.role, saved.active) == ("New Name", "account_manager", False)
    assert audit_entries("account")[-1].changes == {
        "active": [True, False],
        "name": ["Old Name", "New Name"],
        "role": ["cio", "account_manager"],
    }


def test_edit_without_a_password_keeps_the_old_one(client, admin, make_account):
    account = make_account(role=Role.CIO.value)
    old_hash = account.password_hash
    client.post(f"/admin/accounts/{account.id}/edit", data={"email": account.email, "name": "X", "role": "cio"})
    assert find_account(account.email).password_hash == old_hash


def test_edit_can_set_a_new_password(client, admin, make_account):
    account = make_account(role=Role.CIO.value)
    data = {"email": account.email, "name": "X", "role": "cio", "active": "y", "password": "a brand new password"}
    assert client.post(f"/admin/accounts/{account.id}/edit", data=data).status_code == 303
    assert authenticate(account.email, "a brand new password") is not None


def test_edit_can_generate_a_new_password(client, admin, make_account):
    account = make_account(role=Role.CIO.value)
    data = {"email": account.email, "name": "X", "role": "cio", "active": "y", "generate_password": "y"}
    response = client.post(f"/admin/accounts/{account.id}/edit", data=data)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'<p class="secret-box"[^>]*>([^<]+)</p>', response.get_data(as_text=True)).group(1)
    assert authenticate(account.email, password) is not None


@pytest.mark.parametrize(
    ("change", "field"), [({"role": "cio", "active": "y"}, "role"), ({"role": "admin", "active": ""}, "active")]
)
def test_the_last_admin_cannot_demote_or_deactivate_themselves(client, admin, change, field):
    data = {"email": admin.email, "name": admin.name, **change}
    response = client.post(f"/admin/accounts/{admin.id}/edit", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error">This is the last active admin' in response.get_data(as_text=True)
    saved = find_account(admin.email)
    assert (saved.role, saved.active) == ("admin", True)


def test_an_admin_may_step_down_when_another_admin_remains(client, admin, make_account):
    make_account(role=Role.ADMIN.value)
    data = {"email": admin.email, "name": admin.name, "role": "cio", "active": "y"}
    assert client.post(f"/admin/accounts/{admin.id}/edit", data=data).status_code == 303
    assert find_account(admin.email).role == "cio"


def test_unknown_account_is_404(client, admin):
    assert client.get("/admin/accounts/999999/edit").status_code == 404
