"""The one clock: today is the UTC day of now, and freezing now freezes every page's today."""

from __future__ import annotations

from datetime import UTC, date, datetime

from portal import clock


def test_today_is_the_utc_day_of_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 12, 31)


def test_now_is_aware_and_in_utc():
    assert clock.now().utcoffset().total_seconds() == 0


def test_a_frozen_clock_reaches_the_pages(client, auth, make_account, frozen_clock):
    frozen_clock(date(2031, 3, 4))
    auth.login(make_account(role="admin"))
    assert 'value="2031-02"' in client.get("/reports/").get_data(as_text=True)  # last month, made again
