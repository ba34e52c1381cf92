"""The single pot's pure rules: allocation files, NHS England's published rows, receipts,
account codes and the per-stream summary. Published figures are read raw from the shared
data folder (NHS England's tidy allocation CSVs), never from the code under test."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.finance.account_codes import parse_account
from integrated_care.finance.chart import AccountType, Stream
from integrated_care.finance.ledger.model import Balance
from integrated_care.finance.single_pot import (
    AllocationLine,
    format_gbp_m,
    load_published,
    parse_allocation,
    pot_accounts,
    receipt_requests,
    summarise_pot,
)

SHARED = Path("/work/shared/data/allocations")


def _published(year: str, icb: str) -> dict[str, dict[str, str]]:
    name = f"icb_allocations_{year.replace('/', '_')}.csv"
    with (SHARED / name).open(encoding="utf-8", newline="") as handle:
        return {r["stream"]: r for r in csv.DictReader(handle) if r["icb_ods_code"] == icb}


def _pence(k: str) -> int:
    return int((Decimal(k) * 100_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _doc(**overrides: object) -> object:
    doc: dict[str, object] = {
        "year": "2025/26",
        "unit": "£m",
        "source": "NHS England 2025/26, £m to one decimal place",
        "lines": [{"stream": "core", "line": "recurrent", "amount": "2368.9"}],
    }
    doc.update(overrides)
    return json.loads(json.dumps(doc), parse_float=Decimal)


@pytest.mark.parametrize(("year", "start"), [("2023/24", 2023), ("2024/25", 2024)])
@pytest.mark.parametrize("icb", ["QT1", "QOP", "QHM"])
def test_published_allocation_matches_nhs_englands_rows(year: str, start: int, icb: str) -> None:
    rows = _published(year, icb)
    allocation = load_published(icb, start)
    got = {(line.stream, line.line): line.amount for line in allocation.lines}
    assert got[(Stream.CORE, "recurrent")] == _pence(rows["core"]["recurrent_allocation_k"])
    assert got[(Stream.PMC, "recurrent")] == _pence(rows["pmc"]["recurrent_allocation_k"])
    assert got[(Stream.POD, "recurrent")] == _pence(
        rows["other_primary_care"]["recurrent_allocation_k"]
    )
    assert got[(Stream.RCA, "recurrent")] == _pence(rows["rca"]["recurrent_allocation_k"])
    assert got[(Stream.NON_RECURRENT, "core-add-ons")] == _pence(rows["core"]["add_ons_k"])
    # Recurrent plus add-ons is the published combined total, to within the penny rounding.
    combined = got[(Stream.CORE, "recurrent")] + got[(Stream.NON_RECURRENT, "core-add-ons")]
    assert abs(combined - _pence(rows["core"]["total_allocation_k"])) <= 1


def test_qt1_2024_25_core_is_the_published_2_101_004_thousand() -> None:
    allocation = load_published("QT1", 2024)
    core = next(x for x in allocation.lines if x.stream is Stream.CORE)
    assert core.amount == 2_101_004 * 100_000  # £2,101,004k, NHS England workbook K20


def test_published_refuses_unknown_icb_and_unpackaged_year() -> None:
    with pytest.raises(NotFound) as error:
        load_published("QT9", 2024)
    assert error.value.input_name == "icb"
    with pytest.raises(InvalidInput) as error2:
        load_published("QT1", 2025)
    assert error2.value.input_name == "year"


def test_allocation_file_in_millions_is_converted_exactly() -> None:
    allocation = parse_allocation(_doc())
    assert allocation.year == 2025
    assert allocation.lines == (
        AllocationLine(Stream.CORE, "recurrent", 236_890_000_000),  # £2,368.9m
    )


@pytest.mark.parametrize(
    ("overrides", "input_name"),
    [
        ({"unit": "guineas"}, "unit"),
        ({"year": "2025/27"}, "year"),
        ({"lines": [{"stream": "core", "amount": "0.000000001"}]}, "amount"),
        ({"lines": [{"stream": "core", "amount": "-1"}]}, "amount"),
        ({"lines": [{"stream": "core", "amount": True}]}, "amount"),
        ({"lines": [{"stream": "core", "amount": "lots"}]}, "amount"),
        ({"lines": [{"stream": "bcf", "amount": "1"}]}, "stream"),
        ({"lines": [{"stream": "core", "line": "Bad Line", "amount": "1"}]}, "line"),
        ({"lines": [{"amount": "1"}]}, "lines"),
        ({"lines": []}, "lines"),
        ({"lines": "core"}, "lines"),
        ({"colour": "red"}, "file"),
        (
            {"lines": [{"stream": "core", "amount": "1"}, {"stream": "core", "amount": "2"}]},
            "lines",
        ),
    ],
)
def test_bad_allocation_files_are_refused(overrides: dict[str, object], input_name: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_allocation(_doc(**overrides))
    assert error.value.input_name == input_name


def test_year_must_match_the_one_asked_for() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_allocation(_doc(), year=2024)
    assert error.value.input_name == "year"


def test_a_deduction_is_allowed_in_the_non_recurrent_stream_and_posts_mirrored() -> None:
    allocation = parse_allocation(
        _doc(
            unit="£k",
            lines=[
                {"stream": "core", "line": "recurrent", "amount": 100},
                {"stream": "non-recurrent", "line": "corneal-tissue", "amount": "-6.6"},
            ],
        )
    )
    requests = receipt_requests(allocation, posted_on=date(2025, 4, 1), reference="v1")
    assert [r.key for r in requests] == [
        "pot:receive:core-2025-26:recurrent:v1",
        "pot:receive:non-recurrent-2025-26:corneal-tissue:v1",
    ]
    for request in requests:
        assert sum(leg.amount for leg in request.legs) == 0
    core, deduction = requests
    assert [(leg.account, leg.amount) for leg in core.legs] == [
        ("icb:core-2025-26:unallocated", 10_000_000),
        ("icb:core-2025-26:nhse-funding", -10_000_000),
    ]
    assert [(leg.account, leg.amount) for leg in deduction.legs] == [
        ("icb:non-recurrent-2025-26:unallocated", -660_000),
        ("icb:non-recurrent-2025-26:nhse-funding", 660_000),
    ]


def test_pot_accounts_follow_the_chart() -> None:
    accounts = pot_accounts("QT1", 2025, [Stream.CORE])
    assert [(a.code, a.type, a.fund) for a in accounts] == [
        ("icb:core-2025-26:nhse-funding", AccountType.EQUITY, "core-2025-26"),
        ("icb:core-2025-26:unallocated", AccountType.ASSET, "core-2025-26"),
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("icb:core-2025-26:nhse-funding", ("icb", "", "core-2025-26", "nhse-funding", "")),
        (
            "place:bassetlaw:core-2025-26:spend:community-services",
            ("place", "bassetlaw", "core-2025-26", "spend", "community-services"),
        ),
        (
            "pool:city-s75:bcf-2025-26:partner:E06000018",
            ("pool", "city-s75", "bcf-2025-26", "partner", "E06000018"),
        ),
        (
            "pool:city-s75:s75-2025-26:fund",
            ("pool", "city-s75", "s75-2025-26", "fund", ""),
        ),
        (
            "org:E10000024:running-costs-2020-21:contribution",
            ("org", "E10000024", "running-costs-2020-21", "contribution", ""),
        ),
        ("cash:bank", ("other", "", None, "", "")),
        ("icb:not-a-fund:x", ("other", "", None, "", "")),
    ],
)
def test_account_codes_are_read_by_the_convention(code: str, expected: tuple[object, ...]) -> None:
    ref = parse_account(code)
    assert (ref.owner_kind, ref.owner, ref.fund, ref.purpose, ref.line) == expected


def test_parsed_fund_gives_stream_and_year() -> None:
    ref = parse_account("place:x:non-recurrent-2025-26:budget")
    assert (ref.stream, ref.year) == ("non-recurrent", 2025)
    pool = parse_account("pool:p:s75-2025-26:fund")
    assert (pool.stream, pool.year) == ("s75", 2025)


def _bal(code: str, kind: AccountType, posted: int, pending: int = 0) -> Balance:
    return Balance(code, kind, posted, pending)


def test_the_pot_summary_adds_up_by_definition() -> None:
    balances = [
        _bal("icb:core-2025-26:nhse-funding", AccountType.EQUITY, 1000),
        _bal("icb:core-2025-26:unallocated", AccountType.ASSET, 500),
        _bal("place:a:core-2025-26:budget", AccountType.ASSET, 250, pending=40),
        _bal("place:a:core-2025-26:spend:community", AccountType.EXPENDITURE, 50),
        _bal("icb:core-2025-26:spend:specialist", AccountType.EXPENDITURE, 120),
        _bal("icb:pmc-2025-26:nhse-funding", AccountType.EQUITY, 7),
        _bal("icb:core-2024-25:nhse-funding", AccountType.EQUITY, 99),  # another year
        _bal("pool:p:core-2025-26:fund", AccountType.ASSET, 80),  # not the ICB's
    ]
    lines = {x.stream: x for x in summarise_pot(2025, balances, {"core-2025-26": 80})}
    core = lines[Stream.CORE]
    assert (core.allocated, core.unallocated, core.delegated, core.pooled) == (1000, 500, 300, 80)
    assert (core.committed, core.spent) == (40, 170)
    assert lines[Stream.PMC].allocated == 7
    assert lines[Stream.SPECIALISED].allocated == 0


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (236_890_000_000, "£2,368.9m"),
        (5_000_000, "£0.1m"),  # £50,000 = £0.05m rounds half up
        (4_999_999, "£0.0m"),
        (-26_260_000_000, "-£262.6m"),
    ],
)
def test_millions_are_rounded_half_up(pence: int, text: str) -> None:
    assert format_gbp_m(pence) == text
