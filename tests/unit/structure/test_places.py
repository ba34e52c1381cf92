"""Places: versioned, never edited; define, reconfigure, reuse a retired code, history kept."""

from __future__ import annotations

from datetime import date

import pytest

from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.structure.dates import Period
from integrated_care.structure.places import (
    PlaceVersion,
    check_membership_codes,
    define,
    places_as_of,
    reconfigure,
)

START = date(2018, 4, 1)
CHANGE = date(2019, 4, 1)
DAY_BEFORE = date(2019, 3, 31)


def place(code: str, name: str, start: date = START, end: date | None = None, *practices: str):
    return PlaceVersion(code, name, Period(start, end), frozenset(practices or {f"{code}-p"}))


GREATER = place("greater-nottingham", "Greater Nottingham", START, None, "C84001", "C84002")
MID = place("mid-notts", "Mid Nottinghamshire", START, None, "C84003")
CITY = place("nottingham-city", "Nottingham City", CHANGE, None, "C84001")
SOUTH = place("south-notts", "South Nottinghamshire", CHANGE, None, "C84002")


def two_places() -> list[PlaceVersion]:
    return define(define([], GREATER), MID)


# -- PlaceVersion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["E06000018", "greater-nottingham", "a", "Mid_Notts_2", "x" * 28], ids=str
)
def test_a_place_code_of_letters_digits_dashes_and_underscores_is_valid(code: str) -> None:
    assert place(code, "Somewhere").code == code


@pytest.mark.parametrize(
    "code",
    ["", "-city", "_city", "nottingham city", "city/south", "café", "city\n", "x" * 29, "x" * 41],
    ids=["empty", "dash", "underscore", "space", "slash", "accent", "newline", "29", "41"],
)
def test_an_invalid_place_code_is_refused_naming_the_code(code: str) -> None:
    with pytest.raises(InvalidInput) as error:
        place(code, "Somewhere")
    assert f"'{code}'" in error.value.message
    assert error.value.input_name == "code"
    assert "letters, digits" in (error.value.expected or "")


def test_a_place_code_leaves_room_for_its_partnership_body_code() -> None:
    # Each place gets a body '<code>-partnership'; body codes are stored in 40 characters.
    longest = place("x" * 28, "Somewhere")
    assert len(f"{longest.code}-partnership") <= 40


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "blank"])
def test_a_place_needs_a_name(name: str) -> None:
    with pytest.raises(InvalidInput, match="needs a name") as error:
        place("city", name)
    assert error.value.input_name == "name"


def test_a_place_name_leaves_room_for_its_partnership_body_name() -> None:
    # The body is named '<name> place partnership' and body names are stored in 200.
    assert len(place("city", "N" * 182).name + " place partnership") == 200
    with pytest.raises(InvalidInput, match="183 characters") as error:
        place("city", "N" * 183)
    assert error.value.expected == "a name of at most 182 characters"


def test_a_place_with_no_practices_and_no_area_is_refused() -> None:
    with pytest.raises(InvalidInput, match="'city' has no practices and no area"):
        PlaceVersion("city", "City", Period(START))


def test_a_place_may_be_defined_by_area_alone() -> None:
    by_lad = PlaceVersion("city", "City", Period(START), lads=frozenset({"E06000018"}))
    by_lsoa = PlaceVersion("city", "City", Period(START), lsoas=frozenset({"E01013810"}))
    assert by_lad.lads == frozenset({"E06000018"})
    assert by_lsoa.lsoas == frozenset({"E01013810"})


def test_a_place_with_reversed_dates_is_refused_by_its_period() -> None:
    with pytest.raises(ValueError, match="2018-04-01"):
        place("city", "City", CHANGE, START)


def test_a_place_is_active_from_its_start_until_the_day_before_its_end() -> None:
    retired = place("city", "City", START, CHANGE)
    assert retired.active_on(START)
    assert retired.active_on(DAY_BEFORE)
    assert not retired.active_on(CHANGE)


# -- define ------------------------------------------------------------------------------


def test_defining_a_place_adds_it_to_the_history() -> None:
    history = two_places()
    assert history == [GREATER, MID]


def test_defining_does_not_change_the_history_it_was_given() -> None:
    history = [GREATER]
    define(history, MID)
    assert history == [GREATER]


@pytest.mark.parametrize(
    "start", [START, date(2020, 1, 1), date(2017, 1, 1)], ids=["same", "later", "earlier-open"]
)
def test_a_code_already_in_force_in_the_period_is_refused(start: date) -> None:
    clash = place("greater-nottingham", "Another", start)
    with pytest.raises(Conflict) as error:
        define([GREATER], clash)
    assert "'greater-nottingham' already exists for 2018-04-01 to open" in error.value.message
    assert "reconfigure" in error.value.message
    assert error.value.input_name == "code"


def test_a_code_whose_earlier_version_ended_may_be_defined_again_from_that_end() -> None:
    retired = place("city", "City", START, CHANGE)
    again = place("city", "City", CHANGE)
    assert define([retired], again) == [retired, again]


def test_a_code_whose_version_ends_after_the_new_start_is_refused() -> None:
    retired = place("city", "City", START, CHANGE)
    with pytest.raises(Conflict, match="2018-04-01 to 2019-04-01"):
        define([retired], place("city", "City", DAY_BEFORE))


def test_a_new_version_that_would_end_before_an_existing_version_starts_is_allowed() -> None:
    later = place("city", "City", CHANGE)
    earlier = place("city", "City", START, CHANGE)
    assert define([later], earlier) == [later, earlier]


# -- places_as_of ------------------------------------------------------------------------


def test_places_as_of_lists_the_places_in_force_by_name() -> None:
    history = [SOUTH, MID, GREATER]
    assert places_as_of(history, START) == [GREATER, MID]
    assert places_as_of(history, date(2017, 1, 1)) == []


# -- reconfigure -------------------------------------------------------------------------


def split_greater_nottingham() -> list[PlaceVersion]:
    return reconfigure(
        two_places(), effective=CHANGE, retire=["greater-nottingham"], new_places=[CITY, SOUTH]
    )


def test_reconfiguring_retires_and_creates_places_on_one_date() -> None:
    history = split_greater_nottingham()
    assert [p.name for p in places_as_of(history, DAY_BEFORE)] == [
        "Greater Nottingham",
        "Mid Nottinghamshire",
    ]
    assert [p.name for p in places_as_of(history, CHANGE)] == [
        "Mid Nottinghamshire",
        "Nottingham City",
        "South Nottinghamshire",
    ]


def test_the_retired_version_ends_on_the_reconfiguration_date_and_keeps_everything_else() -> None:
    history = split_greater_nottingham()
    retired = next(p for p in history if p.code == "greater-nottingham")
    assert retired.period == Period(START, CHANGE)
    assert (retired.name, retired.practices) == (GREATER.name, GREATER.practices)


def test_reconfiguring_keeps_every_version() -> None:
    history = split_greater_nottingham()
    assert sorted((p.code, p.period.start) for p in history) == [
        ("greater-nottingham", START),
        ("mid-notts", START),
        ("nottingham-city", CHANGE),
        ("south-notts", CHANGE),
    ]


def test_places_not_retired_are_untouched_by_a_reconfiguration() -> None:
    history = split_greater_nottingham()
    assert MID in history


def test_reconfiguring_does_not_change_the_history_it_was_given() -> None:
    history = two_places()
    reconfigure(history, effective=CHANGE, retire=["greater-nottingham"], new_places=[CITY])
    assert history == [GREATER, MID]


def test_a_retired_code_may_be_reused_by_a_new_place_on_the_same_date() -> None:
    smaller = place("greater-nottingham", "Greater Nottingham", CHANGE, None, "C84001")
    history = reconfigure(
        two_places(), effective=CHANGE, retire=["greater-nottingham"], new_places=[smaller]
    )
    versions = [p for p in history if p.code == "greater-nottingham"]
    assert [v.period for v in versions] == [Period(START, CHANGE), Period(CHANGE)]
    assert places_as_of(history, CHANGE)[0].practices == frozenset({"C84001"})


def test_a_reconfiguration_that_neither_retires_nor_creates_is_refused() -> None:
    with pytest.raises(InvalidInput, match="retire or create at least one place"):
        reconfigure(two_places(), effective=CHANGE, retire=[], new_places=[])


def test_retiring_a_place_not_in_force_on_the_date_is_refused_with_suggestions() -> None:
    with pytest.raises(NotFound) as error:
        reconfigure(two_places(), effective=CHANGE, retire=["greater-notingham"], new_places=[])
    assert "place in force on 2019-04-01 'greater-notingham'" in error.value.message
    assert "greater-nottingham" in error.value.suggestions
    assert error.value.input_name == "retire"


def test_retiring_a_place_before_it_starts_is_refused() -> None:
    with pytest.raises(NotFound):
        reconfigure(two_places(), effective=date(2018, 1, 1), retire=["mid-notts"], new_places=[])


def test_retiring_a_place_on_its_first_day_is_refused() -> None:
    with pytest.raises(Conflict, match="starts on 2018-04-01") as error:
        reconfigure(two_places(), effective=START, retire=["mid-notts"], new_places=[])
    assert error.value.input_name == "effective"


def test_retiring_a_place_that_has_a_later_version_is_refused() -> None:
    history = [place("city", "City", START, CHANGE), place("city", "City", date(2020, 1, 1))]
    with pytest.raises(Conflict, match="later version"):
        reconfigure(history, effective=date(2018, 6, 1), retire=["city"], new_places=[])


def test_new_places_must_start_on_the_reconfiguration_date() -> None:
    early = place("nottingham-city", "Nottingham City", DAY_BEFORE)
    with pytest.raises(InvalidInput, match="must start on the reconfiguration date") as error:
        reconfigure(
            two_places(), effective=CHANGE, retire=["greater-nottingham"], new_places=[early]
        )
    assert error.value.expected == "2019-04-01"


def test_two_new_places_sharing_a_code_are_refused() -> None:
    twin = place("nottingham-city", "Another City", CHANGE)
    with pytest.raises(InvalidInput, match="share a code"):
        reconfigure(two_places(), effective=CHANGE, retire=[], new_places=[CITY, twin])


def test_a_new_place_with_the_code_of_a_place_still_in_force_is_refused() -> None:
    clash = place("mid-notts", "Mid Notts again", CHANGE)
    with pytest.raises(Conflict, match="'mid-notts' already exists"):
        reconfigure(
            two_places(), effective=CHANGE, retire=["greater-nottingham"], new_places=[clash]
        )


def test_naming_a_retired_code_twice_retires_it_once() -> None:
    history = reconfigure(
        two_places(),
        effective=CHANGE,
        retire=["greater-nottingham", "greater-nottingham"],
        new_places=[],
    )
    assert len(history) == 2
    assert places_as_of(history, CHANGE) == [MID]


# -- codes of practices and districts ------------------------------------------------------

KNOWN = {
    "C84001": "NHS Nottingham and Nottinghamshire Integrated Care Board",
    "A81001": "NHS North East and North Cumbria Integrated Care Board",
}


def check(p: PlaceVersion) -> None:
    check_membership_codes(
        p,
        known_practices=KNOWN,
        own_practices={"C84001"},
        known_lads=["E06000018", "E06000032"],
        own_lads={"E06000018"},
    )


def test_a_place_of_this_icbs_practices_and_districts_passes_the_code_check() -> None:
    check(
        PlaceVersion("city", "City", Period(START), frozenset({"C84001"}), frozenset({"E06000018"}))
    )


def test_an_unknown_practice_is_refused_with_the_closest_codes_suggested() -> None:
    with pytest.raises(NotFound) as error:
        check(place("city", "City", START, None, "C84011"))
    assert error.value.message.startswith("Unknown GP practice 'C84011'.")
    assert error.value.suggestions == ["C84001"]
    assert error.value.input_name == "practices"


def test_a_practice_of_another_icb_is_refused_naming_that_icb() -> None:
    with pytest.raises(InvalidInput) as error:
        check(place("city", "City", START, None, "A81001"))
    assert "A81001 belongs to NHS North East and North Cumbria" in error.value.message
    assert error.value.expected == "practices of this ICB"


def test_an_unknown_district_is_refused() -> None:
    with pytest.raises(NotFound, match="Unknown local authority district 'E06000099'"):
        check(PlaceVersion("city", "City", Period(START), lads=frozenset({"E06000099"})))


def test_a_district_outside_the_icb_is_refused() -> None:
    with pytest.raises(InvalidInput, match="E06000032 does not overlap this ICB"):
        check(PlaceVersion("luton", "Luton", Period(START), lads=frozenset({"E06000032"})))
