"""Sign-in and tokens, local users, and the audit log.

Authentication happens here (a token for a username and password); what each role may do is
decided by the services through ``access.require``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from integrated_care.access import Role
from integrated_care.api.deps import SignedInDep, UowDep, presented_token
from integrated_care.api.schemas.auth import (
    AuditRead,
    RevokedRead,
    TokenCreate,
    TokenRead,
    UserCreate,
    UserRead,
)
from integrated_care.api.schemas.common import error_responses
from integrated_care.services import audit, users

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenRead, responses=error_responses(401, 422))
def create_token(credentials: TokenCreate, uow: UowDep) -> TokenRead:
    """Exchange a username and password for a bearer token (valid for 30 days).

    Send the token as `Authorization: Bearer <token>`. Wrong credentials answer 401 and
    write nothing.
    """
    actor = users.authenticate(uow, credentials.username, credentials.password)
    token = users.issue_token_for(uow, actor.name)
    uow.commit()
    return TokenRead(access_token=token, role=actor.role)


@router.post("/auth/revoke", response_model=RevokedRead, responses=error_responses(401))
def revoke_token(
    actor: SignedInDep, uow: UowDep, token: Annotated[str | None, Depends(presented_token)]
) -> RevokedRead:
    """Revoke the token this request presents; later requests with it answer 401."""
    assert token is not None  # a signed-in actor always presented one
    users.revoke_token(uow, token)
    uow.commit()
    return RevokedRead()


@router.get("/auth/me", response_model=UserRead, responses=error_responses(401))
def me(actor: SignedInDep) -> UserRead:
    """The signed-in user and their role."""
    return UserRead(username=actor.name, role=actor.role, organisation_code=actor.organisation_code)


@router.post(
    "/users",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 409, 422),
)
def create_user(body: UserCreate, actor: SignedInDep, uow: UowDep) -> UserRead:
    """Add a local user with a role (admin only). Passwords need at least 10 characters."""
    user = users.add_user(
        uow,
        body.username,
        body.password,
        body.role.value,
        actor=actor,
        organisation_code=body.organisation_code,
    )
    uow.commit()
    return UserRead(username=user.name, role=user.role, organisation_code=user.organisation_code)


@router.get("/users", response_model=list[UserRead], responses=error_responses(401, 403))
def list_users(actor: SignedInDep, uow: UowDep) -> list[UserRead]:
    """Every user and their role (admin only; the read is audited)."""
    rows = users.list_users(uow, actor=actor)
    uow.commit()
    return [
        UserRead(
            username=r.username,
            role=Role(r.role),
            organisation_code=r.organisation_code,
            disabled=r.disabled,
        )
        for r in rows
    ]


@router.get("/audit", response_model=list[AuditRead], responses=error_responses(401, 403, 422))
def read_audit(
    actor: SignedInDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=audit.MAX_ENTRIES, description="How many.")] = 100,
) -> list[AuditRead]:
    """The audit log, newest first: every write and every read of non-public data (admin
    only; reading the log is itself audited)."""
    rows = audit.recent(uow, actor=actor, limit=limit)
    uow.commit()
    return [AuditRead.model_validate(r, from_attributes=True) for r in rows]
