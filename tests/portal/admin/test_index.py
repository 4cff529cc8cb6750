"""The admin home shows counts and the latest audit entries."""

from models import ApiToken, db
from portal.services.platform import audit


def test_admin_home_counts_and_links(client, admin, make_subscription, make_system):
    make_subscription()
    make_system()
    live, _ = ApiToken.issue("live", ["read"], admin)
    dead, _ = ApiToken.issue("dead", ["read"], admin)
    dead.revoke()
    db.session.add_all([live, dead])
    audit.record(admin, "update", "unit", "ops-east", {"name": ["Ops", "Operations"]})
    db.session.commit()
    page = client.get("/admin/").get_data(as_text=True)
    assert '<span class="stat-value">2</span><span class="stat-label">Systems</span>' in page
    assert '<span class="stat-value">1</span><span class="stat-label">Subscriptions</span>' in page
    assert '<span class="stat-value">1</span><span class="stat-label">Active API tokens</span>' in page
    assert "ops-east" in page
    for link in ("/admin/accounts", "/systems/", "/units/", "/admin/tokens", "/admin/audit"):
        assert f'href="{link}"' in page
