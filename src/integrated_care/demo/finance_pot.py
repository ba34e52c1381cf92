"""(placeholder: filled in by the finance work)"""

from __future__ import annotations

from integrated_care.persistence.uow import UnitOfWork


def build(uow: UnitOfWork, system_code: str) -> None:
    """Add this part of the demo's finances inside the caller's unit of work."""
