"""The audit log page."""

from __future__ import annotations

from flask import render_template, request

from portal.admin import bp, queries


@bp.route("/audit", endpoint="audit")
def audit_log():
    """Who changed what, newest first, 50 a page, optionally one kind of entity."""
    entity_type = request.args.get("entity_type", "")
    page = queries.audit_page(entity_type or None, request.args.get("page", 1, type=int))
    return render_template(
        "admin/audit.html", page=page, entity_type=entity_type, entity_types=queries.audit_entity_types()
    )
