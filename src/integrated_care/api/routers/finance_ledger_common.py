"""What the ledger API routers share: paths, the partner-refusing reader, the idempotency
key from the body or the ``Idempotency-Key`` header, and replay answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request, Response, status

from integrated_care.access import Actor, Role
from integrated_care.api.deps import ActorDep, WorkspaceDep, restricted_reader
from integrated_care.api.schemas.common import error_responses
from integrated_care.api.schemas.finance_ledger import JournalRead
from integrated_care.errors import Forbidden, InvalidInput
from integrated_care.finance.ledger.dicts import journal_dict
from integrated_care.finance.ledger.model import Posted

PREFIX = "/finance/ledger"
REPLAYED = "Idempotent-Replayed"
KeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="The idempotency key, if not in the body."),
]
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


def ledger_reader(request: Request, actor: ActorDep, workspace: WorkspaceDep) -> Actor:
    """A restricted read (audited), refused to partners: the ledger spans every pool."""
    if actor.role is Role.PARTNER:
        raise Forbidden(
            "Partners may not read the whole ledger; pool statements are under "
            "/api/v1/finance/partnerships.",
            input_name="role",
            expected="finance, admin, analyst or board_secretary",
        )
    return restricted_reader(request, actor, workspace)


ReaderDep = Annotated[Actor, Depends(ledger_reader)]


def choose_key(body: str | None, header: str | None) -> str:
    if body is not None and header is not None and body != header:
        raise InvalidInput(
            "The Idempotency-Key header and the body's key differ.",
            input_name="Idempotency-Key",
            expected="one key, or the same key in both",
        )
    key = body if body is not None else header
    if key is None:
        raise InvalidInput(
            "An idempotency key is required.",
            input_name="Idempotency-Key",
            expected="an Idempotency-Key header or a 'key' field (e.g. a UUID)",
        )
    return key


def journal_read(posted: Posted, response: Response) -> JournalRead:
    if posted.replayed:
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED] = "true"
    return JournalRead.model_validate({**journal_dict(posted.journal), "replayed": posted.replayed})
