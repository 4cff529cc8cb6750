"""What the signed-in user may see: the questions pages ask instead of comparing role strings."""

from __future__ import annotations

from flask_login import current_user

from portal.access.matrix import may_use
from portal.access.scope import sees_own_units_only


def can(endpoint: str) -> bool:
    """Whether the signed-in user's role may use an endpoint per the role matrix (a link or a section shows only
    then): `{% if can('admin.unit_new') %}`."""
    return current_user.is_authenticated and may_use(current_user, endpoint)


def scoped_to_own_units() -> bool:
    """Whether the signed-in user sees only their own units and those below them (a department head)."""
    return current_user.is_authenticated and sees_own_units_only(current_user)
