"""Imports that are scored once, afterwards: a test that loads several files scores as of its own day."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask


@contextmanager
def scoring_later(app: Flask) -> Iterator[None]:
    """Inside it, an import does not re-score what it touched (the test recomputes when all has landed)."""
    app.config["HEALTH_RESCORE_AFTER_IMPORT"] = False
    try:
        yield
    finally:
        app.config["HEALTH_RESCORE_AFTER_IMPORT"] = True
