"""The models and the migrations agree (`flask db check`), on whichever engine the suite runs: SQLite in
`make test`, PostgreSQL in .ci/run's second pass. The suite's database is built by the migrations alone."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text

from models import db

QUOTED = re.compile(r"'([^']*)'")


# Neither engine's reflection can compare the two expression indexes (coalesce): the test below checks them.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_autogenerate_finds_nothing_to_migrate():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def _index_names() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    with db.engine.connect() as connection:
        return {name for name in connection.scalars(text(query)) if name.startswith(("ix_", "ux_"))}


def test_every_index_of_the_models_exists_expression_indexes_too():
    declared = {index.name for table in db.metadata.tables.values() for index in table.indexes}
    assert _index_names() == declared


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_every_check_constraint_of_the_models_exists_with_the_same_words():
    """Autogenerate does not compare CHECK constraints: a vocabulary's new word needs its migration too."""
    inspector = inspect(db.engine)
    for table in db.metadata.tables.values():
        declared = {
            constraint.name: set(QUOTED.findall(str(constraint.sqltext)))
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        stored = {
            check["name"]: set(QUOTED.findall(check["sqltext"]))
            for check in inspector.get_check_constraints(table.name)
        }
        assert stored == declared, table.name
