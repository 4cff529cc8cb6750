"""The one access layer: a role matrix kept as data, a guard that enforces it, department scoping."""

from portal.access.current import can, scoped_to_own_units
from portal.access.guard import init_app
from portal.access.matrix import PUBLIC, ROLE_MATRIX, roles_for
from portal.access.scope import (
    scope_units,
    sees_own_units_only,
    unit_is_visible,
    visible_unit,
    visible_unit_ids,
)

__all__ = [
    "PUBLIC",
    "ROLE_MATRIX",
    "can",
    "init_app",
    "roles_for",
    "scope_units",
    "scoped_to_own_units",
    "sees_own_units_only",
    "unit_is_visible",
    "visible_unit",
    "visible_unit_ids",
]
