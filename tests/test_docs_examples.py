"""docs/data-formats.md and its example files stay true: every column is documented, every example loads."""

from __future__ import annotations

from pathlib import Path

from models import RunSource, RunStatus
from portal.services import imports
from portal.services.imports.formats import KINDS

DOCS = Path(__file__).resolve().parents[1] / "docs"
ORDER = ("units", "systems", "people", "subscriptions", "usage", "tickets", "surveys")


def test_every_kind_and_column_is_documented():
    text = (DOCS / "data-formats.md").read_text()
    assert set(ORDER) == set(KINDS)
    for kind in KINDS.values():
        assert f"### {kind.name} " in text
        for column in kind.columns:
            shown = f"**{column.name}**" if column.required else column.name
            assert f"| {shown} |" in text, f"{kind.name}.{column.name} is not in the table"


def test_the_example_files_load_in_order_without_a_refused_row():
    for kind in ORDER:
        run = imports.import_file(kind, DOCS / "examples" / f"{kind}.csv", source=RunSource.CLI)
        assert run.status == RunStatus.SUCCEEDED, (kind, run.error, imports.refusal_rows(run))
        assert run.warning_list == []
