"""Admin pages for systems and their modules."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Module, System, db


def _form(**overrides):
    data = {
        "key": "field-planner",
        "name": "Field Planner",
        "category": "Scheduling",
        "vendor": "Plano AB",
        "owner_id": "",
        "description": "Plans technicians' days.",
        "license_model": "per_seat",
        "seat_cost": "240.50",
        "currency": "sek",
        "measured_by_use": "y",  # the checkbox is ticked by default
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}  # None: a box left unticked


def _system(key: str = "field-planner") -> System | None:
    return db.session.scalar(select(System).where(System.key == key))


def _error(page: str, field: str) -> str | None:
    match = re.search(rf'<small class="field-error" id="{field}-error">([^<]*)</small>', page)
    return match.group(1) if match else None


def test_create_a_system(client, admin, make_account, audit_entries):
    owner = make_account(name="Olle Owner")
    response = client.post("/admin/systems/new", data=_form(owner_id=str(owner.id)))
    assert response.status_code == 303
    assert response.headers["Location"] == "/systems/field-planner"
    system = _system()
    assert (system.name, system.category, system.vendor) == ("Field Planner", "Scheduling", "Plano AB")
    assert (system.seat_cost, system.currency, system.owner_id) == (Decimal("240.50"), "SEK", owner.id)
    entry = audit_entries("system")[-1]
    assert (entry.action, entry.entity_key, entry.actor) == ("create", "field-planner", admin.name)
    assert entry.changes["owner"] == [None, owner.email]
    assert entry.changes["seat_cost"] == [None, "240.50"]


def test_new_form_offers_existing_categories_and_defaults(client, admin, make_system):
    make_system(category="Collaboration")
    page = client.get("/admin/systems/new").get_data(as_text=True)
    assert '<option value="Collaboration"></option>' in page
    assert 'list="category-options"' in page
    assert 'name="currency" required type="text" value="EUR"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"key": "Field Planner"}, "key", "Use lowercase letters, digits, - and _"),
        ({"key": "-planner"}, "key", "starting with a letter or digit"),
        ({"key": ""}, "key", "This field is required."),
        ({"name": ""}, "name", "This field is required."),
        ({"seat_cost": ""}, "seat_cost", "A per-seat licence needs a seat cost."),
        ({"seat_cost": "-1"}, "seat_cost", "The seat cost cannot be negative."),
        ({"seat_cost": "lots"}, "seat_cost", "Not a valid decimal value."),
        ({"currency": "XYZ"}, "currency", "XYZ is not an ISO 4217 currency code"),
        ({"currency": "EURO"}, "currency", "Three letters"),
        ({"license_model": "rental"}, "license_model", "Choose per seat, site licence or free."),
        ({"owner_id": "999999"}, "owner_id", "Choose an account from the list."),
    ],
)
def test_invalid_system_is_refused_inline(client, admin, overrides, field, message):
    response = client.post("/admin/systems/new", data=_form(**overrides))
    assert response.status_code == 200
    assert message in (_error(response.get_data(as_text=True), field) or "")
    assert db.session.scalar(select(System)) is None


def test_duplicate_key_is_refused_inline(client, admin, make_system):
    make_system(key="field-planner", name="Existing")
    response = client.post("/admin/systems/new", data=_form())
    assert _error(response.get_data(as_text=True), "key") == "A system with the key field-planner already exists."
    assert _system().name == "Existing"


@pytest.mark.parametrize("license_model", ["site", "free"])
def test_seat_cost_is_optional_without_seats(client, admin, license_model):
    response = client.post("/admin/systems/new", data=_form(license_model=license_model, seat_cost=""))
    assert response.status_code == 303
    assert _system().seat_cost is None


def test_edit_a_system_keeps_its_key(client, admin, make_system, audit_entries):
    make_system(key="crm", name="CRM", seat_cost=Decimal("100.00"))
    page = client.get("/admin/systems/crm/edit").get_data(as_text=True)
    assert 'value="crm" readonly' in page
    assert 'value="CRM"' in page
    response = client.post("/admin/systems/crm/edit", data=_form(key="hijack", name="CRM Online", seat_cost="110"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/systems/crm"
    system = _system("crm")
    assert (system.name, system.seat_cost) == ("CRM Online", Decimal("110.00"))
    assert _system("hijack") is None
    changes = audit_entries("system")[-1].changes
    assert changes["name"] == ["CRM", "CRM Online"]
    assert changes["seat_cost"] == ["100.00", "110.00"]
    assert "key" not in changes


def test_edit_refuses_invalid_input_and_saves_nothing(client, admin, make_system):
    make_system(key="crm", name="CRM")
    response = client.post("/admin/systems/crm/edit", data=_form(name="Changed", currency="QQQ"))
    assert "QQQ is not an ISO 4217 currency code" in response.get_data(as_text=True)
    assert _system("crm").name == "CRM"


def test_unknown_system_is_404(client, admin):
    assert client.get("/admin/systems/nope/edit").status_code == 404


HTMX = {"HX-Request": "true"}


def test_edit_page_lists_modules_with_an_add_form(client, admin, make_system):
    make_system(key="erp", modules=(("finance", True), ("payroll", False)))
    page = client.get("/admin/systems/erp/edit").get_data(as_text=True)
    assert '<section id="modules"' in page
    assert "<code>finance</code>" in page
    assert 'hx-post="/admin/systems/erp/modules"' in page


def test_add_a_module_with_htmx_returns_the_partial_only(client, admin, make_system, audit_entries):
    system = make_system(key="erp", modules=())
    data = {"module-key": "planning", "module-name": "Monthly planning", "module-is_core": "y"}
    response = client.post("/admin/systems/erp/modules", data=data, headers=HTMX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<section id="modules"')
    assert "<html" not in page
    assert "<code>planning</code>" in page
    module = db.session.scalar(select(Module).where(Module.system_id == system.id))
    assert (module.key, module.name, module.is_core) == ("planning", "Monthly planning", True)
    entry = audit_entries("module")[-1]
    assert (entry.action, entry.entity_key) == ("create", "erp/planning")


def test_duplicate_module_key_is_an_inline_error_in_the_partial(client, admin, make_system):
    make_system(key="erp", modules=(("finance", True),))
    data = {"module-key": "finance", "module-name": "Finance again"}
    response = client.post("/admin/systems/erp/modules", data=data, headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page
    assert _error(page, "module-key").endswith("already has a module with the key finance.")
    assert db.session.scalar(select(Module.name).where(Module.key == "finance")) == "Finance"


def test_invalid_module_key_is_an_inline_error(client, admin, make_system):
    make_system(key="erp", modules=())
    response = client.post(
        "/admin/systems/erp/modules", data={"module-key": "Bad Key", "module-name": "X"}, headers=HTMX
    )
    assert "Use lowercase letters" in _error(response.get_data(as_text=True), "module-key")
    assert db.session.scalar(select(Module)) is None


def test_add_a_module_without_htmx_redirects_to_the_edit_page(client, admin, make_system):
    make_system(key="erp", modules=())
    response = client.post("/admin/systems/erp/modules", data={"module-key": "hr", "module-name": "HR"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/systems/erp/edit"
    assert db.session.scalar(select(Module.key)) == "hr"


def test_module_error_without_htmx_shows_the_whole_page(client, admin, make_system):
    make_system(key="erp", name="ERP", modules=(("hr", False),))
    response = client.post("/admin/systems/erp/modules", data={"module-key": "hr", "module-name": "HR"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert 'value="ERP"' in page
    assert "already has a module with the key hr" in page


def test_remove_a_module_with_htmx(client, admin, make_system, audit_entries):
    system = make_system(key="erp", modules=(("finance", True), ("payroll", False)))
    payroll = next(module for module in system.modules if module.key == "payroll")
    response = client.post(f"/admin/systems/erp/modules/{payroll.id}/delete", headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page
    assert "<code>payroll</code>" not in page
    assert list(db.session.scalars(select(Module.key))) == ["finance"]
    entry = audit_entries("module")[-1]
    assert (entry.action, entry.entity_key, entry.changes["name"]) == ("delete", "erp/payroll", ["Payroll", None])


def test_remove_a_module_without_htmx_redirects(client, admin, make_system):
    system = make_system(key="erp", modules=(("finance", True),))
    response = client.post(f"/admin/systems/erp/modules/{system.modules[0].id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/systems/erp/edit"
    assert db.session.scalar(select(Module)) is None


def test_a_module_of_another_system_is_404(client, admin, make_system):
    make_system(key="erp")
    other = make_system(key="crm")
    response = client.post(f"/admin/systems/erp/modules/{other.modules[0].id}/delete")
    assert response.status_code == 404
    assert len(db.session.scalars(select(Module).where(Module.system_id == other.id)).all()) == 2


def test_a_system_can_be_marked_not_measured_by_use(client, admin, make_system, audit_entries):
    page = client.get("/admin/systems/new").get_data(as_text=True)
    assert '<input checked id="measured_by_use" name="measured_by_use" type="checkbox" value="y">' in page
    assert "An endpoint agent or a mandatory training: its value is not in people using it" in page
    assert client.post("/admin/systems/new", data=_form(measured_by_use=None)).status_code == 303
    assert _system().measured_by_use is False
    assert audit_entries("system")[-1].changes["measured_by_use"] == [None, False]
    shown = client.get("/systems/field-planner").get_data(as_text=True)
    assert "never on seats used or active people" in shown
    make_system(key="crm", name="CRM", seat_cost=Decimal("100.00"))
    assert _system("crm").measured_by_use is True  # the default
    assert client.post("/admin/systems/crm/edit", data=_form(measured_by_use=None)).status_code == 303
    assert _system("crm").measured_by_use is False
    assert audit_entries("system")[-1].changes["measured_by_use"] == [True, False]
    assert client.post("/admin/systems/crm/edit", data=_form()).status_code == 303
    assert _system("crm").measured_by_use is True
