"""Governance bodies and seats, the register of interests, and decisions.

Reads are public (board membership, declarations of interest and decisions are published);
a private item's content is shown only to roles that may read non-public information until
its publication date. Writes need a signed-in user; the services decide what each role may
do (``access.py``): board secretaries and admins run bodies and seats, a member declares
their own interests.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from integrated_care.api.deps import ActorDep, SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.routers.governance_common import (
    READ_ERRORS,
    WRITE_ERRORS,
    AsOf,
    SignedUowDep,
)
from integrated_care.api.schemas.governance import (
    BodyRead,
    BodySummaryRead,
    DecisionLineRead,
    DecisionRead,
    DeclarationCreate,
    DeclarationRead,
    SeatCreate,
    SeatEndCreate,
    SeatRead,
)
from integrated_care.errors import InvalidInput
from integrated_care.governance.interests import Declaration
from integrated_care.governance.model import Seat
from integrated_care.services import governance_queries as queries
from integrated_care.services.governance import bodies, interests
from integrated_care.services.governance.dicts import (
    body_dict,
    decision_dict,
    declaration_dict,
    seat_dict,
)
from integrated_care.structure.dates import Period

router = APIRouter(tags=["governance"], dependencies=[Depends(current_actor)])


@router.get("/governance/bodies", response_model=list[BodySummaryRead], responses=READ_ERRORS)
def list_bodies(uow: UowDep, workspace: WorkspaceDep) -> list[BodySummaryRead]:
    """Governance bodies: the ICB board, committees, the integrated care partnership, health
    and wellbeing boards, with the rule set each decides under."""
    return [
        BodySummaryRead.model_validate(body_dict(b))
        for b in bodies.list_bodies(uow, workspace.system)
    ]


@router.get("/governance/bodies/{code}", response_model=BodyRead, responses=READ_ERRORS)
def show_body(code: str, uow: UowDep, workspace: WorkspaceDep, as_of: AsOf = None) -> BodyRead:
    """A body with the seats held on a date and its composition check on that date: every
    statutory, NHS England or local rule it fails, each stated (empty when all are met)."""
    day = as_of or date.today()
    body, unmet = bodies.check_composition(uow, workspace.system, code, day)
    return BodyRead.model_validate(body_dict(body, day=day, unmet=unmet))


@router.get("/governance/bodies/{code}/seats", response_model=list[SeatRead], responses=READ_ERRORS)
def list_seats(code: str, uow: UowDep, workspace: WorkspaceDep) -> list[SeatRead]:
    """Every appointment to a seat of the body, past, current and future terms."""
    body = bodies.get_body(uow, workspace.system, code)
    return [SeatRead.model_validate(seat_dict(r.seat)) for r in body.seats]


@router.post(
    "/governance/bodies/{code}/seats",
    response_model=SeatRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def appoint_seat(
    code: str, seat: SeatCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> SeatRead:
    """Appoint a holder to a seat for a term (board secretary or admin); the appointment goes
    to the public register. A term overlapping the seat's current one answers 409."""
    try:
        value = Seat(
            seat_id=seat.seat_id,
            body_code=code,
            seat_type=seat.seat_type,
            title=seat.title,
            holder=seat.holder,
            organisation_code=seat.organisation,
            classes=frozenset(seat.classes),
            voting=seat.voting,
            weight=seat.weight,
            nominated_by=seat.nominated_by,
            approved_by=seat.approved_by,
            term=Period(seat.term_start, seat.term_end),
        )
    except ValueError as error:
        raise InvalidInput(str(error), input_name="seat", expected="a consistent seat") from None
    record = bodies.appoint_seat(uow, workspace.system, value, actor=actor, username=seat.user)
    uow.commit()
    return SeatRead.model_validate(seat_dict(record.seat))


@router.post("/governance/seats/{seat_id}/end", response_model=SeatRead, responses=WRITE_ERRORS)
def end_term(
    seat_id: str,
    change: SeatEndCreate,
    actor: SignedInDep,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
) -> SeatRead:
    """End the current term of a seat (board secretary or admin)."""
    seat = bodies.end_term(
        uow, workspace.system, seat_id, change.effective, actor=actor, reason=change.reason
    )
    uow.commit()
    return SeatRead.model_validate(seat_dict(seat))


@router.get("/governance/declarations", response_model=list[DeclarationRead], responses=READ_ERRORS)
def list_declarations(
    uow: UowDep,
    workspace: WorkspaceDep,
    seat: Annotated[str | None, Query(description="Only this seat's declarations.")] = None,
    on: AsOf = None,
) -> list[DeclarationRead]:
    """The register of interests: declarations under the NHS conflicts-of-interest regime and
    the Localism Act disclosable pecuniary interests regime (in force on a date, if given)."""
    records = interests.list_declarations(uow, workspace.system, seat_id=seat, on=on)
    return [DeclarationRead.model_validate(declaration_dict(r)) for r in records]


@router.post(
    "/governance/declarations",
    response_model=DeclarationRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def declare(
    body: DeclarationCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> DeclarationRead:
    """Declare an interest: a member for their own seat, a board secretary for anyone. A
    declaration relevant to an item recuses the member from it; it goes to the register."""
    regime = interests.parse_regime(body.regime)
    try:
        declaration = Declaration(
            seat_id=body.seat_id,
            person=None,
            regime=regime,
            kind=interests.parse_kind(body.kind, regime),
            description=body.description,
            related_organisations=frozenset(body.organisations),
            topics=frozenset(body.topics),
            period=Period(body.valid_from, body.valid_to),
        )
    except ValueError as error:
        raise InvalidInput(str(error), input_name="declaration") from None
    record = interests.declare(uow, workspace.system, declaration, actor=actor)
    uow.commit()
    return DeclarationRead.model_validate(declaration_dict(record))


@router.get("/governance/decisions", response_model=list[DecisionLineRead], responses=READ_ERRORS)
def list_decisions(
    uow: UowDep,
    workspace: WorkspaceDep,
    actor: ActorDep,
    body: Annotated[str | None, Query(description="Only this body's decisions.")] = None,
) -> list[DecisionLineRead]:
    """Every decision, newest meeting first, with the rule set version, the rule, the
    plain-English explanation, the tally and each member's vote."""
    lines = queries.decisions(uow, workspace.system, actor, body)
    if any(queries.private_shown(line.item) for line in lines):
        queries.note_private_read(uow, workspace.system, actor, "governance/decisions")
        uow.commit()
    return [
        DecisionLineRead(
            meeting_id=line.meeting.meeting_id,
            body=line.meeting.body_code,
            item=line.item.number,
            title=line.title,
            decision=DecisionRead.model_validate(decision_dict(line.decision)),
        )
        for line in lines
    ]
