"""The reasons a risk can be opened (and closed) for: a list per bucket that admins keep."""

from __future__ import annotations

from sqlalchemy import select

from models import Account, RiskBucket, RiskReason, db
from portal.services.errors import RuleViolation
from portal.services.platform import audit

# The migration that made the table wrote the same list (frozen there).
DEFAULT_REASONS: tuple[tuple[RiskBucket, str], ...] = (
    (RiskBucket.PRODUCT, "Missing feature"),
    (RiskBucket.PRODUCT, "Bugs and outages"),
    (RiskBucket.PRODUCT, "Poor fit for the work"),
    (RiskBucket.COMMERCIAL, "Cost against value"),
    (RiskBucket.COMMERCIAL, "Budget cut"),
    (RiskBucket.COMMERCIAL, "Layoffs or reorganisation"),
    (RiskBucket.COMMERCIAL, "Ordered from above"),
    (RiskBucket.SUCCESS, "Low adoption"),
    (RiskBucket.SUCCESS, "Low return on investment"),
    (RiskBucket.SUCCESS, "Weak relationship with the champion"),
    (RiskBucket.SUCCESS, "Champion left"),
    (RiskBucket.SERVICE, "Poor implementation"),
    (RiskBucket.SERVICE, "Disliked vendor or partner"),
    (RiskBucket.SERVICE, "Slow support"),
)
MAX_NAME = 120


class ReasonError(RuleViolation):
    pass


def add_defaults() -> int:
    """Add the default reasons that are missing (by bucket and name); returns how many were added."""
    known = set(db.session.execute(select(RiskReason.bucket, RiskReason.name)).tuples())
    missing = [(bucket, name) for bucket, name in DEFAULT_REASONS if (bucket.value, name) not in known]
    db.session.add_all(RiskReason(bucket=bucket.value, name=name) for bucket, name in missing)
    db.session.flush()
    return len(missing)


def by_bucket(include_retired: bool = False) -> dict[RiskBucket, list[RiskReason]]:
    statement = select(RiskReason).order_by(RiskReason.name)
    if not include_retired:
        statement = statement.where(RiskReason.active.is_(True))
    grouped: dict[RiskBucket, list[RiskReason]] = {bucket: [] for bucket in RiskBucket}
    for reason in db.session.scalars(statement):
        grouped[RiskBucket(reason.bucket)].append(reason)
    return grouped


def choices(current: RiskReason | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """For a select with one group per bucket: the active reasons, and the risk's own even when retired."""
    groups = by_bucket()
    if current is not None and not current.active:
        groups[RiskBucket(current.bucket)].append(current)
    return [(bucket.label, [(reason.id, reason.name) for reason in reasons]) for bucket, reasons in groups.items()]


def _checked_name(bucket: str, name: str, reason: RiskReason | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ReasonError("Give the reason a name.", "name")
    if len(name) > MAX_NAME:
        raise ReasonError(f"A reason's name has at most {MAX_NAME} characters.", "name")
    clash = db.session.scalar(select(RiskReason).where(RiskReason.bucket == bucket, RiskReason.name == name))
    if clash is not None and clash is not reason:
        raise ReasonError(f"{RiskBucket(bucket).label} already has the reason “{name}”.", "name")
    return name


def add(bucket: RiskBucket, name: str, actor: Account) -> RiskReason:
    reason = RiskReason(bucket=bucket.value, name=_checked_name(bucket.value, name))
    db.session.add(reason)
    db.session.flush()
    audit.record(actor, "create", "risk_reason", f"{bucket.value}/{reason.name}", {"name": [None, reason.name]})
    return reason


def update(reason: RiskReason, name: str, active: bool, actor: Account) -> None:
    """Rename or retire a reason. Risks that cite it keep it; a retired one is no longer offered."""
    before = {"name": reason.name, "active": reason.active}
    reason.name = _checked_name(reason.bucket, name, reason)
    reason.active = active
    db.session.flush()
    changes = audit.changes_between(before, {"name": reason.name, "active": reason.active})
    if changes:
        audit.record(actor, "update", "risk_reason", f"{reason.bucket}/{reason.name}", changes)
