"""Rows for consultations and cross-body plan workflows (schema: migration 0005).

Responses and plan steps are append-only (database triggers refuse UPDATE and DELETE): a
revised response is a new version and a revised HWB opinion a new step, so the history of
what each organisation said, and when, is never rewritten.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrated_care.persistence.models import Base
from integrated_care.persistence.types import UtcDateTime


class ConsultationRow(Base):
    __tablename__ = "consultations"
    __table_args__ = (UniqueConstraint("system_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    owner_code: Mapped[str] = mapped_column(String(40))
    owner_name: Mapped[str] = mapped_column(String(200))
    opens: Mapped[date] = mapped_column(Date)
    closes: Mapped[date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class ConsultationQuestionRow(Base):
    __tablename__ = "consultation_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class ConsultationRespondentRow(Base):
    __tablename__ = "consultation_respondents"
    __table_args__ = (UniqueConstraint("consultation_id", "organisation_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    organisation_code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(80))
    external: Mapped[bool] = mapped_column(Boolean)
    gss_code: Mapped[str | None] = mapped_column(String(9))
    ods_code: Mapped[str | None] = mapped_column(String(10))


class ConsultationResponseRow(Base):
    __tablename__ = "consultation_responses"
    __table_args__ = (
        UniqueConstraint("question_id", "respondent_id", "version"),
        Index("ix_consultation_responses_consultation", "consultation_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_questions.id"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("consultation_respondents.id"))
    version: Mapped[int] = mapped_column(Integer)
    stance: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    responded_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))
    register_entry: Mapped[int | None] = mapped_column(Integer)


class PlanRow(Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("system_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    area_code: Mapped[str | None] = mapped_column(String(40))
    icb_code: Mapped[str] = mapped_column(String(40))
    icb_name: Mapped[str] = mapped_column(String(200))
    # [{"code": ..., "name": ...}]: the HWBs whose opinion (JFP) or sign-off (BCF) it needs,
    # fixed when the plan is created.
    hwbs: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class PlanStepRow(Base):
    __tablename__ = "plan_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    party_code: Mapped[str] = mapped_column(String(40))
    party_name: Mapped[str] = mapped_column(String(200))
    on_date: Mapped[date] = mapped_column(Date)
    statement: Mapped[str] = mapped_column(Text)
    decision_ref: Mapped[str | None] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))
    register_entry: Mapped[int | None] = mapped_column(Integer)


class PlanGateRow(Base):
    __tablename__ = "plan_gates"
    __table_args__ = (UniqueConstraint("system_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    code: Mapped[str] = mapped_column(String(60))
    plan_kind: Mapped[str] = mapped_column(String(40))
    party_code: Mapped[str] = mapped_column(String(40))
    party_name: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
