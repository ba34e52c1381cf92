"""A reusable governance scenario as pure data: the NHS Nottingham and Nottinghamshire ICB
board, one meeting, one outsourcing policy and one contract award.

The membership follows NHS England's model for ICB boards (chair, chief executive, the
directors of finance, medicine and nursing, two non-executive members, partner members for
NHS trusts, primary medical services and the local authorities) plus the 2019 local
agreement that councillors sit on the board. People are placeholders, never real
individuals: "Chair (illustrative)". Organisation codes are those of the Nottingham and
Nottinghamshire workspace: the ICB (QT1), the councils by GSS code, trusts by ODS code.

The expected outcomes under the packaged ``nottingham_icb_board`` rule set:

* item 5, a policy that may result in outsourcing: everyone present votes for except the
  Nottingham City Council partner member, who votes against; weak unanimity applies, so it is
  **not carried**;
* item 6, a contract award under the Provider Selection Regime, flagged the same way: the
  unanimity rule is refused for an award, an ordinary majority of votes cast applies, and it
  is **carried** (the same vote against does not stop it). The Nottingham University
  Hospitals partner member is recused: the award goes to their trust, which they declared.

Services apply it with ``services.governance.scenario.build``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from integrated_care.governance.model import (
    COUNCILLOR,
    DIRECTOR_OF_PUBLIC_HEALTH,
    FINANCE_DIRECTOR,
    HEALTHWATCH,
    LOCAL_AUTHORITY,
    MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING,
    MEDICAL_DIRECTOR,
    MENTAL_HEALTH_EXPERTISE,
    NHS,
    NURSING_DIRECTOR,
    BodyKind,
    Choice,
    Classification,
    DecisionType,
    Seat,
    SeatType,
)
from integrated_care.structure.dates import Period

ICB = "QT1"
CITY = "E06000018"  # Nottingham City Council
COUNTY = "E10000024"  # Nottinghamshire County Council
NUH = "RX1"  # Nottingham University Hospitals NHS Trust
NHFT = "RHA"  # Nottinghamshire Healthcare NHS Foundation Trust
PCN = "U44561"  # Bestwood and Sherwood PCN (primary medical services)
HEALTHWATCH_NN = "healthwatch-nn"
OUTSOURCING = MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING


@dataclass(frozen=True, slots=True)
class OrganisationFixture:
    """An organisation the scenario needs: added if missing, named properly if present."""

    code: str
    name: str
    kind: str  # an OrgKind value


@dataclass(frozen=True, slots=True)
class DeclarationFixture:
    seat_id: str
    regime: str  # "nhs" (NHS conflicts of interest) or "localism_dpi" (councillors)
    category: str
    description: str
    organisations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemFixture:
    number: str
    title: str
    public: bool = True
    exclusion_ground: str | None = None
    publish_after: date | None = None
    proposal_title: str | None = None
    proposal_text: str = ""
    classification: Classification | None = None
    organisations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    votes: Mapping[str, Choice] = field(default_factory=dict)
    expected_carried: bool | None = None


@dataclass(frozen=True, slots=True)
class BoardScenario:
    body_code: str
    body_name: str
    kind: BodyKind
    rule_set: str  # a packaged rule set
    notice_days: int
    local_rules: tuple[Mapping[str, Any], ...]
    organisations: tuple[OrganisationFixture, ...]
    seats: tuple[Seat, ...]
    declarations: tuple[DeclarationFixture, ...]
    meeting_starts_at: datetime
    location: str
    agenda_published_at: datetime
    apologies: tuple[str, ...]
    items: tuple[ItemFixture, ...]

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(s.seat_id for s in self.seats if s.seat_id not in self.apologies)


def _seat(
    seat_id: str,
    seat_type: SeatType,
    title: str,
    holder: str,
    organisation: str | None,
    classes: frozenset[str],
    term: Period,
    *,
    voting: bool = True,
    nominated_by: str | None = None,
) -> Seat:
    return Seat(
        seat_id=seat_id,
        body_code="icb-board",
        seat_type=seat_type,
        title=title,
        holder=holder,
        organisation_code=organisation,
        classes=classes,
        voting=voting,
        nominated_by=nominated_by,
        approved_by=ICB if nominated_by else None,
        term=term,
    )


def _board_seats(term: Period) -> tuple[Seat, ...]:
    nhs, la = frozenset({NHS}), frozenset({LOCAL_AUTHORITY, COUNCILLOR})
    s = SeatType
    return (
        _seat("chair", s.CHAIR, "Chair", "Chair (illustrative)", ICB, nhs, term),
        _seat(
            "ceo",
            s.CHIEF_EXECUTIVE,
            "Chief Executive",
            "Chief Executive (illustrative)",
            ICB,
            nhs,
            term,
        ),
        _seat(
            "dof",
            s.EXECUTIVE_DIRECTOR,
            "Director of Finance",
            "Director of Finance (illustrative)",
            ICB,
            nhs | {FINANCE_DIRECTOR},
            term,
        ),
        _seat(
            "medical-director",
            s.EXECUTIVE_DIRECTOR,
            "Medical Director",
            "Medical Director (illustrative)",
            ICB,
            nhs | {MEDICAL_DIRECTOR},
            term,
        ),
        _seat(
            "nursing-director",
            s.EXECUTIVE_DIRECTOR,
            "Director of Nursing",
            "Director of Nursing (illustrative)",
            ICB,
            nhs | {NURSING_DIRECTOR},
            term,
        ),
        _seat(
            "nem-audit",
            s.NON_EXECUTIVE,
            "Non-executive member (audit and risk)",
            "Non-executive member A (illustrative)",
            ICB,
            nhs,
            term,
        ),
        _seat(
            "nem-deputy-chair",
            s.NON_EXECUTIVE,
            "Non-executive member (deputy chair)",
            "Non-executive member B (illustrative)",
            ICB,
            nhs | {MENTAL_HEALTH_EXPERTISE},
            term,
        ),
        _seat(
            "partner-nuh",
            s.PARTNER_NHS_TRUST,
            "Partner member: NHS trusts (acute)",
            "Trust partner member A (illustrative)",
            NUH,
            nhs,
            term,
            nominated_by=NUH,
        ),
        _seat(
            "partner-nhft",
            s.PARTNER_NHS_TRUST,
            "Partner member: NHS trusts (mental health)",
            "Trust partner member B (illustrative)",
            NHFT,
            nhs | {MENTAL_HEALTH_EXPERTISE},
            term,
            nominated_by=NHFT,
        ),
        _seat(
            "partner-pms",
            s.PARTNER_PRIMARY_MEDICAL,
            "Partner member: primary medical services",
            "GP partner member (illustrative)",
            PCN,
            nhs,
            term,
            nominated_by=PCN,
        ),
        _seat(
            "partner-city",
            s.PARTNER_LOCAL_AUTHORITY,
            "Partner member: Nottingham City Council",
            "Councillor A (illustrative)",
            CITY,
            la,
            term,
            nominated_by=CITY,
        ),
        _seat(
            "partner-county",
            s.PARTNER_LOCAL_AUTHORITY,
            "Partner member: Nottinghamshire County Council",
            "Councillor B (illustrative)",
            COUNTY,
            la,
            term,
            nominated_by=COUNTY,
        ),
        _seat(
            "dph-city",
            s.PARTICIPANT,
            "Director of Public Health, Nottingham City",
            "Director of Public Health (illustrative)",
            CITY,
            frozenset({LOCAL_AUTHORITY, DIRECTOR_OF_PUBLIC_HEALTH}),
            term,
            voting=False,
        ),
        _seat(
            "healthwatch",
            s.OBSERVER,
            "Healthwatch Nottingham and Nottinghamshire",
            "Healthwatch observer (illustrative)",
            HEALTHWATCH_NN,
            frozenset({HEALTHWATCH}),
            term,
            voting=False,
        ),
    )


def _everyone_for(seats: tuple[Seat, ...], apologies: tuple[str, ...]) -> dict[str, Choice]:
    return {s.seat_id: Choice.FOR for s in seats if s.voting and s.seat_id not in apologies}


def nottingham_icb_board(
    term_start: date = date(2025, 4, 1),
    meeting_starts_at: datetime = datetime(2025, 6, 12, 9, 30, tzinfo=UTC),
    agenda_published_at: datetime = datetime(2025, 6, 4, 12, 0, tzinfo=UTC),
) -> BoardScenario:
    """The board, its meeting on ``meeting_starts_at`` (agenda out 7 clear days before)."""
    seats = _board_seats(Period(term_start))
    apologies = ("nem-deputy-chair",)
    policy_votes = _everyone_for(seats, apologies) | {"partner-city": Choice.AGAINST}
    award_votes = {k: v for k, v in policy_votes.items() if k != "partner-nuh"}
    meeting_day = meeting_starts_at.date()
    return BoardScenario(
        body_code="icb-board",
        body_name="NHS Nottingham and Nottinghamshire ICB board",
        kind=BodyKind.ICB_BOARD,
        rule_set="nottingham_icb_board",
        notice_days=5,
        local_rules=(
            {
                "id": "councillor-on-board",
                "noun": "councillor",
                "classes_any": [COUNCILLOR],
                "min": 1,
                "citation": "ICS agreement with Nottingham City Council, April 2019",
            },
        ),
        organisations=(
            OrganisationFixture(CITY, "Nottingham City Council", "unitary authority"),
            OrganisationFixture(COUNTY, "Nottinghamshire County Council", "county council"),
            OrganisationFixture(NUH, "Nottingham University Hospitals NHS Trust", "NHS trust"),
            OrganisationFixture(
                NHFT, "Nottinghamshire Healthcare NHS Foundation Trust", "NHS foundation trust"
            ),
            OrganisationFixture(
                HEALTHWATCH_NN, "Healthwatch Nottingham and Nottinghamshire", "Healthwatch"
            ),
        ),
        seats=seats,
        declarations=(
            DeclarationFixture(
                "partner-nuh",
                "nhs",
                "financial",
                "Employed by Nottingham University Hospitals NHS Trust (board member).",
                organisations=(NUH,),
            ),
        ),
        meeting_starts_at=meeting_starts_at,
        location="Council House, Old Market Square, Nottingham (meeting in public)",
        agenda_published_at=agenda_published_at,
        apologies=apologies,
        items=(
            ItemFixture(
                "5",
                "Community diagnostic services: commissioning policy",
                proposal_title="Commission community diagnostic services from any qualified "
                "provider",
                proposal_text="That the board adopts a commissioning policy under which "
                "community diagnostic services may be provided by any qualified provider, "
                "including independent-sector providers.",
                classification=Classification(DecisionType.POLICY, frozenset({OUTSOURCING})),
                topics=("community diagnostic services",),
                votes=policy_votes,
                expected_carried=False,
            ),
            ItemFixture(
                "6",
                "Community diagnostic services: contract award (Provider Selection Regime)",
                proposal_title="Award the community diagnostic services contract",
                proposal_text="That the board awards the contract for community diagnostic "
                "services to Nottingham University Hospitals NHS Trust under the most suitable "
                "provider process of the Provider Selection Regime 2023.",
                classification=Classification(
                    DecisionType.CONTRACT_AWARD, frozenset({OUTSOURCING})
                ),
                organisations=(NUH,),
                topics=("community diagnostic services",),
                votes=award_votes,
                expected_carried=True,
            ),
            ItemFixture(
                "9",
                "Estates: lease negotiation for a community diagnostic centre",
                public=False,
                exclusion_ground="Schedule 12A paragraph 3 (financial or business affairs)",
                publish_after=date(meeting_day.year + 1, meeting_day.month, meeting_day.day),
            ),
        ),
    )
