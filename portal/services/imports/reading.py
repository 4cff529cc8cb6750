"""Turning a CSV file or a JSON array into numbered rows of canonical values, without loading it whole.

Header names match case-insensitively with the spaces around them trimmed, in any order; unknown columns are
ignored with a warning. A cell that is empty (or only spaces) has no value. Rows that cannot be read at all
(broken quoting, bytes that are not UTF-8, NUL characters, the wrong number of cells) come out as problems
with their line number, so the engine can refuse them and go on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from portal.services.errors import RuleViolation
from portal.services.imports.fields import finite_number_text
from portal.services.imports.formats import Kind

# surrogateescape turns each byte that is not UTF-8 into one of these, so the row can be refused, not the file.
NOT_UTF8 = re.compile("[\udc80-\udcff]")
RAW_CELL_LIMIT = 2_000  # what a refusal keeps of each cell, so a hostile 100 MB cell is not stored again

Values = dict[str, str | None]


class HeaderError(RuleViolation):
    """The file cannot be imported at all: no header, a missing required column, a column named twice."""


@dataclass(slots=True)
class SourceRow:
    line: int
    values: Values | None  # None when the row could not be read; `problem` says why
    raw: Any
    problem: str | None = None


def clip(value: Any) -> Any:
    if isinstance(value, str) and len(value) > RAW_CELL_LIMIT:
        return value[:RAW_CELL_LIMIT] + "…"
    return value


def match_columns(names: list[str], kind: Kind) -> tuple[list[str | None], list[str]]:
    """For each header cell, the canonical column it is (None: ignored); and the warnings about it."""
    known = set(kind.column_names)
    seen: set[str] = set()
    matched: list[str | None] = []
    warnings: list[str] = []
    for position, name in enumerate(names, start=1):
        canonical = name.strip().lower()
        # A column Rapport reads must be there once; a column it ignores (a blank one, an exporter's repeated
        # extra) may repeat, since nothing is taken from it.
        if canonical in seen and canonical in known:
            raise HeaderError(f"The header names the column {canonical!r} twice; keep one.")
        seen.add(canonical)
        if canonical in known:
            matched.append(canonical)
        else:
            matched.append(None)
            label = repr(clip(name.strip())) if canonical else f"number {position} (it has no name)"
            warnings.append(f"Column {label} is not a {kind.name} column and was ignored.")
    missing = [name for name in kind.required if name not in seen]
    if missing:
        raise HeaderError(
            f"The header lacks the required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"A {kind.name} file has: {', '.join(kind.column_names)}."
        )
    if kind.one_of and not seen.intersection(kind.one_of):
        raise HeaderError(f"The header needs one of the columns {' or '.join(kind.one_of)}.")
    return matched, warnings


class CsvSource:
    """Rows of a CSV file, streamed; `bytes_done` tells how far into the file the reader is."""

    def __init__(self, binary: BinaryIO, kind: Kind) -> None:
        self.binary = binary
        self.kind = kind
        self.text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
        self.reader = csv.reader(self.text)
        self.last_line = 0
        self.columns, self.warnings = self._read_header()

    @property
    def bytes_done(self) -> int:
        return self.binary.tell()

    def _read_header(self) -> tuple[list[str | None], list[str]]:
        try:
            for cells in self.reader:
                self.last_line = self.reader.line_num
                if any(cell.strip() for cell in cells):
                    if NOT_UTF8.search("".join(cells)) or "\x00" in "".join(cells):
                        raise HeaderError("The header is not UTF-8 text; save the file as CSV UTF-8.")
                    return match_columns(cells, self.kind)
        except csv.Error as error:
            raise HeaderError(f"The header could not be read as CSV: {error}.") from None
        raise HeaderError("The file is empty: it needs a header row and then one row per record.")

    def __iter__(self) -> Iterator[SourceRow]:
        pairs = [(index, name) for index, name in enumerate(self.columns) if name is not None]
        for line, cells, problem in self.cells():
            if problem is not None:
                yield SourceRow(line, None, [clip(cell) for cell in cells], problem)
            else:
                yield SourceRow(line, {name: cells[index].strip() or None for index, name in pairs}, cells)

    def cells(self) -> Iterator[tuple[int, list[str], str | None]]:
        """(line, cells, problem) for every row: the problem is None when the cells can be used as they are.

        This is the layer under `__iter__`, for a handler that reads cells by position (the usage fast lane):
        it skips building a dictionary per row.
        """
        width = len(self.columns)
        reader = self.reader
        while True:
            start = self.last_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if reader.line_num < start:  # the reader did not move on: nothing more can be read
                    return
                self.last_line = reader.line_num
                yield start, [], f"the row could not be read as CSV: {error}"
                continue
            self.last_line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank lines are not rows
            joined = "".join(cells)
            if not joined.isascii() and NOT_UTF8.search(joined):
                cells = [cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for cell in cells]
                yield start, cells, "the row is not UTF-8 text"
            elif "\x00" in joined:
                yield start, cells, "the row contains a NUL character"
            # Spreadsheets add empty cells at the end of a row; those are harmless, anything else is not.
            elif len(cells) < width or (len(cells) > width and any(cell.strip() for cell in cells[width:])):
                yield start, cells, f"the row has {len(cells)} cells; the header has {width}"
            else:
                yield start, cells, None


class JsonRecord(dict):
    """A JSON object that remembers the keys it had more than once (json keeps only the last)."""

    duplicates: tuple[str, ...] = ()


def _remember_duplicates(pairs: list[tuple[str, Any]]) -> JsonRecord:
    record = JsonRecord()
    duplicates = []
    for key, value in pairs:
        if key in record:
            duplicates.append(key)
        record[key] = value
    record.duplicates = tuple(duplicates)
    return record


def load_json(body: bytes) -> Any:
    """Parse a JSON body; objects keep track of duplicate keys. Raises ValueError with a plain message."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The body is not UTF-8 text.") from None
    try:
        return json.loads(text, object_pairs_hook=_remember_duplicates)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"The body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}."
        ) from None
    except RecursionError:
        raise ValueError("The body nests too deeply to be a list of records.") from None
    except ValueError as error:  # such as an integer of more than 4,300 digits
        raise ValueError(f"The body holds a value that cannot be read: {str(error)[:200]}") from None


def _cell(name: str, value: Any) -> str | None:
    """A JSON value as the text a CSV cell would hold; raises ValueError for what a cell cannot hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name}: true/false is not a value of this column")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        number = finite_number_text(value)
        if number is None:
            raise ValueError(f"{name}: NaN and Infinity are not numbers")
        return number
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{name}: contains a NUL character")
        if NOT_UTF8.search(value) or re.search("[\ud800-\udfff]", value):
            raise ValueError(f"{name}: is not valid Unicode text")
        return value.strip() or None
    raise ValueError(f"{name}: must be a string or a number, not a list or an object")


class JsonSource:
    """Rows of a pushed JSON array; a record's "line" is its position in the array, from 1."""

    def __init__(self, records: list[Any], kind: Kind) -> None:
        self.records = records
        self.kind = kind
        self.warnings: list[str] = []
        self.bytes_done = 0
        names = {key for record in records if isinstance(record, dict) for key in record}
        self.known = set(kind.column_names)
        for name in sorted(name for name in names if name.strip().lower() not in self.known):
            self.warnings.append(f"Field {clip(name)!r} is not a {kind.name} field and was ignored.")

    def __iter__(self) -> Iterator[SourceRow]:
        for position, record in enumerate(self.records, start=1):
            yield self._row(position, record)

    def _row(self, position: int, record: Any) -> SourceRow:
        if not isinstance(record, dict):
            return SourceRow(position, None, clip(repr(record)), "the record is not a JSON object")
        raw = {clip(key): clip(value) for key, value in record.items()}
        duplicates = getattr(record, "duplicates", ())
        if duplicates:
            return SourceRow(position, None, raw, f"the field {duplicates[0]!r} appears twice")
        values: Values = {}
        try:
            for key, value in record.items():
                name = key.strip().lower()
                if name in self.known:
                    if name in values:
                        return SourceRow(position, None, raw, f"the field {name!r} appears twice")
                    values[name] = _cell(name, value)
        except ValueError as error:
            return SourceRow(position, None, raw, str(error))
        return SourceRow(position, values, raw)
