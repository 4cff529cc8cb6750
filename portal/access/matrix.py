"""Which roles may use which endpoint: the role matrix, kept as data.

Every endpoint of the app must appear here; a test walks `app.url_map` and fails on any that does
not, and the guard refuses an endpoint it does not find (fail closed).
"""

from __future__ import annotations

from models.accounts import Role

PUBLIC: frozenset[Role] = frozenset()  # no login needed

ADMIN = frozenset({Role.ADMIN})
STAFF = frozenset({Role.ADMIN, Role.CIO, Role.ACCOUNT_MANAGER})
EVERYONE = frozenset(Role)
CIO_AND_ADMIN = frozenset({Role.ADMIN, Role.CIO})


class _BearerTokenOnly(frozenset):
    """No role at all: the endpoint takes a bearer token, never a session, and checks the token itself."""


# A distinct object (an empty frozenset would be PUBLIC itself); empty, so no session role ever passes.
TOKEN: frozenset[Role] = _BearerTokenOnly()

ROLE_MATRIX: dict[str, frozenset[Role]] = {
    "static": PUBLIC,
    "main.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.sso_start": PUBLIC,
    "auth.sso_callback": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.password": EVERYONE,
    "main.index": EVERYONE,
    # The catalog shows every unit that uses a system, so department heads stay out of it.
    "catalog.index": STAFF,
    "catalog.system": STAFF,
    # Unit pages are scoped: a department head sees their own units and those below them.
    "units.index": EVERYONE,
    "units.unit": EVERYONE,
    "units.explain": EVERYONE,
    "units.review": EVERYONE,
    "units.review_pdf_download": EVERYONE,
    # A unit's goals and plan: its head reads them, comments and marks the unit's own steps done (the service
    # checks which); IT staff set goals and steps.
    "units.plan": EVERYONE,
    "units.timeline": EVERYONE,
    "units.goals_csv": EVERYONE,  # a department head's leaves out risks, touchpoints and imports
    "units.plan_comment": EVERYONE,
    "units.plan_step_status": EVERYONE,
    "units.goal_new": STAFF,
    "units.goal_edit": STAFF,
    "units.goal_progress": STAFF,
    "units.plan_step_new": STAFF,
    # Touchpoints and the relationship figure are IT's own record of whom it meets.
    "units.touchpoints_page": STAFF,
    # A portfolio spans units: account managers see their own; admins and the CIO any manager's.
    "portfolio.index": STAFF,
    "portfolio.movers": STAFF,
    # The risk register is IT's own assessment of who may leave: IT staff only, never a department head.
    "risks.index": STAFF,
    "risks.escalation": STAFF,
    "risks.export": STAFF,
    "risks.new": STAFF,
    "risks.detail": STAFF,
    "risks.edit": STAFF,
    "risks.move": STAFF,
    "risks.close": STAFF,
    "risks.route_add": STAFF,
    "risks.step_add": STAFF,
    "risks.step_done": STAFF,
    "risks.comment": STAFF,
    "risks.suggestion_accept": STAFF,
    "risks.suggestion_dismiss": STAFF,
    "risks.suggestion_snooze": STAFF,
    # The monthly report is the CIO's (and the admins' who run Rapport).
    "reports.index": CIO_AND_ADMIN,
    "reports.download": CIO_AND_ADMIN,
    "reports.make": CIO_AND_ADMIN,
    "admin.index": ADMIN,
    "admin.accounts": ADMIN,
    "admin.account_new": ADMIN,
    "admin.account_edit": ADMIN,
    "admin.system_new": ADMIN,
    "admin.system_edit": ADMIN,
    "admin.module_add": ADMIN,
    "admin.module_delete": ADMIN,
    "admin.unit_new": ADMIN,
    "admin.unit_edit": ADMIN,
    "admin.subscription_new": ADMIN,
    "admin.subscription_edit": ADMIN,
    "admin.subscription_delete": ADMIN,
    "admin.tokens": ADMIN,
    "admin.token_new": ADMIN,
    "admin.token_revoke": ADMIN,
    "admin.audit": ADMIN,
    "admin.scoring": ADMIN,
    "admin.scoring_edit": ADMIN,
    "admin.jobs": ADMIN,
    "admin.job_run_now": ADMIN,
    "admin.risk_reasons": ADMIN,
    "admin.risk_reason_edit": ADMIN,
    "admin.imports": ADMIN,
    "admin.import_new": ADMIN,
    "admin.import_run": ADMIN,
    "admin.import_refused_csv": ADMIN,
    "admin.import_resume": ADMIN,
    # The API authenticates its bearer token itself (portal/api/auth.py); a login session counts for nothing.
    "api.push": TOKEN,
    "api.upload": TOKEN,
    "api.import_run": TOKEN,
    "api.units": TOKEN,
    "api.unit_health": TOKEN,
    "api.risks": TOKEN,
    "api.unit_goals": TOKEN,
}


def roles_for(endpoint: str | None) -> frozenset[Role] | None:
    """The roles allowed on an endpoint, or None when the endpoint is not in the matrix."""
    if endpoint is None:
        return None
    return ROLE_MATRIX.get(endpoint)


def may_use(account: object, endpoint: str) -> bool:
    """Whether a signed-in account's role may use an endpoint (a page shows a link or a section only then)."""
    allowed = roles_for(endpoint)
    role = getattr(account, "role", None)
    return bool(allowed) and role is not None and Role(role) in allowed
