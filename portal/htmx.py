"""htmx support in one place: fragment detection, partial rendering, cache correctness."""

from __future__ import annotations

from flask import Flask, render_template, request


def is_htmx() -> bool:
    """A request that wants a fragment. A boosted link or form (hx-boost on <body>) navigates to a whole
    page even though htmx sends it, and so does a history restore."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and not headers.get("HX-Boosted")
        and not headers.get("HX-History-Restore-Request")
    )


def render_page_or_partial(page: str, partial: str, **context) -> str:
    """The same partial serves the page's include and the fragment response."""
    return render_template(partial if is_htmx() else page, **context)


def _vary_on_htmx(response):
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_vary_on_htmx)
