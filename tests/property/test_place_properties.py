"""Place reconfigurations never lose a version, whatever the sequence of changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from integrated_care.structure.dates import Period
from integrated_care.structure.places import PlaceVersion, define, places_as_of, reconfigure

CODES = ["city", "south", "mid", "bassetlaw", "north"]
PRACTICES = [f"C840{n:02d}" for n in range(20)]
START = date(2018, 4, 1)
SOME = settings(max_examples=60, deadline=None)


@dataclass(frozen=True)
class Step:
    effective: date
    retire: tuple[str, ...]
    new: tuple[PlaceVersion, ...]


@st.composite
def new_place(draw: st.DrawFn, code: str, effective: date) -> PlaceVersion:
    practices = draw(st.frozensets(st.sampled_from(PRACTICES), min_size=1, max_size=5))
    name = draw(st.sampled_from(["Nottingham City", "South Notts", "Mid Notts", "Greater"]))
    return PlaceVersion(code, f"{name} {code}", Period(effective), practices)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[PlaceVersion], list[Step]]:
    first = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True))
    initial = [draw(new_place(code, START)) for code in first]
    active = set(first)
    day = START
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        day += timedelta(days=draw(st.integers(1, 500)))
        retire = draw(st.lists(st.sampled_from(sorted(active)), unique=True)) if active else []
        free = [c for c in CODES if c not in active - set(retire)]
        codes = draw(st.lists(st.sampled_from(free), unique=True, max_size=3)) if free else []
        if not retire and not codes:
            codes = [free[0]] if free else []
            retire = [] if codes else [sorted(active)[0]]
        new = tuple(draw(new_place(code, day)) for code in codes)
        steps.append(Step(day, tuple(retire), new))
        active = (active - set(retire)) | set(codes)
    return initial, steps


def run(initial: list[PlaceVersion], steps: list[Step]) -> list[PlaceVersion]:
    history: list[PlaceVersion] = []
    for p in initial:
        history = define(history, p)
    for step in steps:
        history = reconfigure(
            history, effective=step.effective, retire=step.retire, new_places=step.new
        )
    return history


def key(p: PlaceVersion) -> tuple[str, date, str, frozenset[str]]:
    return (p.code, p.period.start, p.name, p.practices)


@SOME
@given(scenarios())
def test_every_version_ever_created_is_kept_once_with_its_contents(
    scenario: tuple[list[PlaceVersion], list[Step]],
) -> None:
    initial, steps = scenario
    history = run(initial, steps)
    created = [*initial, *(p for s in steps for p in s.new)]
    assert sorted(key(p) for p in history) == sorted(key(p) for p in created)


@SOME
@given(scenarios())
def test_a_version_ends_exactly_when_it_is_retired_and_otherwise_stays_open(
    scenario: tuple[list[PlaceVersion], list[Step]],
) -> None:
    initial, steps = scenario
    in_force = {p.code: key(p) for p in initial}
    expected_end: dict[tuple[str, date, str, frozenset[str]], date | None]
    expected_end = dict.fromkeys(in_force.values())
    for step in steps:
        for code in step.retire:
            expected_end[in_force.pop(code)] = step.effective
        for p in step.new:
            in_force[p.code] = key(p)
            expected_end[key(p)] = None
    history = run(initial, steps)
    assert {key(p): p.period.end for p in history} == expected_end


@SOME
@given(scenarios())
def test_no_two_versions_of_a_code_are_in_force_on_the_same_day(
    scenario: tuple[list[PlaceVersion], list[Step]],
) -> None:
    initial, steps = scenario
    history = run(initial, steps)
    for a in history:
        for b in history:
            if a is not b and a.code == b.code:
                assert not a.period.overlaps(b.period)


@SOME
@given(scenarios())
def test_on_each_reconfiguration_date_exactly_the_expected_places_are_in_force(
    scenario: tuple[list[PlaceVersion], list[Step]],
) -> None:
    initial, steps = scenario
    history = run(initial, steps)
    expected = {p.code for p in initial}
    for step in steps:
        before = {p.code for p in places_as_of(history, step.effective - timedelta(days=1))}
        assert before == expected
        expected = (expected - set(step.retire)) | {p.code for p in step.new}
        on = places_as_of(history, step.effective)
        assert {p.code for p in on} == expected
        assert {key(p) for p in on} >= {key(p) for p in step.new}


@SOME
@given(scenarios())
def test_replaying_a_prefix_gives_a_history_contained_in_the_full_one(
    scenario: tuple[list[PlaceVersion], list[Step]],
) -> None:
    initial, steps = scenario
    full = run(initial, steps)
    for n in range(len(steps)):
        partial = run(initial, steps[:n])
        # Every version of the shorter history is still there, from the same start day.
        assert {(p.code, p.period.start) for p in partial} <= {
            (p.code, p.period.start) for p in full
        }
