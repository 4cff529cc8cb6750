"""Spreadsheet-safe CSV: no cell starts a formula, and every value survives the round trip."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.render.csv_export import CHUNK_CHARS, csv_chunks, csv_download, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.test","click")', '\'=HYPERLINK("http://evil.test","click")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (42, "42"),
        (-5, "'-5"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@given(st.text())
def test_safe_cell_never_starts_a_formula_and_only_ever_adds_one_apostrophe(text):
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (text, "'" + text)


@given(st.lists(st.lists(st.text(), max_size=5), max_size=20))
def test_rows_round_trip_through_a_csv_reader(rows):
    text = "".join(csv_chunks(["a", "b"], rows))
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read == [["a", "b"], *[[safe_cell(cell) for cell in row] for row in rows]]


def test_large_output_comes_in_chunks():
    chunks = list(csv_chunks(["cell"], (["x" * 1000] for _ in range(200))))
    assert len(chunks) > 2
    assert all(len(chunk) < CHUNK_CHARS + 2000 for chunk in chunks)


def test_csv_download_is_an_attachment(app):
    with app.test_request_context():
        response = csv_download('report "1".csv', ["name"], [["=cmd"], ["ok"]])
        body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="report 1.csv"'
    assert body == "name\r\n'=cmd\r\nok\r\n"
