"""The Better Care Fund plan of one Health and Wellbeing Board area for one year, and the
checks NHS England's conditions put on it. Pure: no database, no I/O.

The fund (research note §3): the ICB's **NHS minimum contribution** (ring-fenced by the NHS
(Expenditure on Service Integration) Directions; from 2025/26 the ICB discharge funding is
consolidated in), part of which must go to adult social care and be maintained in line with
the uplift (+3.9% on 2024/25 in 2025/26); the council's **Local Authority Better Care
Grant** (2025/26; formerly the improved BCF grant and the LA discharge grant); the
**Disabled Facilities Grant**, which is *capital* and never funds revenue schemes; and any
additional contributions either partner chooses to pool. National figures for 2025/26 are
£5,614m, £2,640m and £711m.

National conditions for 2025/26 (as reported in HWB papers): NC1 a jointly agreed plan
(signed off by the ICB and the HWB: that is the governance workflow's job; here it is an
input), NC2 implementing the BCF objectives, NC3 complying with the grant and funding
conditions, including maintaining the NHS minimum contribution to adult social care. The
planning template's own checks are added: planned spend equals income, source by source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from integrated_care.errors import InvalidInput
from integrated_care.finance.money import format_gbp, round_half_up

# The two objectives of the 2023-25 BCF policy framework (research note §3, verified); a
# plan may name others (the 2025/26 framework words them differently).
DEFAULT_OBJECTIVES = (
    "Enable people to stay well, safe and independent at home for longer",
    "Provide the right care in the right place at the right time",
)
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class IncomeSource(StrEnum):
    NHS_MINIMUM = "nhs-minimum"
    LA_BETTER_CARE_GRANT = "la-better-care-grant"
    IBCF = "ibcf"  # the improved BCF grant, before 2025/26
    DFG = "dfg"
    ADDITIONAL_ICB = "additional-icb"
    ADDITIONAL_LA = "additional-la"

    @property
    def capital(self) -> bool:
        return self is IncomeSource.DFG

    @property
    def from_icb(self) -> bool:
        return self in (IncomeSource.NHS_MINIMUM, IncomeSource.ADDITIONAL_ICB)

    @property
    def label(self) -> str:
        return _SOURCE_LABEL[self]


_SOURCE_LABEL = {
    IncomeSource.NHS_MINIMUM: "NHS minimum contribution (ICB)",
    IncomeSource.LA_BETTER_CARE_GRANT: "Local Authority Better Care Grant",
    IncomeSource.IBCF: "Improved Better Care Fund grant",
    IncomeSource.DFG: "Disabled Facilities Grant (capital)",
    IncomeSource.ADDITIONAL_ICB: "Additional ICB contribution",
    IncomeSource.ADDITIONAL_LA: "Additional local authority contribution",
}


class AreaOfSpend(StrEnum):
    SOCIAL_CARE = "social care"
    COMMUNITY_HEALTH = "community health"
    MENTAL_HEALTH = "mental health"
    PRIMARY_CARE = "primary care"
    ACUTE = "acute"
    CONTINUING_CARE = "continuing care"
    HOUSING_ADAPTATIONS = "housing adaptations"  # what the DFG pays for
    OTHER = "other"


class Commissioner(StrEnum):
    ICB = "icb"
    LOCAL_AUTHORITY = "local authority"
    JOINT = "joint"


@dataclass(frozen=True, slots=True)
class Income:
    source: IncomeSource
    amount: int  # pence
    note: str = ""


@dataclass(frozen=True, slots=True)
class Scheme:
    code: str
    name: str
    area: AreaOfSpend
    provider: str
    commissioner: Commissioner
    source: IncomeSource  # the income that pays for it
    amount: int  # pence
    objective: int  # 1-based index into the plan's objectives

    @property
    def capital(self) -> bool:
        return self.source.capital


@dataclass(frozen=True, slots=True)
class AscRequirement:
    """The NHS minimum's adult social care element must be at least last year's times
    (1 + uplift), rounded half up to the penny."""

    previous: int  # pence
    uplift: Decimal  # e.g. Decimal('0.039')

    @property
    def required(self) -> int:
        return int(round_half_up(Decimal(self.previous) * (1 + self.uplift)))


@dataclass(frozen=True, slots=True)
class BcfPlan:
    hwb: str  # the upper-tier council's GSS code (its HWB)
    hwb_name: str
    year: int
    income: tuple[Income, ...]
    schemes: tuple[Scheme, ...]
    nhs_minimum_required: int | None = None  # the published minimum for this HWB, if recorded
    asc: AscRequirement | None = None
    objectives: tuple[str, ...] = DEFAULT_OBJECTIVES

    def income_from(self, source: IncomeSource) -> int:
        return sum(i.amount for i in self.income if i.source is source)

    def spend_from(self, source: IncomeSource) -> int:
        return sum(s.amount for s in self.schemes if s.source is source)

    @property
    def sources(self) -> list[IncomeSource]:
        used = {i.source for i in self.income} | {s.source for s in self.schemes}
        return [s for s in IncomeSource if s in used]

    @property
    def revenue_income(self) -> int:
        return sum(i.amount for i in self.income if not i.source.capital)

    @property
    def capital_income(self) -> int:
        return sum(i.amount for i in self.income if i.source.capital)

    @property
    def asc_from_nhs_minimum(self) -> int:
        return sum(
            s.amount
            for s in self.schemes
            if s.source is IncomeSource.NHS_MINIMUM and s.area is AreaOfSpend.SOCIAL_CARE
        )


@dataclass(frozen=True, slots=True)
class Check:
    code: str  # 'NC1', 'NC2', 'NC3', or a template check ('NC3.asc', 'balance.dfg', ...)
    title: str
    passed: bool | None  # None: cannot be checked (a figure is not recorded)
    detail: str
    part_of: str | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    checks: tuple[Check, ...]

    @property
    def compliant(self) -> bool:
        return all(c.passed is True for c in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.passed is not True)


def check_scheme(plan: BcfPlan, scheme: Scheme) -> None:
    if not _CODE.match(scheme.code):
        raise InvalidInput(
            f"'{scheme.code}' is not a valid scheme code.",
            input_name="code",
            expected="1-40 lower-case letters, digits or '-'",
        )
    if any(s.code == scheme.code for s in plan.schemes):
        raise InvalidInput(
            f"The plan already has a scheme {scheme.code}.",
            input_name="code",
            expected="a new scheme code",
        )
    if not scheme.name.strip() or not scheme.provider.strip():
        raise InvalidInput(
            "A scheme needs a name and a provider.",
            input_name="name" if not scheme.name.strip() else "provider",
            expected="the scheme's name and who provides it",
        )
    if scheme.amount <= 0:
        raise InvalidInput(
            "A scheme's planned spend must be more than zero.",
            input_name="amount",
            expected="an amount above zero",
        )
    if not 1 <= scheme.objective <= len(plan.objectives):
        raise InvalidInput(
            f"There is no objective {scheme.objective}.",
            input_name="objective",
            expected=f"1 to {len(plan.objectives)}: " + "; ".join(plan.objectives),
        )
    if scheme.capital != (scheme.area is AreaOfSpend.HOUSING_ADAPTATIONS):
        raise InvalidInput(
            "The Disabled Facilities Grant is capital for housing adaptations: DFG schemes "
            "are housing adaptations and housing adaptations are paid from the DFG.",
            input_name="source" if scheme.capital else "area",
            expected="--source dfg with --area 'housing adaptations'",
        )


def check_income(income: Income) -> None:
    if income.amount <= 0:
        raise InvalidInput(
            "An income line must be more than zero.",
            input_name="amount",
            expected="an amount above zero",
        )


def _allocated(plan: BcfPlan, source: IncomeSource) -> Check:
    income, spend = plan.income_from(source), plan.spend_from(source)
    gap = income - spend
    detail = f"income {format_gbp(income)}, planned spend {format_gbp(spend)}"
    if gap:
        detail += f" ({format_gbp(abs(gap))} {'unallocated' if gap > 0 else 'overcommitted'})"
    return Check(
        f"balance.{source.value}", f"{source.label} fully allocated", gap == 0, detail, "NC3"
    )


def assess(plan: BcfPlan, *, signed_off: bool, signoff_detail: str) -> Assessment:
    """Each condition ticked (True), failed (False) or not checkable (None), with why."""
    checks = [
        Check("NC1", "Jointly agreed plan (ICB and HWB sign-off)", signed_off, signoff_detail)
    ]
    off_objective = [s.code for s in plan.schemes if not 1 <= s.objective <= len(plan.objectives)]
    nc2 = bool(plan.schemes) and not off_objective
    checks.append(
        Check(
            "NC2",
            "Implementing the BCF objectives",
            nc2,
            "no schemes planned"
            if not plan.schemes
            else f"{len(plan.schemes)} schemes, each supporting a named objective"
            if nc2
            else "schemes without an objective: " + ", ".join(off_objective),
        )
    )
    nhs = plan.income_from(IncomeSource.NHS_MINIMUM)
    sub: list[Check] = []
    if plan.nhs_minimum_required is None:
        sub.append(
            Check(
                "NC3.nhs-minimum",
                "NHS minimum contribution pooled",
                None,
                "the published minimum for this HWB is not recorded",
                "NC3",
            )
        )
    else:
        sub.append(
            Check(
                "NC3.nhs-minimum",
                "NHS minimum contribution pooled",
                nhs >= plan.nhs_minimum_required,
                f"pooled {format_gbp(nhs)}, minimum {format_gbp(plan.nhs_minimum_required)}",
                "NC3",
            )
        )
    asc = plan.asc_from_nhs_minimum
    if plan.asc is None:
        sub.append(
            Check(
                "NC3.asc",
                "NHS contribution to adult social care maintained",
                None,
                "last year's figure and the uplift are not recorded",
                "NC3",
            )
        )
    else:
        need = plan.asc.required
        sub.append(
            Check(
                "NC3.asc",
                "NHS contribution to adult social care maintained",
                asc >= need,
                f"planned {format_gbp(asc)}; required {format_gbp(need)} = "
                f"{format_gbp(plan.asc.previous)} × (1 + {plan.asc.uplift})",
                "NC3",
            )
        )
    sub.extend(_allocated(plan, source) for source in plan.sources)
    total_in = sum(i.amount for i in plan.income)
    total_out = sum(s.amount for s in plan.schemes)
    sub.append(
        Check(
            "balance.total",
            "Planned spend equals income",
            total_in == total_out,
            f"income {format_gbp(total_in)}, planned spend {format_gbp(total_out)}",
            "NC3",
        )
    )
    results = {c.passed for c in sub}
    nc3: bool | None = False if False in results else None if None in results else True
    failed = [c.title for c in sub if c.passed is False]
    unknown = [c.title for c in sub if c.passed is None]
    detail = (
        "all grant and funding checks pass"
        if nc3
        else "not met: " + "; ".join(failed)
        if failed
        else "cannot be checked in full: " + "; ".join(unknown)
    )
    checks.append(
        Check(
            "NC3",
            "Complying with grant and funding conditions",
            nc3,
            detail,
        )
    )
    return Assessment((*checks, *sub))


def totals_by_source(plan: BcfPlan) -> Iterable[tuple[IncomeSource, int, int]]:
    """(source, income, planned spend) for each source the plan uses."""
    return [(s, plan.income_from(s), plan.spend_from(s)) for s in plan.sources]
