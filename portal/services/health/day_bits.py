"""Active days as bits: on which days someone (or some feature) was active, 63 days to a 64-bit integer.

The scoring asks, for every person of every subscription, on which days and in which weeks they were active
over two years. Read from the daily rollup that is millions of rows to sort by person; kept as bits it is a
few rows per person, in the order the question needs. A row covers a *span* of 63 days (bits 0–62: the sign
bit of a signed 64-bit column stays clear on every engine); spans are counted from a Monday before any day
an import accepts, so each one is nine whole weeks.

Pure functions, plus `DayBitsAccumulator`, which gathers the bits of the rows an import writes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from datetime import date, timedelta
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)

SPAN_DAYS = 63
EPOCH = date(1969, 12, 29)  # a Monday; imports accept days from 1970 on


def span_and_bit(day: date) -> tuple[int, int]:
    """The span holding `day` and the day's bit in it."""
    return divmod((day - EPOCH).days, SPAN_DAYS)


def span_of(day: date) -> int:
    return (day - EPOCH).days // SPAN_DAYS


def span_start(span: int) -> date:
    return EPOCH + timedelta(days=span * SPAN_DAYS)


def assemble(rows: Iterable[tuple[int, int]], first: date, last: date) -> int:
    """The (span, bits) rows of one person (or feature) as one integer over `first`…`last`: bit i set when
    active on `first` + i days. Days outside the range are dropped — after `last` the data is not yet known
    as of that date."""
    origin = (first - EPOCH).days
    length = (last - first).days + 1
    joined = 0
    for span, bits in rows:
        offset = span * SPAN_DAYS - origin
        joined |= bits << offset if offset >= 0 else bits >> -offset
    return joined & ((1 << length) - 1)


def assemble_each(rows: Iterable[tuple[K, int, int]], first: date, last: date) -> dict[K, int]:
    """`assemble` for many people (or features) at once: rows of (key, span, bits), in any order. A key
    whose days all fall outside the range is left out."""
    origin = (first - EPOCH).days
    keep = (1 << ((last - first).days + 1)) - 1
    joined: dict[K, int] = {}
    get = joined.get
    for key, span, bits in rows:
        offset = span * SPAN_DAYS - origin
        joined[key] = get(key, 0) | (bits << offset if offset >= 0 else bits >> -offset)
    return {key: kept for key, days in joined.items() if (kept := days & keep)}


def days_between(days: int, first: date, start: date, end: date) -> int:
    """How many days from `start` to `end` (inclusive) are set in `days` (an `assemble` result from `first`)."""
    if end < start:
        return 0
    low = (start - first).days
    if low < 0:
        start, low = first, 0
    return (days >> low & ((1 << ((end - start).days + 1)) - 1)).bit_count()


def weeks_back(days: int, length: int) -> int:
    """From the days of an `assemble` result of `length` days, the weeks counted back from its last day:
    bit w set when active on any of the 7 days of week w (week 0: the last 7 days, week 1 the 7 before…)."""
    if not days:
        return 0
    # Smear: bit j becomes the OR of bits j…j+6, so a week's lowest day answers for the whole week…
    smeared = days | days >> 1
    smeared |= smeared >> 2
    smeared |= smeared >> 3
    # …and the weeks' lowest days are every 7th character of the binary text, read from the last day back
    # (text from the highest bit: character k is day length-1-k; week w's lowest day is character 7w + 6).
    text = format(smeared, f"0{length}b")[6::7]
    return int(text[::-1], 2)


def last_day(days: int, first: date) -> date | None:
    """The last day set in an `assemble` result, if any."""
    return first + timedelta(days=days.bit_length() - 1) if days else None


class DayBitsAccumulator:
    """The day bits of the rollup rows an import writes, or-ed per person and per feature until written.

    Bits only ever get set, so adding the same day twice changes nothing and the rows can be written as
    upserts that OR into what is stored: several imports, in any order, give the same bits.

    Kept as (unit, system, span) → person (or feature) → bits: a person's entry is then an int key and an
    int value, a third of the memory of a tuple-keyed entry, and an import holds hundreds of thousands.
    """

    def __init__(self) -> None:
        self.people: dict[tuple[int, int, int], dict[int, int]] = {}
        self.features: dict[tuple[int, int, int], dict[str, int]] = {}
        self.size = 0  # person and feature entries held
        self._where: dict[Any, tuple[int, int]] = {}  # a day as the driver gives it → (span, bit)

    def __len__(self) -> int:
        return self.size

    def _locate(self, day: date | str) -> tuple[int, int]:
        found = self._where.get(day)
        if found is None:
            span, bit = span_and_bit(day if isinstance(day, date) else date.fromisoformat(day))
            found = self._where[day] = (span, 1 << bit)
        return found

    def add(self, rows: Iterable[tuple]) -> None:
        """Rows that start with (unit, system, day, person, feature), as the rollup stores them. Rows in
        rollup order (the import's sums are) share their groups and cost a dictionary update each."""
        people, features = self.people, self.features
        last: tuple[Any, Any, Any] | None = None
        by_person: dict[int, int] = {}
        by_feature: dict[str, int] = {}
        bit = 0
        added = 0
        for row in rows:
            unit, system, day, person, feature = row[0], row[1], row[2], row[3], row[4]
            if last is None or unit != last[0] or system != last[1] or day != last[2]:
                last = (unit, system, day)
                span, bit = self._locate(day)
                group = (unit, system, span)
                by_person = people.get(group) or people.setdefault(group, {})
                by_feature = features.get(group) or features.setdefault(group, {})
            # The same or-update twice, written out: this runs for every rollup row of an import.
            known = by_person.get(person)
            if known is None:
                added += 1
                by_person[person] = bit
            else:
                by_person[person] = known | bit
            if feature:
                known = by_feature.get(feature)
                if known is None:
                    added += 1
                    by_feature[feature] = bit
                else:
                    by_feature[feature] = known | bit
        self.size += added

    def drain(self) -> tuple[Iterator[tuple[int, int, int, int, int]], Iterator[tuple[int, int, str, int, int]]]:
        """The gathered rows — (unit, system, person or feature, span, bits), in key order, made one at a time
        as the writer takes them — and start afresh."""
        people, features = self.people, self.features
        self.people, self.features, self.size = {}, {}, 0
        return _rows(people), _rows(features)


def _rows(groups: dict[tuple[int, int, int], dict[Any, int]]) -> Iterator[tuple[Any, ...]]:
    for unit, system, span in sorted(groups):
        members = groups[(unit, system, span)]
        for member in sorted(members):
            yield unit, system, member, span, members[member]
