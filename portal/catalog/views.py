"""The IT systems catalog: a searchable list and a page per system."""

from __future__ import annotations

from flask import abort, render_template, request

from portal import clock
from portal.catalog import bp
from portal.catalog.forms import CatalogFilterForm
from portal.htmx import render_page_or_partial
from portal.services.catalog import adoption as system_adoption
from portal.services.catalog import search as catalog_search


@bp.route("/")
def index():
    """The catalog, with active search and filters that stay in the URL (the fragment is the results alone)."""
    form = CatalogFilterForm(request.args, catalog_search.filter_options())
    filters = form.filters()
    return render_page_or_partial(
        "catalog/index.html",
        "catalog/_results.html",
        form=form,
        filters=filters,
        rows=catalog_search.search_systems(filters),
    )


@bp.route("/<system_key>")
def system(system_key: str):
    """One system: what it is, its modules, its adoption across the units that use it, and their seats,
    stages, costs and tickets."""
    detail = catalog_search.system_detail(system_key)
    if detail is None:
        abort(404)
    adoption = system_adoption.adoption(detail.system, clock.today())
    return render_template("catalog/system.html", detail=detail, system=detail.system, adoption=adoption)
