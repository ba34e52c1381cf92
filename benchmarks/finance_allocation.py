"""Fair-shares allocation engine: how long the published computations take.

* **Allocate**: read NHS England's 2024/25 tidy allocation file (168 rows: 42 ICBs x core,
  PMC, other primary care, RCA) from text and compute every ICB's allocation by the packaged
  2024/25 policy, exactly (``Fraction`` arithmetic, one rounding at the end).
* **ICB targets**: target shares and need indices against England in all nine components
  from the 6,553 practice weighted populations of 2024/25 (practices already loaded).
* **Place indices**: for every ICB, each local authority district's practices as a place,
  need indices in all nine components against the ICB (the place tool's method).
* **Policy**: parse and check the packaged 2025/26 policy (84 need weights).

No target is set by the issue for these; they show the engine is cheap enough to run on
every page view and API call. Runs alone too: ``python -m benchmarks.finance_allocation``
(writes ``benchmarks/results/finance_allocation.json`` and ``.md``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from benchmarks.common import Config, Result, peak_rss_mb, repeat, say, summarised
from integrated_care.finance.allocation.engine import allocate
from integrated_care.finance.allocation.fair_shares import need_indices, targets_for
from integrated_care.finance.allocation.policy import load_policy
from integrated_care.finance.allocation.workbook import parse_allocations
from integrated_care.reference.weighted_population import (
    PracticeWeightedPopulation,
    practice_weighted_populations,
)

AREA = "finance_allocation"
YEAR = "2024/25"
RESULTS = Path(__file__).resolve().parent / "results"


def _allocate(config: Config) -> Result:
    text = (
        files("integrated_care.reference")
        .joinpath("data", "icb_allocations_2024_25.csv")
        .read_text(encoding="utf-8")
    )
    policy = load_policy("2024-25")
    checked: dict[str, Any] = {}

    def run() -> None:
        result = allocate(parse_allocations(text, "icb_allocations_2024_25.csv"), policy)
        checked["rows"] = sum(len(s.lines) for s in result.streams)
        checked["max_core_diff"] = str(result.stream("core").max_abs_difference_k)

    samples = repeat(run, 10 if config.quick else 50, warmup=2)
    return summarised(
        "finance_allocation.allocate_2024_25",
        AREA,
        "parse the 2024/25 tidy file and allocate 42 ICBs x 4 streams by the policy",
        samples,
        items=checked["rows"],
        unit="ICB-streams/s",
        extra=checked,
    )


def _targets(config: Config, practices: list[PracticeWeightedPopulation]) -> Result:
    samples = repeat(lambda: targets_for(YEAR, practices), 3 if config.quick else 10, warmup=1)
    return summarised(
        "finance_allocation.icb_targets_2024_25",
        AREA,
        f"ICB target shares and need indices, 9 components, from {len(practices):,} practices",
        samples,
        items=len(practices),
        unit="practices/s",
    )


def _places(config: Config, practices: list[PracticeWeightedPopulation]) -> Result:
    by_icb: dict[str, list[PracticeWeightedPopulation]] = defaultdict(list)
    for practice in practices:
        by_icb[practice.icb_ods_code].append(practice)
    places = [
        (icb_practices, [p for p in icb_practices if p.lad_code == lad])
        for icb_practices in by_icb.values()
        for lad in sorted({p.lad_code for p in icb_practices})
    ]

    def run() -> None:
        for reference, members in places:
            need_indices(members, reference)

    samples = repeat(run, 2 if config.quick else 5, warmup=1)
    return summarised(
        "finance_allocation.place_indices_2024_25",
        AREA,
        f"need indices in 9 components for {len(places)} ICB x district places against their ICB",
        samples,
        items=len(places),
        unit="places/s",
        extra={"places": len(places)},
    )


def _policy(config: Config) -> Result:
    samples = repeat(lambda: load_policy("2025-26"), 20 if config.quick else 100, warmup=2)
    return summarised(
        "finance_allocation.policy_2025_26",
        AREA,
        "read and check the packaged 2025/26 policy",
        samples,
        items=1,
        unit="policies/s",
    )


def run(config: Config | None = None) -> list[Result]:
    config = config or Config(quick=False)
    say("finance_allocation: loading practice weighted populations")
    practices = practice_weighted_populations(YEAR)
    return [
        _allocate(config),
        _targets(config, practices),
        _places(config, practices),
        _policy(config),
    ]


def _markdown(document: dict[str, Any]) -> str:
    from benchmarks.report import rate, seconds

    lines = [
        "# Fair-shares allocation benchmarks",
        "",
        f"Written by `python -m benchmarks.finance_allocation` ({document['mode']} mode) on "
        f"{document['date_utc']}; {document['wall_s']:.1f} s, peak RSS "
        f"{document['peak_rss_mb']} MB. Machine: {document['machine']}.",
        "",
        "| benchmark | what it measures | n | best | median | throughput |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {r.name} | {r.measures} | {r.n} | {seconds(r.best_s)} | "
        f"{seconds(r.median_s)} | {rate(r.throughput, r.throughput_unit)} |"
        for r in (Result.from_dict(item) for item in document["benchmarks"])
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import os
    import platform

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results = run(Config(quick=args.quick))
    document = {
        "area": AREA,
        "mode": "quick" if args.quick else "full",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_s": round(time.perf_counter() - start, 2),
        "peak_rss_mb": peak_rss_mb(),
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}",
        "benchmarks": [r.to_dict() for r in results],
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / f"{AREA}.json").write_text(
        json.dumps(document, indent=2) + "\n", encoding="utf-8"
    )
    (args.output / f"{AREA}.md").write_text(_markdown(document), encoding="utf-8")
    print(_markdown(document))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
