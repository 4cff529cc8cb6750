"""The demo organisation: load it into an empty database; give its printed accounts new passwords.

Use-cases flush; the CLI commits once.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from models import Account, ImportRun, Person, Role, RunSource, System, Unit, db
from portal.services import imports
from portal.services.demo import follow_up
from portal.services.demo.generator import EMAIL_DOMAIN, build
from portal.services.demo.history import write_history
from portal.services.demo.org_data import ACCOUNT_MANAGERS, ADMIN, CIO, PRINTED_HEAD_UNIT
from portal.services.health import engine as health
from portal.services.health import refresh
from portal.services.imports.engine import Progress
from portal.services.platform import accounts, audit
from portal.services.reports import archive as monthly_reports
from portal.services.reports import cio as cio_report
from portal.services.reports.cio import CioReport

DEFAULT_SEED = 7
HISTORY_MONTHS = 18
REPORTED_MONTHS = 3  # the CIO reports in the demo's archive
SNAPSHOT_WEEKS = 26  # the portfolio's sparklines show half a year of weekly scores
HISTORY_KINDS = ("usage", "tickets", "surveys")


class DemoError(ValueError):
    """The demo cannot be loaded or changed here; the message says why, for the person at the terminal."""


@dataclass(frozen=True)
class DemoCredential:
    role: Role
    email: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    seed: int
    units: int
    systems: int
    subscriptions: int
    people: int
    accounts: int
    credentials: list[DemoCredential]


def has_data() -> bool:
    """Whether the database already holds an organisation or a catalog (real or demo)."""
    return (
        db.session.scalar(select(Unit.id).limit(1)) is not None
        or db.session.scalar(select(System.id).limit(1)) is not None
    )


def load_demo(seed: int = DEFAULT_SEED, *, today: date) -> DemoResult:
    """Build the demo organisation into an empty database; dates are counted from `today`.

    Refuses a database that already has units or systems, so demo data never mixes with real data.
    Only the four printed accounts get a password: each hash costs a tenth of a second.
    """
    if has_data():
        raise DemoError(
            "The database already has units or systems: the demo organisation loads only into an empty "
            "database, so that it never mixes with real data."
        )
    data = build(random.Random(seed), today)
    emails = [account.email for account in data.accounts]
    taken = sorted(db.session.scalars(select(Account.email).where(Account.email.in_(emails))))
    if taken:
        raise DemoError(f"These demo accounts already exist: {', '.join(taken)}. Remove them, then load the demo.")
    credentials = _set_new_passwords(data.printed)
    db.session.add_all([*data.accounts, *data.systems, *data.units, *data.subscriptions])
    db.session.flush()
    # Thousands of rows: one bulk INSERT instead of an object each keeps the load within a few seconds.
    db.session.execute(
        insert(Person), [{"key": key, "unit_id": unit.id, "role": role} for unit, key, role in data.people]
    )
    result = DemoResult(
        seed=seed,
        units=len(data.units),
        systems=len(data.systems),
        subscriptions=len(data.subscriptions),
        people=len(data.people),
        accounts=len(data.accounts),
        credentials=credentials,
    )
    audit.record(
        None,
        "load_demo",
        "demo",
        f"seed-{seed}",
        {
            "units": result.units,
            "systems": result.systems,
            "subscriptions": result.subscriptions,
            "people": result.people,
            "accounts": result.accounts,
        },
    )
    return result


def load_history(
    *, today: date, seed: int = DEFAULT_SEED, months: int = HISTORY_MONTHS, progress: Progress | None = None
) -> list[ImportRun]:
    """Give the loaded demo its past: activity, tickets and survey answers up to `today`.

    They are written as canonical CSV files and loaded through the import engine, the way real data
    arrives, so the demo also exercises (and shows, in the import history) the whole data path. Then
    every subscription is scored week by week over the last SNAPSHOT_WEEKS and as of `today`, so the trend
    lines have their half year from the start.
    """
    with tempfile.TemporaryDirectory(prefix="rapport-demo-") as folder, refresh.held_back():
        files = write_history(Path(folder), today=today, seed=seed, months=months)
        loaded = [
            imports.import_file(
                kind, files[kind], source=RunSource.DEMO, file_name=f"demo-{kind}.csv", progress=progress
            )
            for kind in HISTORY_KINDS
        ]
    health.recompute_history(today, SNAPSHOT_WEEKS)
    printed = dict(printed_accounts())
    if Role.ACCOUNT_MANAGER in printed and Role.DEPT_HEAD in printed and printed[Role.DEPT_HEAD].units:
        follow_up.add_follow_up(today, seed, printed[Role.ACCOUNT_MANAGER], printed[Role.DEPT_HEAD].units[0])
    return loaded


def archive_reports(today: date, months: int, render: Callable[[CioReport], bytes]) -> None:
    """The CIO reports the scheduler would have made over the last months (at most REPORTED_MONTHS), so that
    the archive and its PDFs are there to read from the first sign-in (kept, not sent: the demo's people have
    no mailbox)."""
    month = cio_report.last_month(today)
    for _ in range(min(months, REPORTED_MONTHS)):
        monthly_reports.make(month, "the demo", today, render)
        month = cio_report.last_month(month)


def _set_new_passwords(printed: list[tuple[Role, Account]]) -> list[DemoCredential]:
    passwords = [accounts.generate_password() for _ in printed]
    # scrypt takes about half a second and releases the GIL: hashing side by side shortens `make run`.
    with ThreadPoolExecutor(max_workers=len(printed)) as pool:
        hashes = list(pool.map(generate_password_hash, passwords))
    for (_, account), password_hash in zip(printed, hashes, strict=True):
        account.password_hash = password_hash
    return [
        DemoCredential(role, account.email, password)
        for (role, account), password in zip(printed, passwords, strict=True)
    ]


def printed_accounts() -> list[tuple[Role, Account]]:
    """The four demo accounts whose passwords are printed, or [] when the demo is not (wholly) here."""
    head_unit = db.session.scalar(select(Unit).where(Unit.key == PRINTED_HEAD_UNIT))
    found = [
        (Role.ADMIN, accounts.find_account(ADMIN.email)),
        (Role.CIO, accounts.find_account(CIO.email)),
        (Role.ACCOUNT_MANAGER, accounts.find_account(ACCOUNT_MANAGERS[0].email)),
        (Role.DEPT_HEAD, head_unit.head if head_unit else None),
    ]
    # A real unit may share the key: never hand out a password for an account outside the demo domain.
    if any(account is None or not account.email.endswith(f"@{EMAIL_DOMAIN}") for _, account in found):
        return []
    return [(role, account) for role, account in found if account is not None]


def new_passwords() -> list[DemoCredential]:
    """Fresh passwords for the four printed demo accounts (the old ones stop working); each change is audited."""
    found = printed_accounts()
    if not found:
        raise DemoError("The demo accounts are not in this database; load the demo with `flask demo` first.")
    credentials = []
    for role, account in found:
        password = accounts.generate_password()
        accounts.set_password(account, password)
        credentials.append(DemoCredential(role, account.email, password))
    return credentials
