from __future__ import annotations

from pathlib import Path

import pytest

from models import RunSource
from portal.services import imports


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text (or bytes) to a file and return its path."""
    counter = iter(range(1_000_000))

    def write(content: str | bytes, name: str | None = None) -> Path:
        path = tmp_path / (name or f"file-{next(counter)}.csv")
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def run_import(write_csv):
    """Import CSV content of a kind through the engine, as the CLI does."""

    def run(kind: str, content: str | bytes | Path, **kwargs):
        path = content if isinstance(content, Path) else write_csv(content)
        return imports.import_file(kind, path, source=RunSource.CLI, **kwargs)

    return run


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
