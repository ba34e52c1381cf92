"""What the governance, register, consultation and plan routers share.

Writes use a unit of work with the workspace's register signing key attached, so the
register events the services append are checkpointed as in the CLI
(``services.register_events.attach_signer``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query

from integrated_care.api.deps import WorkspaceDep
from integrated_care.api.schemas.common import IsoDate, error_responses
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.register_events import attach_signer, signer_for


def get_signed_uow(workspace: WorkspaceDep) -> Iterator[UnitOfWork]:
    with workspace.uow() as uow:
        attach_signer(uow, signer_for(workspace))
        yield uow


SignedUowDep = Annotated[UnitOfWork, Depends(get_signed_uow)]
AsOf = Annotated[IsoDate | None, Query(description="The date, YYYY-MM-DD (default: today).")]
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)
