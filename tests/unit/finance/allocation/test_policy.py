"""The policy file: packaged policies load by name or path; a bad one is refused with one
error naming the field."""

from __future__ import annotations

import json
from fractions import Fraction
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.engine import allocate
from integrated_care.finance.allocation.policy import (
    load_policy,
    packaged_policies,
    parse_policy,
)
from integrated_care.finance.allocation.workbook import parse_allocations


def minimal() -> dict[str, Any]:
    return {
        "format": "ics-allocation-policy/1",
        "year": "2024/25",
        "streams": {
            "core": {
                "method": "multiplicative",
                "below_target": {"share_closed": "1/15", "limit": "0.002"},
                "above_target": {"share_closed": "1", "limit": "0.0136"},
                "round_to_k_places": 0,
            }
        },
    }


def refused(document: Any, *words: str) -> InvalidInput:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(InvalidInput) as caught:
        parse_policy(text, "p.json")
    assert caught.value.input_name == "p.json"
    assert caught.value.expected
    for word in words:
        assert word in caught.value.message
    return caught.value


def test_packaged_policies_are_the_three_years() -> None:
    assert packaged_policies() == ["2023-24", "2024-25", "2025-26"]
    for name in packaged_policies():
        policy = load_policy(name)
        assert policy.year == name.replace("-", "/")
        assert load_policy(policy.year).streams.keys() == policy.streams.keys()


def test_a_policy_loads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    policy = load_policy(str(path))
    core = policy.streams["core"]
    assert policy.name == "mine.json"
    assert core.below_target is not None
    assert core.below_target.share_closed == Fraction(1, 15)
    assert core.base_growth is None  # from the file by default


def test_numbers_are_exact_decimals_never_floats() -> None:
    document = json.dumps(minimal()).replace('"0.002"', "0.1")  # a JSON number
    policy = parse_policy(document, "p.json")
    below = policy.streams["core"].below_target
    assert below is not None
    assert below.limit == Fraction(1, 10)  # exactly one tenth, not the binary float


def test_unknown_policy_names_list_the_packaged_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        load_policy("2019-20")
    assert "2025-26" in (caught.value.expected or "")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(format="v2"), ("format",)),
        (lambda d: d.update(year="2024"), ("year",)),
        (lambda d: d.update(streams={}), ("streams", "empty")),
        (lambda d: d["streams"].update(dental={"method": "none"}), ("streams.dental",)),
        (lambda d: d["streams"]["core"].update(method="compound"), ("streams.core.method",)),
        (lambda d: d["streams"]["core"].pop("above_target"), ("streams.core.above_target",)),
        (
            lambda d: d["streams"]["core"]["below_target"].update(share_closed="3/2"),
            ("streams.core.below_target.share_closed", "out of range"),
        ),
        (
            lambda d: d["streams"]["core"]["below_target"].update(limt="0.1"),
            ("streams.core.below_target.limt", "not a known field"),
        ),
        (
            lambda d: d["streams"]["core"]["below_target"].update(limit="a lot"),
            ("streams.core.below_target.limit", "not a number"),
        ),
        (
            lambda d: d["streams"]["core"].update(overrides={"QT1": {"convergence": "0.01"}}),
            ("streams.core.overrides.QT1.reason", "missing"),
        ),
        (
            lambda d: d["streams"]["core"].update(
                overrides={"QT1": {"convergence": "0.01", "reason": " "}}
            ),
            ("reason", "empty"),
        ),
        (
            lambda d: d["streams"]["core"].update(gap_against="new_target"),
            ("streams.core.new_target", "missing"),
        ),
        (lambda d: d["streams"]["core"].update(round_to_k_places=1.5), ("round_to_k_places",)),
    ],
)
def test_bad_policies_are_refused_naming_the_field(change: Any, words: tuple[str, ...]) -> None:
    document = minimal()
    change(document)
    refused(document, *words)


def test_invalid_json_names_the_line() -> None:
    refused('{"format": ', "not valid JSON", "line 1")


def test_a_policy_for_another_year_is_refused() -> None:
    data = parse_allocations(
        "allocation_year,stream,icb_ods_code,icb_name,baseline_k,fair_shares_target_k,base_growth\n"
        "2023/24,core,QT1,N&N,100,100,0.05\n",
        "a.csv",
    )
    with pytest.raises(InvalidInput, match=r"is for 2024/25 but a\.csv is for 2023/24"):
        allocate(data, parse_policy(json.dumps(minimal()), "p.json"))


def test_overrides_apply_and_are_flagged() -> None:
    document = minimal()
    document["streams"]["core"]["overrides"] = {
        "QT1": {"convergence": "0.001", "reason": "published figure follows no rule"}
    }
    data = parse_allocations(
        "allocation_year,stream,icb_ods_code,icb_name,baseline_k,fair_shares_target_k,base_growth\n"
        "2024/25,core,QT1,N&N,1000,900,0.03\n2024/25,core,QHM,NENC,1000,900,0.03\n",
        "a.csv",
    )
    result = allocate(data, parse_policy(json.dumps(document), "p.json")).stream("core")
    qt1, qhm = result.lines
    # 1000 x 1.03 x 1.001 = 1031.03 -> 1031; QHM is 11.1% over target: floored at -1.36%,
    # 1000 x 1.03 x 0.9864 = 1015.992 -> 1016.
    assert (qt1.recurrent_k, qt1.overridden) == (1031, True)
    assert (qhm.recurrent_k, qhm.overridden) == (1016, False)
    assert result.overrides == (("QT1", "published figure follows no rule"),)


def test_every_packaged_policy_is_valid_json_with_no_floats() -> None:
    folder = files("integrated_care.finance").joinpath("policies")
    floats: list[str] = []
    for name in packaged_policies():
        text = folder.joinpath(f"{name}.json").read_text(encoding="utf-8")
        json.loads(text, parse_float=floats.append)
    assert floats == []


def test_a_policy_with_no_rules_for_the_files_streams_is_refused() -> None:
    document = minimal()
    document["streams"] = {"rca": {"method": "none"}}
    data = parse_allocations(
        "allocation_year,stream,icb_ods_code,icb_name,baseline_k,fair_shares_target_k,base_growth\n"
        "2024/25,core,QT1,N&N,100,100,0.03\n",
        "a.csv",
    )
    with pytest.raises(InvalidInput, match="has rules for none of"):
        allocate(data, parse_policy(json.dumps(document), "p.json"))
