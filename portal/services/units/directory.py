"""Units as the viewer may see them: the hierarchy, the units matching a search, and a unit's page.

Everything starts from `portal.access.scope`, so a department head's pages are built from their own
units alone: another unit is not hidden afterwards, it is never loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Account, Risk, RiskSuggestion, Subscription, System, Unit, db
from portal import clock
from portal.access.matrix import may_use
from portal.access.scope import scope_units, visible_unit, visible_unit_ids
from portal.formatting import by_currency
from portal.services.health.advising import Advice, advise, audience_for
from portal.services.health.engine import UnitHealth, unit_health
from portal.services.risks import suggestions as risk_suggestions
from portal.services.risks.register import open_risks
from portal.services.units.cards import SystemCard, cards
from portal.services.units.plan import Plan, plan_of
from portal.services.units.touchpoints import Relationship, relationships

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class TreeNode:
    unit: Unit
    depth: int  # in the tree as shown: a department head's own unit is a root, at depth 0
    systems: int
    children: list[TreeNode]


@dataclass(frozen=True)
class Match:
    unit: Unit
    path: list[str]  # names of the visible ancestors, top first
    systems: int


@dataclass(frozen=True)
class UnitDirectory:
    """The hierarchy when `q` is empty, else the units matching it (a flat list, each with its path)."""

    q: str
    roots: list[TreeNode]
    matches: list[Match]

    @property
    def filtering(self) -> bool:
        return bool(self.q)


def _by_name(unit: Unit) -> tuple[str, str]:
    # Sorted in Python: databases disagree on case and accents, and a tree should not reorder with the engine.
    return unit.name.casefold(), unit.key


def _visible_units(viewer: Account) -> list[Unit]:
    statement = select(Unit).options(selectinload(Unit.head), selectinload(Unit.account_manager))
    return sorted(db.session.scalars(scope_units(statement, viewer)), key=_by_name)


def _system_counts(viewer: Account) -> dict[int, int]:
    """Systems per visible unit, counted by the database rather than by loading every subscription."""
    statement = select(Subscription.unit_id, func.count()).group_by(Subscription.unit_id)
    return dict(db.session.execute(scope_units(statement, viewer, Subscription.unit_id)).tuples().all())


def unit_tree(viewer: Account, q: str = "") -> UnitDirectory:
    """The visible part of the hierarchy; a unit whose parent is out of sight becomes a root."""
    q = q.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    units = _visible_units(viewer)
    systems = _system_counts(viewer)
    by_id = {unit.id: unit for unit in units}
    if q:
        return UnitDirectory(q, [], _matches(units, by_id, systems, q))

    children: dict[int | None, list[Unit]] = {}
    for unit in units:  # already in name order, so every level of the tree is too
        children.setdefault(unit.parent_id if unit.parent_id in by_id else None, []).append(unit)

    def node(unit: Unit, depth: int) -> TreeNode:
        below = [node(child, depth + 1) for child in children.get(unit.id, [])]
        return TreeNode(unit, depth, systems.get(unit.id, 0), below)

    return UnitDirectory(q, [node(root, 0) for root in children.get(None, [])], [])


def _matches(units: list[Unit], by_id: dict[int, Unit], systems: dict[int, int], q: str) -> list[Match]:
    needle = q.casefold()

    def path(unit: Unit) -> list[str]:
        names: list[str] = []
        parent = by_id.get(unit.parent_id)
        while parent is not None:
            names.insert(0, parent.name)
            parent = by_id.get(parent.parent_id)
        return names

    return [
        Match(unit, path(unit), systems.get(unit.id, 0))
        for unit in units
        if needle in unit.name.casefold() or needle in unit.key.casefold()
    ]


def cost_by_currency(subscriptions: Iterable[Subscription]) -> dict[str, Decimal]:
    """Annual cost per currency: systems may be priced in different currencies, which never add up."""
    return by_currency(
        (subscription.system.currency, subscription.effective_annual_cost) for subscription in subscriptions
    )


@dataclass(frozen=True)
class UnitPage:
    unit: Unit
    ancestors: list[Unit]  # only the ones the viewer may see, top first
    parent: Unit | None  # None at the top, and when the parent is out of the viewer's sight
    children: list[Unit]
    subscriptions: list[Subscription]
    seats: int
    annual_costs: dict[str, Decimal]
    health: UnitHealth
    cards: list[SystemCard]
    advice: Advice  # the next steps of the unit and of its systems, in the viewer's words
    risks: list[Risk] | None  # open risks; None for a viewer the register is closed to (a department head)
    suggestions: list[RiskSuggestion]  # pending risk suggestions, for the same viewers
    covered: dict[int, Risk]  # per pending suggestion id, the open risk that covers it already
    plan: Plan  # the unit's goals and success plan, for everyone who sees the unit
    relationship: Relationship | None  # IT's relationship figure, for IT staff


def unit_page(viewer: Account, key: str) -> UnitPage:
    """A unit's page; 404 when the unit is outside the viewer's scope (it does not exist for them)."""
    unit = visible_unit(viewer, key)
    visible = visible_unit_ids(viewer)

    def shown(other: Unit | None) -> bool:
        return other is not None and (visible is None or other.id in visible)

    subscriptions = list(
        db.session.scalars(
            select(Subscription)
            .join(System)
            .where(Subscription.unit_id == unit.id)
            .options(selectinload(Subscription.system))
            .order_by(func.lower(System.name), System.key)
        )
    )
    health = unit_health(unit.id)
    advice = advise(unit.id, health.unit, list(health.systems.values()), audience_for(viewer), clock.today())
    staff = may_use(viewer, "risks.index")
    suggestions = risk_suggestions.pending(unit.id) if staff else []
    return UnitPage(
        unit=unit,
        ancestors=[ancestor for ancestor in unit.ancestors if shown(ancestor)],
        parent=unit.parent if shown(unit.parent) else None,
        children=sorted((child for child in unit.children if shown(child)), key=_by_name),
        subscriptions=subscriptions,
        seats=sum(s.seats for s in subscriptions),
        annual_costs=cost_by_currency(subscriptions),
        health=health,
        cards=cards(unit, subscriptions, health, clock.today(), advice.systems),
        advice=advice,
        risks=open_risks(unit.id) if staff else None,
        suggestions=suggestions,
        covered=risk_suggestions.covered_by(suggestions),
        plan=plan_of(unit, clock.today()),
        relationship=relationships([unit.id], clock.today())[unit.id] if staff else None,
    )
