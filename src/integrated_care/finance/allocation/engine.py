"""The allocation engine: a tidy allocation file and a policy in, each ICB's allocation out.

multiplicative (core, PMC):  recurrent = baseline x (1 + base growth) x (1 + convergence),
                             rounded half up to the £k as NHS England publishes it;
additive (other primary care): recurrent = baseline x (1 + base growth + convergence),
                             not rounded;
none (running cost allowance): the published allowance, shown but not computed.

Convergence comes from the policy's rules (``convergence.converge``), or from a per-ICB
override where the policy records one (each with its reason; the result is flagged). The
published convergence and recurrent figures in the file are never used as inputs; when
present they are shown with the difference. All arithmetic is exact (``Fraction``) until the
one final rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.convergence import Convergence, converge
from integrated_care.finance.allocation.exact import round_fraction
from integrated_care.finance.allocation.policy import Policy, StreamPolicy
from integrated_care.finance.allocation.workbook import STREAMS, AllocationFile, AllocationRow

UNROUNDED_PLACES = 9  # £k places kept for figures NHS England does not round (additive)
RATE_PLACES = 12  # places shown for rates


@dataclass(frozen=True, slots=True)
class AllocationLine:
    stream: str
    icb_ods_code: str
    icb_name: str
    region_code: str | None
    baseline_k: Decimal | None
    target_k: Decimal | None  # the file's target, in the baseline year's terms
    distance_from_target: Fraction | None  # baseline / target - 1
    new_target_k: Fraction | None  # the allocation year's target
    gap: Fraction | None  # distance from the new target after base growth
    base_growth: Fraction | None
    convergence: Fraction | None
    rule: str
    overridden: bool
    computed: bool  # False for a published figure passed through (rca)
    recurrent_k: Decimal | None
    post_distance: Fraction | None  # recurrent / new target - 1
    published_recurrent_k: Decimal | None
    difference_k: Decimal | None  # computed - published


@dataclass(frozen=True, slots=True)
class StreamResult:
    stream: str
    method: str
    notes: str
    lines: tuple[AllocationLine, ...]
    total_k: Decimal
    published_total_k: Decimal | None  # when every row has a published figure
    max_abs_difference_k: Decimal | None
    overrides: tuple[tuple[str, str], ...]  # (ICB code, reason)
    estimated_target: bool


@dataclass(frozen=True, slots=True)
class AllocationResult:
    file_name: str
    year: str
    policy_name: str
    policy_title: str
    streams: tuple[StreamResult, ...]
    skipped_streams: tuple[str, ...] = ()  # in the file, but the policy has no rules for them

    def stream(self, stream: str) -> StreamResult:
        for result in self.streams:
            if result.stream == stream:
                return result
        raise KeyError(stream)


def _fail(
    data: AllocationFile, row: AllocationRow | None, column: str | None, problem: str, expected: str
) -> InvalidInput:
    where = data.name if row is None else f"{data.name}, row {row.line}"
    if column:
        where += f", column '{column}'"
    return InvalidInput(f"{where}: {problem}", input_name=data.name, expected=expected)


def _growth(data: AllocationFile, row: AllocationRow, rules: StreamPolicy) -> Fraction:
    if rules.base_growth is not None:
        return rules.base_growth
    if row.base_growth is None:
        raise _fail(
            data,
            row,
            "base_growth",
            f"{row.icb_ods_code} {row.stream} has no base growth, and the policy takes it "
            "from the file.",
            "a rate, e.g. 0.0437",
        )
    return Fraction(row.base_growth)


def _new_targets(
    data: AllocationFile, rows: list[AllocationRow], rules: StreamPolicy
) -> dict[str, Fraction]:
    """The allocation year's target for each ICB in ``rows``."""
    if rules.gap_against == "file_target":
        # NHS England's 2023/24 and 2024/25 rounds: each ICB's target grew at its own base growth.
        return {
            r.icb_ods_code: Fraction(r.target_k or 0) * (1 + _growth(data, r, rules)) for r in rows
        }
    spec = rules.new_target
    assert spec is not None  # the policy reader insists on it
    for row in rows:
        if row.icb_ods_code not in spec.weights:
            raise _fail(
                data,
                row,
                "icb_ods_code",
                f"the policy's new-target weights have no {row.icb_ods_code}.",
                "an ICB in the policy's new_target.weights",
            )
    if spec.england_target_k is not None:
        england = spec.england_target_k
    else:
        absent = sorted(set(spec.weights) - {r.icb_ods_code for r in rows})
        if absent:
            raise _fail(
                data,
                None,
                "icb_ods_code",
                f"the {rules.stream} rows leave out {', '.join(absent[:5])}, so the England "
                "target is unknown.",
                "every ICB in the policy's weights, or new_target.england_target_k in the policy",
            )
        england = sum((Fraction(r.target_k or 0) for r in rows), Fraction(0))
    growth = spec.england_growth if spec.england_growth is not None else rules.base_growth
    assert growth is not None  # the policy reader insists on one of them
    total_weight = sum(spec.weights.values(), Fraction(0))
    grown = england * (1 + growth)
    return {r.icb_ods_code: grown * spec.weights[r.icb_ods_code] / total_weight for r in rows}


def _round(value: Fraction, places: int | None) -> Decimal:
    return round_fraction(value, UNROUNDED_PLACES if places is None else places)


def _line(
    data: AllocationFile, row: AllocationRow, rules: StreamPolicy, new_target: Fraction | None
) -> AllocationLine:
    published = row.published_recurrent_k
    if rules.method == "none":
        return AllocationLine(
            row.stream,
            row.icb_ods_code,
            row.icb_name,
            row.region_code,
            row.baseline_k,
            row.target_k,
            None,
            None,
            None,
            None,
            None,
            "published allowance (not computed)",
            False,
            False,
            published,
            None,
            published,
            None,
        )
    baseline = Fraction(row.baseline_k or 0)
    growth = _growth(data, row, rules)
    target = Fraction(row.target_k) if row.target_k else None
    distance = baseline / target - 1 if target else None
    gap = baseline * (1 + growth) / new_target - 1 if new_target else None
    override = rules.overrides.get(row.icb_ods_code)
    if override is not None:
        decided = Convergence(override.convergence, f"override: {override.reason}")
    elif rules.convergence_by_region is not None:
        region = row.region_code or ""
        if region not in rules.convergence_by_region:
            raise _fail(
                data,
                row,
                "nhser_ods_code",
                f"{row.icb_ods_code}'s region '{region}' has no rate in the policy.",
                "a region in convergence_by_region: "
                + ", ".join(sorted(rules.convergence_by_region)),
            )
        decided = Convergence(rules.convergence_by_region[region], f"region {region} rate")
    else:
        if gap is None:
            raise _fail(
                data,
                row,
                "fair_shares_target_k",
                f"{row.icb_ods_code} {row.stream} has no target, and the policy converges "
                "towards one.",
                "a target in £k above zero",
            )
        below, above = rules.below_target, rules.above_target
        assert below is not None  # the policy reader insists on both sides
        assert above is not None
        decided = converge(gap, below, above)
    if rules.method == "multiplicative":
        exact = baseline * (1 + growth) * (1 + decided.rate)
    else:
        exact = baseline * (1 + growth + decided.rate)
    recurrent = _round(exact, rules.round_to_k_places)
    post = Fraction(recurrent) / new_target - 1 if new_target else None
    return AllocationLine(
        row.stream,
        row.icb_ods_code,
        row.icb_name,
        row.region_code,
        row.baseline_k,
        row.target_k,
        distance,
        new_target,
        gap,
        growth,
        decided.rate,
        decided.rule,
        override is not None,
        True,
        recurrent,
        post,
        published,
        None if published is None else recurrent - published,
    )


def allocate_stream(data: AllocationFile, rules: StreamPolicy) -> StreamResult:
    rows = data.stream(rules.stream)
    targets: dict[str, Fraction] = {}
    if rules.method != "none" and all(r.target_k for r in rows):
        targets = _new_targets(data, rows, rules)
    elif rules.method != "none" and rules.gap_against == "new_target":
        missing = next(r for r in rows if not r.target_k)
        raise _fail(
            data,
            missing,
            "fair_shares_target_k",
            f"{missing.icb_ods_code} {missing.stream} has no target.",
            "a target in £k above zero",
        )
    lines = tuple(_line(data, r, rules, targets.get(r.icb_ods_code)) for r in rows)
    total = sum((line.recurrent_k or Decimal(0) for line in lines), Decimal(0))
    differences = [abs(line.difference_k) for line in lines if line.difference_k is not None]
    published = [line.published_recurrent_k for line in lines]
    return StreamResult(
        stream=rules.stream,
        method=rules.method,
        notes=rules.notes,
        lines=lines,
        total_k=total,
        published_total_k=sum((p for p in published if p is not None), Decimal(0))
        if published and None not in published
        else None,
        max_abs_difference_k=max(differences) if differences else None,
        overrides=tuple(
            (line.icb_ods_code, line.rule.removeprefix("override: "))
            for line in lines
            if line.overridden
        ),
        estimated_target=bool(
            rules.new_target and rules.new_target.estimated and rules.gap_against == "new_target"
        ),
    )


def allocate(
    data: AllocationFile, policy: Policy, streams: Sequence[str] | None = None
) -> AllocationResult:
    """Every ICB's allocation in ``streams`` (default: each stream in both file and policy)."""
    if policy.year != data.year:
        raise InvalidInput(
            f"The policy '{policy.name}' is for {policy.year} but {data.name} is for {data.year}.",
            input_name="policy",
            expected=f"a policy for {data.year}",
        )
    wanted = list(streams) if streams else [s for s in data.streams() if s in policy.streams]
    if not wanted:
        raise InvalidInput(
            f"The policy '{policy.name}' has rules for none of {data.name}'s streams "
            f"({', '.join(data.streams())}).",
            input_name="policy",
            expected="a policy with rules for " + " or ".join(data.streams()),
        )
    for stream in wanted:
        if stream not in STREAMS:
            raise InvalidInput(
                f"Unknown stream '{stream}'.", input_name="stream", expected=" or ".join(STREAMS)
            )
        if stream not in policy.streams:
            raise InvalidInput(
                f"The policy '{policy.name}' has no rules for the {stream} stream.",
                input_name="stream",
                expected=" or ".join(policy.streams),
            )
        if not data.stream(stream):
            raise InvalidInput(
                f"{data.name} has no {stream} rows.",
                input_name="stream",
                expected=" or ".join(data.streams()),
            )
    return AllocationResult(
        file_name=data.name,
        year=data.year,
        policy_name=policy.name,
        policy_title=policy.title,
        streams=tuple(allocate_stream(data, policy.streams[s]) for s in wanted),
        skipped_streams=()
        if streams
        else tuple(s for s in data.streams() if s not in policy.streams),
    )
