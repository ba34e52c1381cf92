"""Run the foundation benchmarks: ``python -m benchmarks.run [--quick] [--only NAME]``.

Each area runs in its own Python process (so process-wide caches start cold and the peak
RSS is the area's own), one after another; the results go to
``benchmarks/results/foundation.json`` and ``foundation.md``. With ``--only``, the named
areas replace their entries in an existing results file and the others are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import Config, Result, peak_rss_mb, say

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
AREAS = (
    "reference",
    "init",
    "structure",
    "membership",
    "api",
    "governance_rules",
    "register",
    "finance_allocation",
    "finance_ledger",
)
AREA_TIMEOUT_S = 900


def _area_runner(area: str) -> Callable[[Config], list[Result]]:
    # Imported lazily so that a worker only imports what its area needs.
    if area == "reference":
        from benchmarks import reference

        return reference.run
    if area == "init":
        from benchmarks import init_icbs

        return init_icbs.run
    if area == "structure":
        from benchmarks import structure

        return structure.run
    if area == "membership":
        from benchmarks import membership_writes

        return membership_writes.run
    if area == "api":
        from benchmarks import api

        return api.run
    if area == "governance_rules":
        from benchmarks import governance_rules

        return governance_rules.run
    if area == "register":
        from benchmarks import register

        return register.run
    if area == "finance_allocation":
        from benchmarks import finance_allocation

        return finance_allocation.run
    if area == "finance_ledger":
        from benchmarks import finance_ledger

        return finance_ledger.run
    raise ValueError(f"unknown area {area}")


def _worker(area: str, quick: bool, result_file: Path) -> int:
    """Run one area in this process and write its results as JSON."""
    os.environ.pop("ICS_DATABASE_URL", None)  # SQLite workspaces must stay SQLite
    start = time.perf_counter()
    results = _area_runner(area)(Config(quick=quick))
    payload = {
        "results": [r.to_dict() for r in results],
        "wall_s": time.perf_counter() - start,
        "peak_rss_mb": peak_rss_mb(),
    }
    result_file.write_text(json.dumps(payload), encoding="utf-8")
    return 0


def _run_area(area: str, quick: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    say(f"[{area}]")
    env = os.environ.copy()
    env.pop("ICS_DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="ics-bench-") as folder:
        out = Path(folder) / "result.json"
        command = [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--worker",
            area,
            "--result-file",
            str(out),
        ] + (["--quick"] if quick else [])
        started = datetime.now(UTC).isoformat(timespec="seconds")
        begin = time.perf_counter()
        meta: dict[str, Any] = {"run_at": started, "mode": "quick" if quick else "full"}
        try:
            done = subprocess.run(command, cwd=ROOT, env=env, timeout=AREA_TIMEOUT_S, check=False)
            code: int | str = done.returncode
        except subprocess.TimeoutExpired:
            code = f"timed out after {AREA_TIMEOUT_S} s"
        meta["wall_s"] = round(time.perf_counter() - begin, 2)
        meta["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        if code != 0 or not out.exists():
            meta["error"] = f"the {area} worker failed (exit {code}); see its output above"
            say(f"[{area}] FAILED: {meta['error']}")
            return meta, []
        payload = json.loads(out.read_text(encoding="utf-8"))
    meta["peak_rss_mb"] = payload["peak_rss_mb"]
    meta["benchmark_s"] = round(payload["wall_s"], 2)
    say(f"[{area}] {meta['wall_s']:.1f} s, peak RSS {meta['peak_rss_mb']} MB")
    results: list[dict[str, Any]] = payload["results"]
    return meta, results


def _selected(only: list[str] | None) -> list[str]:
    if not only:
        return list(AREAS)
    names = [n.strip() for item in only for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in AREAS]
    if unknown:
        raise SystemExit(
            f"Unknown benchmark area(s): {', '.join(unknown)}. Choose from: {', '.join(AREAS)}."
        )
    return [a for a in AREAS if a in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="Run the foundation benchmarks."
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer ICBs, repetitions and events (under a minute)"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these areas (repeatable or comma-separated): {', '.join(AREAS)}",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="folder for foundation.json and foundation.md"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        return _worker(args.worker, args.quick, args.result_file)

    from benchmarks import report
    from benchmarks.common import POSTGRES_URL
    from benchmarks.machine import facts

    areas = _selected(args.only)
    start = time.perf_counter()
    machine = facts(POSTGRES_URL)
    if machine["postgresql_unreachable"]:
        say(f"PostgreSQL benchmarks will be skipped: {machine['postgresql_unreachable']}")
    json_path = args.output / "foundation.json"
    document: dict[str, Any] = {"suite": "foundation", "areas": {}, "benchmarks": []}
    if args.only and json_path.exists():
        document = json.loads(json_path.read_text(encoding="utf-8"))
        document["benchmarks"] = [b for b in document["benchmarks"] if b["area"] not in areas]
    for area in areas:
        meta, results = _run_area(area, args.quick)
        document["areas"][area] = meta
        document["benchmarks"] += results
    document["areas"] = {a: document["areas"][a] for a in AREAS if a in document["areas"]}
    document["benchmarks"].sort(key=lambda b: AREAS.index(b["area"]))
    modes = {meta["mode"] for meta in document["areas"].values()}
    document["mode"] = modes.pop() if len(modes) == 1 else "mixed"
    document["command"] = " ".join(["python -m benchmarks.run", *(argv or sys.argv[1:])])
    document["machine"] = machine | {"load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    document["total_wall_s"] = round(time.perf_counter() - start, 2)
    report.write_json(json_path, document)
    report.write_markdown(args.output / "foundation.md", document)
    failed = [a for a in areas if document["areas"][a].get("error")]
    say(
        f"Wrote {json_path} and foundation.md in {document['total_wall_s']:.1f} s"
        + (f"; FAILED areas: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
