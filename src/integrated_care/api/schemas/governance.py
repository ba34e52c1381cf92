"""Governance bodies, seats, meetings, agendas, declarations, proposals, votes and decisions.

Read models mirror ``services.governance.dicts`` (the CLI's ``--json``), so the CLI and the
API speak the same shapes; they are built with ``Model.model_validate(dict)``. Seats never
show the login linked to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from integrated_care.api.schemas.common import ApiModel, IsoDate
from integrated_care.governance.model import DecisionType, SeatType

# -- bodies and seats ------------------------------------------------------------------------


class SeatRead(BaseModel):
    seat_id: str
    body: str
    seat_type: SeatType
    title: str
    holder: str = Field(description="The holder's name as the body publishes it.")
    organisation: str | None
    classes: list[str] = Field(description="e.g. nhs, local_authority, councillor")
    voting: bool
    weight: int
    nominated_by: str | None
    approved_by: str | None
    term_start: date
    term_end: date | None


class UnmetRead(BaseModel):
    rule_id: str
    source: str = Field(description="statute, NHS England policy or local rule")
    citation: str
    found: int = Field(description="How many qualifying seats were found.")
    message: str = Field(description="The unmet rule in a sentence.")


class CompositionRead(BaseModel):
    ok: bool
    unmet: list[UnmetRead] = Field(description="Every composition rule the body fails.")


class BodySummaryRead(BaseModel):
    code: str
    name: str
    kind: str
    place: str | None
    rule_set: str | None
    rule_set_version: int | None
    notice_days: int = Field(description="Clear days' notice of an agenda.")


class BodyRead(BodySummaryRead):
    as_of: date
    recused_count_for_quorum: bool | None
    local_rules: list[dict[str, Any]]
    responsible_authorities: list[str]
    seats: list[SeatRead] = Field(description="Seats held on the date.")
    composition: CompositionRead = Field(description="The composition check on the date.")


class SeatCreate(ApiModel):
    seat_id: str = Field(examples=["partner-city"], max_length=60)
    seat_type: SeatType
    title: str = Field(max_length=200, examples=["Partner member: Nottingham City Council"])
    holder: str = Field(max_length=200)
    organisation: str | None = Field(default=None, description="Organisation code.")
    classes: list[str] = Field(default_factory=list, max_length=20)
    voting: bool = True
    weight: int = Field(default=1, ge=0, le=1000)
    nominated_by: str | None = None
    approved_by: str | None = None
    term_start: IsoDate
    term_end: IsoDate | None = None
    user: str | None = Field(
        default=None, description="The holder's username, so they can cast their own vote."
    )


class SeatEndCreate(ApiModel):
    effective: IsoDate = Field(description="The first day the seat is no longer held.")
    reason: str | None = Field(default=None, max_length=500)


# -- meetings ------------------------------------------------------------------------------


class ProposalSummaryRead(BaseModel):
    proposal_id: int
    title: str
    decision_type: DecisionType
    flags: list[str]
    status: Literal["draft", "open", "decided"]
    carried: bool | None


class ItemRead(BaseModel):
    number: str
    title: str = Field(description="'Private item' while its content is withheld.")
    public: bool
    exclusion_ground: str | None = Field(description="Private items: why the public is excluded.")
    publish_after: date | None = Field(description="Private items: when the content is published.")
    withheld: bool
    proposal: ProposalSummaryRead | None


class AttendanceRead(BaseModel):
    seat_id: str
    holder: str
    title: str
    status: Literal["present", "apologies"]


class BallotRead(BaseModel):
    seat_id: str
    holder: str
    title: str
    organisation: str | None
    choice: Literal["for", "against", "abstain", "absent", "recused"]
    present: bool
    weight: int
    recusal_reason: str | None


class DecisionRead(BaseModel):
    proposal_id: int
    carried: bool
    quorate: bool
    rule_set: str
    rule_version: int
    rule_id: str
    explanation: str = Field(description="The outcome in plain English.")
    notes: list[str] = Field(description="e.g. the PSR guard refusing a rule.")
    tally: dict[str, int]
    ballots: list[BallotRead]
    decided_at: datetime
    decided_by: str
    register_seq: int | None = Field(description="The decision's entry in the public register.")


class MeetingSummaryRead(BaseModel):
    meeting_id: int
    body: str
    body_name: str
    starts_at: datetime
    day: date
    location: str
    agenda_published_at: datetime | None
    clear_days: int | None
    notice_days: int
    urgency_reason: str | None


class MeetingRead(MeetingSummaryRead):
    chair: str | None
    minutes: str | None
    minutes_approved: bool
    items: list[ItemRead]
    attendance: list[AttendanceRead]
    decisions: list[DecisionRead] = Field(description="Votes and outcomes of decided items.")


class MeetingCreate(ApiModel):
    body: str = Field(examples=["icb-board"])
    starts_at: AwareDatetime = Field(examples=["2026-06-11T09:30:00+01:00"])
    location: str = Field(max_length=300)
    chair: str | None = Field(default=None, description="The presiding seat id.")


class ProposalCreate(ApiModel):
    title: str = Field(max_length=300)
    text: str = Field(max_length=20000)
    decision_type: DecisionType
    flags: list[str] = Field(
        default_factory=list,
        max_length=10,
        examples=[["may_result_in_privatisation_or_outsourcing"]],
    )
    organisations: list[str] = Field(default_factory=list, max_length=50)
    topics: list[str] = Field(default_factory=list, max_length=50)


class ItemCreate(ApiModel):
    number: str = Field(examples=["5"], max_length=12)
    title: str = Field(max_length=300)
    public: bool = True
    exclusion_ground: str | None = Field(
        default=None, max_length=300, examples=["Schedule 12A paragraph 3"]
    )
    publish_after: IsoDate | None = None
    proposal: ProposalCreate | None = None


class PublishCreate(ApiModel):
    urgency_reason: str | None = Field(
        default=None,
        max_length=2000,
        description="Required when the agenda is published with less notice than the body's.",
    )


class PublicationRead(BaseModel):
    meeting_id: int
    published_at: datetime
    clear_days: int
    notice_days: int
    late: bool
    urgency_reason: str | None
    register_entries: list[int]


class AttendanceCreate(ApiModel):
    seats: list[str] = Field(min_length=1, max_length=100)
    status: Literal["present", "apologies"] = "present"


class MinutesCreate(ApiModel):
    text: str | None = Field(default=None, max_length=200000)
    approved: bool = False


# -- declarations ----------------------------------------------------------------------------


class DeclarationRead(BaseModel):
    declaration_id: int
    seat_id: str | None
    person: str | None
    regime: str
    kind: str
    description: str
    organisations: list[str]
    topics: list[str]
    valid_from: date
    valid_to: date | None
    recorded_at: datetime
    recorded_by: str


class DeclarationCreate(ApiModel):
    seat_id: str = Field(description="The declaring member's seat.")
    regime: str = Field(examples=["nhs"], description="nhs (NHS conflicts) or dpi (Localism Act)")
    kind: str = Field(examples=["financial"])
    description: str = Field(max_length=2000)
    organisations: list[str] = Field(default_factory=list, max_length=50)
    topics: list[str] = Field(default_factory=list, max_length=50)
    valid_from: IsoDate
    valid_to: IsoDate | None = None


# -- proposals and votes -------------------------------------------------------------------


class VoteRead(BaseModel):
    seat_id: str
    holder: str
    organisation: str | None
    choice: Literal["for", "against", "abstain"]
    cast_at: datetime
    recorded_by: str
    note: str | None


class RuleAppliedRead(BaseModel):
    rule_set: str
    rule_version: int
    rule_id: str
    description: str = Field(description="The rule in plain English.")
    purpose: str | None
    notes: list[str] = Field(description="e.g. the PSR guard refusing a unanimity rule.")
    decided: bool = Field(description="False: the rule the body's rule set would apply now.")


class ProposalRead(BaseModel):
    proposal_id: int
    meeting_id: int
    body: str
    item: str
    public: bool
    title: str
    text: str
    decision_type: DecisionType
    flags: list[str]
    organisations: list[str]
    topics: list[str]
    status: Literal["draft", "open", "decided"]
    rule: RuleAppliedRead | None
    cast: dict[str, int] = Field(description="Votes cast so far: for, against, abstain.")
    votes: list[VoteRead]
    recusals: dict[str, str] = Field(description="Seat id: why the member is recused.")
    decision: DecisionRead | None


class VoteCreate(ApiModel):
    choice: Literal["for", "against", "abstain"]
    seat_id: str | None = Field(
        default=None,
        description="Default: the voter's own seat. A board secretary names the seat of a "
        "member whose vote in the room they record.",
    )
    note: str | None = Field(default=None, max_length=2000)


class DecisionLineRead(BaseModel):
    meeting_id: int
    body: str
    item: str
    title: str
    decision: DecisionRead
