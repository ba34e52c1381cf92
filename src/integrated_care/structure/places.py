"""Places: named sets of practices (and of the area they serve) with effective dates.

A place is defined by the practices it holds (what the NHS budgets follow) and, where known,
by its area as local authority districts or LSOAs (what resident population and deprivation
follow). Places are versioned, never edited: reconfiguring ends the old versions on a date
and starts new ones, so "which places existed on 2019-03-01" stays answerable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.structure.dates import Period

# Each place gets a partnership body '<code>-partnership' named '<name> place partnership',
# stored in columns of 40 and 200 characters: codes and names leave room for the suffixes.
MAX_CODE = 40 - len("-partnership")
MAX_NAME = 200 - len(" place partnership")
_CODE = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_-]{{0,{MAX_CODE - 1}}}$")


@dataclass(frozen=True, slots=True)
class PlaceVersion:
    code: str
    name: str
    period: Period
    practices: frozenset[str] = field(default_factory=frozenset)
    lads: frozenset[str] = field(default_factory=frozenset)
    lsoas: frozenset[str] = field(default_factory=frozenset)
    # Why each practice is here, when the platform chose it (default places); empty when
    # a person defined the place.
    basis: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise InvalidInput(
                f"Place code '{self.code}' is not valid.",
                input_name="code",
                expected=(
                    f"1-{MAX_CODE} letters, digits, '-' or '_', starting with a letter or digit"
                ),
            )
        if not self.name.strip():
            raise InvalidInput(
                "A place needs a name.", input_name="name", expected="a non-empty name"
            )
        if len(self.name) > MAX_NAME:
            raise InvalidInput(
                f"The name of place '{self.code}' is {len(self.name)} characters long.",
                input_name="name",
                expected=f"a name of at most {MAX_NAME} characters",
            )
        if not (self.practices or self.lads or self.lsoas):
            raise InvalidInput(
                f"Place '{self.code}' has no practices and no area.",
                input_name="practices",
                expected="at least one practice, PCN, local authority district or LSOA",
            )

    def active_on(self, day: date) -> bool:
        return self.period.contains(day)

    @property
    def basis_by_practice(self) -> dict[str, str]:
        return dict(self.basis)


def places_as_of(history: Iterable[PlaceVersion], day: date) -> list[PlaceVersion]:
    return sorted((p for p in history if p.active_on(day)), key=lambda p: p.name)


def check_membership_codes(
    place: PlaceVersion,
    *,
    known_practices: dict[str, str],
    own_practices: set[str],
    known_lads: Iterable[str],
    own_lads: set[str],
) -> None:
    """Refuse practices or districts that are unknown or belong to another ICB.

    ``known_practices`` maps every practice code in England to its ICB name, so a practice
    of another ICB gets a message that says which ICB it belongs to.
    """
    for code in sorted(place.practices):
        if code not in known_practices:
            raise NotFound(
                "GP practice", code, input_name="practices", candidates=sorted(own_practices)
            )
        if code not in own_practices:
            raise InvalidInput(
                f"Practice {code} belongs to {known_practices[code]}, not to this system; "
                "a place can only hold this ICB's practices.",
                input_name="practices",
                expected="practices of this ICB",
            )
    lad_pool = set(known_lads)
    for code in sorted(place.lads):
        if code not in lad_pool:
            raise NotFound(
                "local authority district", code, input_name="lads", candidates=sorted(own_lads)
            )
        if code not in own_lads:
            raise InvalidInput(
                f"Local authority district {code} does not overlap this ICB.",
                input_name="lads",
                expected="districts within this ICB",
            )


def define(history: Sequence[PlaceVersion], place: PlaceVersion) -> list[PlaceVersion]:
    """Add a new place; its code must not be in force at any time in its period."""
    for existing in history:
        if existing.code == place.code and existing.period.overlaps(place.period):
            raise Conflict(
                f"Place '{place.code}' already exists for {existing.period.describe()}; "
                "use reconfigure to change it.",
                input_name="code",
                expected="a code not already in use in that period",
            )
    return [*history, place]


def reconfigure(
    history: Sequence[PlaceVersion],
    *,
    effective: date,
    retire: Iterable[str],
    new_places: Sequence[PlaceVersion],
) -> list[PlaceVersion]:
    """End ``retire`` places the day before ``effective`` and start ``new_places`` on it.

    A retired code may be reused by a new place: that is how a place keeps its name while
    its practices change. Earlier versions are kept, so history is preserved.
    """
    retire_codes = list(dict.fromkeys(retire))
    if not retire_codes and not new_places:
        raise InvalidInput(
            "A reconfiguration must retire or create at least one place.",
            input_name="retire",
            expected="place codes to retire or new places",
        )
    active = {p.code: p for p in history if p.active_on(effective)}
    for code in retire_codes:
        if code not in active:
            raise NotFound(
                f"place in force on {effective.isoformat()}",
                code,
                input_name="retire",
                candidates=sorted(active),
            )
        if active[code].period.start >= effective:
            raise Conflict(
                f"Place '{code}' starts on {active[code].period.start.isoformat()}; it cannot "
                f"be retired on or before that ({effective.isoformat()}).",
                input_name="effective",
                expected=f"a date after {active[code].period.start}",
            )
        # Later versions of a retired code would be orphaned: refuse rather than guess.
        if any(p.code == code and p.period.start > effective for p in history):
            raise Conflict(
                f"Place '{code}' has a later version; reconfigure after it.",
                input_name="effective",
                expected="the latest configuration date",
            )
    for place in new_places:
        if place.period.start != effective:
            raise InvalidInput(
                "New places must start on the reconfiguration date.",
                input_name="effective",
                expected=effective.isoformat(),
            )
    codes = [p.code for p in new_places]
    if len(codes) != len(set(codes)):
        raise InvalidInput(
            "Two new places share a code.", input_name="places", expected="distinct codes"
        )
    result: list[PlaceVersion] = []
    for version in history:
        if version.code in retire_codes and version.active_on(effective):
            version = replace(version, period=Period(version.period.start, effective))
        result.append(version)
    for place in new_places:
        result = define(result, place)
    return result
