"""A pooled budget: who is in it, what it pays for, what each partner put in, and how an over-
or underspend is shared. Pure values and their checks; the settlement is in ``settlement``.

Legal bases (research note §2):

- **Section 75** of the NHS Act 2006 with the NHS Bodies and Local Authorities Partnership
  Arrangements Regulations 2000 (SI 2000/617) regulation 7: a pooled fund between NHS bodies
  and local authorities; one partner *hosts* it (keeps its accounts and appoints the pooled
  fund manager). The Better Care Fund is pooled this way.
- **Sections 65Z5 and 65Z6** of the NHS Act 2006 (inserted by the Health and Care Act 2022):
  joint working and pooled funds between "relevant bodies" (NHS England, ICBs, trusts), which
  local authorities may join.

Spend lines are *variable* (over- and underspends are shared under the risk-share rule),
*fixed* (the Luton pattern: the non-host partners' contributions are fixed, so the host bears
the line's over- or underspend alone) or the *risk pool* (money set aside inside the fund
that absorbs an overspend before partners are asked for more; nothing is spent from it
directly).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from integrated_care.errors import InvalidInput
from integrated_care.finance.money import to_decimal

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class LegalBasis(StrEnum):
    S75 = "s75"
    S65Z5 = "s65z5"

    @property
    def description(self) -> str:
        return _BASIS[self]


_BASIS = {
    LegalBasis.S75: "section 75 NHS Act 2006 and SI 2000/617 regulation 7 (pooled fund)",
    LegalBasis.S65Z5: "sections 65Z5 and 65Z6 NHS Act 2006 (joint working and pooled funds)",
}


class Sector(StrEnum):
    NHS = "nhs"
    LOCAL_AUTHORITY = "local authority"


class LineKind(StrEnum):
    VARIABLE = "variable"
    FIXED = "fixed"
    RISK_POOL = "risk pool"


class ShareBasis(StrEnum):
    PRO_RATA = "pro rata"  # in proportion to each partner's contribution to shared lines
    FIXED_SPLIT = "fixed split"  # agreed percentages that sum to exactly 100


class UnderspendRule(StrEnum):
    RETAIN = "retain"  # the underspend stays in the pool (carried forward)
    RETURN = "return"  # returned to partners pro rata to their contributions to shared lines


@dataclass(frozen=True, slots=True)
class Partner:
    organisation: str  # ODS code (NHS bodies) or GSS code (councils)
    name: str
    sector: Sector


@dataclass(frozen=True, slots=True)
class Line:
    code: str
    name: str
    kind: LineKind = LineKind.VARIABLE


@dataclass(frozen=True, slots=True)
class RiskShare:
    """How the variance left after the waterfall's own stages is shared.

    The waterfall for an overspend is always: (1) offset against underspends on the other
    shared lines, (2) the risk pool, (3) cutting allocations to schemes not yet committed
    (``cut_uncommitted``), (4) the partners, by ``basis``, each at most its cap. A partner's
    cap is ``caps[partner]`` if agreed, otherwise its contribution to the shared lines (the
    usual clause: "capped at each partner's maximum contribution unless both chief finance
    officers agree"); ``uncapped`` records that the partners agreed no cap at all.
    """

    basis: ShareBasis = ShareBasis.PRO_RATA
    fixed_shares: Mapping[str, Fraction] = field(default_factory=dict)
    underspend: UnderspendRule = UnderspendRule.RETAIN
    cut_uncommitted: bool = True
    caps: Mapping[str, int] = field(default_factory=dict)
    uncapped: bool = False


@dataclass(frozen=True, slots=True)
class Pool:
    code: str
    name: str
    basis: LegalBasis
    year: int  # the financial year's first calendar year
    host: str  # the host partner's organisation code
    partners: tuple[Partner, ...]
    lines: tuple[Line, ...]
    risk_share: RiskShare
    aims: str = ""

    def partner(self, organisation: str) -> Partner:
        for p in self.partners:
            if p.organisation == organisation:
                return p
        raise InvalidInput(
            f"{organisation} is not a partner in pool {self.code}.",
            input_name="partner",
            expected=", ".join(p.organisation for p in self.partners),
        )

    def line(self, code: str) -> Line:
        for line in self.lines:
            if line.code == code:
                return line
        raise InvalidInput(
            f"Pool {self.code} has no line '{code}'.",
            input_name="line",
            expected=", ".join(x.code for x in self.lines) or "a line added to the pool first",
        )

    @property
    def risk_pool(self) -> Line | None:
        return next((x for x in self.lines if x.kind is LineKind.RISK_POOL), None)


@dataclass(frozen=True, slots=True)
class Contribution:
    partner: str
    line: str
    amount: int  # pence, >= 0


@dataclass(frozen=True, slots=True)
class Outturn:
    """Spend on a line: ``spent`` is recorded (actual, or committed); ``uncommitted`` is
    planned scheme spend not yet committed, which stage 3 of the waterfall may cut."""

    line: str
    spent: int
    uncommitted: int = 0


def check_code(code: str, what: str = "pool") -> str:
    text = code.strip()
    if not _CODE.match(text):
        raise InvalidInput(
            f"'{code}' is not a valid {what} code.",
            input_name="code" if what == "pool" else what,
            expected="1-40 lower-case letters, digits or '-', starting with a letter or digit",
        )
    return text


def parse_percentages(shares: Mapping[str, str | int | Decimal]) -> dict[str, Fraction]:
    """{'QT1': '60', 'E06000018': '40'} -> exact fractions of one; they must total 100."""
    parsed: dict[str, Fraction] = {}
    for org, value in shares.items():
        percent = to_decimal(value, input_name=f"share of {org}")
        if percent < 0 or percent > 100:
            raise InvalidInput(
                f"The share of {org} is {percent}%.",
                input_name="shares",
                expected="a percentage from 0 to 100",
            )
        parsed[org] = Fraction(percent) / 100
    total = sum(parsed.values(), Fraction(0))
    if total != 1:
        raise InvalidInput(
            f"The fixed shares add up to {_percent(total)}%, not 100%.",
            input_name="shares",
            expected="percentages that sum to exactly 100",
        )
    return parsed


def _percent(share: Fraction) -> str:
    value = Decimal(share.numerator * 100) / Decimal(share.denominator)
    return f"{value.normalize():f}"


def check_pool(pool: Pool) -> None:
    """Refuse a pool that could not be settled: see the messages."""
    check_code(pool.code)
    if not pool.name.strip():
        raise InvalidInput("A pool needs a name.", input_name="name", expected="a name")
    orgs = [p.organisation for p in pool.partners]
    if len(set(orgs)) != len(orgs):
        raise InvalidInput("A partner is named twice.", input_name="partner", expected="each once")
    if len(orgs) < 2:
        raise InvalidInput(
            "A pooled fund needs at least two partners.",
            input_name="partner",
            expected="the host and at least one other partner",
        )
    if pool.host not in orgs:
        raise InvalidInput(
            f"The host {pool.host} is not one of the partners.",
            input_name="host",
            expected=", ".join(orgs),
        )
    sectors = {p.sector for p in pool.partners}
    if pool.basis is LegalBasis.S75 and sectors != {Sector.NHS, Sector.LOCAL_AUTHORITY}:
        raise InvalidInput(
            "A section 75 pooled fund is between NHS bodies and local authorities; it needs "
            "at least one of each.",
            input_name="partner",
            expected="an NHS body (e.g. the ICB) and a council",
        )
    if pool.basis is LegalBasis.S65Z5 and Sector.NHS not in sectors:
        raise InvalidInput(
            "A section 65Z5 arrangement is between relevant NHS bodies (councils may join).",
            input_name="partner",
            expected="at least one NHS body",
        )
    codes = [x.code for x in pool.lines]
    for code in codes:
        check_code(code, "line")
    if len(set(codes)) != len(codes):
        raise InvalidInput("A line is named twice.", input_name="line", expected="each once")
    if sum(1 for x in pool.lines if x.kind is LineKind.RISK_POOL) > 1:
        raise InvalidInput(
            "A pool has at most one risk pool.", input_name="line", expected="one risk pool"
        )
    check_risk_share(pool.risk_share, orgs)


def check_risk_share(rule: RiskShare, partners: Sequence[str]) -> None:
    unknown = (set(rule.fixed_shares) | set(rule.caps)) - set(partners)
    if unknown:
        raise InvalidInput(
            f"The risk share names {', '.join(sorted(unknown))}, not partners of the pool.",
            input_name="shares",
            expected=", ".join(partners),
        )
    if rule.basis is ShareBasis.FIXED_SPLIT:
        if set(rule.fixed_shares) != set(partners):
            raise InvalidInput(
                "A fixed split gives every partner a share (0 is allowed).",
                input_name="shares",
                expected=", ".join(partners),
            )
        if sum(rule.fixed_shares.values(), Fraction(0)) != 1 or any(
            not 0 <= s <= 1 for s in rule.fixed_shares.values()
        ):
            raise InvalidInput(
                "The fixed shares must each be 0-100% and sum to exactly 100%.",
                input_name="shares",
                expected="percentages that sum to 100",
            )
    elif rule.fixed_shares:
        raise InvalidInput(
            "Fixed shares only apply to the fixed split basis.",
            input_name="shares",
            expected="no shares with the pro rata basis",
        )
    if any(c < 0 for c in rule.caps.values()):
        raise InvalidInput("A cap is negative.", input_name="caps", expected="a cap >= 0 pence")
    if rule.uncapped and rule.caps:
        raise InvalidInput(
            "A pool is either uncapped or has agreed caps, not both.",
            input_name="caps",
            expected="caps, or uncapped",
        )


def check_contributions(pool: Pool, contributions: Iterable[Contribution]) -> None:
    for c in contributions:
        pool.partner(c.partner)
        pool.line(c.line)
        if c.amount < 0:
            raise InvalidInput(
                f"The contribution of {c.partner} to {c.line} is negative.",
                input_name="amount",
                expected="an amount of zero or more",
            )


def check_outturns(pool: Pool, outturns: Iterable[Outturn]) -> None:
    for o in outturns:
        line = pool.line(o.line)
        if o.spent < 0 or o.uncommitted < 0:
            raise InvalidInput(
                f"The spend on {o.line} is negative.",
                input_name="amount",
                expected="an amount of zero or more (a correction reverses a journal)",
            )
        if line.kind is LineKind.RISK_POOL and (o.spent or o.uncommitted):
            raise InvalidInput(
                f"{line.name} is the risk pool: nothing is spent from it directly.",
                input_name="line",
                expected="a spend line (the risk pool absorbs overspends at settlement)",
            )
