"""Consultations: numbered questions put to partner organisations, their responses and the
aggregated report. Reads are public. A partner user responds for their own organisation,
as of today; the secretariat (board secretary or admin) transcribes responses received.
Every response goes to the public decision register."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from integrated_care.access import Permission, require
from integrated_care.api.deps import SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.routers.governance_common import READ_ERRORS, WRITE_ERRORS, SignedUowDep
from integrated_care.api.schemas.consultations import (
    ConsultationRead,
    QuestionRead,
    ReportRead,
    ResponseCreate,
    ResponseRead,
)
from integrated_care.errors import InvalidInput
from integrated_care.governance.consultations import Consultation, Response, report_to_dict
from integrated_care.services import consultations

router = APIRouter(tags=["consultations"], dependencies=[Depends(current_actor)])


def consultation_read(c: Consultation) -> ConsultationRead:
    return ConsultationRead.model_validate(
        {
            "code": c.code,
            "title": c.title,
            "owner": {"code": c.owner_code, "name": c.owner_name},
            "opens": c.opens,
            "closes": c.closes,
            "description": c.description,
            "questions": [QuestionRead(number=q.number, text=q.text) for q in c.questions],
        }
    )


def response_read(r: Response) -> ResponseRead:
    return ResponseRead(
        organisation=r.organisation_code,
        question=r.question,
        version=r.version,
        stance=r.stance,
        text=r.text,
        responded_on=r.responded_on,
    )


@router.get("/consultations", response_model=list[ConsultationRead], responses=READ_ERRORS)
def list_consultations(uow: UowDep, workspace: WorkspaceDep) -> list[ConsultationRead]:
    """Every consultation with its numbered questions."""
    return [consultation_read(c) for c in consultations.list_all(uow, workspace.system)]


@router.get("/consultations/{code}", response_model=ConsultationRead, responses=READ_ERRORS)
def show_consultation(code: str, uow: UowDep, workspace: WorkspaceDep) -> ConsultationRead:
    """One consultation: owner, dates and numbered questions."""
    return consultation_read(consultations.get(uow, workspace.system, code))


@router.get(
    "/consultations/{code}/responses", response_model=list[ResponseRead], responses=READ_ERRORS
)
def list_responses(code: str, uow: UowDep, workspace: WorkspaceDep) -> list[ResponseRead]:
    """Every version of every response, in the order recorded."""
    return [response_read(r) for r in consultations.history(uow, workspace.system, code)]


@router.get("/consultations/{code}/report", response_model=ReportRead, responses=READ_ERRORS)
def report(code: str, uow: UowDep, workspace: WorkspaceDep) -> ReportRead:
    """The aggregated report: per question, the count and the organisations under each
    stance, and each organisation's latest response."""
    found = consultations.report(uow, workspace.system, code)
    data = report_to_dict(found) | {"consultation": consultation_read(found.consultation)}
    return ReportRead.model_validate(data)


@router.post(
    "/consultations/{code}/responses",
    response_model=ResponseRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def respond(
    code: str,
    body: ResponseCreate,
    actor: SignedInDep,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
) -> ResponseRead:
    """Respond to a question (a revision is a new version). Partners answer for their own
    organisation only, dated today, while the consultation is open."""
    require(actor, Permission.RESPOND_TO_CONSULTATION)  # the role first, then the input
    organisation = body.organisation or actor.organisation_code
    if organisation is None:
        raise InvalidInput(
            "No organisation given, and the user has none.",
            input_name="organisation",
            expected="the responding organisation's code",
        )
    response = consultations.respond(
        uow,
        workspace.system,
        code,
        organisation=organisation,
        question=body.question,
        stance=body.stance,
        text=body.text,
        on=body.on,
        actor=actor,
    )
    uow.commit()
    return response_read(response)
