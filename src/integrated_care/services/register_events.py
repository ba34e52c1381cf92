"""Append governance events to the public decision register, in the caller's transaction.

Every governance use case that changes the record (a seat appointment, a declaration, an
agenda published, a vote, a decision, an HWB opinion, a consultation response, ...) calls
``record_event`` with the same unit of work it writes its own rows with, so the row and its
register entry are committed together or not at all: a refused request leaves neither.

Checkpoints are signed with the workspace's register key. The key lives in the workspace
folder, which a unit of work does not know, so the front door (CLI, API, demo) attaches a
signer to the unit of work once::

    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        voting.close_vote(uow, ...)
        uow.commit()

With a signer attached, the register store signs a checkpoint whenever one is due (every
1,000 entries); without one, entries are still appended and the next signed checkpoint
covers them (a checkpoint commits to the whole tree up to its size).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from integrated_care.governance.register import keys
from integrated_care.governance.register.store import RegisterStore
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.workspace import Workspace

_SIGNER_KEY = "integrated_care.register_signer"


def signer_for(workspace: Workspace) -> keys.Signer:
    """The workspace's register signing key (``ICS_REGISTER_KEY`` wins), made on first use."""
    return keys.workspace_signer(workspace.path)


def attach_signer(uow: UnitOfWork, signer: keys.Signer) -> None:
    """Let every event recorded through this unit of work be checkpointed with ``signer``."""
    uow.session.info[_SIGNER_KEY] = signer


def record_event(
    uow: UnitOfWork,
    system_code: str,
    type: str,  # noqa: A002 - the register's own name for an entry's kind
    payload: Mapping[str, Any],
    *,
    body: str | None = None,
    private: bool = False,
    reveal_after: date | None = None,
    at: datetime | None = None,
) -> int:
    """Append one event and return its sequence number; checkpoint when due.

    ``private`` entries are stored as salted commitments, revealed after ``reveal_after``.
    Nothing is committed here: the caller's unit of work commits the event with its rows.
    """
    signer = uow.session.info.get(_SIGNER_KEY)
    store = RegisterStore(signer if isinstance(signer, keys.Signer) else None)
    return store.append(
        uow.session,
        system_code,
        type,
        dict(payload),
        at=at or utc_now(),
        body=body,
        private=private,
        reveal_after=reveal_after,
    )
