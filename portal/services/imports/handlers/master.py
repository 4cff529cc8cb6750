"""Master data — units, systems, subscriptions — through the same use-cases as the admin pages.

So an imported unit obeys the same rules (no cycles, real country codes, valid quiet periods) and every change
lands in the audit log with its old and new values. Each row runs in its own savepoint: a row that breaks a
rule is refused and leaves nothing behind. Emails name accounts; an unknown email gets an inactive account
without a password, with the role the column implies, for an admin to activate later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from models import Account, Role, Subscription, System, Unit, db
from portal.services.catalog import subscriptions
from portal.services.catalog import systems as catalog
from portal.services.errors import RuleViolation
from portal.services.imports import fields
from portal.services.imports.fields import FieldError, shown
from portal.services.imports.formats import LICENSE_MODELS
from portal.services.imports.handlers.base import INSERTED, UNCHANGED, UPDATED, Lookups, Outcome, Pending, Refused
from portal.services.imports.reading import Values
from portal.services.platform import accounts
from portal.services.units import org

# The form fields the use-cases name in their errors, as the columns of the file.
COLUMN_OF_FIELD = {
    "key": None,  # filled per kind
    "parent_id": "parent_key",
    "head_id": "head_email",
    "account_manager_id": "manager_email",
    "owner_id": "owner_email",
    "unit_id": "unit_key",
    "system_id": "system_key",
}


def _reason(error: RuleViolation, key_column: str) -> str:
    column = COLUMN_OF_FIELD.get(error.field or "", error.field) or key_column
    message = str(error)
    return message if message.startswith(f"{column}:") else f"{column}: {message}"


def _in_savepoint(action: Callable[[], Outcome], key_column: str) -> Outcome:
    savepoint = db.session.begin_nested()
    try:
        outcome = action()
    except RuleViolation as error:
        savepoint.rollback()
        return Refused(_reason(error, key_column))
    savepoint.commit()
    return outcome


def _account_for(email: str | None, role: Role, units: list[Unit] | None = None) -> Account | None:
    """The account with this email, or a new inactive one with `role` (an admin activates it later)."""
    if email is None:
        return None
    if "@" not in email or len(email) > 254:
        raise FieldError(f"'{shown(email)}' is not an email address")
    found = accounts.find_account(email)
    if found is not None:
        return found
    return accounts.create_account(email, email.split("@")[0], role.value, units=units, active=False)


def _outcome(before: dict[str, object] | None, after: dict[str, object]) -> Outcome:
    if before is None:
        return INSERTED
    return UNCHANGED if before == after else UPDATED


class UnitHandler:
    batch_size = 10_000  # an organisation's units fit in one batch, so parents may come after their children

    def __init__(self, lookups: Lookups, run_id: int, actor: Account | None) -> None:
        self.lookups = lookups
        self.actor = actor

    def prepare(self, values: Values) -> dict[str, Any]:
        unit_key = fields.required("unit_key", values.get("unit_key"))
        if not catalog.is_slug(unit_key) or len(unit_key) > 64:
            raise FieldError(f"unit_key: '{shown(unit_key)}' is not a key. {catalog.SLUG_RULE}", "unit_key")
        headcount = fields.integer("headcount", values.get("headcount"), 0, 10_000_000)
        return {
            "key": unit_key,
            "name": fields.text("name", fields.required("name", values.get("name")), 200),
            "parent_key": values.get("parent_key"),
            "head_email": values.get("head_email"),
            "manager_email": values.get("manager_email"),
            "headcount": headcount,
            "country": fields.text("country", values.get("country"), 2),
            "quiet_periods": values.get("quiet_periods") or "",
            "given": frozenset(values),
        }

    def write(self, batch: list[Pending]) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(batch)
        waiting = list(range(len(batch)))
        keys_in_batch = {pending.record["key"] for pending in batch}
        # Parents first: a row waits while its parent is another row of this batch not yet written.
        while waiting:
            still_waiting = []
            for index in waiting:
                parent = batch[index].record["parent_key"]
                if parent is not None and parent not in self.lookups.units and parent in keys_in_batch:
                    still_waiting.append(index)
                    continue
                outcomes[index] = _in_savepoint(lambda i=index: self._write_one(batch[i].record), "unit_key")
            if len(still_waiting) == len(waiting):  # the rest wait on each other or on refused rows
                for index in still_waiting:
                    parent = batch[index].record["parent_key"]
                    outcomes[index] = Refused(f"parent_key: '{shown(parent)}' could not be imported before it")
                break
            waiting = still_waiting
        return [outcome for outcome in outcomes if outcome is not None]

    def _write_one(self, record: dict[str, Any]) -> Outcome:
        unit = db.session.scalar(select(Unit).where(Unit.key == record["key"]))
        before = org.snapshot(unit) if unit is not None else None
        given = record["given"]

        def kept(column: str, current: Any) -> Any:
            """A column the file does not have leaves the stored value alone; an empty cell clears it."""
            return record[column] if column in given else current

        manager = _account_for(record["manager_email"], Role.ACCOUNT_MANAGER)
        parent_id = self.lookups.unit_id("parent_key", record["parent_key"])
        details = org.UnitDetails(
            name=record["name"],
            parent_id=kept("parent_key", unit.parent_id if unit else None) if "parent_key" not in given else parent_id,
            head_id=unit.head_id if unit else None,
            account_manager_id=(manager.id if manager else None)
            if "manager_email" in given
            else (unit.account_manager_id if unit else None),
            headcount=kept("headcount", unit.headcount if unit else None),
            country=kept("country", unit.country if unit else None),
            quiet_periods=kept("quiet_periods", unit.quiet_periods if unit else ""),
        )
        if unit is None:
            unit = org.create_unit(record["key"], details, self.actor)
            self.lookups.remember_unit(unit.key, unit.id)
        if "head_email" in given:  # the head's account is attached to the unit, so the unit must exist first
            head = _account_for(record["head_email"], Role.DEPT_HEAD, units=[unit])
            details = org.UnitDetails(**{**details.__dict__, "head_id": head.id if head else None})
        org.update_unit(unit, details, self.actor)
        return _outcome(before, org.snapshot(unit))


def _module_name(key: str) -> str:
    return key.replace("_", " ").replace("-", " ").capitalize()


class SystemHandler:
    batch_size = 5_000

    def __init__(self, lookups: Lookups, run_id: int, actor: Account | None) -> None:
        self.lookups = lookups
        self.actor = actor

    def prepare(self, values: Values) -> dict[str, Any]:
        system_key = fields.required("system_key", values.get("system_key"))
        if not catalog.is_slug(system_key) or len(system_key) > 64:
            raise FieldError(f"system_key: '{shown(system_key)}' is not a key. {catalog.SLUG_RULE}", "system_key")
        modules = fields.key_list("modules", values.get("modules"))
        core = fields.key_list("core_modules", values.get("core_modules")) or []
        for module in [*(modules or []), *core]:
            if not catalog.is_slug(module) or len(module) > 64:
                raise FieldError(f"modules: '{shown(module)}' is not a module key. {catalog.SLUG_RULE}", "modules")
        if modules is not None and not set(core) <= set(modules):
            missing = ", ".join(sorted(set(core) - set(modules)))
            raise FieldError(f"core_modules: {missing} not in the modules column", "core_modules")
        details = {
            "name": fields.text("name", fields.required("name", values.get("name")), 200),
            "category": fields.text("category", values.get("category"), 60) or "",
            "vendor": fields.text("vendor", values.get("vendor"), 120) or "",
            "license_model": fields.choice("license_model", values.get("license_model"), LICENSE_MODELS) or "per_seat",
            "seat_cost": fields.decimal("seat_cost", values.get("seat_cost")),
            "currency": fields.text("currency", values.get("currency"), 3) or "EUR",
            "measured_by_use": fields.yes_no("measured_by_use", values.get("measured_by_use"), blank=True),
        }
        columns = {"category", "vendor", "license_model", "seat_cost", "currency", "measured_by_use"}
        return {
            "key": system_key,
            # Only the columns the file has: the others keep their stored values.
            "details": {name: value for name, value in details.items() if name == "name" or name in values},
            "given": frozenset(values) & (columns | {"owner_email"}),
            "owner_email": values.get("owner_email"),
            "modules": modules,
            "core": core,
        }

    def write(self, batch: list[Pending]) -> list[Outcome]:
        return [_in_savepoint(lambda p=pending: self._write_one(p.record), "system_key") for pending in batch]

    def _write_one(self, record: dict[str, Any]) -> Outcome:
        system = db.session.scalar(select(System).where(System.key == record["key"]))
        # Owners are IT staff; the account-manager role lets them see the catalog once an admin activates them.
        owner = _account_for(record["owner_email"], Role.ACCOUNT_MANAGER)
        if "owner_email" in record["given"]:
            owner_id = owner.id if owner else None
        else:
            owner_id = system.owner_id if system else None
        if system is None:
            before = None
            details = catalog.SystemDetails(**record["details"], owner_id=owner_id)
            system = catalog.create_system(record["key"], details, self.actor)
            self.lookups.remember_system(system.key, system.id)
        else:
            stored = {name: getattr(system, name) for name in ("category", "vendor", "license_model", "seat_cost")}
            stored |= {
                "currency": system.currency,
                "description": system.description,
                "measured_by_use": system.measured_by_use,
            }
            details = catalog.SystemDetails(**{**stored, **record["details"], "owner_id": owner_id})
            before = {**catalog.snapshot(system), "modules": self._modules(system)}
            catalog.update_system(system, details, self.actor)
        self._sync_modules(system, record["modules"], record["core"])
        return _outcome(before, {**catalog.snapshot(system), "modules": self._modules(system)})

    @staticmethod
    def _modules(system: System) -> list[tuple[str, bool]]:
        return sorted((module.key, module.is_core) for module in system.modules)

    def _sync_modules(self, system: System, keys: list[str] | None, core: list[str]) -> None:
        """The modules column, when given, is the full list; core_modules marks which of them are core."""
        current = {module.key: module for module in system.modules}
        if keys is None:
            unknown = set(core) - set(current)
            if unknown:
                raise FieldError(f"core_modules: {', '.join(sorted(unknown))} not modules of this system")
            keys = list(current)
        for module in list(system.modules):
            if module.key not in keys:
                catalog.remove_module(module, self.actor)
            else:
                catalog.set_module_core(module, module.key in core, self.actor)
        for key in keys:
            if key not in current:
                catalog.add_module(system, key, _module_name(key), key in core, self.actor)
        db.session.refresh(system)


class SubscriptionHandler:
    batch_size = 5_000

    def __init__(self, lookups: Lookups, run_id: int, actor: Account | None) -> None:
        self.lookups = lookups
        self.actor = actor

    def prepare(self, values: Values) -> dict[str, Any]:
        unit_id = self.lookups.unit_id("unit_key", fields.required("unit_key", values.get("unit_key")))
        system_id = self.lookups.system_id("system_key", fields.required("system_key", values.get("system_key")))
        terms = {
            "seats": fields.integer("seats", fields.required("seats", values.get("seats")), 0, 10_000_000),
            "annual_cost": fields.decimal("annual_cost", values.get("annual_cost")),
            "go_live": fields.day("go_live", values.get("go_live")),
            "renewal_date": fields.day("renewal_date", values.get("renewal_date")),
            "key_action": fields.text("key_action", values.get("key_action"), 64),
            "key_action_every_days": fields.integer("key_action_every_days", values.get("key_action_every_days"), 1),
        }
        # Only the columns the file has: the others keep their stored values.
        given = {name: value for name, value in terms.items() if name == "seats" or name in values}
        return {"unit_id": unit_id, "system_id": system_id, "terms": given}

    def write(self, batch: list[Pending]) -> list[Outcome]:
        return [_in_savepoint(lambda p=pending: self._write_one(p.record), "unit_key") for pending in batch]

    def _write_one(self, record: dict[str, Any]) -> Outcome:
        found = db.session.scalar(
            select(Subscription).where(
                Subscription.unit_id == record["unit_id"], Subscription.system_id == record["system_id"]
            )
        )
        if found is None:
            terms = subscriptions.SubscriptionTerms(**record["terms"])
            subscriptions.create_subscription(record["unit_id"], record["system_id"], terms, self.actor)
            return INSERTED
        stored = {name: getattr(found, name) for name in subscriptions.SubscriptionTerms.__dataclass_fields__}
        before = subscriptions.snapshot(found)
        subscriptions.update_subscription(
            found, subscriptions.SubscriptionTerms(**{**stored, **record["terms"]}), self.actor
        )
        return _outcome(before, subscriptions.snapshot(found))
