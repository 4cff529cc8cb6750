"""Units as the viewer may see them: the hierarchy, a filtered list, and a unit's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Account, Subscription, Unit, db
from portal.access.scope import get_visible_unit_or_404, scope_units, visible_unit_ids


@dataclass
class TreeNode:
    unit: Unit
    depth: int
    systems: int
    children: list[TreeNode] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    unit: Unit
    path: list[str]  # names of the visible ancestors, top first
    systems: int


def _visible_units(viewer: Account) -> list[Unit]:
    statement = select(Unit).options(
        selectinload(Unit.head), selectinload(Unit.account_manager), selectinload(Unit.subscriptions)
    )
    return list(db.session.scalars(scope_units(statement, viewer).order_by(Unit.name)))


def unit_tree(viewer: Account) -> list[TreeNode]:
    """The visible part of the hierarchy; a unit whose parent is out of sight becomes a root."""
    units = _visible_units(viewer)
    nodes = {unit.id: TreeNode(unit, 0, len(unit.subscriptions)) for unit in units}
    roots: list[TreeNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[unit.id])

    def set_depth(node: TreeNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return roots


def search_units(viewer: Account, q: str) -> list[Match]:
    """Units whose name or key contains `q`, each with its visible path."""
    needle = q.strip().lower()
    units = _visible_units(viewer)
    by_id = {unit.id: unit for unit in units}

    def path(unit: Unit) -> list[str]:
        names: list[str] = []
        parent = by_id.get(unit.parent_id) if unit.parent_id is not None else None
        while parent is not None:
            names.insert(0, parent.name)
            parent = by_id.get(parent.parent_id) if parent.parent_id is not None else None
        return names

    return [
        Match(unit, path(unit), len(unit.subscriptions))
        for unit in units
        if needle in unit.name.lower() or needle in unit.key.lower()
    ]


@dataclass(frozen=True)
class UnitPage:
    unit: Unit
    ancestors: list[Unit]  # only the ones the viewer may see
    children: list[Unit]
    subscriptions: list[Subscription]
    seats: int
    annual_cost: Decimal


def unit_page(viewer: Account, key: str) -> UnitPage:
    """A unit's page, or 404 when the unit is outside the viewer's scope."""
    unit = get_visible_unit_or_404(viewer, key)
    visible = visible_unit_ids(viewer)

    def shown(other: Unit) -> bool:
        return visible is None or other.id in visible

    subscriptions = list(
        db.session.scalars(
            select(Subscription).where(Subscription.unit_id == unit.id).options(selectinload(Subscription.system))
        )
    )
    subscriptions.sort(key=lambda s: s.system.name.lower())
    return UnitPage(
        unit=unit,
        ancestors=[ancestor for ancestor in unit.ancestors if shown(ancestor)],
        children=[child for child in unit.children if shown(child)],
        subscriptions=subscriptions,
        seats=sum(s.seats for s in subscriptions),
        annual_cost=sum((s.effective_annual_cost for s in subscriptions), Decimal(0)),
    )
