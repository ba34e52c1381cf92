"""Period: an effective-dated interval [start, end), open-ended when end is None."""

from __future__ import annotations

from datetime import date

import pytest

from integrated_care.structure.dates import Period

START = date(2018, 4, 1)
END = date(2019, 4, 1)


def test_a_period_contains_its_first_day() -> None:
    assert Period(START, END).contains(START)


def test_a_period_does_not_contain_its_end_day_because_the_end_is_exclusive() -> None:
    assert not Period(START, END).contains(END)


def test_a_period_contains_the_day_before_its_end() -> None:
    assert Period(START, END).contains(date(2019, 3, 31))


def test_a_period_does_not_contain_the_day_before_it_starts() -> None:
    assert not Period(START, END).contains(date(2018, 3, 31))


def test_an_open_period_contains_every_later_day() -> None:
    assert Period(START).contains(date(2999, 12, 31))


@pytest.mark.parametrize(
    "end",
    [date(2018, 4, 1), date(2018, 3, 31), date(2017, 1, 1)],
    ids=["same", "day-before", "year"],
)
def test_a_period_that_ends_on_or_before_its_start_is_refused_naming_both_dates(end: date) -> None:
    with pytest.raises(ValueError, match=r"2018-04-01") as error:
        Period(START, end)
    assert end.isoformat() in str(error.value)


def test_adjacent_periods_do_not_overlap() -> None:
    before = Period(START, END)
    after = Period(END)
    assert not before.overlaps(after)
    assert not after.overlaps(before)


def test_periods_sharing_one_day_overlap() -> None:
    assert Period(START, date(2019, 4, 2)).overlaps(Period(date(2019, 4, 1), date(2020, 1, 1)))


def test_two_open_periods_always_overlap() -> None:
    assert Period(START).overlaps(Period(date(2030, 1, 1)))


def test_an_open_period_overlaps_a_closed_period_that_ends_after_it_starts() -> None:
    assert Period(date(2019, 1, 1)).overlaps(Period(START, date(2019, 1, 2)))


def test_an_open_period_does_not_overlap_a_period_that_ends_on_its_start() -> None:
    assert not Period(date(2019, 1, 1)).overlaps(Period(START, date(2019, 1, 1)))


def test_a_period_nested_inside_another_overlaps_it() -> None:
    outer = Period(date(2018, 1, 1), date(2020, 1, 1))
    inner = Period(date(2018, 6, 1), date(2018, 7, 1))
    assert outer.overlaps(inner)
    assert inner.overlaps(outer)


def test_a_period_describes_itself_with_iso_dates() -> None:
    assert Period(START, END).describe() == "2018-04-01 to 2019-04-01"
    assert Period(START).describe() == "2018-04-01 to open"
