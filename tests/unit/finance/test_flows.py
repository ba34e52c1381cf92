"""Flows between account groups, derived from journal legs: every penny assigned once,
reversals net off, and pools counted by the ICB fund they came from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from integrated_care.finance.flows import (
    HOLDER,
    POT,
    SOURCE,
    USE,
    Names,
    Transfer,
    flows,
    line_label,
    pooled_by_fund,
    transfers,
    with_unallocated,
)
from integrated_care.finance.ledger.model import Leg

FUNDING = "icb:core-2025-26:nhse-funding"
POT_ACCOUNT = "icb:core-2025-26:unallocated"
CITY = "place:nottingham-city:core-2025-26:budget"
CITY_MH = "place:nottingham-city:core-2025-26:spend:mental-health"
BASSETLAW = "place:bassetlaw:core-2025-26:budget"
RETAINED = "icb:core-2025-26:spend:specialist-services"
POOL = "pool:city-s75:core-2025-26:fund"


def test_a_three_leg_delegation_pairs_penny_for_penny() -> None:
    legs = (Leg(POT_ACCOUNT, -100), Leg(CITY, 60), Leg(BASSETLAW, 40))
    assert transfers(legs) == [
        Transfer(POT_ACCOUNT, CITY, 60),
        Transfer(POT_ACCOUNT, BASSETLAW, 40),
    ]


def test_uneven_legs_split_across_each_other_in_order() -> None:
    legs = (Leg("a", -30), Leg("b", -70), Leg("c", 50), Leg("d", 50))
    assert transfers(legs) == [
        Transfer("a", "c", 30),
        Transfer("b", "c", 20),
        Transfer("b", "d", 50),
    ]


@given(
    st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=6),
    st.lists(st.integers(min_value=1, max_value=10), min_size=1, max_size=6),
)
def test_transfers_account_for_every_penny_of_a_balanced_journal(
    credits_: list[int], weights: list[int]
) -> None:
    total = sum(credits_)
    # Debits: the same total spread over other accounts (the last takes the remainder).
    share = [total * w // sum(weights) for w in weights]
    share[-1] += total - sum(share)
    legs = tuple(Leg(f"c{i}", -v) for i, v in enumerate(credits_)) + tuple(
        Leg(f"d{i}", v) for i, v in enumerate(share) if v
    )
    moved = transfers(legs)
    assert sum(t.amount for t in moved) == total
    for i, v in enumerate(credits_):
        assert sum(t.amount for t in moved if t.credit == f"c{i}") == v


def test_flows_follow_the_columns_and_name_places() -> None:
    moves = [
        Transfer(FUNDING, POT_ACCOUNT, 1000),
        Transfer(POT_ACCOUNT, CITY, 300),
        Transfer(CITY, CITY_MH, 100),
        Transfer(POT_ACCOUNT, RETAINED, 200),
    ]
    names = Names({"nottingham-city": "Nottingham City"}, {}, {})
    found = {(f.source.key, f.target.key): f for f in flows(moves, names)}
    assert {k: f.amount for k, f in found.items()} == {
        ("stream:core", "pot"): 1000,
        ("pot", "place:nottingham-city"): 300,
        ("place:nottingham-city", "spend:mental-health"): 100,
        ("pot", "retained"): 200,
        ("retained", "spend:specialist-services"): 200,
    }
    city = found[("pot", "place:nottingham-city")]
    assert (city.source.column, city.target.column) == (POT, HOLDER)
    assert city.target.label == "Place: Nottingham City"
    assert found[("stream:core", "pot")].source.column == SOURCE
    assert found[("retained", "spend:specialist-services")].target.column == USE
    assert found[("retained", "spend:specialist-services")].target.label == "Specialist services"


def test_a_reversal_nets_off_and_a_full_reversal_disappears() -> None:
    moves = [
        Transfer(POT_ACCOUNT, CITY, 300),
        Transfer(CITY, POT_ACCOUNT, 100),  # part handed back
        Transfer(POT_ACCOUNT, BASSETLAW, 50),
        Transfer(BASSETLAW, POT_ACCOUNT, 50),  # all handed back
    ]
    found = {(f.source.key, f.target.key): f.amount for f in flows(moves)}
    assert found == {("pot", "place:nottingham-city"): 200}


def test_pools_appear_from_the_icb_accounts_and_partners() -> None:
    moves = [
        Transfer(POT_ACCOUNT, POOL, 70),
        Transfer("pool:city-s75:core-2025-26:partner:E06000018", POOL, 30),
        Transfer(POOL, "pool:city-s75:core-2025-26:spend:reablement", 20),
    ]
    found = {(f.source.key, f.target.key): f.amount for f in flows(moves)}
    assert found == {
        ("pot", "pool:city-s75"): 70,
        ("partner:E06000018", "pool:city-s75"): 30,
        ("pool:city-s75", "spend:reablement"): 20,
    }
    assert pooled_by_fund(moves) == {"core-2025-26": 70}
    assert pooled_by_fund([*moves, Transfer(POOL, POT_ACCOUNT, 10)]) == {"core-2025-26": 60}


def test_flows_are_ordered_largest_first_and_deterministic() -> None:
    moves = [Transfer(POT_ACCOUNT, BASSETLAW, 5), Transfer(POT_ACCOUNT, CITY, 5)]
    first = flows(moves)
    assert first == flows(list(reversed(moves)))
    assert [f.target.key for f in first] == ["place:bassetlaw", "place:nottingham-city"]


def test_line_labels_read_as_words() -> None:
    assert line_label("community-services") == "Community services"
    assert line_label("gp-services") == "GP services"
    assert line_label("") == "Unspecified"


def test_what_is_left_in_the_pot_is_shown() -> None:
    found = with_unallocated(flows([Transfer(FUNDING, POT_ACCOUNT, 10)]), 4)
    assert [(f.source.key, f.target.key, f.amount) for f in found][-1] == ("pot", "unallocated", 4)
    assert with_unallocated([], 0) == []
