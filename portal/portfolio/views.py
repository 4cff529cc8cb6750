"""The account manager's portfolio and its movers; admins and the CIO may look at any manager's."""

from __future__ import annotations

from datetime import date, timedelta

from flask import request
from flask_login import current_user

from portal import clock
from portal.htmx import render_page_or_partial
from portal.portfolio import bp
from portal.portfolio.forms import PortfolioFilterForm
from portal.services.units import portfolio

MOVERS_DEFAULT_DAYS = 30


@bp.route("/")
def index():
    """Units in the order they need attention; the filters answer with the table alone (htmx)."""
    form = PortfolioFilterForm(request.args)
    view = portfolio.build(current_user, form.filters())
    return render_page_or_partial("portfolio/index.html", "portfolio/_results.html", view=view, form=form)


@bp.route("/movers")
def movers():
    """The units whose colour or stage changed since a chosen date (default: 30 days ago)."""
    since = _since(request.args.get("since", ""))
    filters = PortfolioFilterForm(request.args).filters()
    moves = portfolio.movers(current_user, filters, since)
    return render_page_or_partial(
        "portfolio/movers.html", "portfolio/_movers.html", moves=moves, since=since, filters=filters
    )


def _since(text: str) -> date:
    try:
        chosen = date.fromisoformat(text)
    except ValueError:
        return clock.today() - timedelta(days=MOVERS_DEFAULT_DAYS)
    return min(chosen, clock.today())
