"""Every main page, as each role sees it, passes axe-core's checks (WCAG 2.1 A and AA rules and best practice):
names and labels on every control, contrast, landmarks, headings, tables, ARIA used as specified."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from models import Role, db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
REVIEW = "?from=2026-05-21&to=2026-08-20"
PAGES = {
    Role.ADMIN: [
        "/",
        "/portfolio/",
        "/portfolio/movers?since=2026-06-01",
        "/systems/",
        "/systems/crm",
        "/units/",
        "/units/?q=sur",
        "/units/declining",
        "/units/declining/explain",
        "/units/declining/explain?system=crm",
        f"/units/declining/review{REVIEW}",
        "/admin/",
        "/admin/accounts",
        "/admin/audit",
        "/admin/units/declining/edit",
        "/admin/units/new",
        "/admin/systems/new",
        "/admin/systems/crm/edit",
        "/admin/subscriptions/new",
        "/admin/accounts/new",
        "/admin/tokens",
        "/admin/tokens/new",
        "/admin/scoring",
        "/admin/scoring/adoption/edit",
        "/admin/imports/",
        "/admin/imports/new",
        "/admin/imports/{run}",
        "/admin/risk-reasons",
        "/account/password",
    ],
    Role.ACCOUNT_MANAGER: [
        "/portfolio/",
        "/portfolio/?colour=red&stage=decline",
        "/risks/",
        "/risks/escalation",
        "/risks/{risk}",
        "/risks/{risk}/edit",
        "/risks/{risk}/close",
        "/risks/new?unit=declining",
        "/units/declining/plan",
        "/units/declining/goals/new",
        "/units/declining/timeline",
        "/units/declining/touchpoints",
    ],
    Role.DEPT_HEAD: ["/", f"/units/scheduling/review{REVIEW}", "/units/scheduling/plan", "/units/scheduling/timeline"],
}


def follow_up_work(manager) -> int:
    """Something on every page of the risk register and the plans: suggestions, a risk with its plan, a goal, a
    plan step, a touchpoint."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from models import Person, PlanSide, TouchpointKind, Unit
    from portal.services.risks import lifecycle as risks
    from portal.services.risks import reasons as risk_reasons
    from portal.services.risks import suggestions as risk_suggestions
    from portal.services.units import goals, touchpoints
    from portal.services.units import plan as success_plan
    from tests.services.health.organisation import AS_OF

    risk_reasons.add_defaults()
    risk_suggestions.refresh(AS_OF)
    risk = risk_suggestions.accept(risk_suggestions.pending()[0], manager)
    route = risks.add_route(risk, "Retrain the team", manager)
    risks.add_step(route, "Book sessions", manager.id, date(2026, 9, 1), manager)
    for key in ("declining", "scheduling"):
        unit = db.session.scalar(select(Unit).where(Unit.key == key))
        goal = goals.create(
            unit,
            goals.GoalDetails("Plan every job", "jobs a day", Decimal(10), Decimal(50), date(2026, 12, 1)),
            manager,
        )
        goals.record_progress(goal, Decimal(20), AS_OF, "", AS_OF, manager)
        success_plan.add_step(unit, success_plan.StepDetails("Name super-users", PlanSide.UNIT, "Ida", AS_OF), manager)
        person = db.session.scalar(select(Person).where(Person.unit_id == unit.id))
        touchpoints.log(
            unit,
            touchpoints.TouchpointDetails(TouchpointKind.MEETING, AS_OF, manager.id, [person.id], ""),
            AS_OF,
            manager,
        )
    return risk.id


def problems(results) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in violation["nodes"][:3]
        )
        for violation in results.response["violations"]
    ]


def test_the_main_pages_pass_the_accessibility_checker(page, live_server, sign_in, make_account, scored):
    from sqlalchemy import select, update

    from models import ImportRun, Unit

    accounts = {
        Role.ADMIN: make_account(role=Role.ADMIN.value),
        Role.ACCOUNT_MANAGER: make_account(role=Role.ACCOUNT_MANAGER.value),
        Role.DEPT_HEAD: make_account(
            role=Role.DEPT_HEAD.value, units=[db.session.scalar(select(Unit).where(Unit.key == "scheduling"))]
        ),
    }
    db.session.execute(update(Unit).values(account_manager_id=accounts[Role.ACCOUNT_MANAGER].id))
    risk_id = follow_up_work(accounts[Role.ACCOUNT_MANAGER])
    run_id = db.session.scalar(select(ImportRun.id).order_by(ImportRun.id.desc()).limit(1))  # ids go on in PostgreSQL
    db.session.commit()
    axe = Axe()
    found: dict[str, list[str]] = {}
    page.goto(f"{live_server}/login")
    found["/login"] = problems(axe.run(page, options=RULES))
    for role, paths in PAGES.items():
        page.context.clear_cookies()
        sign_in(page, accounts[role])
        for path in (template.format(risk=risk_id, run=run_id) for template in paths):
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, path
            found[f"{role.value} {path}"] = problems(axe.run(page, options=RULES))
    # The explanation panel, opened in place on the department head's unit page.
    page.goto(f"{live_server}/")
    page.locator("a[href*='/explain']").first.click()
    page.locator("#explanation section").first.wait_for()
    found["dept_head explanation panel"] = problems(axe.run(page, options=RULES))
    failing = [f"{where}: {issue}" for where, issues in found.items() for issue in issues]
    assert not failing, "\n".join(failing)


def test_a_keyboard_opens_an_explanation_and_comes_back_where_it_was(page, sign_in, make_account, scored):
    from sqlalchemy import select

    from models import Unit

    head = make_account(
        role=Role.DEPT_HEAD.value, units=[db.session.scalar(select(Unit).where(Unit.key == "scheduling"))]
    )
    sign_in(page, head)
    page.get_by_role("heading", name="Systems at a glance").wait_for()
    for _ in range(80):  # Tab through the page to the unit's colour
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('explain-link')"):
            break
    else:
        pytest.fail("no explanation link is reachable with Tab")
    opener = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    heading = page.locator("#explanation-title")
    expect(heading).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#explanation section")).to_have_count(0)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == opener
