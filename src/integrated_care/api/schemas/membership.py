"""Partnership bodies and effective-dated membership of them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from integrated_care.api.schemas.common import ApiModel, CodeOrName, IsoDate
from integrated_care.services.structure import SYSTEM_BODY
from integrated_care.structure.membership import Action, BodyKind, Status


class BodyRead(BaseModel):
    code: str
    name: str
    kind: BodyKind
    place_code: str | None


class MembershipCreate(ApiModel):
    organisation: CodeOrName = Field(
        description="Organisation code (ODS or GSS).", examples=["RX1"]
    )
    body: CodeOrName = Field(default=SYSTEM_BODY, description="Partnership body code.")
    effective: IsoDate = Field(description="The day the change takes effect.")
    reason: str | None = Field(
        default=None, max_length=2000, description="Required for a suspension."
    )
    planned_end: IsoDate | None = Field(
        default=None, description="When a suspension is planned to end (suspend only)."
    )
    conditions: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list,
        max_length=50,
        description="Conditions of membership (join or rejoin only).",
    )


class EventRead(BaseModel):
    body: str
    organisation: str
    organisation_name: str
    action: Action
    effective: date
    reason: str | None
    planned_end: date | None
    conditions: list[str]


class StateRead(BaseModel):
    body: str
    organisation: str
    organisation_name: str
    status: Status
    since: date | None
    reason: str | None
    planned_end: date | None
    conditions: list[str]
    description: str = Field(description="The state in words, e.g. 'member since 2018-04-01'.")


class MembershipRead(BaseModel):
    as_of: date
    events: list[EventRead] = Field(description="Every recorded change, oldest first.")
    state: list[StateRead] = Field(description="Each organisation's state on the date.")


class RecordedRead(BaseModel):
    event: EventRead
    state: StateRead = Field(description="The state on the effective date.")
