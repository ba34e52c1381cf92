"""FastAPI dependencies: the workspace, a unit of work per request, and the current actor.

The actor comes from a bearer token (``Authorization: Bearer ...``) or, for the web UI, the
same token in the ``ics_token`` cookie. No credentials means the public role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from integrated_care.access import ANONYMOUS, Actor, Permission, require
from integrated_care.errors import AuthError
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import users
from integrated_care.workspace import Workspace

TOKEN_COOKIE = "ics_token"  # noqa: S105  (the cookie's name, not a secret)


def get_workspace(request: Request) -> Workspace:
    workspace = request.app.state.workspace
    assert isinstance(workspace, Workspace)
    return workspace


def get_uow(workspace: Annotated[Workspace, Depends(get_workspace)]) -> Iterator[UnitOfWork]:
    with workspace.uow() as uow:
        yield uow


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthError(
                "The Authorization header is malformed.",
                input_name="Authorization",
                expected="Bearer <token>",
            )
        return value.strip()
    return request.cookies.get(TOKEN_COOKIE)


def presented_token(request: Request) -> str | None:
    """The bearer token (or cookie) the request carries, if any."""
    return _token(request)


def current_actor(
    request: Request, workspace: Annotated[Workspace, Depends(get_workspace)]
) -> Actor:
    token = _token(request)
    if token is None:
        return ANONYMOUS
    with workspace.uow() as uow:
        return users.actor_for_token(uow, token)


def signed_in_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    if actor is ANONYMOUS:
        raise AuthError(
            "Sign in first.",
            input_name="Authorization",
            expected="a bearer token (POST /api/v1/auth/token)",
        )
    return actor


def restricted_reader(
    request: Request,
    actor: Annotated[Actor, Depends(current_actor)],
    workspace: Annotated[Workspace, Depends(get_workspace)],
) -> Actor:
    """For reads of non-public data: checks the role and writes the read to the audit log."""
    if actor is ANONYMOUS:
        raise AuthError(
            "This information is not public; sign in first.",
            input_name="Authorization",
            expected="a bearer token",
        )
    require(actor, Permission.READ_RESTRICTED)
    with workspace.uow() as uow:
        uow.audit.append(
            actor=actor.name,
            role=actor.role.value,
            action="read",
            resource=request.url.path,
            system_code=workspace.system_code,
            detail={"query": str(request.url.query)},
        )
        uow.commit()
    return actor


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
ActorDep = Annotated[Actor, Depends(current_actor)]
SignedInDep = Annotated[Actor, Depends(signed_in_actor)]
RestrictedDep = Annotated[Actor, Depends(restricted_reader)]
WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
