"""The account managers' weekly digest, and the admins' word when a data feed goes quiet."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime, timedelta

from models import (
    ImportRun,
    MitigationRoute,
    MitigationStep,
    PlanStep,
    Risk,
    RiskReason,
    RiskSuggestion,
    Role,
    db,
)
from portal.services.platform import freshness
from portal.services.reports import digests
from tests.scores import add_score

TODAY = date(2026, 11, 23)


def messages(folder) -> list[email.message.Message]:
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def test_the_digest_tells_a_manager_the_weeks_changes_suggestions_and_late_steps(
    outbox, make_account, make_unit, make_system, make_subscription
):
    anna = make_account(name="Anna Manager", email="anna@example.test")
    make_account(name="Bo Manager", email="bo@example.test")  # a quiet week
    unit = make_unit(key="planning", name="Planning", account_manager=anna)
    system = make_system(name="Field Service")
    make_subscription(unit=unit, system=system)
    for day, colour in ((TODAY - timedelta(days=14), "green"), (TODAY - timedelta(days=2), "red")):
        add_score(unit, day, colour, score=40.0, reasons=["key users quieter"])
    db.session.add(
        RiskSuggestion(
            unit=unit,
            system=system,
            signal="ticket_surge",
            evidence="3× the usual tickets",
            first_seen_on=TODAY - timedelta(days=1),
            last_seen_on=TODAY,
        )
    )
    db.session.add(
        PlanStep(unit=unit, action="Train the planners", side="it", owner_name="Anna", due_on=TODAY - timedelta(days=3))
    )
    risk = Risk(unit=unit, reason=RiskReason(bucket="service", name="Slow fixes"), source="data", probability="likely")
    route = MitigationRoute(risk=risk, title="Fix faster")
    route.steps.append(MitigationStep(action="Call the vendor", owner=anna, due_on=TODAY - timedelta(days=1)))
    db.session.add_all([risk, route])
    db.session.commit()
    text = digests.digest_for(anna, TODAY).text(TODAY)
    assert "Planning: green, adoption → red, adoption (key users quieter)" in text
    assert "Planning × Field Service: Ticket surge. 3× the usual tickets" in text
    assert "“Train the planners” (Anna), due 20 Nov" in text and "risk at Planning: “Call the vendor”" in text
    assert digests.send_all(TODAY) == "2 digests: 0 by email, 2 to the outbox"
    sent = {message["To"]: message.get_payload() for message in messages(outbox)}
    assert "Ticket surge" in sent["anna@example.test"] and "A quiet week." in sent["bo@example.test"]


def test_feeds_gone_quiet_are_reported_to_the_admins(outbox, make_account):
    make_account(role=Role.ADMIN.value, email="admin@example.test")
    now = datetime(2026, 11, 23, 8, tzinfo=UTC)
    db.session.add_all(
        [
            ImportRun(
                kind="usage", source="api", status="succeeded", inserted=10, finished_at=now - timedelta(hours=20)
            ),
            ImportRun(
                kind="tickets", source="cli", status="succeeded", inserted=5, finished_at=now - timedelta(days=9)
            ),
            ImportRun(kind="surveys", source="cli", status="succeeded", inserted=0, unchanged=4, finished_at=now),
        ]
    )
    db.session.commit()
    said = freshness.check(now)
    assert "tickets: last data 9 days ago (14 Nov 2026)" in said and "surveys: nothing imported yet" in said
    assert "usage" not in said.split(";")[0]
    [message] = messages(outbox)
    assert message["To"] == "admin@example.test" and "tickets: last data 9 days ago" in message.get_payload()


def test_fresh_feeds_say_nothing(outbox):
    now = datetime(2026, 11, 23, 8, tzinfo=UTC)
    db.session.add_all(
        [
            ImportRun(kind=kind, source="api", status="succeeded", inserted=1, finished_at=now)
            for kind in freshness.FEEDS
        ]
    )
    db.session.commit()
    assert freshness.check(now) == "every feed sent data within its allowance"
    assert not outbox.exists() or messages(outbox) == []
