"""Register of interests and automatic recusal, under two regimes at once.

* NHS conflicts of interest (NHS Act 2006 as amended; NHS England "Managing conflicts of
  interest in the NHS"): financial, non-financial professional, non-financial personal and
  indirect interests. A member with a relevant interest is excluded from the decision.
* Disclosable pecuniary interests (Localism Act 2011 ss.29-34, for councillors and co-opted
  members): employment, sponsorship, contracts, land, licences, corporate tenancies,
  securities. Under s.31(4) a member with a relevant DPI may not participate in any
  discussion of the item, nor vote on it.

A declaration is relevant to an agenda item when it names one of the organisations the item
concerns or one of its topics (topics compare case-insensitively). When both regimes apply to
one member the stricter applies: the DPI bar on discussion and vote. A councillor's DPIs go
with the person, not the seat, so they apply on every body the councillor sits on, including
joint committees (ICP, HWB): declare them by ``person`` and they follow the holder's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from integrated_care.errors import InvalidInput
from integrated_care.governance.model import Seat
from integrated_care.structure.dates import Period


class Regime(StrEnum):
    NHS_CONFLICTS = "NHS conflicts of interest"
    LOCALISM_DPI = "Localism Act 2011 disclosable pecuniary interest"


class InterestKind(StrEnum):
    # NHS conflicts of interest
    FINANCIAL = "financial"
    NON_FINANCIAL_PROFESSIONAL = "non-financial professional"
    NON_FINANCIAL_PERSONAL = "non-financial personal"
    INDIRECT = "indirect"
    # Disclosable pecuniary interests (the Relevant Authorities (Disclosable Pecuniary
    # Interests) Regulations 2012 schedule)
    EMPLOYMENT = "employment, office, trade, profession or vocation"
    SPONSORSHIP = "sponsorship"
    CONTRACTS = "contracts"
    LAND = "land"
    LICENCES = "licences"
    CORPORATE_TENANCIES = "corporate tenancies"
    SECURITIES = "securities"


KINDS = {
    Regime.NHS_CONFLICTS: frozenset(
        {
            InterestKind.FINANCIAL,
            InterestKind.NON_FINANCIAL_PROFESSIONAL,
            InterestKind.NON_FINANCIAL_PERSONAL,
            InterestKind.INDIRECT,
        }
    ),
    Regime.LOCALISM_DPI: frozenset(
        {
            InterestKind.EMPLOYMENT,
            InterestKind.SPONSORSHIP,
            InterestKind.CONTRACTS,
            InterestKind.LAND,
            InterestKind.LICENCES,
            InterestKind.CORPORATE_TENANCIES,
            InterestKind.SECURITIES,
        }
    ),
}

# What each regime bars; the DPI bar is the stricter (it covers discussion too).
EFFECTS = {
    Regime.LOCALISM_DPI: (
        "the Localism Act 2011 s.31(4) bars participation in any discussion of the item "
        "and in the vote"
    ),
    Regime.NHS_CONFLICTS: (
        "the NHS conflicts of interest regime excludes the member from the decision"
    ),
}


@dataclass(frozen=True, slots=True)
class Declaration:
    """One declared interest, by seat or by person, in force for ``period``."""

    seat_id: str | None
    person: str | None  # the holder's name as published; DPIs should be declared this way
    regime: Regime
    kind: InterestKind
    description: str
    related_organisations: frozenset[str] = frozenset()  # organisation codes
    topics: frozenset[str] = frozenset()
    period: Period = field(default_factory=lambda: Period(date(1900, 1, 1)))

    def __post_init__(self) -> None:
        if not (self.seat_id or (self.person and self.person.strip())):
            raise InvalidInput(
                "A declaration names neither a seat nor a person.",
                input_name="seat_id",
                expected="a seat id or a person's name",
            )
        if self.kind not in KINDS[self.regime]:
            allowed = ", ".join(sorted(str(k) for k in KINDS[self.regime]))
            raise InvalidInput(
                f"'{self.kind}' is not an interest kind under the {self.regime} regime.",
                input_name="kind",
                expected=f"one of: {allowed}",
            )
        if not self.description.strip():
            raise InvalidInput(
                "A declaration needs a description of the interest.",
                input_name="description",
                expected="a non-empty description",
            )

    def applies_to(self, seat: Seat) -> bool:
        if self.seat_id is not None and self.seat_id == seat.seat_id:
            return True
        return self.person is not None and _same_person(self.person, seat.holder)


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _folded(items: Iterable[str]) -> set[str]:
    return {" ".join(item.split()).casefold() for item in items}


def relevant(
    declaration: Declaration, item_organisations: Iterable[str], item_topics: Iterable[str]
) -> bool:
    """Whether the declaration touches an item: a shared organisation code or topic."""
    if not declaration.related_organisations.isdisjoint(item_organisations):
        return True
    return not _folded(declaration.topics).isdisjoint(_folded(item_topics))


@dataclass(frozen=True, slots=True)
class Recusal:
    seat_id: str
    regime: Regime  # the stricter regime that applies
    bars_discussion: bool  # True under a DPI: the member leaves the discussion as well
    reason: str
    declarations: tuple[Declaration, ...]


def recusal_details(
    seats: Sequence[Seat],
    declarations: Sequence[Declaration],
    *,
    item_organisations: Iterable[str],
    item_topics: Iterable[str],
    day: date,
) -> dict[str, Recusal]:
    """Every seat held on ``day`` with a relevant declaration in force, and why it is recused."""
    organisations = frozenset(item_organisations)
    topics = frozenset(item_topics)
    live = [
        d for d in declarations if d.period.contains(day) and relevant(d, organisations, topics)
    ]
    result: dict[str, Recusal] = {}
    if not live:
        return result
    for seat in seats:
        if not seat.held_on(day):
            continue
        mine = tuple(d for d in live if d.applies_to(seat))
        if mine:
            result[seat.seat_id] = _recusal(seat, mine, organisations, topics)
    return result


def recusals(
    seats: Sequence[Seat],
    declarations: Sequence[Declaration],
    *,
    item_organisations: Iterable[str],
    item_topics: Iterable[str],
    day: date,
) -> dict[str, str]:
    """Seat id -> the reason it is recused from the item (see ``recusal_details``)."""
    found = recusal_details(
        seats, declarations, item_organisations=item_organisations, item_topics=item_topics, day=day
    )
    return {seat_id: recusal.reason for seat_id, recusal in found.items()}


def _recusal(
    seat: Seat,
    declarations: tuple[Declaration, ...],
    organisations: frozenset[str],
    topics: frozenset[str],
) -> Recusal:
    by_regime = {
        regime: [d for d in declarations if d.regime is regime]
        for regime in (Regime.LOCALISM_DPI, Regime.NHS_CONFLICTS)
    }
    stated = [
        f"{regime} ({'; '.join(_describe(d, organisations, topics) for d in found)})"
        for regime, found in by_regime.items()
        if found
    ]
    stricter = Regime.LOCALISM_DPI if by_regime[Regime.LOCALISM_DPI] else Regime.NHS_CONFLICTS
    if len(stated) == 2:
        effect = f"both regimes apply and the stricter governs: {EFFECTS[stricter]}"
    else:
        effect = EFFECTS[stricter]
    reason = f"Declared {' and '.join(stated)}; {effect}."
    return Recusal(seat.seat_id, stricter, stricter is Regime.LOCALISM_DPI, reason, declarations)


def _describe(
    declaration: Declaration, organisations: frozenset[str], topics: frozenset[str]
) -> str:
    shared = sorted(declaration.related_organisations & organisations)
    wanted = _folded(topics)
    shared += sorted(t for t in declaration.topics if _folded([t]) <= wanted)
    return f"{declaration.kind}: {declaration.description}; relevant through {', '.join(shared)}"
