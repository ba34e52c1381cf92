"""Governance bodies and their seats: create a body, appoint to a seat, end a term, and check
the composition on a date against the statutory, NHS England and local rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.governance.composition import (
    Unmet,
    local_rule_to_data,
    parse_local_rules,
    validate_composition,
)
from integrated_care.governance.model import BodyKind, Seat
from integrated_care.persistence.governance_models import GovBodyRow, GovSeatRow
from integrated_care.persistence.governance_repository import seat_from_row
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.common import (
    SEAT_ID,
    audit,
    body_row,
    check_code,
    non_blank,
    repo,
)
from integrated_care.services.governance.rulesets import get_rule_set
from integrated_care.services.register_events import record_event

MAX_NOTICE_DAYS = 60


@dataclass(frozen=True, slots=True)
class BodySpec:
    code: str
    name: str
    kind: BodyKind
    place_code: str | None = None
    rule_set: str | None = None  # a stored rule set's name; its latest version unless given
    rule_set_version: int | None = None
    notice_days: int = 5  # clear days between publishing the agenda and the meeting
    recused_count_for_quorum: bool | None = None  # None: as the rule set says
    local_rules: tuple[Mapping[str, Any], ...] = ()
    responsible_authorities: tuple[str, ...] = ()  # ICPs: the upper-tier councils


@dataclass(frozen=True, slots=True)
class SeatRecord:
    seat: Seat
    username: str | None = None  # the login of the holder, who may then vote for themself


@dataclass(frozen=True, slots=True)
class Body:
    code: str
    name: str
    kind: BodyKind
    place_code: str | None
    rule_set: str | None
    rule_set_version: int | None
    notice_days: int
    recused_count_for_quorum: bool | None
    local_rules: tuple[dict[str, Any], ...]
    responsible_authorities: tuple[str, ...]
    seats: tuple[SeatRecord, ...] = field(default=())

    def seats_on(self, day: date) -> list[Seat]:
        return [r.seat for r in self.seats if r.seat.held_on(day)]


def _body(uow: UnitOfWork, row: GovBodyRow) -> Body:
    records = tuple(
        SeatRecord(seat_from_row(s, row.code), s.username) for s in repo(uow).seat_rows(row.id)
    )
    return Body(
        row.code,
        row.name,
        BodyKind(row.kind),
        row.place_code,
        row.rule_set_name,
        row.rule_set_version,
        row.notice_days,
        row.recused_count_for_quorum,
        tuple(dict(r) for r in row.local_rules),
        tuple(row.responsible_authorities),
        records,
    )


def _organisation_codes(uow: UnitOfWork, system_code: str) -> dict[str, str]:
    return {o.code: o.name for o in uow.structure.organisations(system_code)}


def _check_organisation(orgs: Mapping[str, str], code: str | None, input_name: str) -> None:
    if code is not None and code not in orgs:
        raise NotFound(
            "organisation",
            code,
            input_name=input_name,
            candidates=[*orgs, *orgs.values()],
            expected="an organisation code of this system ('ics orgs list')",
        )


def create_body(uow: UnitOfWork, system_code: str, spec: BodySpec, *, actor: Actor) -> Body:
    require(actor, Permission.MANAGE_GOVERNANCE)
    code = check_code(spec.code, "body code", "code")
    name = non_blank(spec.name, "body name", "name", 200)
    if not 0 <= spec.notice_days <= MAX_NOTICE_DAYS:
        raise InvalidInput(
            f"A notice period of {spec.notice_days} clear days is not valid.",
            input_name="notice_days",
            expected=f"0 to {MAX_NOTICE_DAYS} clear days (commonly 5)",
        )
    gov = repo(uow)
    if gov.body(system_code, code) is not None:
        raise Conflict(
            f"A governance body with code {code} already exists.",
            input_name="code",
            expected="a new body code",
        )
    if spec.place_code is not None:
        places = {p.code for p in uow.structure.places(system_code)}
        if spec.place_code not in places:
            raise NotFound("place", spec.place_code, input_name="place", candidates=places)
    orgs = _organisation_codes(uow, system_code)
    if spec.kind is BodyKind.INTEGRATED_CARE_PARTNERSHIP and not spec.responsible_authorities:
        raise InvalidInput(
            "An integrated care partnership is the joint committee of the ICB and its "
            "responsible local authorities; none were given.",
            input_name="responsible_authorities",
            expected="the codes of the upper-tier councils in the ICB's area",
        )
    kinds = {o.code: o.kind for o in uow.structure.organisations(system_code)}
    for authority in spec.responsible_authorities:
        _check_organisation(orgs, authority, "responsible_authorities")
        # s.116ZA LGPIHA 2007: the responsible authorities are the councils with social care
        # functions, i.e. upper-tier councils; a district council cannot be one.
        if not kinds[authority].is_upper_tier_council:
            raise InvalidInput(
                f"{orgs[authority]} ({authority}) is a {kinds[authority].value}, not an "
                "upper-tier council, so it cannot be a responsible local authority.",
                input_name="responsible_authorities",
                expected="county councils or unitary, metropolitan or London borough councils",
            )
    # Refuse malformed local rules before anything is written; store their canonical form.
    local_rules = [local_rule_to_data(r) for r in parse_local_rules(list(spec.local_rules))]
    rule_name = rule_version = None
    if spec.rule_set is not None:
        stored = get_rule_set(uow, system_code, spec.rule_set, spec.rule_set_version)
        rule_name, rule_version = stored.name, stored.version
    row = gov.add(
        GovBodyRow(
            system_code=system_code,
            code=code,
            name=name,
            kind=spec.kind.value,
            place_code=spec.place_code,
            rule_set_name=rule_name,
            rule_set_version=rule_version,
            notice_days=spec.notice_days,
            recused_count_for_quorum=spec.recused_count_for_quorum,
            local_rules=local_rules,
            responsible_authorities=list(spec.responsible_authorities),
            created_at=utc_now(),
        )
    )
    audit(uow, actor, system_code, f"governance/bodies/{code}", use_case="create_body")
    return _body(uow, row)


def get_body(uow: UnitOfWork, system_code: str, code: str) -> Body:
    return _body(uow, body_row(uow, system_code, code))


def list_bodies(uow: UnitOfWork, system_code: str) -> list[Body]:
    return [_body(uow, r) for r in repo(uow).bodies(system_code)]


def appoint_seat(
    uow: UnitOfWork,
    system_code: str,
    seat: Seat,
    *,
    actor: Actor,
    username: str | None = None,
) -> SeatRecord:
    """Record an appointment to a seat of ``seat.body_code`` for ``seat.term``."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    body = body_row(uow, system_code, seat.body_code)
    check_code(seat.seat_id, "seat id", "seat_id", SEAT_ID)
    non_blank(seat.title, "seat title", "title", 200)
    non_blank(seat.holder, "holder's name", "holder", 200)
    orgs = _organisation_codes(uow, system_code)
    _check_organisation(orgs, seat.organisation_code, "organisation")
    _check_organisation(orgs, seat.nominated_by, "nominated_by")
    _check_organisation(orgs, seat.approved_by, "approved_by")
    if username is not None and uow.users.by_username(username) is None:
        raise NotFound(
            "user",
            username,
            input_name="user",
            candidates=[u.username for u in uow.users.all()],
            expected="an existing user ('ics users add')",
        )
    gov = repo(uow)
    for other in gov.seat_rows_by_seat_id(system_code, seat.seat_id):
        if other.body_id != body.id:
            raise Conflict(
                f"Seat id {seat.seat_id} is already used on another body.",
                input_name="seat_id",
                expected="a seat id unique in the system",
            )
        held = seat_from_row(other, body.code).term
        if held.overlaps(seat.term):
            raise Conflict(
                f"Seat {seat.seat_id} is already held by {other.holder} for "
                f"{held.describe()}, which overlaps {seat.term.describe()}.",
                input_name="term",
                expected="a term after the current one ends ('ics governance seats end')",
            )
    gov.add(
        GovSeatRow(
            system_code=system_code,
            body_id=body.id,
            seat_id=seat.seat_id,
            seat_type=seat.seat_type.value,
            title=seat.title.strip(),
            holder=seat.holder.strip(),
            organisation_code=seat.organisation_code,
            classes=sorted(seat.classes),
            voting=seat.voting,
            weight=seat.weight,
            nominated_by=seat.nominated_by,
            approved_by=seat.approved_by,
            term_start=seat.term.start,
            term_end=seat.term.end,
            username=username,
            appointed_at=utc_now(),
        )
    )
    record_event(
        uow,
        system_code,
        "seat_appointment",
        {"action": "appointed", **seat_payload(seat)},
        body=body.code,
    )
    audit(uow, actor, system_code, f"governance/seats/{seat.seat_id}", use_case="appoint_seat")
    return SeatRecord(seat, username)


def seat_payload(seat: Seat) -> dict[str, Any]:
    return {
        "seat_id": seat.seat_id,
        "body": seat.body_code,
        "seat_type": seat.seat_type.value,
        "title": seat.title,
        "holder": seat.holder,
        "organisation": seat.organisation_code,
        "classes": sorted(seat.classes),
        "voting": seat.voting,
        "weight": seat.weight,
        "nominated_by": seat.nominated_by,
        "approved_by": seat.approved_by,
        "term_start": seat.term.start.isoformat(),
        "term_end": seat.term.end.isoformat() if seat.term.end else None,
    }


def end_term(
    uow: UnitOfWork,
    system_code: str,
    seat_id: str,
    effective: date,
    *,
    actor: Actor,
    reason: str | None = None,
) -> Seat:
    """End the open term of a seat: from ``effective`` the seat is no longer held."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    gov = repo(uow)
    rows = gov.seat_rows_by_seat_id(system_code, seat_id)
    if not rows:
        raise NotFound("seat", seat_id, input_name="seat", candidates=gov.all_seat_ids(system_code))
    row = rows[-1]
    if row.term_end is not None:
        raise Conflict(
            f"The term of seat {seat_id} ({row.holder}) already ended on "
            f"{row.term_end.isoformat()}.",
            input_name="seat",
            expected="a seat with an open term",
        )
    if effective <= row.term_start:
        raise InvalidInput(
            f"The term of seat {seat_id} started on {row.term_start.isoformat()}; it cannot end "
            f"on {effective.isoformat()}.",
            input_name="effective",
            expected=f"a date after {row.term_start.isoformat()}",
        )
    row.term_end = effective
    uow.session.flush()
    body = gov.body_by_id(row.body_id)
    seat = seat_from_row(row, body.code)
    record_event(
        uow,
        system_code,
        "seat_appointment",
        {
            "action": "term_ended",
            "reason": reason.strip() if reason else None,
            **seat_payload(seat),
        },
        body=body.code,
    )
    audit(uow, actor, system_code, f"governance/seats/{seat_id}", use_case="end_term")
    return seat


def check_composition(
    uow: UnitOfWork, system_code: str, body_code: str, day: date
) -> tuple[Body, Sequence[Unmet]]:
    """The body and every composition rule it fails on ``day`` (empty: all met)."""
    body = get_body(uow, system_code, body_code)
    unmet = validate_composition(
        body.kind,
        body.seats_on(day),
        day,
        local_rules=parse_local_rules(list(body.local_rules)),
        responsible_authorities=body.responsible_authorities,
        icbs=_icbs(body.kind, system_code),
        organisation_names=_organisation_codes(uow, system_code),
    )
    return body, unmet


def _icbs(kind: BodyKind, system_code: str) -> tuple[str, ...]:
    # An ICP is the ICB's joint committee, an HWB has a representative of the relevant ICB:
    # the system's own ICB (its ODS code is the system code and an organisation code).
    needs = (BodyKind.INTEGRATED_CARE_PARTNERSHIP, BodyKind.HEALTH_AND_WELLBEING_BOARD)
    return (system_code,) if kind in needs else ()
