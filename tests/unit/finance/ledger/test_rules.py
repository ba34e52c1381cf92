"""The ledger's pure rules: what a valid journal is, canonical request hashes, normal
balances, periods, reversal legs and the journal file layout."""

from __future__ import annotations

from datetime import date

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.files import parse_journal_file
from integrated_care.finance.ledger.model import CommitmentRequest, JournalRequest, Leg
from integrated_care.finance.ledger.rules import (
    check_commitment,
    check_journal,
    check_period,
    commitment_hash,
    journal_hash,
    normal_balance,
    normal_effect,
    period_of,
    reversal_legs,
)

A, B, C = (
    "icb:core-2025-26:unallocated",
    "icb:core-2025-26:nhse-funding",
    "place:x:core-2025-26:budget",
)


def request(*legs: tuple[str, int], key: str = "k") -> JournalRequest:
    return JournalRequest(key, date(2025, 4, 1), "d", tuple(Leg(a, p) for a, p in legs))


def test_a_journal_of_legs_summing_to_zero_is_valid() -> None:
    check_journal(request((A, 100), (B, -100)))
    check_journal(request((A, 100), (B, -60), (C, -40)))


@pytest.mark.parametrize(
    ("legs", "field"),
    [
        (((A, 100),), "journal.legs"),
        ((), "journal.legs"),
        (((A, 100), (B, -99)), "journal.legs"),
        (((A, 100), (B, -100), (C, 0)), "journal.legs[2].amount"),
        (((A, True), (B, -1)), "journal.legs[0].amount"),
        (((A, 10**15 + 1), (B, -(10**15) - 1)), "journal.legs[0].amount"),
        ((("not a code", 1), (B, -1)), "journal.legs[0].account"),
        ((("a::b", 1), (B, -1)), "journal.legs[0].account"),
    ],
)
def test_invalid_journals_name_the_field(legs: tuple[tuple[str, int], ...], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_journal(request(*legs))
    assert refused.value.input_name == field


def test_an_unbalanced_journal_says_by_how_much() -> None:
    with pytest.raises(
        InvalidInput, match=r"debits £1\.00, credits £0\.99 \(a difference of £0\.01\)"
    ):
        check_journal(request((A, 100), (B, -99)))


def test_the_hash_depends_on_the_body_not_the_key() -> None:
    one = request((A, 100), (B, -100), key="one")
    two = request((A, 100), (B, -100), key="two")
    assert journal_hash(one) == journal_hash(two)
    assert journal_hash(one) != journal_hash(request((A, 101), (B, -101)))
    assert journal_hash(one) != journal_hash(request((B, -100), (A, 100)))  # order is part of it
    assert journal_hash(one) != journal_hash(one, reverses=7)
    c = CommitmentRequest("k", A, C, 5, date(2025, 4, 1), "d")
    assert commitment_hash(c) != commitment_hash(
        CommitmentRequest("k", A, C, 6, date(2025, 4, 1), "d")
    )


def test_normal_balances_follow_the_account_type() -> None:
    assert normal_balance(AccountType.ASSET, 500, 200) == 300
    assert normal_balance(AccountType.EXPENDITURE, 500, 200) == 300
    assert normal_balance(AccountType.EQUITY, 500, 200) == -300
    assert normal_balance(AccountType.LIABILITY, 200, 500) == 300
    assert normal_balance(AccountType.INCOME, 0, 70) == 70
    assert normal_effect(AccountType.ASSET, -40) == -40
    assert normal_effect(AccountType.EQUITY, -40) == 40


def test_periods_are_months() -> None:
    assert period_of(date(2025, 4, 30)) == "2025-04"
    assert period_of(date(2026, 1, 1)) == "2026-01"
    assert check_period("2025-12") == "2025-12"
    for bad in ("2025-13", "2025-4", "25-04", "2025/04", "2025-00"):
        with pytest.raises(InvalidInput):
            check_period(bad)


def test_a_reversal_negates_every_leg_in_order() -> None:
    assert reversal_legs((Leg(A, 100, "m"), Leg(B, -60), Leg(C, -40))) == (
        Leg(A, -100, "m"),
        Leg(B, 60),
        Leg(C, 40),
    )


def test_commitments_need_two_accounts_and_a_positive_amount() -> None:
    check_commitment(CommitmentRequest("k", A, C, 5, date(2025, 4, 1), "d", date(2025, 4, 1)))
    for bad in (
        CommitmentRequest("k", A, A, 5, date(2025, 4, 1), "d"),
        CommitmentRequest("k", A, C, 0, date(2025, 4, 1), "d"),
        CommitmentRequest("k", A, C, -5, date(2025, 4, 1), "d"),
        CommitmentRequest("k", A, C, 5, date(2025, 4, 1), "d", date(2025, 3, 31)),
        CommitmentRequest("", A, C, 5, date(2025, 4, 1), "d"),
    ):
        with pytest.raises(InvalidInput):
            check_commitment(bad)


def test_a_json_file_reads_pounds_as_decimals_never_floats() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; as decimals it is 30p.
    text = (
        '{"key": "k", "posted_on": "2025-04-01", "description": "d", "legs": ['
        f'{{"account": "{A}", "debit": 0.1}}, {{"account": "{A}", "debit": 0.2}}, '
        f'{{"account": "{B}", "credit": "0.30", "memo": "m"}}]}}'
    )
    (journal,) = parse_journal_file("j.json", text)
    assert journal.legs == (Leg(A, 10), Leg(A, 20), Leg(B, -30, "m"))
    check_journal(journal)


def test_a_csv_file_groups_consecutive_rows_by_key() -> None:
    text = (
        "key,posted_on,description,reference,account,debit,credit,memo\n"
        f"a,2025-04-01,first,R1,{A},1.00,,\n"
        f"a,2025-04-01,first,R1,{B},,1.00,\n"
        f"b,2025-04-02,second,,{A},2,,\n"
        f"b,2025-04-02,second,,{B},,2,\n"
    )
    a, b = parse_journal_file("j.csv", text)
    assert (a.key, a.reference, a.legs) == ("a", "R1", (Leg(A, 100), Leg(B, -100)))
    assert (b.key, b.posted_on, b.legs) == ("b", date(2025, 4, 2), (Leg(A, 200), Leg(B, -200)))


HEAD = '{"key": "k", "posted_on": "2025-04-01", "description": "d", '


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[]", "journals"),
        ('{"journals": [1]}', "journals[0]"),
        ('{"key": "k", "posted_on": "x", "description": "d", "legs": [{}]}', "journal.posted_on"),
        (
            HEAD + '"legs": [{"account": "a"}]}',
            "journal.legs[0]",
        ),
        (
            HEAD + '"legs": [{"pence": 1.5, "account": "a"}]}',
            "journal.legs[0].pence",
        ),
        (
            '{"key": "k", "posted_on": "2025-04-01", "description": "d", "legs": [], "extra": 1}',
            "journal.extra",
        ),
    ],
)
def test_malformed_files_name_the_file_and_the_field(text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_journal_file("my.json", text)
    assert refused.value.input_name == field
    assert refused.value.message.startswith(f"my.json: {field} ")
