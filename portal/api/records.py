"""A pushed body as a list of records, or a 400/413 that says what is wrong with it."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app

from portal.api.errors import ApiError
from portal.services import imports

SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """A `\\ud800` escape without its pair parses, but it is no character and no database can store it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_records(body: bytes) -> list[Any]:
    try:
        records = imports.load_json(body)
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    if not isinstance(records, list):
        raise ApiError(400, "The body must be a JSON array of records (objects with the canonical field names).")
    limit = current_app.config["IMPORT_MAX_RECORDS"]
    if len(records) > limit:
        raise ApiError(413, f"At most {limit:,} records per request; send the rest in further requests.", limit=limit)
    if _has_lone_surrogate(records):
        raise ApiError(400, "The body has a \\uD800–\\uDFFF escape that is not half of a pair: it is not text.")
    return records
