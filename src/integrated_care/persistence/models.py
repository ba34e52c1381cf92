"""SQLAlchemy 2.0 models. The schema itself is created by Alembic migrations, not here.

Every row of a system's structure carries ``system_code`` (the ICB's ODS code), so several
systems can share one PostgreSQL database. History tables (membership events, place
versions, the audit log) are append-only; database triggers enforce it (see migrations).
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from integrated_care.persistence.types import UtcDateTime


class Base(DeclarativeBase):
    pass


class SystemRow(Base):
    __tablename__ = "systems"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)  # ICB ODS code
    gss_code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    reference_vintage: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OrganisationRow(Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("system_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(80))
    ods_code: Mapped[str | None] = mapped_column(String(10))
    gss_code: Mapped[str | None] = mapped_column(String(9))
    parent_code: Mapped[str | None] = mapped_column(String(40))


class PracticeRow(Base):
    __tablename__ = "practices"
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    pcn_code: Mapped[str | None] = mapped_column(String(10))
    sub_icb_code: Mapped[str] = mapped_column(String(10))
    registered_patients: Mapped[int] = mapped_column(Integer)
    postcode: Mapped[str | None] = mapped_column(String(10))


class PlaceRow(Base):
    __tablename__ = "places"
    __table_args__ = (Index("ix_places_system_code_code", "system_code", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PlaceMemberRow(Base):
    __tablename__ = "place_members"
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), primary_key=True)
    member_kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # practice|lad|lsoa
    member_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    basis: Mapped[str | None] = mapped_column(Text)


class BodyRow(Base):
    __tablename__ = "partnership_bodies"
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    place_code: Mapped[str | None] = mapped_column(String(40))


class MembershipEventRow(Base):
    __tablename__ = "membership_events"
    __table_args__ = (Index("ix_membership_events_lookup", "system_code", "body_code", "org_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    body_code: Mapped[str] = mapped_column(String(40))
    org_code: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(10))
    effective: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    planned_end: Mapped[date | None] = mapped_column(Date)
    conditions: Mapped[list[str]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    organisation_code: Mapped[str | None] = mapped_column(String(40))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TokenRow(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(10))  # write | read
    resource: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, object]] = mapped_column(JSON)
    system_code: Mapped[str | None] = mapped_column(String(10))


from integrated_care.persistence import consultation_models as consultation_models  # noqa: E402
from integrated_care.persistence import delegation_models as delegation_models  # noqa: E402
from integrated_care.persistence import governance_models as governance_models  # noqa: E402
from integrated_care.persistence import ledger_models as ledger_models  # noqa: E402
from integrated_care.persistence import partnership_models as partnership_models  # noqa: E402
from integrated_care.persistence import register_models as register_models  # noqa: E402
