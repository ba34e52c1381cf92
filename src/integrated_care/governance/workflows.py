"""Cross-body plan workflows: what must be recorded, by whom, before a plan is approved.

Pure rules, no I/O (the services persist plans and steps and call these functions).

- **Joint forward plan** (s.14Z52 NHS Act 2006): the ICB must consult each relevant Health
  and Wellbeing Board, and the plan must include each HWB's statement of opinion. The HWB
  gives an *opinion*, not a sign-off: the ICB approves, but only once every relevant HWB's
  opinion is recorded.
- **Better Care Fund plan** (NHS England's BCF conditions): *jointly* signed off by the ICB
  and the HWB of the area; approved only when both have signed. Nobody else signs it.
- **Local sign-off gate**: a partnership may choose to require a local *agreement* (e.g.
  "the City HWB agrees the place plan before ICB approval"). It has no statutory force and
  is recorded as a local agreement, distinct from the statutory opinion step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.structure.organisations import Organisation


class PlanKind(StrEnum):
    JOINT_FORWARD_PLAN = "joint forward plan"
    BETTER_CARE_FUND = "Better Care Fund plan"
    PLACE_PLAN = "place plan"

    @property
    def short(self) -> str:
        return _SHORT[self]


_SHORT = {
    PlanKind.JOINT_FORWARD_PLAN: "jfp",
    PlanKind.BETTER_CARE_FUND: "bcf",
    PlanKind.PLACE_PLAN: "place",
}


def parse_plan_kind(value: str) -> PlanKind:
    wanted = value.strip().lower()
    for kind in PlanKind:
        if wanted in (kind.short, kind.value.lower(), kind.name.lower()):
            return kind
    raise InvalidInput(
        f"Unknown plan kind '{value}'.",
        input_name="kind",
        expected=", ".join(f"{k.short} ({k.value})" for k in PlanKind),
    )


class StepKind(StrEnum):
    HWB_OPINION = "hwb opinion"
    SIGNOFF = "sign-off"
    LOCAL_AGREEMENT = "local agreement"
    APPROVAL = "approval"


@dataclass(frozen=True, slots=True)
class Party:
    code: str  # an organisation (for an HWB: its upper-tier council) or a partnership body
    name: str

    def describe(self) -> str:
        return f"{self.name} ({self.code})"


_COUNCIL_SUFFIX = re.compile(
    r"\s+((Metropolitan )?Borough |County |City |District )?Council$", re.IGNORECASE
)


def hwb_party(council: Organisation) -> Party:
    """The Health and Wellbeing Board of an upper-tier council, keyed by the council code."""
    place = _COUNCIL_SUFFIX.sub("", council.name.strip()) or council.name
    return Party(council.code, f"{place} Health and Wellbeing Board")


def relevant_hwbs(organisations: Iterable[Organisation]) -> tuple[Party, ...]:
    """One HWB per upper-tier council of the system (s.194 HSCA 2012: each upper-tier
    authority has one); district councils have none."""
    return tuple(hwb_party(o) for o in organisations if o.kind.is_upper_tier_council)


def parse_year(value: str | int) -> int:
    """A financial year as its starting calendar year: '2025/26', '2025-26' or 2025."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})(?:[/-](\d{2}|\d{4}))?", text)
    start = int(match.group(1)) if match else 0
    end = match.group(2) if match else None
    if (
        not match
        or not 2000 <= start <= 2100
        or (end is not None and int(end) % 100 != (start + 1) % 100)
    ):
        raise InvalidInput(
            f"Malformed financial year '{value}'.",
            input_name="year",
            expected="a financial year such as 2025/26",
        )
    return start


def year_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True, slots=True)
class Plan:
    code: str
    kind: PlanKind
    year: int  # first calendar year of the financial year
    title: str
    icb: Party
    hwbs: tuple[Party, ...]  # JFP: every relevant HWB; BCF and place plans: the area's HWB
    area_code: str | None = None  # BCF: the HWB area; place plan: the place


@dataclass(frozen=True, slots=True)
class Gate:
    """A local sign-off gate: ``party`` must agree plans of ``plan_kind`` (optionally only
    those for ``area_code``) before the ICB approves them."""

    code: str
    plan_kind: PlanKind
    party: Party
    description: str
    area_code: str | None = None

    def applies_to(self, plan: Plan) -> bool:
        return self.plan_kind is plan.kind and self.area_code in (None, plan.area_code)


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    party: Party
    on: date
    statement: str = ""
    decision_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    kind: StepKind
    party: Party
    basis: str  # why it is required
    met_by: Step | None

    def describe_missing(self) -> str:
        what = {
            StepKind.HWB_OPINION: "no opinion recorded from",
            StepKind.SIGNOFF: "no sign-off recorded from",
            StepKind.LOCAL_AGREEMENT: "no local agreement recorded from",
            StepKind.APPROVAL: "no approval recorded from",
        }[self.kind]
        return f"{what} {self.party.describe()}"


@dataclass(frozen=True, slots=True)
class PlanStatus:
    plan: Plan
    requirements: tuple[Requirement, ...]
    approval: Step | None
    hwb_statements: tuple[Step, ...]  # the latest opinion of each HWB, for the plan's text

    @property
    def missing(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.met_by is None)

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def state(self) -> str:
        if self.approval is not None:
            return "approved"
        return (
            "ready for approval"
            if self.ready
            else "awaiting " + ", ".join(sorted({r.kind.value for r in self.missing}))
        )


OPINION_BASIS = (
    "s.14Z52 NHS Act 2006: the ICB consults each relevant HWB on the draft; the plan "
    "includes the HWB's statement of opinion"
)
BCF_BASIS = "Better Care Fund conditions: the plan is signed off jointly by the ICB and the HWB"


_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}")


def check_plan_code(code: str, what: str = "plan") -> str:
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            f"The {what} code '{code}' is not valid.",
            input_name="code",
            expected="1-60 letters, digits, '-' or '_', starting with a letter or digit",
        )
    return code


def new_plan(
    kind: PlanKind,
    year: int,
    icb: Party,
    hwbs: tuple[Party, ...],
    area_code: str | None,
    area_name: str,
    *,
    title: str | None = None,
    code: str | None = None,
) -> Plan:
    """A plan with its default code (e.g. ``bcf-E06000018-2025-26``) and title."""
    label = year_label(year)
    default_code = "-".join(filter(None, [kind.short, area_code, label.replace("/", "-")]))
    default_title = f"{kind.value[0].upper()}{kind.value[1:]} {label}"
    if area_name:
        default_title += f": {area_name}"
    return Plan(
        check_plan_code(code or default_code),
        kind,
        year,
        (title or "").strip() or default_title,
        icb,
        hwbs,
        area_code,
    )


def check_new_plan(plan: Plan, existing: Iterable[Plan], area_name: str = "") -> None:
    """One plan of each kind per year (and area), and one plan per code."""
    existing = list(existing)
    for other in existing:
        if (other.kind, other.year, other.area_code) == (plan.kind, plan.year, plan.area_code):
            where = f" for {area_name or plan.area_code}" if plan.area_code else ""
            raise Conflict(
                f"There is already a {plan.kind.value} for {year_label(plan.year)}{where}: "
                f"{other.code}.",
                input_name="year",
                expected="one plan of each kind per year (and area)",
            )
    if any(other.code == plan.code for other in existing):
        raise Conflict(
            f"A plan with code {plan.code} already exists.",
            input_name="code",
            expected="a new code",
        )


def _latest(steps: Sequence[Step], kind: StepKind, party: Party) -> Step | None:
    found = [s for s in steps if s.kind is kind and s.party.code == party.code]
    return found[-1] if found else None


def plan_status(plan: Plan, steps: Sequence[Step], gates: Iterable[Gate]) -> PlanStatus:
    """What the plan needs and what has been recorded (``steps`` in recorded order)."""
    reqs: list[Requirement] = []
    if plan.kind is PlanKind.JOINT_FORWARD_PLAN:
        reqs += [
            Requirement(
                StepKind.HWB_OPINION, h, OPINION_BASIS, _latest(steps, StepKind.HWB_OPINION, h)
            )
            for h in plan.hwbs
        ]
    elif plan.kind is PlanKind.BETTER_CARE_FUND:
        reqs += [
            Requirement(StepKind.SIGNOFF, p, BCF_BASIS, _latest(steps, StepKind.SIGNOFF, p))
            for p in (plan.icb, *plan.hwbs)
        ]
    for gate in gates:
        if gate.applies_to(plan):
            reqs.append(
                Requirement(
                    StepKind.LOCAL_AGREEMENT,
                    gate.party,
                    f"local sign-off gate {gate.code}: {gate.description}",
                    _latest(steps, StepKind.LOCAL_AGREEMENT, gate.party),
                )
            )
    statements = tuple(
        s for h in plan.hwbs if (s := _latest(steps, StepKind.HWB_OPINION, h)) is not None
    )
    approval = _latest(steps, StepKind.APPROVAL, plan.icb)
    return PlanStatus(plan, tuple(reqs), approval, statements)


def _what(plan: Plan) -> str:
    return f"The {plan.kind.value} {plan.code} ({year_label(plan.year)})"


def check_step(plan: Plan, steps: Sequence[Step], step: Step, gates: Iterable[Gate]) -> None:
    """Refuse a step that the plan's kind does not take, from a party that may not take it,
    twice, or after approval."""
    status = plan_status(plan, steps, gates)
    if status.approval is not None:
        raise Conflict(
            f"{_what(plan)} was approved on {status.approval.on.isoformat()}; "
            f"nothing more can be recorded on it.",
            input_name="plan",
            expected="a plan not yet approved (record the next year's plan instead)",
        )
    if step.kind is StepKind.APPROVAL:
        check_approval(plan, steps, step, gates)
        return
    wanted = [r for r in status.requirements if r.kind is step.kind]
    if not wanted:
        expected = {
            StepKind.HWB_OPINION: "a joint forward plan (HWBs give opinions on those)",
            StepKind.SIGNOFF: "a Better Care Fund plan (the ICB and the HWB sign those off)",
            StepKind.LOCAL_AGREEMENT: "a plan kind with a local sign-off gate configured",
        }[step.kind]
        raise InvalidInput(
            f"{_what(plan)} takes no {step.kind.value}.", input_name="plan", expected=expected
        )
    match = next((r for r in wanted if r.party.code == step.party.code), None)
    if match is None:
        raise InvalidInput(
            f"{step.party.describe()} is not a party to the {step.kind.value} of {plan.code}.",
            input_name="party",
            expected=" or ".join(r.party.describe() for r in wanted),
        )
    if step.kind is StepKind.HWB_OPINION and not step.statement.strip():
        raise InvalidInput(
            f"The opinion of {step.party.describe()} on {plan.code} needs its statement.",
            input_name="statement",
            expected="the HWB's statement (the plan must include it)",
        )
    if step.kind is not StepKind.HWB_OPINION and match.met_by is not None:
        raise Conflict(
            f"{step.party.describe()} already recorded its {step.kind.value} of "
            f"{plan.code} on {match.met_by.on.isoformat()}.",
            input_name="party",
            expected="one " + step.kind.value + " per party",
        )


def check_approval(
    plan: Plan, steps: Sequence[Step], approval: Step, gates: Iterable[Gate]
) -> None:
    status = plan_status(plan, steps, gates)
    if approval.party.code != plan.icb.code:
        raise InvalidInput(
            f"{approval.party.describe()} cannot approve {plan.code}.",
            input_name="party",
            expected=f"the ICB, {plan.icb.describe()}",
        )
    if status.missing:
        raise InvalidInput(
            f"{_what(plan)} cannot be approved yet: "
            + "; ".join(r.describe_missing() for r in status.missing)
            + ".",
            input_name="plan",
            expected="; ".join(sorted({r.basis for r in status.missing})),
        )
    for r in status.requirements:
        if r.met_by is not None and r.met_by.on > approval.on:
            raise InvalidInput(
                f"The approval of {plan.code} dated {approval.on.isoformat()} would precede "
                f"the {r.kind.value} of {r.party.describe()} dated {r.met_by.on.isoformat()}.",
                input_name="date",
                expected=f"a date on or after {r.met_by.on.isoformat()}",
            )
