"""What every kind's handler shares: the outcome of a row, the pending batch, and the key lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select

from models import Person, System, Unit, db
from portal.services.imports.fields import FieldError, shown
from portal.services.imports.reading import Values

INSERTED = "inserted"
UPDATED = "updated"
UNCHANGED = "unchanged"


class RunStopped(RuntimeError):
    """A handler stops the run; its message tells the person who will retry it what happened."""


@dataclass(frozen=True, slots=True)
class Refused:
    reason: str


Outcome = str | Refused


@dataclass(slots=True)
class Pending:
    """A row that passed its own checks and waits, with the rest of its batch, to be written."""

    line: int
    record: Any
    raw: Any


class Handler(Protocol):
    batch_size: int

    def prepare(self, values: Values) -> Any:
        """The row as a record ready to write; raises FieldError with the reason it cannot be used."""

    def write(self, batch: list[Pending]) -> list[Outcome]:
        """Write the batch in the current transaction; one outcome per pending row, in order."""


class Lookups:
    """Keys to ids, loaded once per run; master-data handlers add what they create."""

    def __init__(self) -> None:
        self._units: dict[str, int] | None = None
        self._systems: dict[str, int] | None = None
        self._people: dict[str, tuple[int, int]] | None = None

    @property
    def units(self) -> dict[str, int]:
        if self._units is None:
            self._units = {key: unit_id for key, unit_id in db.session.execute(select(Unit.key, Unit.id))}
        return self._units

    @property
    def systems(self) -> dict[str, int]:
        if self._systems is None:
            self._systems = {key: system_id for key, system_id in db.session.execute(select(System.key, System.id))}
        return self._systems

    @property
    def people(self) -> dict[str, tuple[int, int]]:
        """person key → (person id, unit id)."""
        if self._people is None:
            rows = db.session.execute(select(Person.key, Person.id, Person.unit_id))
            self._people = {key: (person_id, unit_id) for key, person_id, unit_id in rows}
        return self._people

    def forget_people(self) -> None:
        self._people = None

    def remember_unit(self, key: str, unit_id: int) -> None:
        self.units[key] = unit_id

    def remember_system(self, key: str, system_id: int) -> None:
        self.systems[key] = system_id

    def unit_id(self, column: str, key: str | None) -> int | None:
        if key is None:
            return None
        found = self.units.get(key)
        if found is None:
            raise FieldError(f"{column}: '{shown(key)}' is not a known unit (import units first)", column)
        return found

    def system_id(self, column: str, key: str | None) -> int | None:
        if key is None:
            return None
        found = self.systems.get(key)
        if found is None:
            raise FieldError(f"{column}: '{shown(key)}' is not a known system (import systems first)", column)
        return found

    def person(self, column: str, key: str | None) -> tuple[int, int] | None:
        if key is None:
            return None
        found = self.people.get(key)
        if found is None:
            raise FieldError(f"{column}: '{shown(key)}' is not a known person (import people first)", column)
        return found


def owning_unit(lookups: Lookups, values: Values) -> tuple[int | None, int]:
    """(person id, unit id) for a row that names a person, a unit, or both (the unit then wins)."""
    person = lookups.person("person_key", values.get("person_key"))
    unit_id = lookups.unit_id("unit_key", values.get("unit_key"))
    if person is None and unit_id is None:
        raise FieldError("person_key or unit_key: one of them is required", "person_key")
    if unit_id is None:
        assert person is not None
        unit_id = person[1]
    return (person[0] if person else None), unit_id
