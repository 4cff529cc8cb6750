"""API v1, read side: the risk register and a unit's goals (token scope `read`).

The risk register is IT's: a token created by a department head is refused it (403), as their pages are.
Goals are scoped like the units' health: a head's token sees their units' goals only (404 for any other).
"""

from __future__ import annotations

from flask import Response, jsonify, request
from sqlalchemy import select

from models import Goal, Risk, db
from portal.api import bp
from portal.api.auth import current_token, require_scope
from portal.api.errors import ApiError
from portal.api.health import unit_for_token
from portal.risks.forms import RegisterFilterForm
from portal.services.platform.accounts import is_staff
from portal.services.risks.register import register


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def risk_record(risk: Risk) -> dict[str, object]:
    return {
        "id": risk.id,
        "unit_key": risk.unit.key,
        "system_key": risk.system.key if risk.system else None,
        "bucket": risk.reason.bucket,
        "reason": risk.reason.name,
        "source": risk.source,
        "probability": risk.probability,
        "status": risk.status,
        "outcome": risk.outcome,
        "outcome_reason": risk.outcome_reason.name if risk.outcome_reason else None,
        "seats_at_stake": risk.seats_at_stake,
        "cost_at_stake": str(risk.cost_at_stake),
        "currency": risk.currency,
        "owner": risk.owner.email if risk.owner else None,
        "description": risk.description,
        "opened_at": _iso(risk.opened_at),
        "closed_at": _iso(risk.closed_at),
        "routes": [
            {
                "title": route.title,
                "steps": [
                    {
                        "action": step.action,
                        "owner": step.owner.email if step.owner else None,
                        "due_on": _iso(step.due_on),
                        "done_at": _iso(step.done_at),
                    }
                    for step in route.steps
                ],
            }
            for route in risk.routes
        ],
    }


def goal_record(goal: Goal) -> dict[str, object]:
    latest = goal.latest
    return {
        "id": goal.id,
        "unit_key": goal.unit.key,
        "name": goal.name,
        "metric": goal.metric,
        "baseline": str(goal.baseline),
        "target": str(goal.target),
        "due_on": _iso(goal.due_on),
        "measure": goal.measure,
        "system_key": goal.system.key if goal.system else None,
        "latest": None if latest is None else {"recorded_on": _iso(latest.recorded_on), "value": str(latest.value)},
        "reached_on": _iso(goal.reached_on),
    }


@bp.route("/risks")
def risks() -> Response:
    """The risk register: `?status=open` (default), `closed` or `all`; `?unit=KEY` for one unit's."""
    require_scope("read")
    creator = current_token().created_by
    if creator is not None and not is_staff(creator):
        raise ApiError(403, "The risk register is IT's: this token's creator may not read it.")
    filters = RegisterFilterForm(request.args).filters()
    return jsonify([risk_record(risk) for risk in register(filters)])


@bp.route("/units/<string(maxlength=64):unit_key>/goals")
def unit_goals(unit_key: str) -> Response:
    """The unit's goals, each with its latest progress."""
    require_scope("read")
    unit = unit_for_token(unit_key)
    goals = db.session.scalars(select(Goal).where(Goal.unit_id == unit.id).order_by(Goal.due_on, Goal.id))
    return jsonify([goal_record(goal) for goal in goals])
