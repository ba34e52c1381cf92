"""Sign-in, tokens, users and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from integrated_care.access import Role
from integrated_care.api.schemas.common import ApiModel, Code


class TokenCreate(ApiModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1000)


class TokenRead(BaseModel):
    access_token: str = Field(description="Send as 'Authorization: Bearer <token>'.")
    token_type: str = "bearer"  # noqa: S105  (the OAuth 2.0 token type, not a secret)
    role: Role


class RevokedRead(BaseModel):
    revoked: bool = True


class UserCreate(ApiModel):
    username: str = Field(min_length=1, max_length=80, examples=["j.smith"])
    password: str = Field(min_length=1, max_length=1000)
    role: Role
    organisation_code: Code | None = Field(
        default=None, description="The user's organisation (for partners)."
    )


class UserRead(BaseModel):
    username: str
    role: Role
    organisation_code: str | None = None
    disabled: bool = False


class AuditRead(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str
    action: str = Field(description="write or read")
    resource: str
    system_code: str | None
    detail: dict[str, Any]
