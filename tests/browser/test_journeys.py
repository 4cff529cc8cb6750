"""The main journeys, as a person would take them, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models import Role, db
from portal import clock
from portal.services.demo import load_demo
from tests.scores import add_score

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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
        "portfolio": "/portfolio/",
        "movers": "/portfolio/movers",
        "catalog": "/systems/",
        "catalog-search": "/systems/?q=sales",
        "system": "/systems/ifs-fsm",
        "units": "/units/",
        "unit": "/units/technician-scheduling",
        "review": "/units/technician-scheduling/review",
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
    for name in ("overview", "portfolio", "catalog", "system", "unit", "review"):
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


def test_an_account_manager_filters_the_portfolio_and_opens_an_explanation(
    page, live_server, sign_in, make_account, make_unit, make_system, make_subscription, screenshot
):
    from datetime import timedelta

    anna = make_account(name="Anna Manager")
    crm = make_system(key="crm", name="CRM")
    units = {}
    for key, colour, score in (("north", "red", 35), ("south", "yellow", 60), ("west", "green", 88)):
        unit = units[key] = make_unit(key=key, name=key.capitalize(), account_manager=anna)
        subscription = make_subscription(unit=unit, system=crm, seats=10)
        for back in range(6):
            day = clock.today() - timedelta(weeks=back)
            explanation = {
                "measures": [
                    {
                        "key": "breadth",
                        "raw": 0.3,
                        "score": score,
                        "weight": 10,
                        "share": 1.0,
                        "contribution": score,
                        "change": -5.0,
                        "reason": f"{key}: 3 of 10 active",
                        "critical": False,
                    }
                ],
                "lift": "breadth: raise its score",
            }
            parts = {
                "children": [
                    {
                        "unit_key": key,
                        "system_key": "crm",
                        "name": "CRM",
                        "score": score,
                        "colour": colour,
                        "stage": "adoption",
                        "seats": 10,
                    }
                ]
            }
            for sub in (None, subscription):
                add_score(
                    unit,
                    day,
                    colour,
                    score=score,
                    subscription=sub,
                    reasons=[f"{key} reason"],
                    explanation=explanation if sub else parts,
                )
    db.session.commit()
    sign_in(page, anna)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    rows = page.locator(".portfolio-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("North")  # red first
    page.evaluate("window.sameDocument = true")
    page.select_option("select[name=colour]", "yellow")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("South")
    expect(page).to_have_url(f"{live_server}/portfolio/?colour=yellow")
    assert page.evaluate("window.sameDocument") is True  # filtered in place, not reloaded
    page.get_by_role("link", name="Why yellow: explain South’s score").click()
    panel = page.locator("#explanation")
    expect(panel.get_by_role("heading", name="Why yellow: South")).to_be_visible()
    panel.get_by_role("link", name="Explain CRM").click()
    expect(panel.get_by_text("south: 3 of 10 active")).to_be_visible()
    expect(panel.get_by_text("To lift it one colour:")).to_be_visible()
    screenshot(page, "portfolio-explanation")
    page.keyboard.press("Escape")
    expect(panel.locator("section")).to_have_count(0)


def test_a_department_head_reads_the_unit_page_and_downloads_its_review(
    page, live_server, sign_in, make_account, scored, screenshot
):
    from pypdf import PdfReader
    from sqlalchemy import select

    from models import Unit

    idle = db.session.scalar(select(Unit).where(Unit.key == "idle"))
    head = make_account(role=Role.DEPT_HEAD.value, name="Ida Head", units=[idle])
    sign_in(page, head)
    expect(page).to_have_url(f"{live_server}/units/idle")
    expect(page.get_by_role("heading", name="Systems at a glance")).to_be_visible()
    expect(page.locator(".system-card")).to_have_count(1)
    page.get_by_role("button", name="Success review").click()
    page.fill("input[name=from]", "2026-05-21")
    page.fill("input[name=to]", "2026-08-20")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server}/units/idle/review?from=2026-05-21&to=2026-08-20")
    expect(page.get_by_role("heading", name="Executive summary")).to_be_visible()
    summary = page.locator("article").first.locator("p").first.inner_text()
    unused = page.locator("td.num.nowrap").first.inner_text()  # the licence table's unused seats a year
    screenshot(page, "review-page")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages).replace("\n", " ")
    assert summary[:60] in text
    same_spaces = str.maketrans({"\u202f": " ", "\u00a0": " "})
    assert unused.translate(same_spaces) in text.translate(same_spaces)


def test_an_account_manager_takes_a_red_signal_to_a_saved_risk(
    page, live_server, sign_in, make_account, scored, screenshot
):
    """From the data's suggestion to a risk, its two-route plan, mitigation, and "saved"."""
    from sqlalchemy import select, update

    from models import Risk, Unit
    from portal.services.risks import reasons as risk_reasons
    from portal.services.risks import suggestions as risk_suggestions
    from tests.services.health.organisation import AS_OF

    anna = make_account(name="Anna Manager")
    db.session.execute(update(Unit).values(account_manager_id=anna.id))
    risk_reasons.add_defaults()
    risk_suggestions.refresh(AS_OF)
    db.session.commit()
    sign_in(page, anna)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Risks").click()
    suggestions = page.locator("#suggestions .suggestion")
    expect(suggestions.first).to_be_visible()
    first = suggestions.first
    signal = first.locator("strong").first.inner_text()
    first.get_by_role("button", name="Open a risk").click()
    expect(page.get_by_text("The risk is in the register, from the data signal.")).to_be_visible()
    expect(page.get_by_text(signal + ":", exact=False).first).to_be_visible()

    page.get_by_role("button", name="Start mitigating").click()
    expect(page.get_by_text("Mitigation starts once the plan has at least 2 mitigation routes")).to_be_visible()
    for title, action in (("Retrain the team", "Book two sessions"), ("Win back the head", "Meet the head")):
        page.get_by_label("New route").fill(title)
        page.get_by_role("button", name="Add the route").click()
        route = page.locator(".route", has_text=title)
        route.get_by_text("Add a step").click()
        route.get_by_label("Step").fill(action)
        route.get_by_label("Owner").select_option(label="Anna Manager (Account manager)")
        route.get_by_label("Due").fill("2026-09-15")
        route.get_by_role("button", name="Add the step").click()
        expect(page.locator(".route", has_text=title).get_by_text(action)).to_be_visible()
    page.get_by_role("button", name="Start mitigating").click()
    expect(page.get_by_text("The risk is now mitigating.")).to_be_visible()
    page.get_by_label("Comment").fill("The head agreed to the training.")
    page.get_by_role("button", name="Comment").click()
    screenshot(page, "risk-mitigating")

    page.get_by_role("button", name="Close…").click()
    page.get_by_label("Outcome").select_option("saved")
    page.get_by_label("Note").fill("Use is back.")
    page.get_by_role("button", name="Close the risk").click()
    expect(page.get_by_text("The risk is closed: saved.")).to_be_visible()
    expect(page.get_by_text("Closed the risk: saved")).to_be_visible()
    risk = db.session.scalar(select(Risk))
    assert (risk.status, risk.outcome, len(risk.routes)) == ("closed", "saved", 2)
    # The refused first move left no trace; each change did.
    assert [event.kind for event in risk.events] == [
        "opened",
        "route",
        "step",
        "route",
        "step",
        "status",
        "comment",
        "closed",
    ]


def test_the_cio_makes_a_months_report_again_and_reads_it(page, live_server, sign_in, make_account, scored, screenshot):
    """The archive: a month not over is refused in words, a month is made twice (kept once, counted), and the
    PDF downloaded opens on the month's first page."""
    from pypdf import PdfReader

    cio = make_account(role=Role.CIO.value, name="Cleo CIO")
    sign_in(page, cio)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Monthly reports for the CIO")).to_be_visible()
    expect(page.get_by_text("No report yet.")).to_be_visible()

    page.get_by_label("Month").fill(f"{clock.today():%Y-%m}")
    page.get_by_role("button", name="Make the report").click()
    expect(page.get_by_text("is not over yet: a month is reported once it has ended.")).to_be_visible()

    for _ in range(2):
        page.get_by_label("Month").fill("2026-07")
        page.get_by_role("button", name="Make the report").click()
        expect(page.get_by_text("The July 2026 report is made from the data as it is now.")).to_be_visible()
    row = page.get_by_role("row", name="July 2026")
    expect(row).to_have_count(1)
    expect(row.get_by_text("by Cleo CIO · made 2 times")).to_be_visible()
    expect(row.get_by_text("kept, not sent")).to_be_visible()
    row.get_by_text("The month in short").click()
    expect(row.locator("details.headlines li").first).to_contain_text("of the units are green")
    screenshot(page, "report-archive")

    with page.expect_download() as download:
        row.get_by_role("button", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    first, *rest = PdfReader(download.value.path()).pages
    cover = first.extract_text().replace("\n", " ")
    assert "IT customer success in July 2026" in cover and "Headlines" in cover and "In this report" in cover
    assert "Decisions asked of the CIO" in " ".join(p.extract_text() for p in rest).replace("\n", " ")


def test_a_person_signs_in_through_the_identity_provider(page, live_server, sso, screenshot):
    """Single sign-on in the browser: Rapport's button, the provider's own page on another port, and back."""
    sso.add_person("ingrid.berg@example.com", "Ingrid Berg", ["rapport-managers"])
    page.goto(f"{live_server}/login")
    page.click("text=Sign in with Test ID")
    page.wait_for_url(f"{sso.url}/authorize**")
    page.fill("input[name=login_email]", "ingrid.berg@example.com")
    page.click("text=Sign in at the provider")
    page.wait_for_url(f"{live_server}/")
    assert "Ingrid Berg" in page.content()
    screenshot(page, "sso-signed-in")
