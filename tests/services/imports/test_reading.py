"""Reading CSV: the header rules, and rows that cannot be read become refusals with their line."""

from __future__ import annotations

import io

import pytest

from portal.services.imports.formats import KINDS
from portal.services.imports.reading import CsvSource, HeaderError

PEOPLE = KINDS["people"]


def rows(content: bytes):
    source = CsvSource(io.BytesIO(content), PEOPLE)
    return source, list(source)


def test_header_matches_names_in_any_case_order_and_spacing_with_a_bom():
    source, read = rows("\ufeff ROLE , Unit_Key,person_key,notes\nuser,ops,p1,hello\n".encode())
    assert source.warnings == ["Column 'notes' is not a people column and was ignored."]
    assert [(row.line, row.values) for row in read] == [(2, {"role": "user", "unit_key": "ops", "person_key": "p1"})]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n", "The file is empty"),
        (b"person_key,role\n", "The header lacks the required column unit_key."),
        (b"person_key,unit_key,Person_Key\n", "The header names the column 'person_key' twice"),
        (b"person_key,unit_\xffkey\n", "The header is not UTF-8 text"),
    ],
)
def test_a_header_that_cannot_be_used_is_refused_whole(content, message):
    with pytest.raises(HeaderError, match=message):
        CsvSource(io.BytesIO(content), PEOPLE)


def test_a_column_rapport_ignores_may_repeat_and_so_may_blank_ones():
    source, read = rows(b"person_key,notes,unit_key,Notes,,\np1,a,ops,b,,\n")
    assert [row.values for row in read] == [{"person_key": "p1", "unit_key": "ops"}]
    assert source.warnings  # each ignored column is said


def test_empty_cells_have_no_value_and_blank_lines_are_not_rows():
    _, read = rows(b"person_key,unit_key,role\n\np1 , ops,  \n\n")
    assert [(row.line, row.values) for row in read] == [(3, {"person_key": "p1", "unit_key": "ops", "role": None})]


def test_quoted_fields_may_span_lines_and_keep_the_starting_line():
    _, read = rows(b'person_key,unit_key,role\n"p\n1",ops,user\np2,ops,user\n')
    assert [(row.line, row.values["person_key"]) for row in read] == [(2, "p\n1"), (4, "p2")]


def test_unreadable_rows_become_problems_and_reading_goes_on():
    content = (
        b"person_key,unit_key,role\n"
        b"p1,ops\n"  # too few cells
        b"p2,ops,user,surprise\n"  # an extra value
        b"p3,ops,user,,\n"  # trailing empty cells from a spreadsheet are fine
        b"p\xe94,ops,user\n"  # Latin-1, not UTF-8
        b"p5,o\x00ps,user\n"
        b"p6,ops,user\n"
    )
    _, read = rows(content)
    assert [(row.line, row.problem) for row in read] == [
        (2, "the row has 2 cells; the header has 3"),
        (3, "the row has 4 cells; the header has 3"),
        (4, None),
        (5, "the row is not UTF-8 text"),
        (6, "the row contains a NUL character"),
        (7, None),
    ]
    assert read[3].raw == ["p\ufffd4", "ops", "user"]
