"""The shared vocabulary of governance: bodies, seats, members, proposals, votes, outcomes.

Everything here is a frozen value. Rules (``rules.py``), composition checks
(``composition.py``), recusal (``interests.py``) and the register (``register/``) read these
values; services build them from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from integrated_care.structure.dates import Period


class BodyKind(StrEnum):
    ICB_BOARD = "ICB board"
    # The statutory joint committee of the ICB and the upper-tier councils (s.116ZA LGPIHA
    # 2007, since 2022) — not the place-level "ICPs" of 2018-19.
    INTEGRATED_CARE_PARTNERSHIP = "integrated care partnership"
    PLACE_PARTNERSHIP_BOARD = "place partnership board"
    HEALTH_AND_WELLBEING_BOARD = "health and wellbeing board"
    COMMITTEE = "committee"
    PROVIDER_COLLABORATIVE = "provider collaborative"


class SeatType(StrEnum):
    CHAIR = "chair"
    CHIEF_EXECUTIVE = "chief executive"
    EXECUTIVE_DIRECTOR = "executive director"
    NON_EXECUTIVE = "non-executive member"
    PARTNER_NHS_TRUST = "partner member: NHS trusts and foundation trusts"
    PARTNER_PRIMARY_MEDICAL = "partner member: primary medical services"
    PARTNER_LOCAL_AUTHORITY = "partner member: local authority"
    PLACE_MEMBER = "place member"
    MEMBER = "member"  # a seat of a joint committee, HWB or committee with no further type
    PARTICIPANT = "participant"
    OBSERVER = "observer"


# Classes a seat holder can belong to. Rules (vetoes, composition quorums, local composition
# rules) refer to these names, so they are plain strings in rule data.
LOCAL_AUTHORITY = "local_authority"  # sits for, or is employed by, a council
COUNCILLOR = "councillor"  # an elected member of a council
NHS = "nhs"  # sits for an NHS body
DIRECTOR_OF_PUBLIC_HEALTH = "director_of_public_health"
FINANCE_DIRECTOR = "finance_director"
MEDICAL_DIRECTOR = "medical_director"
NURSING_DIRECTOR = "nursing_director"
MENTAL_HEALTH_EXPERTISE = "mental_health_expertise"
# Statutory members of a Health and Wellbeing Board (s.194 Health and Social Care Act 2012).
DIRECTOR_OF_ADULT_SOCIAL_SERVICES = "director_of_adult_social_services"
DIRECTOR_OF_CHILDRENS_SERVICES = "director_of_childrens_services"
HEALTHWATCH = "healthwatch"  # represents the Local Healthwatch organisation


@dataclass(frozen=True, slots=True)
class Seat:
    """A seat on a body and who holds it for which term."""

    seat_id: str
    body_code: str
    seat_type: SeatType
    title: str  # e.g. "Director of Finance", "Nottingham City Council partner member"
    holder: str  # the person's name as published by the body (board members are public)
    organisation_code: str | None  # the organisation the holder comes from
    classes: frozenset[str] = field(default_factory=frozenset)
    voting: bool = True
    weight: int = 1
    nominated_by: str | None = None  # organisation code
    approved_by: str | None = None
    term: Period = field(default_factory=lambda: Period(date(1900, 1, 1)))

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError(f"seat {self.seat_id}: a vote weight cannot be negative")
        if self.seat_type in (SeatType.PARTICIPANT, SeatType.OBSERVER) and self.voting:
            raise ValueError(f"seat {self.seat_id}: participants and observers do not vote")

    def held_on(self, day: date) -> bool:
        return self.term.contains(day)


class DecisionType(StrEnum):
    POLICY = "policy"
    STRATEGY = "strategy"
    PLAN_APPROVAL = "plan approval"
    BUDGET = "budget"
    CONTRACT_AWARD = "contract award"  # an award under the Provider Selection Regime 2023
    GOVERNANCE = "governance"  # terms of reference, standing orders, appointments
    OTHER = "other"


# Proposal flags rules can select on.
MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING = "may_result_in_privatisation_or_outsourcing"


@dataclass(frozen=True, slots=True)
class Classification:
    decision_type: DecisionType
    flags: frozenset[str] = field(default_factory=frozenset)


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    RECUSED = "recused"


@dataclass(frozen=True, slots=True)
class Ballot:
    """One eligible seat's position in a vote (absent and recused seats get a ballot too)."""

    seat: Seat
    choice: Choice
    present: bool  # at the meeting (a recused member may be present but not vote)


@dataclass(frozen=True, slots=True)
class Tally:
    for_heads: int
    against_heads: int
    abstain_heads: int
    absent_heads: int
    recused_heads: int
    for_weight: int
    against_weight: int
    abstain_weight: int
    present_heads: int  # present voting members, recused included
    eligible_heads: int  # voting seats held on the day
    eligible_weight: int


@dataclass(frozen=True, slots=True)
class Outcome:
    carried: bool
    quorate: bool
    rule_set: str  # name of the rule set
    rule_version: int
    rule_id: str  # the rule within the set that decided
    tally: Tally
    explanation: str  # plain English, e.g. "Not carried: unanimity required ...; X voted against"
    notes: tuple[str, ...] = ()  # e.g. the PSR guard refusing a rule, the casting vote used
