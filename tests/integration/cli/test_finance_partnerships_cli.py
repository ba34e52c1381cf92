"""``ics finance pools | bcf | contributions`` end to end, on SQLite and PostgreSQL.

Amounts typed in pounds, JSON in pence. The pool figures are the docs' worked example
(docs/finance-partnerships.md); the county's 2020/21 decline is from its committee report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.cli.conftest import Cli

POUND = 100


@pytest.fixture
def funded(qt1: Cli, tmp_path: Path) -> Cli:
    allocation = tmp_path / "alloc.json"
    allocation.write_text(
        json.dumps(
            {
                "year": "2025/26",
                "unit": "£",
                "lines": [{"stream": "core", "line": "recurrent", "amount": "5000000"}],
            }
        )
    )
    result = qt1("finance", "receive", "--year", "2025/26", "--file", str(allocation))
    assert result.exit_code == 0, result.output
    return qt1


def ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_pool_from_creation_to_settlement(funded: Cli) -> None:
    ok(
        funded,
        "finance",
        "pools",
        "create",
        "city-s75",
        "--name",
        "City pool",
        "--year",
        "2025/26",
        "--host",
        "E06000018",
        "--partner",
        "QT1",
    )
    for line, kind in (
        ("intermediate-care", "variable"),
        ("reablement", "variable"),
        ("community-equipment", "fixed"),
        ("risk-pool", "risk-pool"),
    ):
        ok(funded, "finance", "pools", "add-line", "city-s75", line, "--kind", kind)
    city = "E06000018"
    worked = [
        ("QT1", "intermediate-care", "600000"),
        (city, "intermediate-care", "400,000"),
        ("QT1", "reablement", "300000"),
        (city, "reablement", "200000"),
        ("QT1", "community-equipment", "50000"),
        (city, "community-equipment", "250000"),
        ("QT1", "risk-pool", "60000"),
        (city, "risk-pool", "40000"),
    ]
    for partner, line, amount in worked:
        ok(
            funded,
            "finance",
            "pools",
            "contribute",
            "city-s75",
            "--partner",
            partner,
            "--line",
            line,
            "--amount",
            amount,
            "--on",
            "2025-04-01",
        )
    ok(
        funded,
        "finance",
        "pools",
        "spend",
        "city-s75",
        "--line",
        "intermediate-care",
        "--amount",
        "1180000",
        "--on",
        "2025-09-30",
    )
    ok(
        funded,
        "finance",
        "pools",
        "spend",
        "city-s75",
        "--line",
        "reablement",
        "--amount",
        "470000",
        "--on",
        "2025-10-31",
    )
    before = funded.row_counts()
    refused = funded(
        "finance",
        "pools",
        "spend",
        "city-s75",
        "--line",
        "community-equipment",
        "--amount",
        "310000",
        "--on",
        "2026-01-31",
    )
    assert refused.exit_code == 2
    assert "it holds £250,000.00" in " ".join(refused.output.split())
    assert funded.row_counts() == before
    calls = json.loads(
        ok(
            funded,
            "finance",
            "pools",
            "spend",
            "city-s75",
            "--line",
            "community-equipment",
            "--amount",
            "310000",
            "--on",
            "2026-01-31",
            "--under-risk-share",
            "--json",
        )
    )
    assert sorted((e["kind"], e["partner"], e["amount"]) for e in calls) == [
        ("call", "E06000018", 30_000 * POUND),
        ("call", "QT1", 30_000 * POUND),
        ("spend", None, 310_000 * POUND),
    ]
    shown = json.loads(ok(funded, "finance", "pools", "show", "city-s75", "--json"))
    assert shown["book_balance"] == shown["ledger_balance"] == 0
    assert shown["preview"]["waterfall"]["to_partners"] == 50_000 * POUND
    settled = json.loads(
        ok(funded, "finance", "pools", "settle", "city-s75", "--on", "2026-03-31", "--json")
    )
    assert settled["settled"]["settled_on"] == "2026-03-31"
    assert settled["due"] == {"E06000018": 0, "QT1": 0}
    text = ok(funded, "finance", "pools", "show", "city-s75")
    assert "settled on 2026-03-31" in text
    listed = json.loads(ok(funded, "finance", "pools", "list", "--json"))
    assert [p["code"] for p in listed] == ["city-s75"]


def test_fixed_split_rule_and_bad_input(funded: Cli) -> None:
    ok(
        funded,
        "finance",
        "pools",
        "create",
        "p",
        "--name",
        "P",
        "--year",
        "2025/26",
        "--host",
        "E06000018",
        "--partner",
        "QT1",
    )
    before = funded.row_counts()
    for args, message in [
        (
            ("rule", "p", "--basis", "fixed-split", "--share", "QT1=60", "--share", "E06000018=30"),
            "add up to 90%",
        ),
        (("rule", "p", "--basis", "halves"), "Unknown risk-share basis"),
        (("add-line", "p", "Bad Line"), "not a valid line code"),
        (
            (
                "contribute",
                "p",
                "--partner",
                "QT1",
                "--line",
                "none",
                "--amount",
                "1",
                "--on",
                "2025-04-01",
            ),
            "has no line",
        ),
        (
            (
                "contribute",
                "p",
                "--partner",
                "QT1",
                "--line",
                "none",
                "--amount",
                "1.001",
                "--on",
                "2025-04-01",
            ),
            "fractions of a penny",
        ),
        (
            (
                "create",
                "p",
                "--name",
                "P",
                "--year",
                "2025/26",
                "--host",
                "E06000018",
                "--partner",
                "QT1",
            ),
            "already exists",
        ),
    ]:
        result = funded("finance", "pools", *args)
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.output.split()), result.output
    assert funded.row_counts() == before
    ok(
        funded,
        "finance",
        "pools",
        "rule",
        "p",
        "--basis",
        "fixed-split",
        "--share",
        "QT1=62.5",
        "--share",
        "E06000018=37.5",
        "--underspend",
        "return",
    )
    rule = json.loads(ok(funded, "finance", "pools", "show", "p", "--json"))["risk_share"]
    assert rule == {
        "basis": "fixed split",
        "fixed_shares": {"QT1": "62.5", "E06000018": "37.5"},
        "underspend": "return",
        "cut_uncommitted": True,
        "caps": {},
        "uncapped": False,
    }


def test_bcf_plan_checks_and_sign_off_status(qt1: Cli) -> None:
    ok(
        qt1,
        "finance",
        "bcf",
        "create",
        "--hwb",
        "E06000018",
        "--year",
        "2025/26",
        "--nhs-minimum",
        "1000",
        "--asc-previous",
        "384.99",
        "--asc-uplift",
        "3.9",
    )
    for source, amount in (("nhs-minimum", "1000"), ("dfg", "200")):
        ok(
            qt1,
            "finance",
            "bcf",
            "income",
            "--hwb",
            "E06000018",
            "--year",
            "2025/26",
            "--source",
            source,
            "--amount",
            amount,
        )
    for code, area, source, amount in (
        ("care", "social care", "nhs-minimum", "400"),
        ("health", "community health", "nhs-minimum", "600"),
        ("ramps", "housing adaptations", "dfg", "200"),
    ):
        ok(
            qt1,
            "finance",
            "bcf",
            "scheme",
            "--hwb",
            "E06000018",
            "--year",
            "2025/26",
            "--code",
            code,
            "--name",
            code,
            "--area",
            area,
            "--provider",
            "City",
            "--commissioner",
            "joint",
            "--source",
            source,
            "--amount",
            amount,
        )
    failing = qt1("finance", "bcf", "check", "--hwb", "E06000018", "--year", "2025/26", "--json")
    assert failing.exit_code == 1  # NC1: not signed off yet
    checks = {c["code"]: c["passed"] for c in json.loads(failing.output)}
    assert checks["NC1"] is False
    assert checks["NC3"] is True
    ok(qt1, "finance", "bcf", "open-signoff", "--hwb", "E06000018", "--year", "2025/26")
    for party in ("QT1", "E06000018"):
        ok(
            qt1,
            "governance",
            "plans",
            "signoff",
            "bcf-E06000018-2025-26",
            "--party",
            party,
            "--on",
            "2025-06-01",
        )
    status = json.loads(
        ok(
            qt1,
            "finance",
            "bcf",
            "signoff-status",
            "--hwb",
            "E06000018",
            "--year",
            "2025/26",
            "--json",
        )
    )
    assert status["signed_off"] is True
    assert status["workflow_plan"] == "bcf-E06000018-2025-26"
    ok(qt1, "finance", "bcf", "check", "--hwb", "E06000018", "--year", "2025/26")
    frozen = qt1(
        "finance",
        "bcf",
        "income",
        "--hwb",
        "E06000018",
        "--year",
        "2025/26",
        "--source",
        "dfg",
        "--amount",
        "1",
    )
    assert frozen.exit_code == 2
    assert "can no longer change" in " ".join(frozen.output.split())


def test_contributions_and_the_cap(qt1: Cli) -> None:
    reason = (
        "given that the current outputs of the NN ICS do not contribute to County "
        "Council priorities the report recommends that no financial contribution to the "
        "ICS is made at this time"
    )
    ok(
        qt1,
        "finance",
        "contributions",
        "decline",
        "E10000024",
        "--year",
        "2020/21",
        "--on",
        "2021-02-08",
        "--reason",
        reason,
    )
    ok(
        qt1,
        "finance",
        "contributions",
        "pledge",
        "E06000018",
        "--year",
        "2023/24",
        "--on",
        "2023-05-01",
        "--amount",
        "100000",
    )
    listed = json.loads(ok(qt1, "finance", "contributions", "list", "--json"))
    county = listed[0]["partners"][0]
    assert (listed[0]["year"], county["status"], county["reason"]) == (
        "2020/21",
        "declined",
        reason,
    )
    assert listed[0]["cap"] is None  # no allowance known for 2020/21
    cap = json.loads(ok(qt1, "finance", "contributions", "cap", "--year", "2023/24", "--json"))
    assert (cap["rca"], cap["cap"]) == (22_710_000 * POUND, 22_810_000 * POUND)
    before = qt1.row_counts()
    over = qt1("finance", "contributions", "plan", "--year", "2023/24", "--amount", "22810000.01")
    assert over.exit_code == 2
    assert "would exceed the cap" in " ".join(over.output.split())
    again = qt1(
        "finance",
        "contributions",
        "pay",
        "E10000024",
        "--year",
        "2020/21",
        "--on",
        "2021-03-01",
        "--amount",
        "5",
    )
    assert again.exit_code == 2
    assert "decline is final" in " ".join(again.output.split())
    assert qt1.row_counts() == before
    ok(qt1, "finance", "contributions", "plan", "--year", "2023/24", "--amount", "22810000")
