"""The audit log page: newest first, paginated, filtered, readable."""

from datetime import timedelta

from models import db
from portal import clock
from portal.admin.queries import AUDIT_PAGE_SIZE
from portal.services.platform import audit


def test_newest_first_and_readable(client, admin):
    older = audit.record(admin, "update", "unit", "ops", {"name": ["Ops", "Operations"], "headcount": [10, None]})
    older.at = clock.now() - timedelta(days=1)
    audit.record(admin, "create", "system", "crm", {"name": [None, "CRM"], "seat_cost": [None, "10.00"]})
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.index(" crm</td>") < page.index(" ops</td>")
    assert '<span class="change-old">Ops</span> → Operations' in page
    assert '<span class="change-old">10</span> → —' in page
    assert '<span class="change-field">seat cost</span>' in page


def test_filter_by_entity_type(client, admin):
    audit.record(admin, "update", "unit", "unit-key-a", {"name": ["A", "B"]})
    audit.record(admin, "update", "system", "system-key-b", {"name": ["A", "B"]})
    db.session.commit()
    page = client.get("/admin/audit?entity_type=unit").get_data(as_text=True)
    assert "unit-key-a" in page
    assert "system-key-b" not in page
    assert '<option value="unit" selected>unit</option>' in page


def test_pagination(client, admin):
    for n in range(AUDIT_PAGE_SIZE + 5):
        audit.record(admin, "update", "unit", f"bulk-{n:03d}", {})
    db.session.commit()
    first = client.get("/admin/audit?entity_type=unit").get_data(as_text=True)
    assert "bulk-054" in first
    assert "bulk-004" not in first
    assert "page 1 of 2" in first
    assert 'href="/admin/audit?entity_type=unit&amp;page=2"' in first
    second = client.get("/admin/audit?entity_type=unit&page=2").get_data(as_text=True)
    assert "bulk-004" in second
    assert "bulk-054" not in second
    assert client.get("/admin/audit?page=99").status_code == 200
