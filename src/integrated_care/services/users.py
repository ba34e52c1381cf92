"""Local users, argon2-hashed passwords and bearer tokens for the REST API.

Tokens are random (256 bits) and shown once; only their SHA-256 is stored, so a copy of the
database does not give anyone a working token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from integrated_care.access import Actor, Permission, Role, require
from integrated_care.errors import AuthError, Conflict, InvalidInput
from integrated_care.persistence.models import UserRow
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork

TOKEN_LIFETIME = timedelta(days=30)
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_hasher = PasswordHasher()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(
    uow: UnitOfWork,
    username: str,
    password: str,
    role: str,
    *,
    actor: Actor,
    organisation_code: str | None = None,
) -> Actor:
    require(actor, Permission.MANAGE_USERS)
    if not _USERNAME.match(username):
        raise InvalidInput(
            f"Username '{username}' is not valid.",
            input_name="username",
            expected="2-40 lower-case letters, digits, '.', '_' or '-'",
        )
    try:
        parsed_role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"Unknown role '{role}'.", input_name="role", expected=", ".join(r.value for r in Role)
        ) from None
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            "The password is too short.",
            input_name="password",
            expected=f"at least {MIN_PASSWORD} characters",
        )
    if uow.users.by_username(username) is not None:
        raise Conflict(
            f"User '{username}' already exists.", input_name="username", expected="a new username"
        )
    uow.users.add(username, _hasher.hash(password), parsed_role.value, organisation_code)
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"users/{username}",
        detail={"role": parsed_role.value},
    )
    return Actor(username, parsed_role, organisation_code)


def authenticate(uow: UnitOfWork, username: str, password: str) -> Actor:
    user = uow.users.by_username(username)
    failure = AuthError(
        "Wrong username or password.",
        input_name="credentials",
        expected="a valid username and password",
    )
    if user is None or user.disabled:
        # Hash anyway so a wrong username takes as long as a wrong password.
        _hasher.hash(password)
        raise failure
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise failure from None
    return Actor(user.username, Role(user.role), user.organisation_code)


def issue_token(uow: UnitOfWork, username: str, password: str) -> str:
    actor = authenticate(uow, username, password)
    return issue_token_for(uow, actor.name)


def issue_token_for(uow: UnitOfWork, username: str) -> str:
    user = uow.users.by_username(username)
    if user is None:
        raise InvalidInput(
            f"No user '{username}'.",
            input_name="username",
            expected="an existing user (ics users add)",
        )
    token = secrets.token_urlsafe(32)
    uow.users.add_token(_token_hash(token), user.id, utc_now() + TOKEN_LIFETIME)
    uow.audit.append(
        actor=username,
        role=user.role,
        action="write",
        resource=f"users/{username}/tokens",
        detail={},
    )
    return token


def actor_for_token(uow: UnitOfWork, token: str) -> Actor:
    found = uow.users.by_token(_token_hash(token))
    if found is None:
        raise AuthError(
            "The bearer token is not valid.",
            input_name="Authorization",
            expected="a token from POST /api/v1/auth/token or 'ics users token'",
        )
    row, user = found
    if row.revoked or row.expires_at <= utc_now() or user.disabled:
        raise AuthError(
            "The bearer token has expired or been revoked.",
            input_name="Authorization",
            expected="a current token",
        )
    return Actor(user.username, Role(user.role), user.organisation_code)


def revoke_token(uow: UnitOfWork, token: str) -> None:
    found = uow.users.by_token(_token_hash(token))
    uow.users.revoke_token(_token_hash(token))
    if found is not None:
        user = found[1]
        uow.audit.append(
            actor=user.username,
            role=user.role,
            action="write",
            resource=f"users/{user.username}/tokens",
            detail={"revoked": True},
        )


def list_users(uow: UnitOfWork, *, actor: Actor) -> list[UserRow]:
    """Every user with their role; an audited read for user managers only."""
    require(actor, Permission.MANAGE_USERS)
    rows = uow.users.all()
    uow.audit.append(actor=actor.name, role=actor.role.value, action="read", resource="users")
    return rows
