"""The 2025/26 policy against NHS England's published 2025/26 figures (research note
finance-anchors.md, section 1.2 check points and section 7.4 table), to the precision they
are published. The 2025/26 tidy file itself is held back, so each check builds the rows it
needs from published numbers.

2025/26 uses one base growth for every ICB (core 4.37%), so the gap is measured against the
2025/26 target: England's target (£110,040m in 2024/25, section 1.4) grown by 4.37% and shared
by each ICB's 2025/26 core weighted population.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest

from integrated_care.finance.allocation.engine import allocate
from integrated_care.finance.allocation.policy import Policy, load_policy
from integrated_care.finance.allocation.workbook import parse_allocations

ENGLAND_TARGET_2024_25_K = Fraction(110_040_000)  # section 1.4: £110,040m
HEADER = "allocation_year,stream,icb_ods_code,icb_name,baseline_k,fair_shares_target_k,base_growth"

# Section 7.4: ICB, core recurrent £m, core DfT 2024/25, convergence 2025/26, DfT after.
TABLE_7_4 = """
QOX 1740.2 +1.88 -0.362 +1.44|QHG 1856.6 -2.15 +0.421 -1.69|QHL 2934.1 -4.95 +0.500 -4.42
QUA 2538.4 -0.23 +0.044 -0.18|QUY 1939.5 -1.25 +0.253 -1.02|QU9 3150.8 -1.53 +0.314 -1.26
QUE 1718.2 +2.62 -0.500 +2.10|QYG 5893.6 +4.66 -0.500 +4.13|QT6 1244.3 +2.91 -0.500 +2.32
QWU 1912.7 -0.22 +0.052 -0.21|QJ2 2188.6 +1.45 -0.286 +1.14|QJK 2552.6 +6.31 -0.500 +5.68
QVV 1625.3 +4.20 -0.500 +3.56|QNQ 1365.9 +0.48 -0.096 +0.38|QR1 1202.7 +2.44 -0.477 +1.89
QOP 6329.5 +1.42 -0.297 +1.18|QRL 3572.0 +1.90 -0.366 +1.46|QGH 1558.0 +4.09 -0.500 +3.47
QM7 2887.4 +4.43 -0.500 +3.90|QOQ 3413.9 +1.26 -0.243 +0.97|QKS 3697.1 +2.45 -0.490 +1.95
QE1 3910.7 +4.90 -0.500 +4.36|QK1 2029.0 +0.43 -0.084 +0.34|QJM 1596.4 +4.68 -0.500 +4.08
QH8 2351.9 +4.09 -0.500 +3.58|QMM 2166.6 +2.70 -0.500 +2.10|QMJ 3179.5 +1.24 -0.264 +1.05
QMF 4132.7 -2.28 +0.431 -1.73|QHM 6662.3 +2.75 -0.500 +2.23|QRV 4642.8 -2.83 +0.500 -2.28
QPM 1469.6 +0.08 -0.023 +0.09|QT1 2368.9 -0.76 +0.153 -0.61|QOC 1031.9 +3.36 -0.500 +2.77
QSL 1192.3 +4.39 -0.500 +3.75|QKK 3946.8 +6.27 -0.500 +5.85|QWE 2952.8 +3.96 -0.500 +3.52
QF7 2922.7 +1.29 -0.254 +1.01|QNC 2318.5 +2.44 -0.477 +1.90|QJG 1994.9 +1.50 -0.285 +1.14
QXU 2030.2 +8.64 -0.500 +8.05|QNX 3589.6 +6.99 -0.500 +6.40|QWO 4929.4 -0.61 +0.110 -0.44
"""


def table() -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]:
    rows = {}
    for cell in TABLE_7_4.replace("\n", "|").split("|"):
        if cell.strip():
            code, recurrent, dft, convergence, after = cell.split()
            rows[code] = (
                Decimal(recurrent),
                *(Decimal(v) / 100 for v in (dft, convergence, after)),
            )
    return rows  # type: ignore[return-value]


def policy_with_england_target(policy: Policy) -> Policy:
    """The packaged 2025/26 policy, told England's target (the held-back file would give it
    as the sum of its targets)."""
    core = policy.streams["core"]
    assert core.new_target is not None
    target = dataclasses.replace(core.new_target, england_target_k=ENGLAND_TARGET_2024_25_K)
    return dataclasses.replace(
        policy, streams={"core": dataclasses.replace(core, new_target=target)}
    )


def run(rows: list[tuple[str, Decimal, Decimal]]) -> dict[str, object]:
    text = HEADER + "\n" + "".join(f"2025/26,core,{c},{c},{b},{t},\n" for c, b, t in rows)
    data = parse_allocations(text, "2025-26 check.csv")
    result = allocate(data, policy_with_england_target(load_policy("2025-26")), ["core"])
    return {line.icb_ods_code: line for line in result.stream("core").lines}


def test_the_policy_states_the_published_parameters() -> None:
    policy = load_policy("2025-26")
    core, pmc = policy.streams["core"], policy.streams["pmc"]
    assert (core.base_growth, pmc.base_growth) == (Fraction("0.0437"), Fraction("0.0309"))
    for rules in (core, pmc):
        assert rules.below_target is not None
        assert rules.above_target is not None
        for side in (rules.below_target, rules.above_target):
            assert (side.share_closed, side.limit) == (Fraction(1, 5), Fraction(5, 1000))
        assert rules.overrides == {}


def test_north_east_and_north_cumbria_is_floored_at_minus_half_a_percent() -> None:
    # Section 1.2: £6,415,425k x 1.0437 x 0.995 = £6,662,300k (published £6,662,300k).
    line = run([("QHM", Decimal(6_415_425), Decimal(6_243_000))])["QHM"]
    assert line.convergence == Fraction(-5, 1000)  # type: ignore[attr-defined]
    assert line.recurrent_k == 6_662_300  # type: ignore[attr-defined]


def test_humber_and_north_yorkshire_closes_a_fifth_of_its_gap() -> None:
    # Section 1.2: £3,278,872k x 1.0437 x (1 - 0.002427) = £3,413,852k.
    line = run([("QOQ", Decimal(3_278_872), Decimal(3_238_000))])["QOQ"]
    assert round(line.convergence * 1_000_000) == -2427  # type: ignore[attr-defined]
    assert line.recurrent_k == 3_413_852  # type: ignore[attr-defined]


def test_every_icb_matches_the_published_convergence_table() -> None:
    """Section 7.4, for all 42 ICBs: convergence to its published 0.001% and the distance
    after convergence to its published 0.01%. Baselines are not in the table, so each is
    recovered from the published recurrent allocation (to £0.1m) and convergence; the
    tolerance carries that rounding."""
    published = table()
    assert len(published) == 42
    rows = []
    for code, (recurrent_m, dft, convergence, _after) in published.items():
        baseline = recurrent_m * 1000 / (Decimal("1.0437") * (1 + convergence))
        rows.append(
            (code, baseline.quantize(Decimal("0.001")), (baseline / (1 + dft)).quantize(Decimal(1)))
        )
    lines = run(rows)
    for code, (recurrent_m, _dft, convergence, after) in published.items():
        line = lines[code]
        baseline_slack = Fraction(1, 5) * Fraction(Decimal("0.05") / recurrent_m)
        tolerance = Fraction(5, 1_000_000) + baseline_slack + Fraction(1, 1_000_000)
        assert abs(line.convergence - Fraction(convergence)) <= tolerance, code  # type: ignore[attr-defined]
        assert abs(line.post_distance - Fraction(after)) <= Fraction(6, 100_000) + baseline_slack, (
            code
        )  # type: ignore[attr-defined]


def test_nottingham_and_nottinghamshire_gains() -> None:
    # Section 7.4: N&N -0.76% from target in 2024/25, +0.153% convergence, -0.61% after.
    recurrent_m, dft, convergence, _ = table()["QT1"]
    baseline = recurrent_m * 1000 / (Decimal("1.0437") * (1 + convergence))
    line = run([("QT1", baseline, baseline / (1 + dft))])["QT1"]
    assert line.rule == "below target: 1/5 of gap closed"  # type: ignore[attr-defined]
    # +0.153% as published to 0.001%; the baseline recovered from £2,368.9m (to £0.1m) moves
    # the computed rate by up to 0.2 x 0.05 / 2368.9 = 0.0004%.
    slack = Fraction(5, 1_000_000) + Fraction(1, 5) * Fraction(Decimal("0.05") / recurrent_m)
    assert abs(line.convergence - Fraction(153, 100_000)) <= slack  # type: ignore[attr-defined]


@pytest.mark.parametrize("stream", ["core", "pmc"])
def test_a_file_missing_an_icb_needs_the_england_target(stream: str) -> None:
    text = HEADER + f"\n2025/26,{stream},QT1,N&N,100,100,\n"
    from integrated_care.errors import InvalidInput

    with pytest.raises(InvalidInput, match="England target is unknown"):
        allocate(parse_allocations(text, "one.csv"), load_policy("2025-26"), [stream])


def test_a_file_in_the_published_layout_runs_end_to_end() -> None:
    """A 2025/26 file shaped like the held-back one (inputs only): the 2024/25 published
    recurrent allocations as baselines and the 2024/25 targets. Every ICB gets a convergence
    within +/-0.5%, its recurrent allocation is baseline x (1 + growth) x (1 + convergence)
    rounded half up to the £k, and other primary care (no 2025/26 rule) is reported as not
    computed."""
    from decimal import ROUND_HALF_UP

    from tests.unit.finance.allocation.conftest import csv_text, published_rows

    rows = []
    for row in published_rows("2024/25"):
        shaped = dict.fromkeys(row, "") | {
            k: row[k]
            for k in ("stream", "icb24_code", "icb_ods_code", "icb_name", "nhser_ods_code")
        }
        shaped["allocation_year"] = "2025/26"
        if row["stream"] in ("core", "pmc"):
            recurrent = Decimal(row["recurrent_allocation_k"])
            target = recurrent / (1 + Decimal(row["post_convergence_distance_from_target"]))
            shaped.update(
                baseline_k=row["recurrent_allocation_k"], fair_shares_target_k=str(target)
            )
        elif row["stream"] == "other_primary_care":
            shaped.update(baseline_k=row["recurrent_allocation_k"], base_growth="0.0347")
        rows.append(shaped)
    data = parse_allocations(csv_text(rows), "icb_allocations_2025_26.csv")
    result = allocate(data, load_policy("2025-26"))
    assert [s.stream for s in result.streams] == ["core", "pmc", "rca"]
    assert result.skipped_streams == ("other_primary_care",)
    for stream, growth in (("core", Decimal("0.0437")), ("pmc", Decimal("0.0309"))):
        block = result.stream(stream)
        assert len(block.lines) == 42
        assert block.estimated_target == (stream == "pmc")
        for line in block.lines:
            assert line.convergence is not None
            assert abs(line.convergence) <= Fraction(5, 1000)
            assert line.baseline_k is not None
            rate = Decimal(line.convergence.numerator) / Decimal(line.convergence.denominator)
            expected = (line.baseline_k * (1 + growth) * (1 + rate)).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            assert line.recurrent_k == expected, (stream, line.icb_ods_code)
            assert line.published_recurrent_k is None
