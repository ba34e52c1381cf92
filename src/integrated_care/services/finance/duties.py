"""Financial duties checked before a posting (CONTRACT — implemented by the single-pot work).

``check_postings`` is called by the ledger before anything is written; it raises a clear
``InvalidInput``/``Conflict`` naming the duty when a batch would breach one (ICB break-even,
the running-cost limit, the mental health investment standard). With no duties configured
for the system it does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from integrated_care.finance.ledger.model import JournalRequest
from integrated_care.persistence.uow import UnitOfWork


def check_postings(uow: UnitOfWork, system_code: str, requests: Sequence[JournalRequest]) -> None:
    return None
