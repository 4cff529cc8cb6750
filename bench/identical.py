"""Same data, same answers: the demo's health export and its October CIO report, compared byte for byte with
the baseline kept in `bench/identical/`.

A restructuring must not change what Rapport says. This script builds the demo organisation as of a fixed
day into a fresh database, exports the stored health scores (CSV and JSON) and writes the CIO report of the
month before, then compares each file with the baseline. Run it before and after a change that should not
change behaviour:

    .venv/bin/python bench/identical.py                  # compare with the baseline (exit 1 when one differs)
    .venv/bin/python bench/identical.py --database-url postgresql+psycopg://…/rapport_identical
    .venv/bin/python bench/identical.py --save           # make the current output the baseline

The clock is frozen at DAY, and ReportLab writes invariant PDFs (no creation time, no random document id), so
two runs of the same code give the same bytes. A PostgreSQL database named by --database-url is emptied first.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = ROOT / "bench" / "identical"
DAY = date(2026, 11, 20)  # the demo's "today": October is the last whole month
MONTH = "2026-10"
SEED = 7


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="Build in this database (default: a new SQLite file).")
    parser.add_argument("--save", action="store_true", help="Write the outputs as the new baseline.")
    return parser.parse_args()


def _freeze_clock(day: date) -> None:
    """Rapport's one clock answers noon of DAY: the demo, the scores and the report all count from it."""
    from datetime import UTC, datetime, time

    from portal import clock

    moment = datetime.combine(day, time(12), UTC)
    clock.now = lambda: moment


def _outputs(database_url: str) -> dict[str, bytes]:
    from flask_migrate import upgrade
    from reportlab import rl_config
    from sqlalchemy import text

    from models import db
    from portal import create_app
    from portal.cli.health import export_command
    from portal.cli.report import cio_command
    from portal.services import demo

    rl_config.invariant = 1
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "identical", "TESTING": False})
    _freeze_clock(DAY)
    outputs: dict[str, bytes] = {}
    with app.app_context(), tempfile.TemporaryDirectory(prefix="rapport-identical-") as folder:
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        demo.load_demo(SEED, today=DAY)
        db.session.commit()
        demo.load_history(today=DAY, seed=SEED)
        db.session.commit()
        runner = app.test_cli_runner()
        for output_format in ("csv", "json"):
            target = Path(folder) / f"health.{output_format}"
            result = runner.invoke(export_command, ["--format", output_format, "--output", str(target)])
            if result.exit_code != 0:
                raise SystemExit(f"flask health export failed: {result.output}")
            outputs[target.name] = target.read_bytes()
        target = Path(folder) / f"cio-{MONTH}.pdf"
        result = runner.invoke(cio_command, ["--month", MONTH, "--out", str(target)])
        if result.exit_code != 0:
            raise SystemExit(f"flask report cio failed: {result.output}")
        outputs[target.name] = target.read_bytes()
        db.session.remove()
        db.engine.dispose()
    return outputs


def _pdf_text(content: bytes) -> list[str]:
    from io import BytesIO

    from pypdf import PdfReader

    return [line for page in PdfReader(BytesIO(content)).pages for line in page.extract_text().splitlines()]


def _first_difference(name: str, old: bytes, new: bytes) -> str:
    if name.endswith(".pdf"):
        old_lines, new_lines = _pdf_text(old), _pdf_text(new)
    else:
        old_lines, new_lines = old.decode().splitlines(), new.decode().splitlines()
    for number, (before, after) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if before != after:
            return f"line {number}:\n    was  {before}\n    now  {after}"
    if len(old_lines) != len(new_lines):
        return f"{len(old_lines)} lines before, {len(new_lines)} now"
    return "the text is the same; the bytes differ (layout or fonts)"


def main() -> int:
    arguments = _arguments()
    with tempfile.TemporaryDirectory(prefix="rapport-identical-db-") as folder:
        database_url = arguments.database_url or f"sqlite:///{Path(folder) / 'identical.db'}"
        outputs = _outputs(database_url)
    if arguments.save:
        BASELINE.mkdir(exist_ok=True)
        for name, content in outputs.items():
            (BASELINE / name).write_bytes(content)
            print(f"saved {name} ({len(content):,} bytes, sha256 {hashlib.sha256(content).hexdigest()[:12]})")
        return 0
    differing = 0
    for name, content in outputs.items():
        kept = (BASELINE / name).read_bytes()
        if kept == content:
            print(f"same     {name} ({len(content):,} bytes)")
            continue
        differing += 1
        print(f"DIFFERS  {name}: {_first_difference(name, kept, content)}")
    return 1 if differing else 0


if __name__ == "__main__":
    os.environ.setdefault("RAPPORT_ENV", "test")
    sys.exit(main())
