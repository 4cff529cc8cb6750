"""API v1, read side: the units and their health, with the same content as `flask health export`.

Token scope `read`. A token created by a department head sees that head's units only, exactly as the
head's pages do: any other unit does not exist for it (404).
"""

from __future__ import annotations

from datetime import date

from flask import Response, jsonify, request
from sqlalchemy import select

from models import Colour, Unit, db
from portal import clock
from portal.access.scope import visible_unit_ids
from portal.api import bp
from portal.api.auth import current_token, require_scope
from portal.api.errors import ApiError
from portal.services.health import advising, engine
from portal.services.health.advice import Step
from portal.services.health.rollup import Record


def visible_units() -> set[int] | None:
    """The unit ids the token's creator may see; None: every unit."""
    creator = current_token().created_by
    return visible_unit_ids(creator) if creator is not None else None


def unit_for_token(unit_key: str) -> Unit:
    """The unit by key, if the token may see it; otherwise 404, as if it did not exist."""
    visible = visible_units()
    unit = db.session.scalar(select(Unit).where(Unit.key == unit_key))
    if unit is None or (visible is not None and unit.id not in visible):
        raise ApiError(404, f"There is no unit {unit_key[:64]!r} that this token may see.")
    return unit


def _as_of() -> date | None:
    text = request.args.get("as_of")
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, f"as_of: {text[:40]!r} is not a date (YYYY-MM-DD).") from None


def _detail(record: Record, steps: tuple[Step, ...]) -> dict[str, object]:
    return (
        record.export()
        | {"name": record.name, "profile_version": record.profile_version}
        | record.explanation.to_json()
        | {"next_steps": [step.text for step in steps]}
    )


@bp.route("/units")
def units() -> Response:
    """Every unit this token may see, with its latest stored health."""
    require_scope("read")
    visible = visible_units()
    query = select(Unit).order_by(Unit.key)
    if visible is not None:
        query = query.where(Unit.id.in_(visible))
    rows = list(db.session.scalars(query))
    # The units' own records only: a unit's subscriptions share its key and must not stand in for it.
    health = engine.stored_unit_records(clock.today(), {unit.id for unit in rows})
    parents = dict(db.session.execute(select(Unit.id, Unit.key)).tuples().all())
    answer = []
    for unit in rows:
        record = health.get(unit.key)
        answer.append(
            {
                "unit_key": unit.key,
                "name": unit.name,
                "parent_key": parents.get(unit.parent_id) if unit.parent_id else None,
                "score": None if record is None or record.score is None else round(record.score, 1),
                "colour": record.colour if record else Colour.GREY,
                "stage": (record.stage or "") if record else "",
            }
        )
    return jsonify(answer)


@bp.route("/units/<string(maxlength=64):unit_key>/health")
def unit_health(unit_key: str) -> Response:
    """The unit's record and one per subscription, each with its per-measure explanation.

    `?as_of=YYYY-MM-DD` computes them afresh from the data up to that day (nothing is stored); without it,
    the latest stored scores.
    """
    require_scope("read")
    unit = unit_for_token(unit_key)
    as_of = _as_of()
    if as_of is None:
        health = engine.unit_health(unit.id)
        own, subscriptions = health.unit, [health.systems[key] for key in sorted(health.systems)]
    else:
        result = engine.compute(as_of, engine.subscription_ids_below(unit.id))
        own = result.unit_records.get(unit.id)
        subscriptions = sorted(
            (r for r in result.subscription_records.values() if r.unit_key == unit.key), key=lambda r: r.system_key
        )
    day = as_of or clock.today()
    advice = advising.advise(unit.id, own, subscriptions, advising.audience_for(current_token().created_by), day)
    return jsonify(
        {
            "as_of": day.isoformat(),
            "unit": _detail(own, advice.unit)
            if own
            else {"unit_key": unit.key, "colour": Colour.GREY, "reasons": ["not scored yet"]},
            "subscriptions": [_detail(record, advice.systems.get(record.system_key, ())) for record in subscriptions],
        }
    )
