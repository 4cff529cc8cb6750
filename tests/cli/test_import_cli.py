"""`flask import`: exit status, standard input, the summary and the help."""

from __future__ import annotations

from sqlalchemy import select

from models import ImportRun, Unit, db
from portal.services.imports.formats import KINDS

UNITS = "unit_key,name,country\nops,Operations,SE\nsales,Sales,DE\n"


def test_every_row_landed_exits_0_with_a_reconciled_summary(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS)
    result = runner.invoke(args=["import", "units", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 2 = inserted 2 + updated 0 + unchanged 0 + refused 0" in result.output
    assert db.session.scalars(select(Unit.key).order_by(Unit.key)).all() == ["ops", "sales"]


def test_refused_rows_exit_3_and_are_listed_with_their_line(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS + "bad key,Bad,SE\nzz,Zed,XX\n")
    result = runner.invoke(args=["import", "units", str(path)])
    assert result.exit_code == 3, result.output
    assert "line 4: unit_key: 'bad key' is not a key." in result.output
    assert "line 5: country: XX is not an ISO 3166 country code." in result.output


def test_a_failed_run_exits_1_and_says_why(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("name\nOps\n")
    result = runner.invoke(args=["import", "units", str(path)])
    assert result.exit_code == 1
    assert "error: The header lacks the required column unit_key." in result.output
    assert db.session.scalar(select(ImportRun.status)) == "failed"


def test_standard_input_is_read_with_a_dash(runner):
    result = runner.invoke(args=["import", "units", "-"], input=UNITS)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(ImportRun.file_name)) == "(stdin)"
    again = runner.invoke(args=["import", "units", "-"], input=UNITS)
    assert "inserted 0 + updated 0 + unchanged 2" in again.output


def test_help_lists_every_kind_and_its_columns(runner):
    result = runner.invoke(args=["import", "--help"])
    assert result.exit_code == 0
    for kind in KINDS.values():
        assert f"{kind.name}: " in result.output
        assert all(column in result.output for column in kind.column_names)
    assert "Exit status: 0 every row landed, 3 some rows were refused, 1 the run failed." in result.output


def test_an_unknown_kind_or_missing_file_is_a_usage_error(runner, tmp_path):
    assert runner.invoke(args=["import", "planets", str(tmp_path / "x.csv")]).exit_code == 2
    missing = runner.invoke(args=["import", "units", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
