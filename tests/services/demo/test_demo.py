"""The demo organisation: big enough, shaped like a company, deterministic, and never mixed into real data."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pycountry
import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

import models.accounts
from models import (
    Account,
    AuditLog,
    Person,
    PersonRole,
    Role,
    RunStatus,
    Subscription,
    System,
    Unit,
    UsageDaily,
    UsageEvent,
    db,
)
from portal.services import demo
from portal.services.catalog.systems import is_slug
from portal.services.demo import DemoError, load_demo, load_history
from portal.services.demo.generator import slugify
from portal.services.health.quiet_periods import is_quiet, normalise_quiet_periods
from portal.services.imports import refusal_rows
from portal.services.platform.accounts import authenticate, find_account
from tests.wiping import wipe_data

TODAY = date(2025, 3, 14)


@pytest.fixture
def cheap_hashing(monkeypatch):
    """scrypt costs half a second a hash; tests about anything but its strength need none of it."""

    def cheap(password: str) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1000")

    monkeypatch.setattr(demo, "generate_password_hash", cheap)
    monkeypatch.setattr(models.accounts, "generate_password_hash", cheap)


@pytest.fixture
def loaded(cheap_hashing) -> demo.DemoResult:
    result = load_demo(today=TODAY)
    db.session.commit()
    return result


def _all(model):
    return list(db.session.scalars(select(model)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_counts_meet_the_minimums_and_match_the_result(loaded):
    counts = {"units": Unit, "systems": System, "subscriptions": Subscription, "people": Person, "accounts": Account}
    for name, model in counts.items():
        assert getattr(loaded, name) == _count(model), name
    assert loaded.units >= 30 and loaded.systems >= 20 and loaded.subscriptions >= 150 and loaded.people >= 3000
    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == "load_demo"))
    assert entry.changes["people"] == loaded.people


def test_hierarchy_has_three_levels_with_owners_and_heads(loaded):
    units = _all(Unit)
    by_depth = Counter(unit.depth for unit in units)
    assert sorted(by_depth) == [0, 1, 2]
    assert all(not unit.children for unit in units if unit.depth == 2)
    for unit in units:
        assert unit.key == slugify(unit.name)
        assert unit.account_manager is not None and unit.account_manager.role == Role.ACCOUNT_MANAGER
        assert unit.head is not None and unit.head.role == Role.DEPT_HEAD and unit in unit.head.units
        assert pycountry.countries.get(alpha_2=unit.country) is not None
        assert unit.quiet_periods == normalise_quiet_periods(unit.quiet_periods)
        assert unit.headcount == sum(child.headcount for child in unit.children) + len(unit.people)
    assert by_depth[0] >= 5 and by_depth[1] > by_depth[0] and by_depth[2] > by_depth[1]


def test_account_managers_own_portfolios_and_systems(loaded):
    managers = list(db.session.scalars(select(Account).where(Account.role == Role.ACCOUNT_MANAGER)))
    assert 5 <= len(managers) <= 6
    portfolio = Counter(unit.account_manager.email for unit in _all(Unit))
    assert set(portfolio) == {manager.email for manager in managers}
    assert {system.owner.role for system in _all(System)} <= {Role.ACCOUNT_MANAGER, Role.ADMIN}
    emails = [account.email for account in _all(Account)]
    assert all(email.endswith("@demo.example") for email in emails)
    assert {"admin@demo.example", "cio@demo.example"} <= set(emails)
    # Only the printed accounts get a password: the others exist to give pages names.
    assert sorted(a.email for a in _all(Account) if a.password_hash) == sorted(c.email for c in loaded.credentials)


def test_catalog_is_believable(loaded):
    systems = _all(System)
    for system in systems:
        assert 3 <= len(system.modules) <= 8, system.key
        assert system.core_modules and system.vendor and system.description and system.currency == "EUR"
        assert (system.seat_cost is None) == (system.license_model == "free")
    models = Counter(system.license_model for system in systems)
    assert models["per_seat"] > len(systems) / 2 and models["site"] >= 1 and models["free"] >= 2
    categories = {system.category for system in systems}
    assert {"ERP", "CRM", "HR", "BI", "Collaboration", "Service desk", "Scheduling", "Security"} <= categories


def test_subscriptions_have_seats_dates_and_valid_key_actions(loaded):
    subscriptions = _all(Subscription)
    horizon = TODAY + timedelta(days=548)
    for sub in subscriptions:
        assert sub.seats >= 1
        assert sub.go_live <= TODAY and TODAY < sub.renewal_date <= horizon
        if sub.key_action is not None:
            assert is_slug(sub.key_action)
            assert sub.key_action in {module.key for module in sub.system.modules}
            assert sub.key_action_every_days and sub.key_action_every_days > 0
    assert any(sub.go_live > TODAY - timedelta(days=90) for sub in subscriptions)  # some still onboarding
    assert len({(sub.renewal_date.year, sub.renewal_date.month) for sub in subscriptions}) >= 12
    negotiated = [sub for sub in subscriptions if sub.annual_cost is not None]
    assert 0 < len(negotiated) < len(subscriptions) / 4
    assert all(sub.system.license_model == "per_seat" for sub in negotiated)


def test_the_domain_examples_are_there(loaded):
    scheduling = db.session.scalar(select(Unit).where(Unit.key == "technician-scheduling"))
    assert scheduling.ancestors[-1].key == "field-service" and scheduling.country == "SE"
    assert is_quiet(scheduling.quiet_periods, date(2025, 7, 20))  # the silent Swedish summer
    [fsm] = [sub for sub in scheduling.subscriptions if sub.system.key == "ifs-fsm"]
    assert (fsm.key_action, fsm.key_action_every_days) == ("monthly_planning", 30)
    risk = db.session.scalar(select(Unit).where(Unit.key == "operational-risk"))
    assert risk.ancestors[-1].name == "Risk & Compliance"
    assert any(sub.system.category == "Risk & compliance" for sub in risk.subscriptions)
    assert any(is_quiet(unit.quiet_periods, date(2025, 12, 28)) for unit in _all(Unit))  # year-end shutdowns


def test_people_are_pseudonymous_with_a_head_and_key_users_per_unit(loaded):
    people = _all(Person)
    assert all(re.fullmatch(r"p-\d{6}", person.key) for person in people)
    roles_by_unit: dict[int, Counter] = {}
    for person in people:
        roles_by_unit.setdefault(person.unit_id, Counter())[person.role] += 1
    assert len(roles_by_unit) == _count(Unit)
    for roles in roles_by_unit.values():
        assert roles[PersonRole.HEAD] == 1
        assert 1 <= roles[PersonRole.KEY_USER] <= 3
        assert roles[PersonRole.ADMIN] <= 2
    assert Counter(person.role for person in people).most_common(1)[0][0] == PersonRole.USER


def _dump() -> dict[str, list[tuple]]:
    """Everything the seed decides, in a canonical order, with no ids."""
    units = [
        (
            u.key,
            u.name,
            u.parent.key if u.parent else None,
            u.headcount,
            u.country,
            u.quiet_periods,
            u.head.email,
            u.account_manager.email,
        )
        for u in _all(Unit)
    ]
    systems = [(s.key, s.owner.email, str(s.seat_cost), [(m.key, m.is_core) for m in s.modules]) for s in _all(System)]
    subscriptions = [
        (
            s.unit.key,
            s.system.key,
            s.seats,
            str(s.annual_cost),
            s.go_live,
            s.renewal_date,
            s.key_action,
            s.key_action_every_days,
        )
        for s in _all(Subscription)
    ]
    people = list(db.session.execute(select(Person.key, Unit.key, Person.role).join(Unit)).tuples())
    accounts = [(a.email, a.name, a.role, [u.key for u in a.units]) for a in _all(Account)]
    return {name: sorted(rows, key=repr) for name, rows in locals().items()}


def _wipe() -> None:
    wipe_data(db.session.execute)
    db.session.commit()
    db.session.expunge_all()


def test_same_seed_and_day_build_the_same_organisation(cheap_hashing):
    load_demo(seed=11, today=TODAY)
    db.session.commit()
    first = _dump()
    _wipe()
    load_demo(seed=11, today=TODAY)
    db.session.commit()
    assert _dump() == first
    _wipe()
    load_demo(seed=12, today=TODAY)
    db.session.commit()
    other = _dump()
    assert other != first
    assert [row[0] for row in other["units"]] == [row[0] for row in first["units"]]  # keys follow names


@pytest.mark.parametrize("existing", ["unit", "system"])
def test_load_refuses_a_database_with_data(existing, make_unit, make_system, cheap_hashing):
    make_unit() if existing == "unit" else make_system()
    with pytest.raises(DemoError, match="only into an empty database"):
        load_demo(today=TODAY)
    db.session.rollback()
    assert _count(Account) == 0 and _count(Person) == 0


def test_load_refuses_to_clash_with_an_existing_account(make_account, cheap_hashing):
    make_account(email="cio@demo.example", role=Role.CIO.value)
    with pytest.raises(DemoError, match=r"already exist: cio@demo\.example"):
        load_demo(today=TODAY)
    db.session.rollback()
    assert _count(Unit) == 0 and _count(Account) == 1


def test_printed_accounts_sign_in_with_their_scrypt_passwords():
    result = load_demo(today=TODAY)
    db.session.commit()
    assert [credential.role for credential in result.credentials] == list(Role)
    for credential in result.credentials:
        account = authenticate(credential.email, credential.password)
        assert account is not None and account.role == credential.role
        assert account.password_hash.startswith("scrypt:")
    head = find_account(result.credentials[-1].email)
    assert [unit.key for unit in head.units] == ["technician-scheduling"]


def test_new_passwords_replace_the_old_ones(loaded):
    old_hashes = {a.email: a.password_hash for a in _all(Account) if a.password_hash}
    old = {credential.email: credential.password for credential in loaded.credentials}
    fresh = demo.new_passwords()
    db.session.commit()
    assert [c.email for c in fresh] == list(old)
    for credential in fresh:
        assert find_account(credential.email).password_hash != old_hashes[credential.email]
        assert authenticate(credential.email, credential.password) is not None
        assert authenticate(credential.email, old[credential.email]) is None
    assert _count(AuditLog) == 1 + len(fresh)


def test_new_passwords_need_the_demo(make_unit, make_account):
    with pytest.raises(DemoError, match="flask demo"):
        demo.new_passwords()
    # A real unit that happens to share the key never hands its head's account to the demo.
    make_account(email="admin@demo.example", role=Role.ADMIN.value)
    make_account(email="cio@demo.example", role=Role.CIO.value)
    make_account(email="anna.lindqvist@demo.example")
    head = make_account(email="real.head@corp.example", role=Role.DEPT_HEAD.value)
    make_unit(key="technician-scheduling", head=head)
    assert demo.printed_accounts() == []
    with pytest.raises(DemoError):
        demo.new_passwords()


def test_the_demo_past_loads_through_the_importer_without_a_refused_row():
    load_demo(today=TODAY)
    db.session.commit()
    runs = load_history(today=TODAY, months=2)
    db.session.commit()
    assert [run.kind for run in runs] == ["usage", "tickets", "surveys"]
    for run in runs:
        assert run.status == RunStatus.SUCCEEDED, (run.kind, run.error, refusal_rows(run)[:3])
        assert run.source == "demo" and run.rows_read == run.inserted + run.updated + run.unchanged
    assert runs[0].inserted > 10_000
    assert db.session.scalar(select(func.sum(UsageDaily.events))) == db.session.scalar(
        select(func.sum(UsageEvent.count))
    )
