"""``ics finance`` ledger commands on a real workspace (SQLite and PostgreSQL): accounts,
a journal file, replays, reversal, balances, the trial balance, commitments, period close,
and one clear error for a malformed file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.integration.cli.conftest import Cli

FUNDING = "icb:core-2025-26:nhse-funding"
POT = "icb:core-2025-26:unallocated"
CITY = "place:nottingham-city:core-2025-26:budget"
MH = "place:nottingham-city:core-2025-26:spend:mental-health"
ACCOUNTS = (
    (FUNDING, "equity", "NHS England allocation", ()),
    (POT, "asset", "Single pot", ()),
    (CITY, "asset", "Nottingham City budget", ("--guarded",)),
    (MH, "expenditure", "Nottingham City mental health", ()),
)
JOURNALS = {
    "journals": [
        {
            "key": "alloc",
            "posted_on": "2025-04-01",
            "description": "Core allocation",
            "legs": [
                {"account": POT, "debit": "1,000,000.00"},
                {"account": FUNDING, "credit": 1000000.00},
            ],
        },
        {
            "key": "city",
            "posted_on": "2025-04-02",
            "description": "Delegate to the city",
            "legs": [
                {"account": CITY, "pence": 25_000_000},
                {"account": POT, "pence": -25_000_000},
            ],
        },
    ]
}


@pytest.fixture
def books(qt1: Cli, tmp_path: Path) -> Cli:
    for code, kind, name, extra in ACCOUNTS:
        result = qt1(
            "finance",
            "open-account",
            code,
            "--type",
            kind,
            "--name",
            name,
            "--fund",
            "core-2025-26",
            *extra,
        )
        assert result.exit_code == 0, result.output
    path = tmp_path / "journals.json"
    path.write_text(json.dumps(JOURNALS), encoding="utf-8")
    result = qt1("finance", "post", "--file", str(path))
    assert result.exit_code == 0, result.output
    return qt1


def as_json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_posted_journals_show_in_balances_and_the_trial_balance(books: Cli) -> None:
    balances = {b["account"]: b["posted"] for b in as_json(books, "finance", "balances")}
    assert balances == {FUNDING: 1_000_000_00, POT: 750_000_00, CITY: 250_000_00, MH: 0}
    tb = as_json(books, "finance", "trial-balance")
    assert (tb["debits"], tb["credits"], tb["balanced"]) == (1_000_000_00, 1_000_000_00, True)
    text = books("finance", "trial-balance")
    assert "Balanced." in text.stdout
    assert "£1,000,000.00" in text.stdout


def test_posting_the_same_file_again_replays(books: Cli, tmp_path: Path) -> None:
    path = tmp_path / "journals.json"
    before = books.row_counts()["ledger_journals"]
    replay = as_json(books, "finance", "post", "--file", str(path))
    assert [j["replayed"] for j in replay] == [True, True]
    assert books.row_counts()["ledger_journals"] == before


def test_accounts_and_journals_are_listed(books: Cli) -> None:
    codes = [a["code"] for a in as_json(books, "finance", "accounts", "--prefix", "place:")]
    assert codes == [CITY, MH]
    journals = as_json(books, "finance", "journals")
    assert [j["key"] for j in journals] == ["city", "alloc"]
    one = as_json(books, "finance", "journal", str(journals[1]["id"]))
    assert one["legs"][0] == {"account": POT, "amount": 1_000_000_00, "memo": ""}


def test_a_reversal_undoes_a_journal_once(books: Cli) -> None:
    journals = as_json(books, "finance", "journals")
    city = next(j for j in journals if j["key"] == "city")
    args = (
        "finance",
        "reverse",
        str(city["id"]),
        "--key",
        "undo",
        "--reason",
        "wrong place",
        "--on",
        "2025-04-03",
    )
    reversal = as_json(books, *args)
    assert reversal["reverses"] == city["id"]
    balances = {b["account"]: b["posted"] for b in as_json(books, "finance", "balances")}
    assert balances[CITY] == 0
    again = books(
        "finance",
        "reverse",
        str(city["id"]),
        "--key",
        "undo-2",
        "--reason",
        "x",
        "--on",
        "2025-04-03",
    )
    assert again.exit_code == 2
    assert "already been reversed" in again.output


def test_a_commitment_is_reserved_posted_in_part_and_the_budget_guarded(books: Cli) -> None:
    made = as_json(
        books,
        *("finance", "commit", "reserve", "--key", "mh-1", "--debit", MH, "--credit", CITY),
        *("--amount", "200000", "--description", "MH contract", "--on", "2025-04-05"),
    )
    over = books(
        *("finance", "commit", "reserve", "--key", "mh-2", "--debit", MH, "--credit", CITY),
        *("--amount", "50000.01", "--description", "more", "--on", "2025-04-05"),
    )
    assert over.exit_code == 2
    assert "has £50,000.00 available; the commitment needs £50,000.01" in " ".join(
        over.output.split()
    )
    posted = as_json(
        books,
        "finance",
        "commit",
        "post",
        str(made["id"]),
        "--key",
        "inv-1",
        "--amount",
        "150000",
        "--on",
        "2025-04-30",
    )
    assert posted["legs"] == [
        {"account": MH, "amount": 150_000_00, "memo": ""},
        {"account": CITY, "amount": -150_000_00, "memo": ""},
    ]
    listed = as_json(books, "finance", "commit", "list")
    assert [(c["state"], c["posted_amount"]) for c in listed] == [("posted", 150_000_00)]
    city = next(b for b in as_json(books, "finance", "balances") if b["account"] == CITY)
    assert (city["posted"], city["pending"]) == (100_000_00, 0)


def test_a_closed_period_refuses_a_late_journal(books: Cli, tmp_path: Path) -> None:
    assert books("finance", "close-period", "2025-04").exit_code == 0
    late = tmp_path / "late.json"
    late.write_text(
        json.dumps(
            {
                "key": "late",
                "posted_on": "2025-04-30",
                "description": "late",
                "legs": [{"account": MH, "debit": "1"}, {"account": CITY, "credit": "1"}],
            }
        ),
        encoding="utf-8",
    )
    before = books.row_counts()
    result = books("finance", "post", "--file", str(late))
    assert result.exit_code == 2
    assert "period 2025-04 is closed" in result.output
    assert books.row_counts() == before
    assert [(p["period"], p["closed"]) for p in as_json(books, "finance", "periods")] == [
        ("2025-04", True)
    ]


MALFORMED = {
    "not json": ("bad.json", "{not json", "file"),
    "missing legs": (
        "bad.json",
        json.dumps({"key": "k", "posted_on": "2025-04-01", "description": "d"}),
        "journal.legs",
    ),
    "two amounts on a leg": (
        "bad.json",
        json.dumps(
            {
                "key": "k",
                "posted_on": "2025-04-01",
                "description": "d",
                "legs": [
                    {"account": MH, "debit": "1", "credit": "1"},
                    {"account": CITY, "credit": "1"},
                ],
            }
        ),
        "journal.legs[0]",
    ),
    "fractions of a penny": (
        "bad.json",
        json.dumps(
            {
                "journals": [
                    {
                        "key": "k",
                        "posted_on": "2025-04-01",
                        "description": "d",
                        "legs": [
                            {"account": MH, "debit": "1.001"},
                            {"account": CITY, "credit": "1.001"},
                        ],
                    }
                ]
            }
        ),
        "journals[0].legs[0].debit",
    ),
    "bad date": (
        "bad.csv",
        "key,posted_on,description,reference,account,debit,credit,memo\nk,2025-13-01,d,,x,1,,\n",
        "line 2.posted_on",
    ),
    "missing csv column": (
        "bad.csv",
        "key,posted_on,description,account,debit,credit\n",
        "reference",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_is_one_clear_error_naming_the_file_and_field(
    books: Cli, tmp_path: Path, case: str
) -> None:
    name, content, field = MALFORMED[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = books.row_counts()
    result = books("finance", "post", "--file", str(path))
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert f"{name}: {field}" in flat
    assert "Traceback" not in result.output
    assert books.row_counts() == before


def test_a_csv_file_posts_journals_grouped_by_key(books: Cli, tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text(
        "key,posted_on,description,reference,account,debit,credit,memo\n"
        f"s1,2025-04-10,Spend,INV-1,{MH},120.50,,April\n"
        f"s1,2025-04-10,Spend,INV-1,{CITY},,120.50,\n"
        f"s2,2025-04-11,Spend,INV-2,{MH},0.01,,\n"
        f"s2,2025-04-11,Spend,INV-2,{CITY},,0.01,\n",
        encoding="utf-8",
    )
    posted = as_json(books, "finance", "post", "--file", str(path))
    assert [(j["key"], j["reference"], len(j["legs"])) for j in posted] == [
        ("s1", "INV-1", 2),
        ("s2", "INV-2", 2),
    ]
    assert posted[0]["legs"][0] == {"account": MH, "amount": 120_50, "memo": "April"}
    mh = next(b for b in as_json(books, "finance", "balances") if b["account"] == MH)
    assert mh["posted"] == 120_51


def test_a_missing_file_is_named(books: Cli, tmp_path: Path) -> None:
    result = books("finance", "post", "--file", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "nowhere.json" in "".join(result.output.split())  # Rich may wrap a long path
