from __future__ import annotations

import pytest


@pytest.fixture
def org(make_unit, make_system, make_person):
    """A unit with a system (core module 'planning') and three people, one of them a key user."""
    unit = make_unit(key="sched", name="Scheduling")
    other = make_unit(key="other", name="Other")
    system = make_system(key="ifs", modules=(("planning", True), ("orders", False)))
    people = [make_person(unit=unit, key=f"p{n}", role="key_user" if n == 1 else "user") for n in (1, 2, 3)]
    make_person(unit=other, key="q1")
    return {"unit": unit, "other": other, "system": system, "people": people}


def reconciles(run) -> bool:
    return run.rows_read == run.inserted + run.updated + run.unchanged + run.refused
