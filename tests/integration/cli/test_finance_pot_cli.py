"""``ics finance`` single pot and place commands, on SQLite and PostgreSQL.

QT1 with its default places (Nottingham E06000018, Nottinghamshire E10000024). Allocations
are NHS England's published figures: 2025/26 in £m (research note §7.4) and 2024/25 from the
packaged tidy CSV (compared with the shared copy of the workbook's rows)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.integration.cli.conftest import Cli, published

CITY, COUNTY = "E06000018", "E10000024"
M = 1_000_000_00
ALLOCATION = {
    "year": "2025/26",
    "unit": "£m",
    "source": "NHS England ICB allocations 2025/26 (£m to one decimal place)",
    "lines": [
        {"stream": "core", "line": "recurrent", "amount": "2368.9"},
        {"stream": "rca", "line": "recurrent", "amount": "17.9"},
    ],
}


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Any) -> Any:
    return json.loads(ok(result).stdout)


@pytest.fixture
def pot(qt1: Cli, tmp_path: Path) -> Cli:
    path = tmp_path / "allocation.json"
    path.write_text(json.dumps(ALLOCATION), encoding="utf-8")
    ok(qt1("finance", "receive", "--year", "2025/26", "--file", str(path)))
    for place in (CITY, COUNTY):
        ok(
            qt1(
                "finance", "scheme", "add", "--place", place, "--stream", "core",
                "--line", "community-services", "--component", "community",
                "--approver", f"{place}-partnership", "--from", "2025-04-01",
                "--max-budget", "200000000", "--max-commitment", "5000000",
            )
        )  # fmt: skip
    return qt1


def test_receive_and_show_the_pot(pot: Cli) -> None:
    body = as_json(pot("finance", "pot", "--year", "2025/26", "--json"))
    streams = {s["stream"]: s for s in body["streams"]}
    assert streams["core"]["allocated"] == 236_890_000_000  # £2,368.9m
    assert streams["rca"]["allocated"] == 1_790_000_000  # £17.9m
    assert body["total"]["unallocated"] == 238_680_000_000
    table = ok(pot("finance", "pot", "--year", "2025/26")).output
    assert "ICB core services" in table


def test_receiving_the_published_2024_25_figures(qt1: Cli) -> None:
    rows = [
        r
        for r in published("allocations/icb_allocations_2024_25.csv")
        if r["icb_ods_code"] == "QT1"
    ]
    core = next(r for r in rows if r["stream"] == "core")
    replies = as_json(qt1("finance", "receive", "--year", "2024/25", "--published", "--json"))
    received = next(r for r in replies if r["stream"] == "core" and r["line"] == "recurrent")
    assert received["amount"] == int(core["recurrent_allocation_k"]) * 100_000
    again = as_json(qt1("finance", "receive", "--year", "2024/25", "--published", "--json"))
    assert all(r["replayed"] for r in again)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2025/26"), "Give either --file or --published"),
        (("--year", "2025/26", "--published"), "No published allocation is packaged"),
        (("--year", "2025-26", "--published"), "not a financial year"),
        (("--year", "2025/26", "--file", "/no/such/file.json"), "Cannot read the allocation"),
    ],
)
def test_bad_receipts_are_refused_and_write_nothing(
    qt1: Cli, args: tuple[str, ...], message: str
) -> None:
    before = qt1.row_counts()
    result = qt1("finance", "receive", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert qt1.row_counts() == before


def test_place_indices_report_the_weights_year_and_unplaced_practices(qt1: Cli) -> None:
    body = as_json(qt1("finance", "place-indices", "--year", "2025/26", "--json"))
    assert body["weights_year"] == "2026/27"
    assert {p["code"] for p in body["places"]} == {CITY, COUNTY}
    assert body["unplaced"]  # practices in the 2026/27 file that no current place holds
    older = as_json(
        qt1("finance", "place-indices", "--year", "2025/26", "--weights-year", "2024/25", "--json")
    )
    assert older["weights_year"] == "2024/25"
    table = ok(qt1("finance", "place-indices", "--year", "2025/26")).output
    assert "In the weights file but in no place" in table


def test_delegate_dry_run_then_for_real(pot: Cli) -> None:
    args = ("finance", "delegate", "--year", "2025/26", "--stream", "core", "--line",
            "community-services", "--amount", "150000000", "--on", "2025-04-01",
            "--key", "d1")  # fmt: skip
    before = pot.row_counts()
    preview = as_json(pot(*args, "--dry-run", "--json"))
    assert pot.row_counts() == before
    assert sum(preview["parts"].values()) == 150 * M
    done = as_json(pot(*args, "--json"))
    assert done["parts"] == preview["parts"]
    budgets = as_json(pot("finance", "place-budgets", "--year", "2025/26", "--json"))
    assert sum(b["budget"] for b in budgets) == 150 * M


def test_a_delegation_above_the_limit_is_refused(pot: Cli) -> None:
    before = pot.row_counts()
    result = pot(
        "finance", "delegate", "--year", "2025/26", "--stream", "core", "--line",
        "community-services", "--amount", "300000000", "--on", "2025-04-01", "--key", "d9",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "above authority limits" in result.output
    assert pot.row_counts() == before


def test_spending_at_place_and_its_limits(pot: Cli) -> None:
    ok(pot("finance", "delegate", "--year", "2025/26", "--stream", "core", "--line",
           "community-services", "--amount", "100000000", "--on", "2025-04-01",
           "--key", "d1"))  # fmt: skip
    spend = ("finance", "place-spend", "--place", CITY, "--year", "2025/26", "--stream", "core",
             "--line", "community-services", "--on", "2025-05-01")  # fmt: skip
    before = pot.row_counts()
    refused = pot(*spend, "--amount", "5000000.01", "--key", "s1")
    assert refused.exit_code == 2
    assert "refer it to the ICB" in refused.output
    assert pot.row_counts() == before
    ok(pot(*spend, "--amount", "1000000", "--key", "s1", "--approved-by", f"{CITY}-partnership"))
    ok(pot(*spend, "--amount", "2000000", "--key", "s2", "--commit"))
    (city,) = as_json(
        pot("finance", "place-budgets", "--year", "2025/26", "--place", CITY, "--json")
    )
    assert (city["spent"], city["committed"]) == (1 * M, 2 * M)


def test_the_scheme_is_listed_and_ended(pot: Cli) -> None:
    entries = as_json(pot("finance", "scheme", "list", "--json"))
    assert [e["place"] for e in entries] == [CITY, COUNTY]
    ok(pot("finance", "scheme", "end", str(entries[0]["id"]), "--to", "2025-10-01"))
    assert len(as_json(pot("finance", "scheme", "list", "--as-of", "2025-11-01", "--json"))) == 1
    overlap = pot(
        "finance", "scheme", "add", "--place", COUNTY, "--stream", "core", "--line",
        "community-services", "--component", "community", "--approver", "role:finance",
        "--from", "2025-06-01",
    )  # fmt: skip
    assert overlap.exit_code == 2
    assert "end that entry first" in overlap.output


def test_duties_icb_spending_ringfences_and_flows(pot: Cli) -> None:
    ok(pot("finance", "duties", "set", "--year", "2025/26", "--duty", "running-costs"))
    ok(
        pot(
            "finance", "duties", "set", "--year", "2025/26", "--duty", "mhis", "--target", "1000000"
        )
    )
    refused = pot(
        "finance", "icb-spend", "--year", "2025/26", "--stream", "rca", "--line", "staff",
        "--amount", "17900000.01", "--on", "2025-05-01", "--key", "rc1",
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "running-cost limit" in refused.output
    ok(pot("finance", "ringfence", "--year", "2025/26", "--stream", "core", "--line",
           "mental-health", "--amount", "2000000", "--on", "2025-04-01",
           "--key", "mh"))  # fmt: skip
    statuses = {
        s["duty"]: s
        for s in as_json(pot("finance", "duties", "list", "--year", "2025/26", "--json"))
    }
    assert statuses["mhis"]["measure"] == 2 * M
    assert statuses["running-costs"]["met"] is True
    release = pot("finance", "ringfence", "--year", "2025/26", "--stream", "core", "--line",
                  "mental-health", "--amount", "1500000", "--on", "2025-05-01", "--key", "mh2",
                  "--release")  # fmt: skip
    assert release.exit_code == 2
    assert "mental health investment standard" in release.output
    ok(pot("finance", "duties", "remove", "--year", "2025/26", "--duty", "mhis"))
    ok(pot("finance", "icb-spend", "--year", "2025/26", "--stream", "core", "--line",
           "mental-health", "--amount", "500000", "--on", "2025-05-01", "--key", "mh3",
           "--from-ringfence"))  # fmt: skip
    flows = as_json(pot("finance", "flows", "--year", "2025/26", "--json"))
    edges = {(f["source"], f["target"]): f["amount"] for f in flows}
    assert edges[("retained", "spend:mental-health")] == 500_000_00
    assert edges[("stream:rca", "pot")] == 1_790_000_000
