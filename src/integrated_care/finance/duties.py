"""Financial duties the ledger checks before it writes (pure rules; configured per system and
financial year, see ``services.finance.duties``).

- **ICB break-even** (NHS Act 2006 s223GC): in a year, the system's expenditure must not
  exceed the funding it received for that year. Expenditure: every expenditure account of
  the ICB and its places in the year's funds. Funding: the equity and income accounts of
  the ICB (NHS England's allocations) and of partner organisations (contributions).
- **Running-cost limit**: expenditure in the year's running cost allowance fund and
  running-costs fund must not exceed the RCA allocation plus partners' contributions to
  running costs recorded in the running-costs fund.
- **Mental health investment standard**: mental health investment (the balances of the
  year's accounts whose line is a mental health line: spend, and budget ring-fenced for it)
  must stay at or above the year's MHIS target.

Each duty is a headroom (>= 0 when met). A batch of postings is refused if it leaves a
headroom below zero and lower than it was: postings that improve a breached duty (receiving
the allocation, say) pass. Pools are partnerships' money, outside the ICB's duties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.account_codes import parse_account
from integrated_care.finance.chart import AccountType, Stream, fund_code, year_label
from integrated_care.finance.ledger.model import Leg
from integrated_care.finance.money import format_gbp
from integrated_care.finance.single_pot import check_line_code


class Duty(StrEnum):
    BREAK_EVEN = "break-even"
    RUNNING_COSTS = "running-costs"
    MHIS = "mhis"


DUTY_NAMES: Mapping[Duty, str] = {
    Duty.BREAK_EVEN: "ICB break-even duty",
    Duty.RUNNING_COSTS: "running-cost limit",
    Duty.MHIS: "mental health investment standard",
}
DEFAULT_MH_LINES = ("mental-health",)
_CREDIT_NORMAL = (AccountType.EQUITY, AccountType.INCOME)


def parse_duty(value: str, *, input_name: str = "duty") -> Duty:
    wanted = value.strip().lower().replace("_", "-")
    for duty in Duty:
        if wanted in (duty.value, DUTY_NAMES[duty].lower()):
            return duty
    raise InvalidInput(
        f"Unknown duty '{value}'.", input_name=input_name, expected=", ".join(d.value for d in Duty)
    )


@dataclass(frozen=True, slots=True)
class DutyConfig:
    duty: Duty
    year: int
    target: int | None = None  # pence: the MHIS target (required for MHIS only)
    lines: tuple[str, ...] = DEFAULT_MH_LINES  # the mental health lines (MHIS only)


def check_config(config: DutyConfig) -> DutyConfig:
    if config.duty is Duty.MHIS:
        if config.target is None or config.target <= 0:
            raise InvalidInput(
                "The mental health investment standard needs a target above zero.",
                input_name="target",
                expected="the year's MHIS target in pounds",
            )
        lines = tuple(sorted({check_line_code(x, input_name="lines") for x in config.lines}))
        if not lines:
            raise InvalidInput(
                "The MHIS needs at least one mental health line.",
                input_name="lines",
                expected="e.g. mental-health",
            )
        return DutyConfig(config.duty, config.year, config.target, lines)
    if config.target is not None:
        raise InvalidInput(
            f"The {DUTY_NAMES[config.duty]} takes no target: its limit is the funding received.",
            input_name="target",
            expected="no target",
        )
    return DutyConfig(config.duty, config.year, None, ())


def year_funds(year: int) -> set[str]:
    """Every fund of a financial year (each stream's, the pools' and running costs')."""
    return {fund_code(s, year) for s in Stream}


@dataclass(frozen=True, slots=True)
class AccountState:
    type: AccountType
    fund: str
    net: int  # Σ legs (debit > 0)


def _normal(state: AccountState) -> int:
    return state.net if state.type.debit_normal else -state.net


@dataclass(slots=True)
class _Totals:
    funding: int = 0
    expenditure: int = 0
    rc_funding: int = 0
    rc_expenditure: int = 0
    mh: dict[tuple[str, ...], int] = field(default_factory=dict)


def _totals(
    states: Mapping[str, AccountState], year: int, mh_lines: Iterable[tuple[str, ...]]
) -> _Totals:
    funds = year_funds(year)
    running = {fund_code(Stream.RCA, year), fund_code(Stream.RUNNING_COSTS, year)}
    totals = _Totals(mh=dict.fromkeys(mh_lines, 0))
    for code, state in states.items():
        if state.fund not in funds:
            continue
        ref = parse_account(code)
        if ref.owner_kind == "pool":
            continue  # partnerships' money: outside the ICB's duties
        if state.type in _CREDIT_NORMAL and ref.owner_kind in ("icb", "org"):
            totals.funding += _normal(state)
            if state.fund in running:
                totals.rc_funding += _normal(state)
        if state.type is AccountType.EXPENDITURE:
            totals.expenditure += state.net
            if state.fund in running:
                totals.rc_expenditure += state.net
        if state.type in (AccountType.ASSET, AccountType.EXPENDITURE) and ref.owner_kind in (
            "icb",
            "place",
        ):
            last = code.rsplit(":", 1)[-1]
            for lines in totals.mh:
                if ref.purpose in ("spend", "ringfence") and last in lines:
                    totals.mh[lines] += _normal(state)
    return totals


def headroom(config: DutyConfig, totals: _Totals) -> int:
    if config.duty is Duty.BREAK_EVEN:
        return totals.funding - totals.expenditure
    if config.duty is Duty.RUNNING_COSTS:
        return totals.rc_funding - totals.rc_expenditure
    return totals.mh[config.lines] - (config.target or 0)


def _message(config: DutyConfig, after: _Totals) -> str:
    label = year_label(config.year)
    name = DUTY_NAMES[config.duty]
    if config.duty is Duty.BREAK_EVEN:
        return (
            f"Refused by the {name} for {label}: expenditure would be "
            f"{format_gbp(after.expenditure)} against funding received of "
            f"{format_gbp(after.funding)}."
        )
    if config.duty is Duty.RUNNING_COSTS:
        return (
            f"Refused by the {name} for {label}: running-cost spending would be "
            f"{format_gbp(after.rc_expenditure)} against the running cost allowance and "
            f"partner contributions of {format_gbp(after.rc_funding)}."
        )
    return (
        f"Refused by the {name} for {label}: mental health investment would fall to "
        f"{format_gbp(after.mh[config.lines])}, below the target of "
        f"{format_gbp(config.target or 0)}."
    )


def apply(states: Mapping[str, AccountState], legs: Iterable[Leg]) -> dict[str, AccountState]:
    """The states after ``legs`` (legs on accounts outside ``states`` are outside the duties'
    funds and are ignored)."""
    after = dict(states)
    for leg in legs:
        state = after.get(leg.account)
        if state is not None:
            after[leg.account] = AccountState(state.type, state.fund, state.net + leg.amount)
    return after


def check(
    configs: Iterable[DutyConfig], before: Mapping[str, AccountState], legs: Iterable[Leg]
) -> None:
    """Refuse (Conflict, naming the duty) if the legs breach a configured duty."""
    chosen = list(configs)
    if not chosen:
        return
    after_states = apply(before, legs)
    for year in sorted({c.year for c in chosen}):
        duties = sorted((c for c in chosen if c.year == year), key=lambda c: c.duty.value)
        mh_lines = {c.lines for c in duties}
        old, new = _totals(before, year, mh_lines), _totals(after_states, year, mh_lines)
        for config in duties:
            was, now = headroom(config, old), headroom(config, new)
            if now < 0 and now < was:
                raise Conflict(
                    _message(config, new),
                    input_name="legs",
                    expected=f"postings within the {DUTY_NAMES[config.duty]} ({config.duty.value})",
                )


@dataclass(frozen=True, slots=True)
class DutyStatus:
    """Where a duty stands: for break-even and running costs, ``measure`` is the spending
    and ``limit`` the funding; for the MHIS, ``measure`` is the investment and ``limit`` the
    target. ``headroom`` >= 0 means the duty is met."""

    config: DutyConfig
    measure: int
    limit: int
    headroom: int

    @property
    def met(self) -> bool:
        return self.headroom >= 0

    @property
    def name(self) -> str:
        return DUTY_NAMES[self.config.duty]


def status(config: DutyConfig, states: Mapping[str, AccountState]) -> DutyStatus:
    totals = _totals(states, config.year, [config.lines])
    if config.duty is Duty.BREAK_EVEN:
        measure, limit = totals.expenditure, totals.funding
    elif config.duty is Duty.RUNNING_COSTS:
        measure, limit = totals.rc_expenditure, totals.rc_funding
    else:
        measure, limit = totals.mh[config.lines], config.target or 0
    return DutyStatus(config, measure, limit, headroom(config, totals))
