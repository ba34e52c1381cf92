"""Plan workflow use cases: create a plan, record HWB opinions, sign-offs, local agreements
and the ICB's approval; configure local sign-off gates; report a plan's status.

The rules are in ``governance.workflows``; these functions resolve codes, check them with
those rules, persist the step and append it to the public decision register in the caller's
transaction. They never commit; a refused request writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.governance.workflows import (
    Gate,
    Party,
    Plan,
    PlanKind,
    PlanStatus,
    Step,
    StepKind,
    check_new_plan,
    check_plan_code,
    check_step,
    hwb_party,
    new_plan,
    parse_plan_kind,
    parse_year,
    plan_status,
    relevant_hwbs,
    year_label,
)
from integrated_care.persistence.consultation_repository import PlanRepository
from integrated_care.persistence.governance_repository import GovernanceRepository
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.register_events import record_event
from integrated_care.structure.organisations import Organisation, OrgKind

REGISTER_EVENT = {
    StepKind.HWB_OPINION: "hwb_opinion",
    StepKind.SIGNOFF: "plan_signoff",
    StepKind.LOCAL_AGREEMENT: "plan_local_agreement",  # not a statutory step: its own type
    StepKind.APPROVAL: "plan_approval",
}


def _repo(uow: UnitOfWork) -> PlanRepository:
    return PlanRepository(uow.session)


def _icb(orgs: Sequence[Organisation], system_code: str) -> Party:
    icb = next((o for o in orgs if o.kind is OrgKind.ICB), None)
    if icb is None:
        raise NotFound("system", system_code, input_name="system")
    return Party(icb.code, icb.name)


def _find(orgs: Sequence[Organisation], value: str) -> Organisation | None:
    wanted = value.strip()
    for o in orgs:
        if wanted in (o.code, o.gss_code, o.ods_code) or wanted.lower() in (
            o.name.lower(),
            hwb_party(o).name.lower(),
        ):
            return o
    return None


def _party(uow: UnitOfWork, system_code: str, value: str, *, input_name: str) -> Party:
    """An organisation of the system (an upper-tier council stands for its HWB) or a
    partnership body."""
    orgs = uow.structure.organisations(system_code)
    org = _find(orgs, value)
    if org is not None:
        if org.kind.is_upper_tier_council:
            return hwb_party(org)
        return Party(org.code, org.name)
    for body in uow.structure.bodies(system_code):
        if body.code == value.strip():
            return Party(body.code, body.name)
    board = GovernanceRepository(uow.session).body(system_code, value.strip())
    if board is not None:  # e.g. a place partnership board or a committee
        return Party(board.code, board.name)
    raise NotFound(
        "party",
        value,
        input_name=input_name,
        candidates=[
            *(o.code for o in orgs if o.kind.is_upper_tier_council or o.kind is OrgKind.ICB),
            *(hwb_party(o).name for o in orgs if o.kind.is_upper_tier_council),
        ],
        expected="the ICB, an HWB (by its council's code) or another organisation or body",
    )


def _council(uow: UnitOfWork, system_code: str, value: str, input_name: str) -> Organisation:
    orgs = uow.structure.organisations(system_code)
    org = _find(orgs, value)
    if org is None or not org.kind.is_upper_tier_council:
        raise NotFound(
            "upper-tier council (HWB area)",
            value,
            input_name=input_name,
            candidates=[o.code for o in orgs if o.kind.is_upper_tier_council],
        )
    return org


def get(uow: UnitOfWork, system_code: str, code: str) -> Plan:
    plan = _repo(uow).get(system_code, code.strip())
    if plan is None:
        raise NotFound(
            "plan",
            code,
            input_name="plan",
            candidates=[p.code for p in _repo(uow).all(system_code)],
        )
    return plan


def create_plan(
    uow: UnitOfWork,
    system_code: str,
    *,
    kind: PlanKind | str,
    year: int | str,
    area: str | None = None,
    hwbs: Sequence[str] | None = None,
    title: str | None = None,
    code: str | None = None,
    actor: Actor,
) -> Plan:
    """A joint forward plan (HWBs: given, or one per upper-tier council of the system), a
    Better Care Fund plan for one HWB area, or a place plan for one place."""
    require(actor, Permission.RECORD_PLAN_DECISIONS)
    kind = kind if isinstance(kind, PlanKind) else parse_plan_kind(kind)
    start = parse_year(year)
    orgs = uow.structure.organisations(system_code)
    icb = _icb(orgs, system_code)
    area_code: str | None = None
    area_name = ""
    parties: tuple[Party, ...] = ()
    if kind is PlanKind.JOINT_FORWARD_PLAN:
        if area:
            raise InvalidInput(
                "A joint forward plan covers the whole ICB area; it takes no --area.",
                input_name="area",
                expected="no area (name HWBs with --hwb if needed)",
            )
        if hwbs:
            parties = tuple(hwb_party(_council(uow, system_code, h, "hwb")) for h in hwbs)
        else:
            parties = relevant_hwbs(orgs)
        if not parties:
            raise InvalidInput(
                "The system has no upper-tier council, so no HWB to consult.",
                input_name="hwb",
                expected="the HWBs to consult, by their councils' codes",
            )
        if len({p.code for p in parties}) != len(parties):
            raise InvalidInput("An HWB is named twice.", input_name="hwb", expected="each once")
    else:
        if hwbs:
            raise InvalidInput(
                f"A {kind.value} names its area, not HWBs.",
                input_name="hwb",
                expected="--area instead",
            )
        if not area:
            raise InvalidInput(
                f"A {kind.value} needs its area.",
                input_name="area",
                expected="an upper-tier council code"
                if kind is PlanKind.BETTER_CARE_FUND
                else "a place code",
            )
        if kind is PlanKind.BETTER_CARE_FUND:
            council = _council(uow, system_code, area, "area")
            area_code, area_name, parties = council.code, council.name, (hwb_party(council),)
        else:
            places = {p.code: p.name for p in uow.structure.places(system_code)}
            if area.strip() not in places:
                raise NotFound("place", area, input_name="area", candidates=list(places))
            area_code, area_name = area.strip(), places[area.strip()]
    plan = new_plan(kind, start, icb, parties, area_code, area_name, title=title, code=code)
    check_new_plan(plan, _repo(uow).all(system_code), area_name)
    _repo(uow).add(system_code, plan, actor.name)
    _audit(uow, actor, system_code, f"plans/{plan.code}", use_case="create_plan", kind=kind.value)
    return plan


def configure_gate(
    uow: UnitOfWork,
    system_code: str,
    *,
    plan_kind: PlanKind | str,
    party: str,
    description: str,
    area: str | None = None,
    code: str | None = None,
    actor: Actor,
) -> Gate:
    """A local sign-off gate: ``party`` agrees plans of this kind (for ``area`` only, if
    given) before the ICB approves them. A local agreement, not a statutory step."""
    require(actor, Permission.RECORD_PLAN_DECISIONS)
    kind = plan_kind if isinstance(plan_kind, PlanKind) else parse_plan_kind(plan_kind)
    who = _party(uow, system_code, party, input_name="party")
    if not description.strip():
        raise InvalidInput(
            "A sign-off gate needs a description.",
            input_name="description",
            expected='e.g. "the City HWB agrees the place plan before ICB approval"',
        )
    area_code = area.strip() if area and area.strip() else None
    code = check_plan_code(
        code or "-".join(filter(None, ["gate", kind.short, area_code, who.code])), "gate"
    )
    gates = _repo(uow).gates(system_code)
    if any(g.code == code for g in gates):
        raise Conflict(
            f"A sign-off gate with code {code} already exists.",
            input_name="code",
            expected="a new gate code",
        )
    gate = Gate(code, kind, who, description.strip(), area_code)
    _repo(uow).add_gate(system_code, gate, actor.name)
    _audit(uow, actor, system_code, f"plan-gates/{code}", use_case="configure_gate")
    return gate


def gates(uow: UnitOfWork, system_code: str) -> list[Gate]:
    return _repo(uow).gates(system_code)


def _record(
    uow: UnitOfWork,
    system_code: str,
    plan_code: str,
    kind: StepKind,
    party: Party | str,
    *,
    statement: str,
    on: date | None,
    decision_ref: str | None,
    actor: Actor,
    today: date | None,
) -> Step:
    require(actor, Permission.RECORD_PLAN_DECISIONS)
    today = today or date.today()
    plan = get(uow, system_code, plan_code)
    who = party if isinstance(party, Party) else _party(uow, system_code, party, input_name="party")
    day = on or today
    if day > today:
        raise InvalidInput(
            f"A {kind.value} cannot be dated in the future ({day.isoformat()}).",
            input_name="date",
            expected=f"a date on or before {today.isoformat()}",
        )
    ref = decision_ref.strip() if decision_ref and decision_ref.strip() else None
    if ref is not None and len(ref) > 80:
        raise InvalidInput("The decision reference is too long.", input_name="decision")
    step = Step(kind, who, day, statement.strip(), ref)
    repo = _repo(uow)
    steps = repo.steps(system_code, plan.code)
    gates_now = repo.gates(system_code, plan.kind)
    check_step(plan, steps, step, gates_now)
    payload: dict[str, Any] = {
        "plan": plan.code,
        "plan_kind": plan.kind.value,
        "year": year_label(plan.year),
        "area": plan.area_code,
        "step": kind.value,
        "party": who.code,
        "party_name": who.name,
        "on": day.isoformat(),
        "statement": step.statement,
        "decision_ref": ref,
    }
    if kind is StepKind.APPROVAL:
        status = plan_status(plan, steps, gates_now)
        payload["requirements_met"] = [
            {"step": r.kind.value, "party": r.party.code, "on": r.met_by.on.isoformat()}
            for r in status.requirements
            if r.met_by is not None
        ]
    entry = record_event(uow, system_code, REGISTER_EVENT[kind], payload)
    repo.add_step(system_code, plan.code, step, actor.name, entry)
    _audit(uow, actor, system_code, f"plans/{plan.code}", use_case=kind.value, party=who.code)
    return step


def record_opinion(
    uow: UnitOfWork,
    system_code: str,
    plan_code: str,
    *,
    hwb: str,
    statement: str,
    on: date | None = None,
    decision_ref: str | None = None,
    actor: Actor,
    today: date | None = None,
) -> Step:
    """An HWB's statement of opinion on a joint forward plan (a revision supersedes it)."""
    return _record(
        uow, system_code, plan_code, StepKind.HWB_OPINION, hwb,
        statement=statement, on=on, decision_ref=decision_ref, actor=actor, today=today,
    )  # fmt: skip


def record_signoff(
    uow: UnitOfWork,
    system_code: str,
    plan_code: str,
    *,
    party: str,
    statement: str = "",
    on: date | None = None,
    decision_ref: str | None = None,
    actor: Actor,
    today: date | None = None,
) -> Step:
    """The ICB's or the HWB's sign-off of a Better Care Fund plan."""
    return _record(
        uow, system_code, plan_code, StepKind.SIGNOFF, party,
        statement=statement, on=on, decision_ref=decision_ref, actor=actor, today=today,
    )  # fmt: skip


def record_local_agreement(
    uow: UnitOfWork,
    system_code: str,
    plan_code: str,
    *,
    party: str,
    statement: str = "",
    on: date | None = None,
    decision_ref: str | None = None,
    actor: Actor,
    today: date | None = None,
) -> Step:
    """A party's agreement under a local sign-off gate (not a statutory step)."""
    return _record(
        uow, system_code, plan_code, StepKind.LOCAL_AGREEMENT, party,
        statement=statement, on=on, decision_ref=decision_ref, actor=actor, today=today,
    )  # fmt: skip


def approve(
    uow: UnitOfWork,
    system_code: str,
    plan_code: str,
    *,
    statement: str = "",
    on: date | None = None,
    decision_ref: str | None = None,
    actor: Actor,
    today: date | None = None,
) -> Step:
    """The ICB's final approval; refused while an opinion, sign-off or agreement is missing."""
    plan = get(uow, system_code, plan_code)
    return _record(
        uow, system_code, plan.code, StepKind.APPROVAL, plan.icb,
        statement=statement, on=on, decision_ref=decision_ref, actor=actor, today=today,
    )  # fmt: skip


def status(uow: UnitOfWork, system_code: str, plan_code: str) -> PlanStatus:
    plan = get(uow, system_code, plan_code)
    repo = _repo(uow)
    return plan_status(plan, repo.steps(system_code, plan.code), repo.gates(system_code, plan.kind))


def steps(uow: UnitOfWork, system_code: str, plan_code: str) -> list[Step]:
    """Every step recorded on the plan, revisions included, in the order recorded."""
    return _repo(uow).steps(system_code, get(uow, system_code, plan_code).code)


def list_plans(uow: UnitOfWork, system_code: str) -> list[PlanStatus]:
    return [status(uow, system_code, p.code) for p in _repo(uow).all(system_code)]


def _audit(uow: UnitOfWork, actor: Actor, system_code: str, resource: str, **detail: Any) -> None:
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=resource,
        system_code=system_code,
        detail=detail,
    )
