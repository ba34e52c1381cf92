"""Register of interests: relevance, automatic recusal, the stricter of two regimes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.governance.interests import (
    Declaration,
    InterestKind,
    Regime,
    recusal_details,
    recusals,
    relevant,
)
from integrated_care.governance.model import COUNCILLOR, LOCAL_AUTHORITY, NHS, Seat, SeatType
from integrated_care.structure.dates import Period

DAY = date(2025, 6, 12)
TRUST = "RX1"  # Nottingham University Hospitals NHS Trust
PROVIDER = "NLX01"  # an independent sector provider bidding for a service
CITY = "E06000018"


def seat(
    seat_id: str, holder: str, seat_type: SeatType = SeatType.NON_EXECUTIVE, *classes: str
) -> Seat:
    return Seat(
        seat_id,
        "board",
        seat_type,
        seat_id,
        holder,
        "QT1",
        frozenset(classes or {NHS}),
        term=Period(date(2022, 7, 1)),
    )


NHS_FINANCIAL = Declaration(
    seat_id="trusts",
    person=None,
    regime=Regime.NHS_CONFLICTS,
    kind=InterestKind.FINANCIAL,
    description="Chief executive of the trust",
    related_organisations=frozenset({TRUST}),
)
DPI_LAND = Declaration(
    seat_id=None,
    person="Cllr Jane Example",
    regime=Regime.LOCALISM_DPI,
    kind=InterestKind.LAND,
    description="Owns land adjoining the proposed diagnostic centre",
    topics=frozenset({"Community Diagnostic Centre"}),
)
NHS_PERSONAL = Declaration(
    seat_id=None,
    person="Cllr Jane Example",
    regime=Regime.NHS_CONFLICTS,
    kind=InterestKind.NON_FINANCIAL_PERSONAL,
    description="Spouse works for the bidder",
    related_organisations=frozenset({PROVIDER}),
)

BOARD = [
    seat("trusts", "Dr A Trustee", SeatType.PARTNER_NHS_TRUST),
    seat(
        "city", "Cllr Jane Example", SeatType.PARTNER_LOCAL_AUTHORITY, LOCAL_AUTHORITY, COUNCILLOR
    ),
    seat("nem", "B Independent"),
]


def test_relevance_is_a_shared_organisation_or_a_topic_ignoring_case_and_spacing() -> None:
    assert relevant(NHS_FINANCIAL, [TRUST, PROVIDER], [])
    assert not relevant(NHS_FINANCIAL, [PROVIDER], ["elective recovery"])
    assert relevant(DPI_LAND, [], ["community  diagnostic centre"])
    assert not relevant(DPI_LAND, [CITY], ["diagnostics"])


def test_nhs_interest_excludes_from_the_decision() -> None:
    found = recusals(BOARD, [NHS_FINANCIAL], item_organisations=[TRUST], item_topics=[], day=DAY)
    assert found == {
        "trusts": "Declared NHS conflicts of interest (financial: Chief executive of the trust; "
        "relevant through RX1); the NHS conflicts of interest regime excludes the member from "
        "the decision."
    }
    detail = recusal_details(
        BOARD, [NHS_FINANCIAL], item_organisations=[TRUST], item_topics=[], day=DAY
    )
    assert detail["trusts"].regime is Regime.NHS_CONFLICTS
    assert detail["trusts"].bars_discussion is False


def test_a_dpi_bars_discussion_and_vote() -> None:
    detail = recusal_details(
        BOARD,
        [DPI_LAND],
        item_organisations=[],
        item_topics=["Community Diagnostic Centre"],
        day=DAY,
    )
    assert set(detail) == {"city"}
    assert detail["city"].bars_discussion is True
    assert (
        "s.31(4) bars participation in any discussion of the item and in the vote"
        in detail["city"].reason
    )


def test_when_both_regimes_apply_the_stricter_governs() -> None:
    detail = recusal_details(
        BOARD,
        [DPI_LAND, NHS_PERSONAL, NHS_FINANCIAL],
        item_organisations=[PROVIDER],
        item_topics=["community diagnostic centre"],
        day=DAY,
    )
    assert set(detail) == {"city"}  # the trust's declaration is not relevant to this item
    city = detail["city"]
    assert city.regime is Regime.LOCALISM_DPI
    assert city.bars_discussion
    assert len(city.declarations) == 2
    assert city.reason == (
        "Declared Localism Act 2011 disclosable pecuniary interest (land: Owns land adjoining "
        "the proposed diagnostic centre; relevant through Community Diagnostic Centre) and NHS "
        "conflicts of interest (non-financial personal: Spouse works for the bidder; relevant "
        "through NLX01); both regimes apply and the stricter governs: the Localism Act 2011 "
        "s.31(4) bars participation in any discussion of the item and in the vote."
    )


def test_a_councillors_dpi_follows_them_into_a_joint_committee() -> None:
    icp_seat = Seat(
        "icp-city",
        "icp",
        SeatType.MEMBER,
        "Nottingham City Council member",
        "Cllr  Jane Example",  # published with different spacing
        CITY,
        frozenset({COUNCILLOR}),
    )
    found = recusals(
        [icp_seat],
        [DPI_LAND],
        item_organisations=[],
        item_topics=["community diagnostic centre"],
        day=DAY,
    )
    assert list(found) == ["icp-city"]


def test_only_declarations_in_force_and_seats_held_on_the_day_count() -> None:
    lapsed = Declaration(
        seat_id="trusts",
        person=None,
        regime=Regime.NHS_CONFLICTS,
        kind=InterestKind.FINANCIAL,
        description="Former director",
        related_organisations=frozenset({TRUST}),
        period=Period(date(2020, 1, 1), date(2024, 1, 1)),
    )
    assert recusals(BOARD, [lapsed], item_organisations=[TRUST], item_topics=[], day=DAY) == {}
    assert recusals(
        BOARD, [lapsed], item_organisations=[TRUST], item_topics=[], day=date(2023, 1, 1)
    )
    gone = [replace(s, term=Period(date(2022, 7, 1), date(2025, 1, 1))) for s in BOARD]
    assert (
        recusals(gone, [NHS_FINANCIAL], item_organisations=[TRUST], item_topics=[], day=DAY) == {}
    )


@pytest.mark.parametrize(
    ("kwargs", "input_name"),
    [
        ({"seat_id": None, "person": " "}, "seat_id"),
        ({"regime": Regime.LOCALISM_DPI, "kind": InterestKind.FINANCIAL}, "kind"),
        ({"regime": Regime.NHS_CONFLICTS, "kind": InterestKind.LAND}, "kind"),
        ({"description": ""}, "description"),
    ],
)
def test_malformed_declarations_are_refused(kwargs: dict[str, object], input_name: str) -> None:
    base: dict[str, object] = {
        "seat_id": "trusts",
        "person": None,
        "regime": Regime.NHS_CONFLICTS,
        "kind": InterestKind.INDIRECT,
        "description": "Brother is a partner at a bidding practice",
        "related_organisations": frozenset({PROVIDER}),
    }
    with pytest.raises(InvalidInput) as caught:
        Declaration(**(base | kwargs))  # type: ignore[arg-type]
    assert caught.value.input_name == input_name


def test_every_dpi_kind_belongs_to_the_localism_regime() -> None:
    dpi = {
        InterestKind.EMPLOYMENT,
        InterestKind.SPONSORSHIP,
        InterestKind.CONTRACTS,
        InterestKind.LAND,
        InterestKind.LICENCES,
        InterestKind.CORPORATE_TENANCIES,
        InterestKind.SECURITIES,
    }
    for kind in dpi:
        Declaration("city", None, Regime.LOCALISM_DPI, kind, "x", frozenset({CITY}))
    for kind in set(InterestKind) - dpi:
        Declaration("nem", None, Regime.NHS_CONFLICTS, kind, "x", frozenset({TRUST}))
