"""The day-bit encoding: rows of 63 days joined, counted and folded into weeks, checked against plain loops."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from portal.services.health.day_bits import (
    EPOCH,
    SPAN_DAYS,
    DayBitsAccumulator,
    assemble,
    days_between,
    last_day,
    span_and_bit,
    span_start,
    weeks_back,
)

FIRST = date(2025, 1, 1)
some_days = st.sets(st.integers(min_value=0, max_value=700), max_size=60).map(
    lambda offsets: {FIRST + timedelta(days=offset) for offset in offsets}
)


def rows_of(days: set[date]) -> list[tuple[int, int]]:
    accumulator = DayBitsAccumulator()
    accumulator.add((1, 2, day, 3, "") for day in days)
    people, _ = accumulator.drain()
    return [(span, bits) for _, _, _, span, bits in people]


def test_spans_are_whole_weeks_from_a_monday():
    assert EPOCH.weekday() == 0 and SPAN_DAYS % 7 == 0
    assert span_and_bit(EPOCH) == (0, 0)
    assert span_and_bit(date(1970, 3, 2)) == (1, 0) == span_and_bit(span_start(1))
    assert span_and_bit(date(1970, 3, 1)) == (0, 62)


@given(some_days, st.integers(min_value=0, max_value=700), st.integers(min_value=1, max_value=400))
def test_assemble_keeps_exactly_the_days_in_range(days, start_offset, length):
    first = FIRST + timedelta(days=start_offset)
    last = first + timedelta(days=length - 1)
    joined = assemble(rows_of(days), first, last)
    assert {first + timedelta(days=i) for i in range(length) if joined >> i & 1} == {
        day for day in days if first <= day <= last
    }
    assert joined.bit_length() <= length


@given(some_days, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=60))
def test_days_between_counts_the_days_in_its_range(days, start_offset, span):
    first, last = FIRST, FIRST + timedelta(days=700)
    joined = assemble(rows_of(days), first, last)
    start = FIRST + timedelta(days=start_offset)
    end = start + timedelta(days=span)
    assert days_between(joined, first, start, end) == sum(start <= day <= end for day in days)
    assert days_between(joined, first, first - timedelta(days=5), first) == (first in days)


@given(some_days, st.integers(min_value=1, max_value=100))
def test_weeks_back_folds_each_seven_days_ending_on_the_last(days, weeks):
    last = FIRST + timedelta(days=650)
    length = 7 * weeks
    first = last - timedelta(days=length - 1)
    folded = weeks_back(assemble(rows_of(days), first, last), length)
    expected = 0
    for day in days:
        back = (last - day).days
        if 0 <= back < length:
            expected |= 1 << (back // 7)
    assert folded == expected


def test_last_day_and_nothing():
    assert last_day(0, FIRST) is None and weeks_back(0, 70) == 0
    ninth = FIRST + timedelta(days=9)
    assert last_day(assemble(rows_of({FIRST, ninth}), FIRST, FIRST + timedelta(days=30)), FIRST) == ninth


def test_the_accumulator_ors_days_and_keeps_features_apart():
    accumulator = DayBitsAccumulator()
    accumulator.add([(1, 2, "2026-03-02", 7, "planning"), (1, 2, date(2026, 3, 3), 7, ""), (1, 2, "2026-03-02", 7, "")])
    accumulator.add([(1, 2, "2026-03-02", 5, ""), (1, 1, "2026-03-02", 9, "planning")])
    assert len(accumulator) == 5  # people 7, 5 and 9; planning in two subscriptions
    people, features = accumulator.drain()
    span, bit = span_and_bit(date(2026, 3, 2))
    assert list(people) == [
        (1, 1, 9, span, 1 << bit),
        (1, 2, 5, span, 1 << bit),
        (1, 2, 7, span, 1 << bit | 1 << (bit + 1)),
    ]
    assert list(features) == [(1, 1, "planning", span, 1 << bit), (1, 2, "planning", span, 1 << bit)]
    assert len(accumulator) == 0 and not accumulator.people
