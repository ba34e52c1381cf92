"""The ICB's single pot: NHS England's allocation streams for one financial year, each a fund
with its own accounts, and what has become of each (delegated, pooled, committed, spent).

An allocation arrives as lines (a stream, a line within it such as 'recurrent' or 'erf', and
an amount in pence). Receiving a line posts Dr ``icb_unallocated(fund)`` / Cr
``icb_funding(fund)``; a negative line (NHS England also publishes deductions) posts the
mirror image. Amounts come from a JSON document (any unit, converted exactly or refused) or
from NHS England's published allocations packaged with the platform (2023/24 and 2024/25,
published in £ thousand with fractions, rounded half up to the penny).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.finance.account_codes import parse_account
from integrated_care.finance.chart import (
    SINGLE_POT,
    AccountType,
    Stream,
    account_code,
    fund_code,
    icb_funding,
    icb_unallocated,
    parse_financial_year,
    year_label,
)
from integrated_care.finance.ledger.model import Account, Balance, JournalRequest, Leg
from integrated_care.finance.money import (
    PENCE_PER_POUND,
    round_half_up,
    thousands_to_pence,
    to_decimal,
)

STREAM_LABELS: Mapping[Stream, str] = {
    Stream.CORE: "ICB core services",
    Stream.PMC: "Primary medical care",
    Stream.SPECIALISED: "Specialised services",
    Stream.POD: "Pharmacy, optometry and dental",
    Stream.RCA: "Running cost allowance",
    Stream.NON_RECURRENT: "Non-recurrent allocations",
    Stream.BCF: "Better Care Fund",
    Stream.S75: "Section 75 pooled budgets",
    Stream.RUNNING_COSTS: "Partner contributions to running costs",
}

# Units a JSON allocation may be written in, as pence per unit.
UNITS: Mapping[str, int] = {
    "pence": 1,
    "£": PENCE_PER_POUND,
    "£k": 1_000 * PENCE_PER_POUND,
    "£m": 1_000_000 * PENCE_PER_POUND,
}
# The tidy CSV's stream names -> the single pot's streams.
PUBLISHED_STREAMS: Mapping[str, Stream] = {
    "core": Stream.CORE,
    "pmc": Stream.PMC,
    "other_primary_care": Stream.POD,
    "rca": Stream.RCA,
}
PUBLISHED_YEARS = (2023, 2024)
_LINE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def format_gbp_m(pence: int, places: int = 1) -> str:
    """Pence -> '£2,368.9m' (half up), the way NHS England quotes allocations."""
    millions = round_half_up(Decimal(pence) / (1_000_000 * PENCE_PER_POUND), places)
    sign = "-" if millions < 0 else ""
    return f"{sign}£{abs(millions):,.{places}f}m"


def check_line_code(line: str, *, input_name: str = "line") -> str:
    """A service or allocation line: lower-case words joined by '-' (it ends account codes)."""
    cleaned = line.strip().lower()
    if not _LINE.match(cleaned):
        raise InvalidInput(
            f"'{line}' is not a line code.",
            input_name=input_name,
            expected="lower-case letters, digits and '-', e.g. community-services",
        )
    return cleaned


def icb_spend(fund: str, line: str) -> str:
    """What the ICB spends itself (retained, not delegated): an expenditure account."""
    return account_code("icb", fund, "spend", line)


def icb_ringfence(fund: str, line: str) -> str:
    """Part of the pot held back for one purpose (e.g. mental health): an asset account."""
    return account_code("icb", fund, "ringfence", line)


def parse_stream(value: str, *, input_name: str = "stream") -> Stream:
    wanted = value.strip().lower().replace("_", "-")
    for stream in SINGLE_POT:
        if wanted == stream.value or wanted == STREAM_LABELS[stream].lower():
            return stream
    raise InvalidInput(
        f"'{value}' is not a stream of the single pot.",
        input_name=input_name,
        expected=", ".join(s.value for s in SINGLE_POT),
    )


@dataclass(frozen=True, slots=True)
class AllocationLine:
    stream: Stream
    line: str  # 'recurrent', 'add-ons', 'sdf', 'erf', ...
    amount: int  # pence; negative only for deductions in the non-recurrent stream
    description: str = ""

    def fund(self, year: int) -> str:
        return fund_code(self.stream, year)


@dataclass(frozen=True, slots=True)
class Allocation:
    year: int  # 2025 for 2025/26
    lines: tuple[AllocationLine, ...]
    source: str

    def by_stream(self) -> dict[Stream, int]:
        totals: dict[Stream, int] = {}
        for line in self.lines:
            totals[line.stream] = totals.get(line.stream, 0) + line.amount
        return totals

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def _check_lines(lines: Sequence[AllocationLine]) -> None:
    if not lines:
        raise InvalidInput(
            "The allocation has no lines.", input_name="lines", expected="one or more lines"
        )
    seen: set[tuple[Stream, str]] = set()
    for line in lines:
        if (line.stream, line.line) in seen:
            raise InvalidInput(
                f"Line '{line.line}' of stream {line.stream.value} appears twice.",
                input_name="lines",
                expected="each stream and line once",
            )
        seen.add((line.stream, line.line))
        if line.amount == 0 or (line.amount < 0 and line.stream is not Stream.NON_RECURRENT):
            raise InvalidInput(
                f"Line '{line.line}' of stream {line.stream.value} has amount {line.amount}p.",
                input_name="amount",
                expected="an amount above zero (deductions only in the non-recurrent stream)",
            )


def _to_pence(raw: Any, unit: str, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise InvalidInput(
            f"{where}: the amount must be a number or a decimal string.",
            input_name="amount",
            expected='e.g. "2368.9" with unit £m',
        )
    pence = to_decimal(raw, input_name="amount") * UNITS[unit]
    if pence != pence.to_integral_value():
        raise InvalidInput(
            f"{where}: {raw} {unit} is not a whole number of pence.",
            input_name="amount",
            expected="an amount exact to the penny in the stated unit",
        )
    return int(pence)


def parse_allocation(data: Any, *, year: int | None = None) -> Allocation:
    """An allocation from a JSON document (read with ``parse_float=Decimal``):

    {"year": "2025/26", "unit": "£m", "source": "...",
     "lines": [{"stream": "core", "line": "recurrent", "amount": "2368.9"}, ...]}
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(
            "The allocation file is not a JSON object.",
            input_name="file",
            expected='{"year": ..., "unit": ..., "lines": [...]}',
        )
    unknown = sorted(set(data) - {"year", "unit", "source", "lines"})
    if unknown:
        raise InvalidInput(
            f"Unknown field(s) in the allocation file: {', '.join(unknown)}.",
            input_name="file",
            expected="year, unit, source and lines",
        )
    file_year = parse_financial_year(str(data.get("year", "")), input_name="year")
    if year is not None and file_year != year:
        raise InvalidInput(
            f"The file is for {year_label(file_year)}, not {year_label(year)}.",
            input_name="year",
            expected=year_label(year),
        )
    unit = str(data.get("unit", "pence"))
    if unit not in UNITS:
        raise InvalidInput(f"Unknown unit '{unit}'.", input_name="unit", expected=", ".join(UNITS))
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list):
        raise InvalidInput(
            "The allocation file has no list of lines.",
            input_name="lines",
            expected='"lines": [{"stream": ..., "line": ..., "amount": ...}]',
        )
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, Mapping) or not {"stream", "amount"} <= set(raw):
            raise InvalidInput(
                f"Line {number} needs a stream and an amount.",
                input_name="lines",
                expected='{"stream": "core", "line": "recurrent", "amount": "2368.9"}',
            )
        stream = parse_stream(str(raw["stream"]))
        line = check_line_code(str(raw.get("line", "recurrent")))
        amount = _to_pence(raw["amount"], unit, f"line {number}")
        lines.append(AllocationLine(stream, line, amount, str(raw.get("description", ""))))
    _check_lines(lines)
    source = str(data.get("source") or "allocation file")
    return Allocation(file_year, tuple(lines), source)


def published_allocation(rows: Iterable[Mapping[str, str]], icb: str, year: int) -> Allocation:
    """One ICB's allocation from NHS England's tidy allocation rows (£k, as published)."""
    label = year_label(year)
    wanted = icb.strip().upper()
    chosen = [r for r in rows if r["allocation_year"] == label]
    mine = [r for r in chosen if r["icb_ods_code"] == wanted]
    if not mine:
        raise NotFound(
            "ICB",
            icb,
            input_name="icb",
            candidates=sorted({r["icb_ods_code"] for r in chosen}),
        )
    lines: list[AllocationLine] = []
    for row in mine:
        stream = PUBLISHED_STREAMS.get(row["stream"])
        if stream is None:
            continue
        recurrent = thousands_to_pence(to_decimal(row["recurrent_allocation_k"], input_name="k"))
        what = "recurrent allocation" if stream is not Stream.RCA else "running cost allowance"
        lines.append(AllocationLine(stream, "recurrent", recurrent, f"{label} {what}"))
        add_ons = to_decimal(row["add_ons_k"] or "0", input_name="add_ons_k")
        if add_ons != 0:
            lines.append(
                AllocationLine(
                    Stream.NON_RECURRENT,
                    f"{stream.value}-add-ons",
                    thousands_to_pence(add_ons),
                    f"{row['total_allocation_basis']} less the recurrent allocation",
                )
            )
    lines.sort(key=lambda x: (SINGLE_POT.index(x.stream), x.line))
    _check_lines(lines)
    source = (
        f"NHS England ICB allocations {label} (published in £ thousand; rounded half up to "
        "the penny)"
    )
    return Allocation(year, tuple(lines), source)


def load_published(icb: str, year: int) -> Allocation:
    """The packaged published allocation of ``icb`` for 2023/24 or 2024/25."""
    if year not in PUBLISHED_YEARS:
        raise InvalidInput(
            f"No published allocation is packaged for {year_label(year)}.",
            input_name="year",
            expected=" or ".join(year_label(y) for y in PUBLISHED_YEARS),
        )
    name = f"icb_allocations_{year}_{(year + 1) % 100:02d}.csv"
    resource = files("integrated_care.reference").joinpath("data", name)
    text = resource.read_text(encoding="utf-8")
    return published_allocation(csv.DictReader(io.StringIO(text, newline="")), icb, year)


def pot_accounts(
    system_code: str, year: int, streams: Iterable[Stream] = SINGLE_POT
) -> list[Account]:
    """The NHS England funding and unallocated accounts of each stream's fund."""
    accounts = []
    for stream in streams:
        fund = fund_code(stream, year)
        label = f"{STREAM_LABELS[stream]} {year_label(year)}"
        accounts.append(
            Account(
                icb_funding(fund), f"{label}: NHS England allocation", AccountType.EQUITY,
                fund, system_code,
            )
        )  # fmt: skip
        accounts.append(
            Account(
                icb_unallocated(fund), f"{label}: unallocated", AccountType.ASSET,
                fund, system_code,
            )
        )  # fmt: skip
    return accounts


def receipt_key(year: int, line: AllocationLine, reference: str) -> str:
    return f"pot:receive:{line.fund(year)}:{line.line}:{reference}"


def receipt_requests(
    allocation: Allocation, *, posted_on: date, reference: str
) -> list[JournalRequest]:
    """One journal per line: Dr unallocated / Cr NHS England funding (mirrored if negative)."""
    requests = []
    for line in allocation.lines:
        fund = line.fund(allocation.year)
        what = line.description or f"{line.line} allocation"
        requests.append(
            JournalRequest(
                key=receipt_key(allocation.year, line, reference),
                posted_on=posted_on,
                description=f"{STREAM_LABELS[line.stream]} {year_label(allocation.year)}: {what}"[
                    :500
                ],
                legs=(
                    Leg(icb_unallocated(fund), line.amount, line.line),
                    Leg(icb_funding(fund), -line.amount, line.line),
                ),
                reference=f"{reference}: {allocation.source}"[:200],
            )
        )
    return requests


@dataclass(frozen=True, slots=True)
class PotLine:
    """One stream of the single pot (pence). ``allocated`` = delegated + pooled + retained
    spend + held + unallocated, where held is what the ICB keeps in other accounts (ring-
    fences); ``committed`` is pending commitments against places' budgets, ``spent`` is all
    posted expenditure in the fund (places' and the ICB's own)."""

    stream: Stream
    fund: str
    allocated: int
    delegated: int
    pooled: int
    committed: int
    spent: int
    unallocated: int

    @property
    def label(self) -> str:
        return STREAM_LABELS[self.stream]


def pot_total(lines: Sequence[PotLine]) -> dict[str, int]:
    keys = ("allocated", "delegated", "pooled", "committed", "spent", "unallocated")
    return {k: sum(int(getattr(line, k)) for line in lines) for k in keys}


def summarise_pot(
    year: int,
    balances: Iterable[Balance],
    pooled: Mapping[str, int],
    streams: Sequence[Stream] = SINGLE_POT,
) -> list[PotLine]:
    """Each stream's line from its fund's balances and what the ICB moved into pools
    (``pooled``: fund -> pence, from the journals; see ``finance.flows.pooled_by_fund``)."""
    wanted = {fund_code(s, year): s for s in streams}
    sums = {
        fund: dict.fromkeys(("allocated", "unallocated", "delegated", "committed", "spent"), 0)
        for fund in wanted
    }
    for balance in balances:
        ref = parse_account(balance.account)
        if ref.fund not in wanted or ref.owner_kind not in ("icb", "place"):
            continue
        line = sums[ref.fund]
        if ref.owner_kind == "icb" and ref.purpose == "nhse-funding":
            line["allocated"] += balance.posted
        elif ref.owner_kind == "icb" and ref.purpose == "unallocated":
            line["unallocated"] += balance.posted
        if ref.owner_kind == "place":
            line["delegated"] += balance.posted
        if balance.type is AccountType.EXPENDITURE:
            line["spent"] += balance.posted
        line["committed"] += balance.pending
    return [
        PotLine(
            stream=stream,
            fund=fund,
            pooled=pooled.get(fund, 0),
            **sums[fund],
        )
        for fund, stream in wanted.items()
    ]
