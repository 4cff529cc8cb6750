from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from portal.services.health.quiet_periods import (
    QuietPeriodError,
    format_quiet_periods,
    in_quiet_period,
    is_quiet,
    normalise_quiet_periods,
    parse_quiet_periods,
)


def test_empty_means_no_quiet_period():
    assert parse_quiet_periods("") == []
    assert parse_quiet_periods(None) == []
    assert not is_quiet("", date(2026, 8, 10))


def test_swedish_august():
    assert is_quiet("07-01..08-15", date(2026, 8, 15))
    assert is_quiet("07-01..08-15", date(2026, 7, 1))
    assert not is_quiet("07-01..08-15", date(2026, 8, 16))
    assert not is_quiet("07-01..08-15", date(2026, 6, 30))


def test_range_wrapping_the_year_end():
    text = "12-20..01-06"
    assert is_quiet(text, date(2026, 12, 31))
    assert is_quiet(text, date(2027, 1, 6))
    assert not is_quiet(text, date(2027, 1, 7))
    assert not is_quiet(text, date(2026, 12, 19))


def test_normalised_form_is_sorted_and_deduplicated():
    assert normalise_quiet_periods(" 12-20..01-06 ; 07-01..08-15;07-01..08-15\n") == "07-01..08-15;12-20..01-06"


def test_leap_day_is_a_valid_end():
    assert normalise_quiet_periods("02-01..02-29") == "02-01..02-29"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("07-01", "MM-DD..MM-DD"),
        ("7-1..8-1", "MM-DD"),
        ("13-01..13-05", "not a day of the year"),
        ("02-30..03-01", "not a day of the year"),
        ("07-01..08-15..09-01", "MM-DD..MM-DD"),
        ("aa-bb..cc-dd", "MM-DD"),
    ],
)
def test_bad_input_names_the_part_and_the_reason(text, fragment):
    with pytest.raises(QuietPeriodError) as error:
        parse_quiet_periods(text)
    assert fragment in str(error.value)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31))


@given(start=days, end=days)
def test_round_trip(start, end):
    text = f"{start:%m-%d}..{end:%m-%d}"
    assert format_quiet_periods(parse_quiet_periods(text)) == text


@given(start=days, length=st.integers(min_value=0, max_value=300), probe=days)
@example(start=date(2024, 12, 1), length=90, probe=date(2024, 2, 29))  # into 2025: 29 February is still in range
def test_membership_matches_a_day_by_day_walk(start, length, probe):
    end = start + timedelta(days=length)
    text = f"{start:%m-%d}..{end:%m-%d}"
    # A recurring range means its days in every year, 29 February included (a walk from December into a
    # year that is not leap would miss it): walk the days of a leap year, round the year end.
    leap = date(2024, 1, 1)
    first = (date(2024, start.month, start.day) - leap).days
    span = (date(2024, end.month, end.day) - leap).days - first
    walked = {((day := leap + timedelta(days=(first + i) % 366)).month, day.day) for i in range(span % 366 + 1)}
    assert is_quiet(text, probe) == ((probe.month, probe.day) in walked)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_the_parsed_periods_and_their_text_say_the_same_day_is_quiet(day):
    text = "07-01..08-15;12-20..01-06"
    assert in_quiet_period(parse_quiet_periods(text), day) is is_quiet(text, day)
    assert in_quiet_period([], day) is False
