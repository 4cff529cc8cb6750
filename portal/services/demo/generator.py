"""Builds the demo organisation in memory from the data modules, without touching the database.

Deterministic: everything random comes from the `random.Random` passed in, and every date is counted
from the `today` passed in, so the same seed and day always build the same organisation.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from models import Account, LicenseModel, Module, PersonRole, Role, Subscription, System, Unit
from portal.services.demo.catalog_data import SYSTEMS, SystemSpec
from portal.services.demo.org_data import (
    ACCOUNT_MANAGERS,
    ADMIN,
    CIO,
    NAMES,
    ORGANISATION,
    PRINTED_HEAD_UNIT,
    UnitSpec,
)
from portal.services.demo.subscription_data import (
    DEPARTMENT_USES,
    OPTIONAL_CHANCE,
    OPTIONAL_USES,
    TEAM_PROFILES,
    Use,
)
from portal.services.health.quiet_periods import normalise_quiet_periods

EMAIL_DOMAIN = "demo.example"
NEGOTIATED_CHANCE = 0.12  # share of per-seat subscriptions with a price negotiated below list
RECENT_GO_LIVE_CHANCE = 0.1  # share of subscriptions still onboarding
RENEWAL_HORIZON_DAYS = 548  # renewals fall within the next 18 months
DEPARTMENT_DEPTH = 1

# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae"})


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return decomposed.encode("ascii", "ignore").decode()


def slugify(name: str) -> str:
    """`Risk & Compliance` → `risk-compliance`: keys follow names, so they are the same for every seed."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(name).lower()).strip("-")


@dataclass
class DemoData:
    accounts: list[Account] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    people: list[tuple[Unit, str, str]] = field(default_factory=list)  # (unit, person key, role)
    # The accounts whose passwords are printed, in order: admin, CIO, account manager, department head.
    printed: list[tuple[Role, Account]] = field(default_factory=list)


# Terms the demo's stories need whatever the seed (see history.SCENARIOS): the unit paying for 100 seats
# with 40 people using them, and a team that went live with a system eight weeks ago.
PINNED_TERMS: dict[tuple[str, str], dict[str, int]] = {
    ("warehouse-operations", "sap-s4hana"): {"seats": 100},
    ("test-lab", "teamcenter"): {"go_live_days_ago": 56},
}


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.data = DemoData()
        self.emails: set[str] = set()
        self.systems: dict[str, System] = {}
        self.managers: list[Account] = []
        self.staff: list[tuple[Unit, int]] = []
        self.heads: dict[str, Account] = {}

    def build(self) -> DemoData:
        admin = self._account(ADMIN.name, ADMIN.email, Role.ADMIN)
        cio = self._account(CIO.name, CIO.email, Role.CIO)
        self.managers = [self._account(m.name, m.email, Role.ACCOUNT_MANAGER) for m in ACCOUNT_MANAGERS]
        owners = [admin, *self.managers]
        for spec in SYSTEMS:
            self._system(spec, self.rng.choice(owners))
        for spec in ORGANISATION:
            self._unit(spec, parent=None, depth=0)
        self._people()
        self.data.printed = [
            (Role.ADMIN, admin),
            (Role.CIO, cio),
            (Role.ACCOUNT_MANAGER, self.managers[0]),
            (Role.DEPT_HEAD, self.heads[PRINTED_HEAD_UNIT]),
        ]
        return self.data

    def _account(self, name: str, email: str, role: Role) -> Account:
        self.emails.add(email)
        account = Account(email=email, name=name, role=role.value, active=True)
        self.data.accounts.append(account)
        return account

    def _head_account(self, unit: Unit) -> Account:
        first_names, last_names = NAMES[unit.country or "SE"]
        first, last = self.rng.choice(first_names), self.rng.choice(last_names)
        local = f"{ascii_fold(first)}.{ascii_fold(last).replace(' ', '')}".lower()
        email, n = f"{local}@{EMAIL_DOMAIN}", 1
        while email in self.emails:  # two Erik Nilssons: the second gets a number, as mail systems do
            n += 1
            email = f"{local}{n}@{EMAIL_DOMAIN}"
        head = self._account(f"{first} {last}", email, Role.DEPT_HEAD)
        head.units = [unit]
        return head

    def _system(self, spec: SystemSpec, owner: Account) -> None:
        system = System(
            key=spec.key,
            name=spec.name,
            category=spec.category,
            vendor=spec.vendor,
            owner=owner,
            description=spec.description,
            license_model=spec.license_model,
            seat_cost=spec.seat_cost_amount,
            currency="EUR",
            measured_by_use=spec.measured_by_use,
            modules=[Module(key=key, name=name, is_core=core) for key, name, core in spec.modules],
        )
        self.systems[spec.key] = system
        self.data.systems.append(system)

    def _unit(self, spec: UnitSpec, parent: Unit | None, depth: int) -> Unit:
        unit = Unit(
            key=slugify(spec.name),
            name=spec.name,
            parent=parent,
            country=spec.country or (parent.country if parent else None),
            quiet_periods=normalise_quiet_periods(
                spec.quiet if spec.quiet is not None else (parent.quiet_periods if parent else "")
            ),
            account_manager=self.managers[spec.manager] if spec.manager is not None else parent.account_manager,
        )
        self.data.units.append(unit)
        unit.head = self.heads[unit.key] = self._head_account(unit)
        children = [self._unit(child, unit, depth + 1) for child in spec.children]
        unit.headcount = spec.staff + sum(child.headcount or 0 for child in children)
        self.staff.append((unit, spec.staff))
        for use in self._uses(spec, depth):
            self._subscribe(unit, use)
        return unit

    def _uses(self, spec: UnitSpec, depth: int) -> list[Use]:
        if depth == DEPARTMENT_DEPTH:
            return list(DEPARTMENT_USES)
        if spec.profile is None:
            return []
        uses = list(TEAM_PROFILES[spec.profile])
        present = {use.system for use in uses}
        uses += [use for use in OPTIONAL_USES if use.system not in present and self.rng.random() < OPTIONAL_CHANCE]
        return uses

    def _subscribe(self, unit: Unit, use: Use) -> None:
        system = self.systems[use.system]
        headcount = unit.headcount or 0
        if system.license_model == LicenseModel.SITE:
            seats = headcount
        else:
            seats = max(1, round(headcount * use.share * self.rng.uniform(0.85, 1.15)))
        annual_cost = None
        if system.license_model == LicenseModel.PER_SEAT and self.rng.random() < NEGOTIATED_CHANCE:
            list_price = float(system.seat_cost or 0) * seats
            annual_cost = Decimal(round(list_price * self.rng.uniform(0.72, 0.92), -1)).quantize(Decimal("0.01"))
        go_live = self._go_live()
        pinned = PINNED_TERMS.get((unit.key, system.key), {})
        seats = pinned.get("seats", seats)
        if "go_live_days_ago" in pinned:
            go_live = self.today - timedelta(days=pinned["go_live_days_ago"])
        self.data.subscriptions.append(
            Subscription(
                unit=unit,
                system=system,
                seats=seats,
                annual_cost=annual_cost,
                go_live=go_live,
                renewal_date=self._renewal(),
                key_action=use.key_action,
                key_action_every_days=use.every_days,
            )
        )

    def _go_live(self) -> date:
        if self.rng.random() < RECENT_GO_LIVE_CHANCE:
            return self.today - timedelta(days=self.rng.randint(10, 75))
        return self.today - timedelta(days=self.rng.randint(180, 6 * 365))

    def _renewal(self) -> date:
        # Contracts renew on the first of a month; 35 days of margin keep that first day in the future.
        day = self.today + timedelta(days=self.rng.randint(35, RENEWAL_HORIZON_DAYS))
        return day.replace(day=1)

    def _people(self) -> None:
        """Everyone in the directory, under opaque keys: a head, 1–3 key users, an admin or two, users."""
        total = sum(count for _, count in self.staff)
        keys = iter(f"p-{n:06d}" for n in self.rng.sample(range(100_000, 1_000_000), total))
        for unit, count in self.staff:
            key_users = min(self.rng.randint(1, 3), count - 1)
            admins = min(self.rng.randint(1, 2) if count >= 20 else 0, count - 1 - key_users)
            users = count - 1 - key_users - admins
            roles = [PersonRole.HEAD, *[PersonRole.KEY_USER] * key_users, *[PersonRole.ADMIN] * admins]
            roles += [PersonRole.USER] * users
            self.data.people.extend((unit, next(keys), role.value) for role in roles)


def build(rng: random.Random, today: date) -> DemoData:
    return _Builder(rng, today).build()
