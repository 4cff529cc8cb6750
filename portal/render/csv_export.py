"""CSV downloads that are safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets skip before reading
a formula) would run as a formula when the file is opened; a leading apostrophe makes it plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_CHARS = 64 * 1024


def safe_cell(value: object) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_chunks(header: Sequence[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The header and the rows as CSV text in chunks of about 64 KB, every cell through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_download(filename: str, header: Sequence[object], rows: Iterable[Iterable[object]]) -> Response:
    """A CSV attachment, streamed: `rows` may be a generator that reads the database as it goes."""
    response = Response(stream_with_context(csv_chunks(header, rows)), mimetype="text/csv")
    quoted = "".join(char for char in filename if char.isprintable() and char not in '"\\')
    response.headers["Content-Disposition"] = f'attachment; filename="{quoted}"'
    return response
