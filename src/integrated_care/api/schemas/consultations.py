"""Consultations (numbered questions, organisations' responses, the aggregated report) and
cross-body plan workflows (HWB opinions, joint sign-offs, approval)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from integrated_care.api.schemas.common import ApiModel, IsoDate
from integrated_care.governance.consultations import Stance


class OwnerRead(BaseModel):
    code: str
    name: str


class QuestionRead(BaseModel):
    number: int
    text: str


class ConsultationRead(BaseModel):
    code: str
    title: str
    owner: OwnerRead
    opens: date
    closes: date
    description: str | None
    questions: list[QuestionRead]


class ResponseRead(BaseModel):
    organisation: str
    question: int
    version: int = Field(description="A revision is a new version; the latest counts.")
    stance: Stance
    text: str
    responded_on: date


class ResponseCreate(ApiModel):
    question: int = Field(ge=1, description="The question's number.")
    stance: Stance
    text: str = Field(default="", max_length=20000)
    organisation: str | None = Field(
        default=None,
        description="Default: the user's own organisation. Partners answer only for it.",
    )
    on: IsoDate | None = Field(
        default=None,
        description="The date the response was received (secretariat only; default today).",
    )


class RespondentRead(BaseModel):
    code: str
    name: str
    kind: str
    external: bool = Field(description="Not an organisation of this system.")
    gss_code: str | None
    ods_code: str | None


class ReportResponseRead(BaseModel):
    organisation: str
    organisation_name: str
    stance: Stance
    text: str
    version: int
    responded_on: date


class ReportQuestionRead(BaseModel):
    number: int
    text: str
    counts: dict[str, int] = Field(description="Responses per stance.")
    respondents: dict[str, list[str]] = Field(description="Organisation names per stance.")
    not_answered: list[str]
    responses: list[ReportResponseRead]


class ReportRead(BaseModel):
    consultation: ConsultationRead
    respondents: list[RespondentRead]
    questions: list[ReportQuestionRead]


# -- plans -----------------------------------------------------------------------------------


class PartyRead(BaseModel):
    code: str
    name: str


class StepRead(BaseModel):
    kind: str = Field(description="hwb opinion, sign-off, local agreement or approval")
    party: PartyRead
    on: date
    statement: str
    decision_ref: str | None


class RequirementRead(BaseModel):
    kind: str
    party: PartyRead
    basis: str = Field(description="Why it is required (statute, BCF conditions, local gate).")
    met_by: StepRead | None


class PlanRead(BaseModel):
    code: str
    kind: str
    year: str = Field(examples=["2026/27"])
    title: str
    icb: PartyRead
    hwbs: list[PartyRead]
    area: str | None
    state: str = Field(description="approved, ready for approval, or awaiting ...")
    ready: bool
    missing: list[str] = Field(description="What is still to be recorded, in words.")
    requirements: list[RequirementRead]
    approval: StepRead | None
    steps: list[StepRead] = Field(description="Every step recorded, revisions included.")


class PlanCreate(ApiModel):
    kind: str = Field(examples=["jfp"], description="jfp, bcf or place")
    year: str = Field(examples=["2026/27"])
    area: str | None = Field(default=None, description="BCF: the council; place plan: place.")
    hwbs: list[str] | None = Field(default=None, description="JFP: the HWBs (default: all).")
    title: str | None = Field(default=None, max_length=300)
    code: str | None = Field(default=None, max_length=60)


class StepCreate(ApiModel):
    party: str | None = Field(
        default=None,
        description="Opinion: the HWB (its council's code); sign-off and local agreement: the "
        "party. Not used for the approval (always the ICB).",
    )
    statement: str = Field(default="", max_length=20000)
    on: IsoDate | None = Field(default=None, description="Default: today.")
    decision_ref: str | None = Field(default=None, max_length=80)
