"""Calendar months by their first days: across year ends, leap years and months of every length."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from portal.months import last_day, month_starts, shift


def test_months_across_the_year_end_and_february():
    assert shift(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert shift(date(2026, 11, 23), 2) == date(2027, 1, 1)
    assert last_day(date(2028, 2, 10)) == date(2028, 2, 29) and last_day(date(2026, 2, 1)) == date(2026, 2, 28)
    assert month_starts(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), months=st.integers(-240, 240))
def test_a_month_shifted_is_a_first_day_and_its_last_day_is_the_eve_of_the_next(day, months):
    first = shift(day, months)
    assert first.day == 1 and (first.year - day.year) * 12 + first.month - day.month == months
    assert last_day(day) + timedelta(days=1) == shift(day, 1) and last_day(day).month == day.month
