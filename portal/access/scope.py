"""Department scoping: every unit-related query goes through here.

A department head sees the units they are attached to and every unit below them; everyone else
sees every unit. A unit outside the viewer's scope does not exist for them (404), so nothing —
not even its name — leaks through a page, a fragment or an export.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from models import Account, Role, Unit, db
from portal.services.errors import NotFound


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for unit_id, parent_id in db.session.execute(select(Unit.id, Unit.parent_id)):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(unit_id)
    return children


def _below(children: dict[int, list[int]], root_ids: set[int]) -> set[int]:
    seen: set[int] = set()
    stack = list(root_ids)
    while stack:
        unit_id = stack.pop()
        if unit_id not in seen:
            seen.add(unit_id)
            stack.extend(children.get(unit_id, ()))
    return seen


def descendants_of(root_ids: set[int]) -> set[int]:
    """The given unit ids and all the ids below them in the hierarchy."""
    return _below(_children(), root_ids)


def subtrees(root_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each given unit id with the ids below it, from one read of the hierarchy."""
    children = _children()
    return {root: _below(children, {root}) for root in root_ids}


def sees_own_units_only(viewer: Account) -> bool:
    """A department head sees their own units and those below them; everyone else sees every unit."""
    return viewer.role == Role.DEPT_HEAD


def visible_unit_ids(viewer: Account) -> set[int] | None:
    """The ids of the units the viewer may see; None means all of them."""
    if not sees_own_units_only(viewer):
        return None
    return descendants_of({unit.id for unit in viewer.units})


def scope_units(statement: Select, viewer: Account, unit_id_column=Unit.id) -> Select:
    """Restrict any statement that touches units to the viewer's scope."""
    visible = visible_unit_ids(viewer)
    if visible is None:
        return statement
    return statement.where(unit_id_column.in_(visible))


def unit_is_visible(viewer: Account, unit: Unit) -> bool:
    visible = visible_unit_ids(viewer)
    return visible is None or unit.id in visible


def visible_unit(viewer: Account, key: str) -> Unit:
    """The unit of `key` if the viewer may see it; NotFound otherwise (a 404 to the viewer)."""
    unit = db.session.scalar(scope_units(select(Unit).where(Unit.key == key), viewer))
    if unit is None:
        raise NotFound(f"no unit “{key}” in the viewer's scope")
    return unit
