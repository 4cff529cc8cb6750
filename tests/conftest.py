"""Fixtures shared by the whole suite: one migrated database per run, clean tables per test."""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text
from werkzeug.security import generate_password_hash

from models import Account, Module, Person, Role, RunSource, Subscription, System, Unit, db
from portal import clock, create_app
from portal.auth import sso as sso_views
from portal.config import TestConfig
from portal.services import imports
from tests.oidc_provider import Client, Provider
from tests.scoring_later import scoring_later
from tests.wiping import wipe_data

PASSWORD = "correct horse battery staple"
# A cheap hash keeps the suite fast; real accounts use Werkzeug's default (scrypt).
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    # A file, not :memory:, so the browser tests' server thread sees the same data.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'rapport-test.db'}"


def _reset_schema() -> None:
    """Start from an empty database, then build the schema through the migrations themselves."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade()


class RollingBackClient(FlaskClient):
    """After each request, drop whatever the view left uncommitted: tests see only committed data."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    os.environ.setdefault("RAPPORT_ENV", "test")
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = _database_url(tmp_path_factory)
    app = create_app(config)
    app.test_client_class = RollingBackClient
    with app.app_context():
        _reset_schema()
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections, or PostgreSQL's are reported unclosed at exit


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield
        db.session.rollback()
        with db.engine.begin() as connection:
            wipe_data(connection.execute)
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


@pytest.fixture
def make_account():
    def make(**overrides) -> Account:
        n = _next()
        values = {
            "email": f"user{n}@example.test",
            "name": f"User {n}",
            "role": Role.ACCOUNT_MANAGER.value,
            "password_hash": CHEAP_HASH,
            "active": True,
        }
        values.update(overrides)
        account = Account(**values)
        db.session.add(account)
        db.session.commit()
        return account

    return make


@pytest.fixture
def make_unit():
    def make(**overrides) -> Unit:
        n = _next()
        values = {"key": f"unit-{n}", "name": f"Unit {n}", "headcount": 50, "country": "SE"}
        values.update(overrides)
        unit = Unit(**values)
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def make_system():
    def make(modules: tuple[tuple[str, bool], ...] = (("core", True), ("extra", False)), **overrides) -> System:
        n = _next()
        values = {
            "key": f"system-{n}",
            "name": f"System {n}",
            "category": "ERP",
            "vendor": "Vendor",
            "license_model": "per_seat",
            "seat_cost": Decimal("120.00"),
            "currency": "EUR",
            "description": "",
        }
        values.update(overrides)
        system = System(**values)
        system.modules = [Module(key=key, name=key.title(), is_core=core) for key, core in modules]
        db.session.add(system)
        db.session.commit()
        return system

    return make


@pytest.fixture
def make_subscription(make_unit, make_system):
    def make(unit: Unit | None = None, system: System | None = None, **overrides) -> Subscription:
        values = {"seats": 10}
        values.update(overrides)
        subscription = Subscription(unit=unit or make_unit(), system=system or make_system(), **values)
        db.session.add(subscription)
        db.session.commit()
        return subscription

    return make


@pytest.fixture
def make_person(make_unit):
    def make(unit: Unit | None = None, **overrides) -> Person:
        n = _next()
        values = {"key": f"person{n}@example.test", "role": "user"}
        values.update(overrides)
        person = Person(unit=unit or make_unit(), **values)
        db.session.add(person)
        db.session.commit()
        return person

    return make


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, account: Account, password: str = PASSWORD, follow_redirects: bool = False):
        return self._client.post(
            "/login", data={"email": account.email, "password": password}, follow_redirects=follow_redirects
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(client, auth, make_account, make_unit):
    """Sign the test client in with a fresh account of a role; returns the account."""

    def login(role: Role | str, units: list[Unit] | None = None, **overrides) -> Account:
        role = Role(role)
        if role == Role.DEPT_HEAD and not units:
            units = [make_unit()]
        account = make_account(role=role.value, units=units or [], **overrides)
        response = auth.login(account)
        assert response.status_code == 302, response.get_data(as_text=True)
        return account

    return login


@pytest.fixture
def count_queries():
    """`with count_queries() as counter:` … `counter.count` is the number of SQL statements run."""

    class Counter:
        count = 0

    @contextmanager
    def counting():
        counter = Counter()

        def count(*_args) -> None:
            counter.count += 1

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text (or bytes) to a file and return its path."""
    counter = iter(range(1_000_000))

    def write(content: str | bytes, name: str | None = None) -> Path:
        path = tmp_path / (name or f"file-{next(counter)}.csv")
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def run_import(write_csv):
    """Import CSV content of a kind through the engine, as the CLI does."""

    def run(kind: str, content: str | bytes | Path, **kwargs):
        path = content if isinstance(content, Path) else write_csv(content)
        return imports.import_file(kind, path, source=RunSource.CLI, **kwargs)

    return run


@pytest.fixture
def scored(run_import, app):
    """The scenario organisation (tests/services/health/organisation.py) imported without re-scoring after
    each file, then scored as of its AS_OF: for the health engine's tests, the reviews' and the browser's."""
    from portal.services.health import engine
    from tests.services.health.organisation import AS_OF, KINDS_IN_ORDER, organisation

    org = organisation()
    with scoring_later(app):
        for kind in KINDS_IN_ORDER:
            run = run_import(kind, org.csv(kind))
            assert run.refused == 0, (kind, run.error)
    result = engine.recompute(AS_OF)
    db.session.commit()
    return {
        (record.unit_key, record.system_key): record
        for record in [*result.subscription_records.values(), *result.unit_records.values()]
    }


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    """Mail goes to a fresh outbox folder (no SMTP server): the messages a test sends, as .eml files there."""
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    return tmp_path / "outbox"


@pytest.fixture
def frozen_clock(monkeypatch):
    """Freeze Rapport's one clock: `frozen_clock(day)` (noon UTC) or `frozen_clock(moment)`; again to move it."""

    def freeze(moment: date | datetime) -> None:
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(12), UTC)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return freeze


# --- single sign-on: a real OpenID Connect provider on loopback (tests/oidc_provider.py) ---------------------

OIDC_CLIENT_ID, OIDC_CLIENT_SECRET = "rapport", "provider-secret"


@pytest.fixture(scope="session")
def oidc_provider():
    running = Provider().start()
    running.clients[OIDC_CLIENT_ID] = Client(OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)
    yield running
    running.stop()


@pytest.fixture
def sso(app, oidc_provider, monkeypatch, make_unit):
    """Rapport set up for the provider: groups map to roles, and a heads' group to two units."""
    make_unit(key="field-service", name="Field Service")
    make_unit(key="logistics", name="Logistics")
    settings = {
        "OIDC_DISCOVERY_URL": oidc_provider.discovery_url,
        "OIDC_CLIENT_ID": OIDC_CLIENT_ID,
        "OIDC_CLIENT_SECRET": OIDC_CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "Test ID",
        "OIDC_GROUP_ROLES": (
            "rapport-admins=admin; rapport-managers=account_manager; heads-field=dept_head; heads=dept_head"
        ),
        "OIDC_GROUP_UNITS": "heads-field=field-service,logistics",
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    sso_views.configure(app)
    oidc_provider.misbehave = None
    yield oidc_provider
    monkeypatch.undo()
    sso_views.configure(app)
