"""Template filters and the context every page shares (navigation derived from the role matrix)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

import pycountry
from flask import Flask, current_app, request

from models import Colour, Stage
from portal.access.current import can, scoped_to_own_units
from portal.charts.svg import render as svg
from portal.formatting import counted, money, number
from portal.services.health.quiet_periods import QuietPeriodError, parse_quiet_periods

# (label, endpoint, the endpoints that light it up). A role sees an item only if the matrix allows it.
NAVIGATION = (
    ("Overview", "main.index", ("main.index",)),
    ("Portfolio", "portfolio.index", ("portfolio.",)),
    ("Units", "units.index", ("units.",)),
    ("Risks", "risks.index", ("risks.",)),
    ("Reports", "reports.index", ("reports.",)),
    ("Systems", "catalog.index", ("catalog.index", "catalog.system")),
    ("Admin", "admin.index", ("admin.",)),
)


def choices(items: Iterable[object], value: str, text: str = "name") -> list[tuple[object, object]]:
    """(value, text) pairs of a list of objects, for a select's options."""
    return [(getattr(item, value), getattr(item, text)) for item in items]


def labelled(words: Iterable[StrEnum]) -> list[tuple[str, str]]:
    """(value, text) pairs of a vocabulary's words, for a select's options: ('red', 'Red')."""
    return [(word.value, word.value.capitalize()) for word in words]


def navigation() -> list[dict]:
    """The items the signed-in user may open, the current one marked active."""
    items = []
    for label, endpoint, active_prefixes in NAVIGATION:
        if can(endpoint):
            current = request.endpoint or ""
            active = any(current == p or (p.endswith(".") and current.startswith(p)) for p in active_prefixes)
            items.append({"label": label, "endpoint": endpoint, "active": active})
    return items


def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def plus_days(value: date, days: int) -> date:
    """A date some days on: `{{ today | plus_days(14) }}` (a form's default date)."""
    return value + timedelta(days=days)


def country_name(code: str | None) -> str:
    if not code:
        return "—"
    country = pycountry.countries.get(alpha_2=code.upper())
    return f"{country.name} ({code.upper()})" if country else code


def quiet_periods(text: str | None) -> list[str]:
    """Readable ranges ("1 Jul – 15 Aug"); stored text that no longer parses is shown as it is."""
    try:
        return [period.describe() for period in parse_quiet_periods(text)]
    except QuietPeriodError:
        return [text or ""]


def init_app(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(number)
    app.add_template_filter(counted)  # {{ n | counted('route') }}: 1 route, 2 routes
    app.add_template_filter(choices)  # {{ systems | choices('key') }}: (value, text) pairs for filter_select
    app.add_template_filter(labelled)  # {{ Stage | labelled }}: the same for a vocabulary
    app.add_template_filter(day)
    app.add_template_filter(plus_days)
    app.add_template_filter(country_name)
    app.add_template_filter(quiet_periods)
    app.add_template_filter(svg, name="svg")  # {{ chart | svg('css-class') }}: a chart drawn by portal/charts
    # The vocabularies, declared once in models/, for every template and macro: {{ Colour.GREY }}.
    app.add_template_global(Colour, "Colour")
    app.add_template_global(Stage, "Stage")

    @app.context_processor
    def shared_context():
        return {
            "navigation": navigation(),
            "organisation_name": current_app.config["ORGANISATION_NAME"],
            "can": can,
            "scoped_to_own_units": scoped_to_own_units,
        }
