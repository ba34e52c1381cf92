"""Tables of the public decision register (migration 0003).

``register_entries`` and ``register_checkpoints`` are append-only: database triggers refuse
UPDATE, DELETE (and TRUNCATE on PostgreSQL). ``register_private`` holds the salt and payload
of private items until they are revealed, and is the one register table rows leave.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from integrated_care.persistence.models import Base
from integrated_care.persistence.types import UtcDateTime


class RegisterEntryRow(Base):
    __tablename__ = "register_entries"
    system_code: Mapped[str] = mapped_column(
        String(10), ForeignKey("systems.code"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(40))
    leaf: Mapped[str] = mapped_column(Text)  # the canonical JSON, exactly as hashed
    leaf_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256(0x00 ‖ leaf)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RegisterCheckpointRow(Base):
    __tablename__ = "register_checkpoints"
    system_code: Mapped[str] = mapped_column(
        String(10), ForeignKey("systems.code"), primary_key=True
    )
    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    root: Mapped[str] = mapped_column(String(64))  # hex
    signature: Mapped[str] = mapped_column(String(100))  # base64 Ed25519 signature
    origin: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str] = mapped_column(String(44))  # base64 of the raw 32 bytes
    frontier: Mapped[str] = mapped_column(Text)  # hex subtree roots, largest first
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RegisterPrivateRow(Base):
    __tablename__ = "register_private"
    __table_args__ = (
        ForeignKeyConstraint(
            ["system_code", "seq"], ["register_entries.system_code", "register_entries.seq"]
        ),
    )
    system_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    salt: Mapped[str] = mapped_column(String(64))  # hex
    payload: Mapped[str] = mapped_column(Text)  # the canonical JSON committed to
    reveal_after: Mapped[date | None] = mapped_column(Date)
