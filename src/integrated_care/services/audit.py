"""Reading the audit log: who wrote or read what, and when (newest first)."""

from __future__ import annotations

from integrated_care.access import Actor, Permission, require
from integrated_care.persistence.models import AuditRow
from integrated_care.persistence.uow import UnitOfWork

MAX_ENTRIES = 1000


def recent(uow: UnitOfWork, *, actor: Actor, limit: int = 100) -> list[AuditRow]:
    """The latest ``limit`` entries; reading the log is itself recorded in it."""
    require(actor, Permission.READ_AUDIT)
    rows = uow.audit.recent(max(1, min(limit, MAX_ENTRIES)))
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="read",
        resource="audit",
        detail={"limit": limit},
    )
    return rows
