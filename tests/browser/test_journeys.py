"""The main journeys, as a person would take them, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models import Role, db
from portal.services.demo import load_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(make_account, make_unit, make_system, make_subscription):
    admin = make_account(role=Role.ADMIN.value, name="Ada Admin")
    operations = make_unit(key="operations", name="Operations")
    scheduling = make_unit(key="technician-scheduling", name="Technician Scheduling", parent=operations)
    finance = make_unit(key="finance", name="Finance")
    planner = make_system(
        key="planner",
        name="FieldPlanner",
        category="Scheduling",
        vendor="IFS",
        owner=admin,
        modules=(("monthly_planning", True), ("dispatch", True), ("analytics", False)),
    )
    ledger = make_system(key="ledger", name="Ledger ERP", category="ERP", vendor="SAP")
    make_subscription(unit=scheduling, system=planner, seats=40)
    make_subscription(unit=finance, system=ledger, seats=25)
    head = make_account(role=Role.DEPT_HEAD.value, name="Sven Head", units=[scheduling])
    return {"admin": admin, "head": head, "scheduling": scheduling, "finance": finance}


def test_sign_in_and_out(page, live_server, sign_in, organisation):
    sign_in(page, organisation["admin"], password="not the password")
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    sign_in(page, organisation["admin"])
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for item in ("Overview", "Units", "Systems", "Admin"):
        expect(nav.get_by_role("link", name=item)).to_be_visible()
    page.click("summary[aria-label='Account menu']")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Rapport")).to_be_visible()


def test_search_the_catalog_and_open_a_system(page, live_server, sign_in, organisation):
    sign_in(page, organisation["admin"])
    page.goto(f"{live_server}/systems/")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    page.evaluate("window.sameDocument = true")  # survives only if the page is not reloaded
    page.fill("input[name=q]", "plann")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page).to_have_url(f"{live_server}/systems/?q=plann")
    assert page.evaluate("window.sameDocument") is True
    page.select_option("select[name=category]", "ERP")
    expect(page.get_by_text("No system matches these filters")).to_be_visible()
    page.fill("input[name=q]", "")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Ledger ERP").click()
    expect(page.get_by_role("heading", name="Ledger ERP", exact=True)).to_be_visible()
    page.goto(f"{live_server}/systems/planner")
    expect(page.locator(".module-list li")).to_have_count(3)
    expect(page.locator(".badge-core")).to_have_count(2)
    expect(page.get_by_role("link", name="Technician Scheduling")).to_be_visible()


def test_department_head_sees_only_their_unit(page, live_server, sign_in, organisation):
    sign_in(page, organisation["head"])
    expect(page).to_have_url(f"{live_server}/units/technician-scheduling")
    expect(page.get_by_role("heading", name="Technician Scheduling")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Systems")).to_have_count(0)
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
    response = page.goto(f"{live_server}/units/finance")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert "Finance" not in page.content()
    page.goto(f"{live_server}/units/")
    assert "Finance" not in page.content()
    assert "Operations" not in page.content()


def test_screenshots_of_the_main_pages(page, live_server, sign_in, screenshot, app):
    """Not an assertion of looks: pictures for people to look at, on the demo organisation."""
    from datetime import date

    result = load_demo(seed=7, today=date(2026, 11, 1))
    db.session.commit()
    page.goto(f"{live_server}/login")
    screenshot(page, "login")
    admin = next(c for c in result.credentials if c.role == Role.ADMIN)
    head = next(c for c in result.credentials if c.role == Role.DEPT_HEAD)
    sign_in(page, admin, password=admin.password)
    pages = {
        "overview": "/",
        "catalog": "/systems/",
        "catalog-search": "/systems/?q=sales",
        "system": "/systems/ifs-fsm",
        "units": "/units/",
        "unit": "/units/technician-scheduling",
        "admin": "/admin/",
        "admin-accounts": "/admin/accounts",
        "admin-unit-edit": "/admin/units/technician-scheduling/edit",
        "admin-audit": "/admin/audit",
    }
    for name, path in pages.items():
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        screenshot(page, f"laptop-{name}")
    page.set_viewport_size({"width": 390, "height": 844})
    for name in ("overview", "catalog", "unit"):
        page.goto(f"{live_server}{pages[name]}")
        screenshot(page, f"phone-{name}")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, head, password=head.password)
    screenshot(page, "laptop-dept-head-unit")


def test_an_admin_uploads_a_file_and_watches_it_land(
    app, page, live_server, sign_in, organisation, screenshot, tmp_path, monkeypatch
):
    from models import Person
    from portal.services.imports import worker

    monkeypatch.setitem(app.config, "IMPORT_DIR", str(tmp_path / "imports"))
    db.session.add(Person(key="p1", unit=organisation["scheduling"], role="key_user"))
    db.session.commit()
    upload = tmp_path / "usage.csv"
    upload.write_text(
        "person_key,system_key,occurred_at,feature\n"
        "p1,planner,2026-11-02T08:00:00Z,monthly_planning\n"
        "p1,planner,31/02/2026,dispatch\n"
    )
    sign_in(page, organisation["admin"])
    page.goto(f"{live_server}/admin/imports/new")
    page.select_option("select[name=kind]", "usage")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("Finished with refused rows").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("occurred_at: '31/02/2026' is not a date (YYYY-MM-DD)")).to_be_visible()
    screenshot(page, "import-run")
    page.get_by_role("link", name="Imports").first.click()
    expect(page.get_by_role("heading", name="Imports")).to_be_visible()
    expect(page.get_by_text("usage.csv").first).to_be_visible()
    screenshot(page, "import-history")
    worker.wait_for_all(30)
