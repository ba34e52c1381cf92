"""Governance tables: bodies, seats, rule sets, meetings, items, proposals, attendance,
declarations, votes and decisions. The schema is created by migration 0004.

Rule sets, votes and decisions are append-only (database triggers refuse UPDATE and DELETE):
a new rule-set version never overwrites an old one, and a recorded vote or decision is
final. Every row of a system carries ``system_code`` directly or through its body.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrated_care.persistence.models import Base
from integrated_care.persistence.types import UtcDateTime


class GovBodyRow(Base):
    __tablename__ = "gov_bodies"
    __table_args__ = (UniqueConstraint("system_code", "code", name="uq_gov_bodies_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    place_code: Mapped[str | None] = mapped_column(String(40))
    rule_set_name: Mapped[str | None] = mapped_column(String(80))
    rule_set_version: Mapped[int | None] = mapped_column(Integer)
    notice_days: Mapped[int] = mapped_column(Integer)
    # None: the rule set's own setting applies.
    recused_count_for_quorum: Mapped[bool | None] = mapped_column(Boolean)
    local_rules: Mapped[list[Any]] = mapped_column(JSON)
    responsible_authorities: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GovSeatRow(Base):
    __tablename__ = "gov_seats"
    __table_args__ = (
        UniqueConstraint("system_code", "seat_id", "term_start", name="uq_gov_seats_term"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    body_id: Mapped[int] = mapped_column(ForeignKey("gov_bodies.id"), index=True)
    seat_id: Mapped[str] = mapped_column(String(60))
    seat_type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    holder: Mapped[str] = mapped_column(String(200))
    organisation_code: Mapped[str | None] = mapped_column(String(40))
    classes: Mapped[list[str]] = mapped_column(JSON)
    voting: Mapped[bool] = mapped_column(Boolean)
    weight: Mapped[int] = mapped_column(Integer)
    nominated_by: Mapped[str | None] = mapped_column(String(40))
    approved_by: Mapped[str | None] = mapped_column(String(40))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    username: Mapped[str | None] = mapped_column(String(80))  # the holder's login, if any
    appointed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GovRuleSetRow(Base):
    __tablename__ = "gov_rule_sets"
    __table_args__ = (
        UniqueConstraint("system_code", "name", "version", name="uq_gov_rule_sets_version"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical JSON
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    loaded_by: Mapped[str] = mapped_column(String(80))


class GovMeetingRow(Base):
    __tablename__ = "gov_meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    body_id: Mapped[int] = mapped_column(ForeignKey("gov_bodies.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    location: Mapped[str] = mapped_column(String(300))
    chair_seat_id: Mapped[str | None] = mapped_column(String(60))
    agenda_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    clear_days: Mapped[int | None] = mapped_column(Integer)
    urgency_reason: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_approved: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GovItemRow(Base):
    __tablename__ = "gov_items"
    __table_args__ = (UniqueConstraint("meeting_id", "number", name="uq_gov_items_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("gov_meetings.id"))
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    public: Mapped[bool] = mapped_column(Boolean)
    exclusion_ground: Mapped[str | None] = mapped_column(Text)
    publish_after: Mapped[date | None] = mapped_column(Date)


class GovProposalRow(Base):
    __tablename__ = "gov_proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("gov_items.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    decision_type: Mapped[str] = mapped_column(String(40))
    flags: Mapped[list[str]] = mapped_column(JSON)
    organisations: Mapped[list[str]] = mapped_column(JSON)
    topics: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))  # draft | open | decided
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Pinned when the vote opens (see migration 0004).
    rule_set_name: Mapped[str | None] = mapped_column(String(80))
    rule_set_version: Mapped[int | None] = mapped_column(Integer)


class GovAttendanceRow(Base):
    __tablename__ = "gov_attendance"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("gov_meetings.id"), primary_key=True)
    seat_pk: Mapped[int] = mapped_column(ForeignKey("gov_seats.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))  # present | apologies
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))


class GovDeclarationRow(Base):
    __tablename__ = "gov_declarations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    seat_id: Mapped[str | None] = mapped_column(String(60))  # declared for a seat, or
    person: Mapped[str | None] = mapped_column(String(200))  # by a person (DPIs follow them)
    regime: Mapped[str] = mapped_column(String(20))  # Regime member name
    kind: Mapped[str] = mapped_column(String(80))  # InterestKind value
    description: Mapped[str] = mapped_column(Text)
    organisations: Mapped[list[str]] = mapped_column(JSON)
    topics: Mapped[list[str]] = mapped_column(JSON)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))


class GovVoteRow(Base):
    __tablename__ = "gov_votes"
    __table_args__ = (UniqueConstraint("proposal_id", "seat_pk", name="uq_gov_votes_seat"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("gov_proposals.id"))
    seat_pk: Mapped[int] = mapped_column(ForeignKey("gov_seats.id"))
    choice: Mapped[str] = mapped_column(String(10))
    cast_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)


class GovDecisionRow(Base):
    __tablename__ = "gov_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("gov_proposals.id"), unique=True)
    carried: Mapped[bool] = mapped_column(Boolean)
    quorate: Mapped[bool] = mapped_column(Boolean)
    rule_set: Mapped[str] = mapped_column(String(80))
    rule_version: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(80))
    explanation: Mapped[str] = mapped_column(Text)
    notes: Mapped[list[str]] = mapped_column(JSON)
    tally: Mapped[dict[str, int]] = mapped_column(JSON)
    ballots: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str] = mapped_column(String(80))
    register_seq: Mapped[int | None] = mapped_column(Integer)
