"""The risk register's rules: impact from the subscription, the owner, the two-route rule, the moves, closing
with an outcome and a reason, and every change on the risk's timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditLog, Probability, RiskBucket, RiskOutcome, RiskReason, RiskSource, RiskStatus, Role, db
from portal.services.risks import lifecycle as risks
from portal.services.risks import reasons as risk_reasons
from portal.services.risks.register import RegisterFilters, open_risks, register


@pytest.fixture
def reasons():
    risk_reasons.add_defaults()
    db.session.commit()
    return {reason.name: reason for reason in db.session.scalars(select(RiskReason))}


@pytest.fixture
def setting(make_account, make_unit, make_system, make_subscription, reasons):
    manager = make_account(name="Anna Manager")
    colleague = make_account(name="Bo Manager")
    unit = make_unit(key="planning", name="Planning", account_manager=manager)
    system = make_system(key="fsm", name="Field Service", seat_cost=Decimal("60.00"), currency="SEK")
    make_subscription(unit=unit, system=system, seats=40)
    return {"manager": manager, "colleague": colleague, "unit": unit, "system": system, "reasons": reasons}


def assessment(setting, **changes) -> risks.Assessment:
    values = {
        "system_id": setting["system"].id,
        "reason_id": setting["reasons"]["Budget cut"].id,
        "source": RiskSource.ENVIRONMENT,
        "probability": Probability.CONSIDERING,
        "seats_at_stake": None,
        "cost_at_stake": None,
        "owner_id": None,
        "description": "The division's budget is cut by a fifth.",
    }
    values.update(changes)
    return risks.Assessment(**values)


def opened(setting, **changes):
    risk = risks.open_risk(setting["unit"], assessment(setting, **changes), setting["manager"])
    db.session.commit()
    return risk


def test_a_new_risk_takes_its_impact_from_the_subscription_and_its_owner_from_the_unit(setting):
    risk = opened(setting)
    assert (risk.seats_at_stake, risk.cost_at_stake, risk.currency) == (40, Decimal("2400.00"), "SEK")
    assert risk.owner == setting["manager"] and risk.status == RiskStatus.OPEN
    assert [event.kind for event in risk.events] == ["opened"]
    assert risk.events[0].text == "The division's budget is cut by a fifth."
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity_type == "risk"))
    assert entry.action == "opened" and entry.changes["seats_at_stake"] == [None, 40]


def test_what_is_at_stake_and_the_owner_can_be_said_otherwise(setting):
    risk = opened(setting, seats_at_stake=15, cost_at_stake=Decimal("900"), owner_id=setting["colleague"].id)
    assert (risk.seats_at_stake, risk.cost_at_stake, risk.owner) == (15, Decimal("900"), setting["colleague"])


def test_a_risk_on_the_whole_unit_takes_all_its_subscriptions(setting, make_system, make_subscription):
    make_subscription(unit=setting["unit"], system=make_system(currency="SEK", seat_cost=Decimal("10")), seats=5)
    risk = opened(setting, system_id=None)
    assert (risk.system, risk.seats_at_stake, risk.cost_at_stake) == (None, 45, Decimal("2450.00"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("other_system", "system_id"),
        ("dept_head_owner", "owner_id"),
        ("negative", "cost_at_stake"),
        ("reason", "reason_id"),
    ],
)
def test_a_risk_that_breaks_a_rule_is_refused_where_it_breaks_it(setting, make_system, make_account, change, field):
    changes = {
        "other_system": {"system_id": make_system().id},
        "dept_head_owner": {"owner_id": make_account(role=Role.DEPT_HEAD.value).id},
        "negative": {"cost_at_stake": Decimal("-1")},
        "reason": {"reason_id": 999_999},
    }[change]
    with pytest.raises(risks.RiskError) as refused:
        risks.open_risk(setting["unit"], assessment(setting, **changes), setting["manager"])
    assert refused.value.field == field


def test_mitigation_waits_for_two_routes_each_with_a_step(setting):
    risk = opened(setting)
    manager, due = setting["manager"], date(2026, 12, 1)
    with pytest.raises(risks.RiskError, match="at least 2 mitigation routes \\(it has 0\\)"):
        risks.move(risk, RiskStatus.MITIGATING, manager)
    training = risks.add_route(risk, "Retrain the planners", manager)
    risks.add_step(training, "Book two sessions", manager.id, due, manager)
    with pytest.raises(risks.RiskError, match="it has 1"):
        risks.move(risk, RiskStatus.MITIGATING, manager)
    sponsor = risks.add_route(risk, "Win a sponsor in finance", manager)
    with pytest.raises(risks.RiskError, match="a step on the route “Win a sponsor in finance”"):
        risks.move(risk, RiskStatus.MITIGATING, manager)
    risks.add_step(sponsor, "Meet the controller", manager.id, due, manager)
    risks.move(risk, RiskStatus.MITIGATING, manager)
    assert risk.status == RiskStatus.MITIGATING
    assert risks.plan_gaps(risk) == []


def test_a_step_needs_an_owner_in_it_and_a_due_date(setting, make_account):
    risk = opened(setting)
    route = risks.add_route(risk, "Retrain", setting["manager"])
    with pytest.raises(risks.RiskError) as no_owner:
        risks.add_step(route, "Book", None, date(2026, 12, 1), setting["manager"])
    assert no_owner.value.field == "owner_id"
    head = make_account(role=Role.DEPT_HEAD.value)
    with pytest.raises(risks.RiskError):
        risks.add_step(route, "Book", head.id, date(2026, 12, 1), setting["manager"])
    with pytest.raises(risks.RiskError) as no_date:
        risks.add_step(route, "Book", setting["manager"].id, None, setting["manager"])
    assert no_date.value.field == "due_on"
    with pytest.raises(risks.RiskError, match="already has the route"):
        risks.add_route(risk, "retrain", setting["manager"])


def test_moves_go_forward_or_one_step_back_and_a_closed_risk_stays_closed(setting):
    risk, manager = opened(setting), setting["manager"]
    assert [to for to, _ in risks.next_moves(risk)] == [RiskStatus.ASSESSING, RiskStatus.MITIGATING]
    risks.move(risk, RiskStatus.ASSESSING, manager)
    with pytest.raises(risks.RiskError, match="from assessing to open"):
        risks.move(risk, RiskStatus.OPEN, manager)
    reason = setting["reasons"]["Low adoption"]
    risks.close(risk, RiskOutcome.DOWNGRADED, reason.id, "They kept 25 seats.", manager)
    db.session.commit()
    assert (risk.status, risk.outcome, risk.outcome_reason, risk.closed_at is not None) == (
        "closed",
        "downgraded",
        reason,
        True,
    )
    for change in (
        lambda: risks.move(risk, RiskStatus.ASSESSING, manager),
        lambda: risks.add_route(risk, "Too late", manager),
        lambda: risks.close(risk, RiskOutcome.SAVED, reason.id, "", manager),
    ):
        with pytest.raises(risks.RiskError, match="closed"):
            change()
    assert risks.next_moves(risk) == []


def test_closing_needs_the_reason_it_ended_so(setting):
    risk = opened(setting)
    with pytest.raises(risks.RiskError) as refused:
        risks.close(risk, RiskOutcome.LOST, 999_999, "", setting["manager"])
    assert refused.value.field == "outcome_reason_id"


def test_every_change_and_comment_lands_on_the_timeline_in_order(setting):
    risk, manager = opened(setting), setting["manager"]
    risks.reassess(risk, assessment(setting, probability=Probability.LIKELY, seats_at_stake=20), manager)
    risks.reassess(risk, assessment(setting, probability=Probability.LIKELY, seats_at_stake=20), manager)  # no change
    route = risks.add_route(risk, "Retrain", manager)
    step = risks.add_step(route, "Book sessions", manager.id, date(2026, 12, 1), manager)
    risks.complete_step(step, manager)
    risks.complete_step(step, manager)  # a second click changes nothing
    risks.comment(risk, "Spoke to the head: they want a cheaper tier.", manager)
    risks.move(risk, RiskStatus.ASSESSING, manager)
    db.session.commit()
    assert [event.kind for event in risk.events] == [
        "opened",
        "assessed",
        "route",
        "step",
        "step_done",
        "comment",
        "status",
    ]
    assessed = risk.events[1].changes
    assert assessed["probability"] == ["considering", "likely"] and assessed["seats_at_stake"] == [40, 20]
    with pytest.raises(risks.RiskError):
        risks.comment(risk, "   ", manager)


def test_late_steps_are_counted(setting):
    risk, manager = opened(setting), setting["manager"]
    route = risks.add_route(risk, "Retrain", manager)
    today = date(2026, 11, 23)
    risks.add_step(route, "Overdue", manager.id, today - timedelta(days=1), manager)
    risks.add_step(route, "Due today", manager.id, today, manager)
    done = risks.add_step(route, "Done late", manager.id, today - timedelta(days=9), manager)
    risks.complete_step(done, manager)
    assert risk.late_steps(today) == 1


def test_the_register_filters_and_puts_the_most_at_stake_first(setting, make_unit, make_subscription):
    small = opened(setting, cost_at_stake=Decimal("100"))
    large = opened(
        setting,
        cost_at_stake=Decimal("5000"),
        reason_id=setting["reasons"]["Missing feature"].id,
        owner_id=setting["colleague"].id,
    )
    assert register(RegisterFilters()) == [large, small]
    assert register(RegisterFilters(bucket=RiskBucket.PRODUCT.value)) == [large]
    assert register(RegisterFilters(owner_id=setting["manager"].id)) == [small]
    risks.close(small, RiskOutcome.SAVED, small.reason_id, "", setting["manager"])
    db.session.commit()
    assert register(RegisterFilters()) == [large]
    assert register(RegisterFilters(status="closed")) == [small]
    assert register(RegisterFilters(status="all")) == [large, small]
    assert open_risks(setting["unit"].id) == [large]


def test_reasons_are_kept_by_admins_and_a_retired_one_stays_on_its_risks(setting):
    admin = setting["manager"]
    budget = setting["reasons"]["Budget cut"]
    risk = opened(setting)
    with pytest.raises(risk_reasons.ReasonError, match="already has"):
        risk_reasons.add(RiskBucket.COMMERCIAL, "  Budget   cut ", admin)
    added = risk_reasons.add(RiskBucket.COMMERCIAL, "Merger", admin)
    risk_reasons.update(budget, "Budget cut", False, admin)
    offered = dict(risk_reasons.choices())["Commercial"]
    assert (added.id, "Merger") in offered and budget.id not in dict(offered)
    assert budget.id in dict(dict(risk_reasons.choices(risk.reason))["Commercial"])
    assert risk.reason == budget
    assert risk_reasons.add_defaults() == 0


def test_the_escalation_view_groups_open_risks_and_counts_a_year_of_outcomes(setting):
    from datetime import UTC, datetime

    from portal.services.risks import escalation as risk_escalation

    manager = setting["manager"]
    budget, adoption = setting["reasons"]["Budget cut"].id, setting["reasons"]["Low adoption"].id
    big = opened(setting, cost_at_stake=Decimal("9000"))
    small = opened(setting, cost_at_stake=Decimal("1000"), reason_id=adoption, owner_id=setting["colleague"].id)
    old = opened(setting, cost_at_stake=Decimal("500"), reason_id=adoption)
    lost = opened(setting, reason_id=adoption)
    downgraded = opened(setting)
    today = date(2026, 11, 23)
    big.opened_at = datetime(2026, 11, 10, tzinfo=UTC)
    small.opened_at = datetime(2026, 9, 1, tzinfo=UTC)
    old.opened_at = datetime(2025, 3, 1, tzinfo=UTC)  # before the 12 months: not counted as opened in them
    lost.opened_at = downgraded.opened_at = datetime(2026, 6, 5, tzinfo=UTC)
    risks.close(lost, RiskOutcome.LOST, adoption, "", manager)
    risks.close(downgraded, RiskOutcome.DOWNGRADED, budget, "", manager)
    lost.closed_at = datetime(2026, 10, 2, tzinfo=UTC)
    downgraded.closed_at = datetime(2026, 11, 2, tzinfo=UTC)
    route = risks.add_route(small, "Retrain", manager)
    risks.add_step(route, "Book", setting["colleague"].id, today - timedelta(days=3), manager)
    db.session.commit()

    view = risk_escalation.build(today)
    assert view.open_risks == 3 and view.at_stake == {"SEK": Decimal("10500.00")}
    by_reason = [(g.name, g.count, g.at_stake["SEK"]) for g in view.by_reason]
    assert by_reason == [("Commercial: Budget cut", 1, Decimal("9000")), ("Success: Low adoption", 2, Decimal("1500"))]
    assert [(g.name, g.late_steps) for g in view.by_owner] == [("Anna Manager", 0), ("Bo Manager", 1)]
    assert [(g.name, g.count) for g in view.by_age] == [("Under 30 days", 1), ("30–90 days", 1), ("Over 180 days", 1)]
    assert view.largest == [big, small, old]
    assert [m.label for m in view.months][-1] == "Nov 26" and len(view.months) == 12
    by_label = {m.label: m for m in view.months}
    assert by_label["Jun 26"].opened == 2 and by_label["Nov 26"].opened == 1 and by_label["Sep 26"].opened == 1
    assert by_label["Oct 26"].closed["lost"] == 1 and by_label["Nov 26"].closed["downgraded"] == 1
    assert sum(m.opened for m in view.months) == 4
    assert view.lost_reasons == [("Success: Low adoption", 1)]
    assert view.downgraded_reasons == [("Commercial: Budget cut", 1)]
    assert "4 opened, 2 closed" in view.trend_chart().label


def test_a_plans_progress_reads_in_words_and_counts_steps_done_by_a_moment():
    from datetime import UTC, datetime

    from models import MitigationRoute, MitigationStep, Risk
    from portal.services.risks.lifecycle import plan_progress

    done_early = MitigationStep(action="call", done_at=datetime(2026, 9, 3, tzinfo=UTC))
    done_late = MitigationStep(action="meet", done_at=datetime(2026, 11, 2, tzinfo=UTC))
    risk = Risk(routes=[MitigationRoute(title="win back", steps=[done_early, done_late, MitigationStep(action="x")])])
    assert plan_progress(risk) == "1 route, 2 of 3 steps done"
    assert plan_progress(risk, datetime(2026, 11, 1, tzinfo=UTC)) == "1 route, 1 of 3 steps done"  # as of October
