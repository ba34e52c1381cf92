"""Consultation use cases: create, add questions, respond, report, load the 2020 fixture.

Every function takes the caller's unit of work and never commits; a refused request raises
before anything is written, so the caller's rollback leaves the database unchanged. Each
response is appended to the public decision register (``consultation_response``) in the
same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.governance.consultations import (
    Consultation,
    ConsultationReport,
    Question,
    Respondent,
    Response,
    Stance,
    build_report,
    check_code,
    check_new,
    check_questions,
    check_response_date,
    next_version,
    number_questions,
    parse_stance,
)
from integrated_care.persistence.consultation_repository import ConsultationRepository
from integrated_care.persistence.governance_repository import GovernanceRepository
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.register_events import record_event
from integrated_care.structure.organisations import Organisation, OrgKind

FIXTURE = "nhse_integrating_care_2020.json"
RESPONSE_EVENT = "consultation_response"


@dataclass(frozen=True, slots=True)
class ExternalOrganisation:
    """A respondent that is not an organisation of the workspace's system."""

    code: str
    name: str
    kind: str  # an organisation kind, e.g. "district council"
    gss_code: str | None = None
    ods_code: str | None = None


@dataclass(frozen=True, slots=True)
class FixtureSummary:
    consultation: Consultation
    respondents: tuple[Respondent, ...]
    responses: int


def _repo(uow: UnitOfWork) -> ConsultationRepository:
    return ConsultationRepository(uow.session)


def _audit(uow: UnitOfWork, actor: Actor, system_code: str, resource: str, **detail: Any) -> None:
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=resource,
        system_code=system_code,
        detail=detail,
    )


def _find_org(orgs: Sequence[Organisation], code: str) -> Organisation | None:
    wanted = code.strip()
    for org in orgs:
        if wanted in (org.code, org.gss_code, org.ods_code):
            return org
    return None


def get(uow: UnitOfWork, system_code: str, code: str) -> Consultation:
    found = _repo(uow).get(system_code, code.strip())
    if found is None:
        raise NotFound(
            "consultation",
            code,
            input_name="consultation",
            candidates=_repo(uow).codes(system_code),
        )
    return found


def list_all(uow: UnitOfWork, system_code: str) -> list[Consultation]:
    return _repo(uow).all(system_code)


def create(
    uow: UnitOfWork,
    system_code: str,
    *,
    code: str,
    title: str,
    owner: str,
    opens: date,
    closes: date,
    questions: Sequence[str] = (),
    owner_name: str | None = None,
    description: str | None = None,
    actor: Actor,
) -> Consultation:
    """A consultation owned by an organisation or partnership body of the system, or by a
    named outside organisation (``owner_name`` given, e.g. NHS England)."""
    require(actor, Permission.MANAGE_CONSULTATIONS)
    code = check_code(code)
    orgs = uow.structure.organisations(system_code)
    org = _find_org(orgs, owner)
    body = next((b for b in uow.structure.bodies(system_code) if b.code == owner.strip()), None)
    board = GovernanceRepository(uow.session).body(system_code, owner.strip())
    body_name = body.name if body is not None else board.name if board is not None else None
    if org is not None:
        owner_code, name = org.code, org.name
    elif body_name is not None:
        owner_code, name = owner.strip(), body_name
    elif owner_name and owner_name.strip():
        owner_code, name = owner.strip(), owner_name.strip()
    else:
        raise NotFound(
            "owner",
            owner,
            input_name="owner",
            candidates=[o.code for o in orgs],
            expected="an organisation or body of the system, or an outside owner with its name",
        )
    if not owner_code:
        raise InvalidInput("The owner needs a code.", input_name="owner", expected="a code")
    consultation = Consultation(
        code,
        title.strip(),
        owner_code,
        name,
        opens,
        closes,
        tuple(number_questions((), questions)),
        description.strip() if description and description.strip() else None,
    )
    check_new(consultation)
    if _repo(uow).get(system_code, code) is not None:
        raise Conflict(
            f"A consultation with code {code} already exists.",
            input_name="code",
            expected="a new consultation code",
        )
    _repo(uow).add(system_code, consultation, actor.name)
    _audit(uow, actor, system_code, f"consultations/{code}", use_case="create_consultation")
    return consultation


def add_questions(
    uow: UnitOfWork, system_code: str, code: str, texts: Sequence[str], *, actor: Actor
) -> list[Question]:
    """Number and add questions; refused once any response has been received."""
    require(actor, Permission.MANAGE_CONSULTATIONS)
    consultation = get(uow, system_code, code)
    if not texts:
        raise InvalidInput("No question given.", input_name="question", expected="question text")
    if _repo(uow).response_count(system_code, consultation.code):
        raise Conflict(
            f"Consultation {consultation.code} has responses; its questions are fixed.",
            input_name="question",
            expected="questions added before the first response",
        )
    check_questions(consultation.code, consultation.questions, texts)
    added = number_questions(consultation.questions, texts)
    _repo(uow).add_questions(system_code, consultation.code, added)
    _audit(
        uow,
        actor,
        system_code,
        f"consultations/{consultation.code}/questions",
        use_case="add_questions",
        numbers=[q.number for q in added],
    )
    return added


def _respondent(
    uow: UnitOfWork,
    system_code: str,
    consultation: Consultation,
    organisation: str,
    external: ExternalOrganisation | None,
) -> tuple[Respondent, bool]:
    """The respondent and whether it is new to this consultation."""
    wanted = organisation.strip()
    for r in _repo(uow).respondents(system_code, consultation.code):
        if wanted in (r.organisation_code, r.gss_code, r.ods_code):
            return r, False
    orgs = uow.structure.organisations(system_code)
    org = _find_org(orgs, wanted)
    if org is not None:
        return Respondent(
            org.code, org.name, org.kind.value, False, org.gss_code, org.ods_code
        ), True
    if external is None:
        raise NotFound(
            "organisation",
            organisation,
            input_name="organisation",
            candidates=[*(o.code for o in orgs), *(o.name for o in orgs)],
            expected="an organisation of the system, or an outside organisation given with "
            "its name and kind",
        )
    check_code(external.code.lower(), "organisation")
    if external.code.strip() != wanted:
        raise InvalidInput(
            f"The outside organisation's code {external.code} differs from {organisation}.",
            input_name="organisation",
            expected="the same code",
        )
    if not external.name.strip():
        raise InvalidInput(
            f"The outside organisation {wanted} needs a name.",
            input_name="name",
            expected="the organisation's name",
        )
    try:
        kind = OrgKind(external.kind.strip())
    except ValueError:
        raise InvalidInput(
            f"Unknown organisation kind '{external.kind}'.",
            input_name="kind",
            expected=", ".join(k.value for k in OrgKind),
        ) from None
    return (
        Respondent(
            wanted, external.name.strip(), kind.value, True, external.gss_code, external.ods_code
        ),
        True,
    )


def _check_actor_for(actor: Actor, respondent: Respondent, on: date | None, today: date) -> None:
    """Partners respond only for their own organisation, and only as of today."""
    if actor.can(Permission.MANAGE_CONSULTATIONS):
        return  # the secretariat transcribes responses received, with their dates
    own = actor.organisation_code
    codes = {respondent.organisation_code, respondent.gss_code, respondent.ods_code} - {None}
    if own is None or own not in codes:
        who = f"of {own}" if own else "with no organisation"
        raise Forbidden(
            f"A {actor.role.value} user {who} may not respond for "
            f"{respondent.name} ({respondent.organisation_code}).",
            input_name="organisation",
            expected=f"the user's own organisation ({own or 'none set'})",
        )
    if on is not None and on != today:
        raise Forbidden(
            f"A {actor.role.value} user responds as of today ({today.isoformat()}), "
            f"not {on.isoformat()}.",
            input_name="date",
            expected="no date (today)",
        )


def respond(
    uow: UnitOfWork,
    system_code: str,
    code: str,
    *,
    organisation: str,
    question: int,
    stance: Stance | str,
    text: str = "",
    on: date | None = None,
    external: ExternalOrganisation | None = None,
    actor: Actor,
    today: date | None = None,
) -> Response:
    """Record (or revise: a new version) one organisation's answer to one question."""
    require(actor, Permission.RESPOND_TO_CONSULTATION)
    today = today or date.today()
    consultation = get(uow, system_code, code)
    consultation.question(question)
    chosen = stance if isinstance(stance, Stance) else parse_stance(stance)
    respondent, new = _respondent(uow, system_code, consultation, organisation, external)
    _check_actor_for(actor, respondent, on, today)
    day = on or today
    if day > today:
        raise InvalidInput(
            f"A response cannot be dated in the future ({day.isoformat()}).",
            input_name="date",
            expected=f"a date on or before {today.isoformat()}",
        )
    check_response_date(consultation, day)
    history = _repo(uow).responses(system_code, consultation.code)
    version = next_version(history, respondent.organisation_code, question)
    response = Response(respondent.organisation_code, question, version, chosen, text.strip(), day)
    if new:
        _repo(uow).add_respondent(system_code, consultation.code, respondent)
    entry = record_event(
        uow,
        system_code,
        RESPONSE_EVENT,
        {
            "consultation": consultation.code,
            "question": question,
            "organisation": respondent.organisation_code,
            "organisation_name": respondent.name,
            "stance": chosen.value,
            "text": response.text,
            "version": version,
            "responded_on": day.isoformat(),
        },
    )
    _repo(uow).add_response(system_code, consultation.code, response, actor.name, entry)
    _audit(
        uow,
        actor,
        system_code,
        f"consultations/{consultation.code}/responses",
        use_case="respond",
        organisation=respondent.organisation_code,
        question=question,
        version=version,
    )
    return response


def report(uow: UnitOfWork, system_code: str, code: str) -> ConsultationReport:
    consultation = get(uow, system_code, code)
    repo = _repo(uow)
    return build_report(
        consultation,
        repo.respondents(system_code, consultation.code),
        repo.responses(system_code, consultation.code),
    )


def history(uow: UnitOfWork, system_code: str, code: str) -> list[Response]:
    """Every version of every response, in the order recorded."""
    return _repo(uow).responses(system_code, get(uow, system_code, code).code)


def fixture_data() -> dict[str, Any]:
    """The packaged NHS England 'Integrating care' (2020) consultation and two answers."""
    source = resources.files("integrated_care.governance") / "data" / FIXTURE
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return data


def load_fixture(
    uow: UnitOfWork,
    system_code: str,
    *,
    actor: Actor,
    data: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> FixtureSummary:
    """Create the consultation and transcribe each council's published answers."""
    require(actor, Permission.MANAGE_CONSULTATIONS)
    data = data if data is not None else fixture_data()
    c = data["consultation"]
    consultation = create(
        uow,
        system_code,
        code=c["code"],
        title=c["title"],
        owner=c["owner"]["code"],
        owner_name=c["owner"]["name"],
        opens=date.fromisoformat(c["opens"]),
        closes=date.fromisoformat(c["closes"]),
        questions=[q["text"] for q in sorted(data["questions"], key=lambda q: q["number"])],
        description=c.get("description"),
        actor=actor,
    )
    count = 0
    for r in data["respondents"]:
        external = ExternalOrganisation(
            r["code"], r["name"], r["kind"], r.get("gss_code"), r.get("ods_code")
        )
        for answer in r["answers"]:
            respond(
                uow,
                system_code,
                consultation.code,
                organisation=r["code"],
                question=int(answer["question"]),
                stance=answer["stance"],
                text=answer["text"],
                on=date.fromisoformat(r["responded_on"]),
                external=external,
                actor=actor,
                today=today,
            )
            count += 1
    respondents = tuple(_repo(uow).respondents(system_code, consultation.code))
    return FixtureSummary(get(uow, system_code, consultation.code), respondents, count)
