"""`flask demo`: loads once, prints a way in for every role, and gives new passwords on request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

import models.accounts
from models import Account, Person, Role, Unit, db
from portal import clock
from portal.services import demo
from portal.services.platform.accounts import authenticate, find_account

ROLE_LABELS = [role.label for role in Role]


@pytest.fixture
def cheap_hashing(monkeypatch):
    """scrypt costs half a second a hash; only one test needs to prove the real thing signs in."""

    def cheap(password: str) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1000")

    monkeypatch.setattr(demo, "generate_password_hash", cheap)
    monkeypatch.setattr(models.accounts, "generate_password_hash", cheap)


def _credentials(output: str) -> dict[str, tuple[str, str]]:
    """`{role label: (email, password)}` from the printed table."""
    rows = (re.split(r"\s{2,}", line.strip()) for line in output.splitlines())
    return {row[0]: (row[1], row[2]) for row in rows if len(row) == 3 and "@" in row[1]}


def _hashes() -> dict[str, str | None]:
    return {account.email: account.password_hash for account in db.session.scalars(select(Account))}


def test_demo_loads_its_past_and_prints_a_way_in_for_every_role(runner):
    result = runner.invoke(args=["demo", "--months", "1"])
    assert result.exit_code == 0, result.output
    assert "Demo organisation loaded (seed 7)" in result.output
    assert re.search(r"\d+ units · \d+ systems · \d+ subscriptions · [\d,]+ people · \d+ accounts", result.output)
    assert "http://127.0.0.1:5000" in result.output
    assert re.search(r"usage +[\d,]+ rows · Succeeded", result.output)
    assert re.search(r"tickets +[\d,]+ rows · Succeeded", result.output)
    credentials = _credentials(result.output)
    assert list(credentials) == ROLE_LABELS
    for label, (email, password) in credentials.items():
        account = authenticate(email, password)
        assert account is not None and account.role_enum.label == label
    # IT's follow-up work on top of the scores: risks from the data's suggestions, goals and plans, touchpoints.
    from models import Goal, PlanStep, Risk, RiskSuggestion, Touchpoint

    demo_risks = list(db.session.scalars(select(Risk)))
    outcomes = {(risk.status, risk.outcome or "") for risk in demo_risks}
    assert outcomes and outcomes <= {
        ("open", ""),
        ("assessing", ""),
        ("mitigating", ""),
        ("closed", "saved"),
        ("closed", "downgraded"),
        ("closed", "lost"),
    }
    # Every risk that was mitigated had its two routes first.
    assert all(len(risk.routes) >= 2 for risk in demo_risks if risk.status in ("mitigating", "closed"))
    assert db.session.scalar(select(func.count()).select_from(RiskSuggestion)) >= len(outcomes)
    for model in (Goal, PlanStep, Touchpoint):
        assert db.session.scalar(select(func.count()).select_from(model)) > 0, model
    # Last month's CIO report is in the archive, as the scheduler would have made it on the first.
    from models import MonthlyReport
    from portal.services.reports.cio import last_month

    [report] = db.session.scalars(select(MonthlyReport))
    assert (report.month, report.made_by) == (last_month(clock.today()), "the demo") and report.headlines


def test_demo_refuses_a_database_with_data(runner, make_unit):
    make_unit()
    result = runner.invoke(args=["demo", "--no-history"])
    assert result.exit_code != 0
    assert "only into an empty database" in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_if_empty_loads_an_empty_database(runner, cheap_hashing):
    result = runner.invoke(args=["demo", "--if-empty", "--seed", "3", "--no-history"])
    assert result.exit_code == 0, result.output
    assert "Demo organisation loaded (seed 3)" in result.output
    assert list(_credentials(result.output)) == ROLE_LABELS


def test_if_empty_on_a_loaded_database_changes_nothing(runner, cheap_hashing):
    assert runner.invoke(args=["demo", "--no-history"]).exit_code == 0
    before = (_hashes(), db.session.scalar(select(func.count()).select_from(Unit)))
    result = runner.invoke(args=["demo", "--if-empty", "--no-history"])
    assert result.exit_code == 0, result.output
    assert "already loaded" in result.output
    assert "flask demo --new-passwords" in result.output
    assert "admin@demo.example" in result.output and "cio@demo.example" in result.output
    assert all(label in result.output for label in ROLE_LABELS)
    assert not _credentials(result.output)  # no passwords: they exist only hashed
    assert (_hashes(), db.session.scalar(select(func.count()).select_from(Unit))) == before


def test_if_empty_on_real_data_says_the_demo_was_not_loaded(runner, make_system):
    make_system()
    result = runner.invoke(args=["demo", "--if-empty", "--no-history"])
    assert result.exit_code == 0, result.output
    assert "already has data; the demo was not loaded" in result.output
    assert "--new-passwords" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_new_passwords_replace_the_printed_ones(runner, cheap_hashing):
    first = _credentials(runner.invoke(args=["demo", "--no-history"]).output)
    before = _hashes()
    result = runner.invoke(args=["demo", "--new-passwords"])
    assert result.exit_code == 0, result.output
    fresh = _credentials(result.output)
    assert list(fresh) == ROLE_LABELS
    for label, (email, password) in fresh.items():
        assert find_account(email).password_hash != before[email]
        assert authenticate(email, password) is not None
        assert authenticate(email, first[label][1]) is None


def test_new_passwords_without_the_demo_fail_clearly(runner):
    result = runner.invoke(args=["demo", "--new-passwords"])
    assert result.exit_code != 0
    assert "load the demo with `flask demo` first" in result.output


def test_demo_has_help(runner):
    result = runner.invoke(args=["demo", "--help"])
    assert result.exit_code == 0
    for option in ("--seed", "--if-empty", "--new-passwords"):
        assert option in result.output
