"""Writing the results: ``foundation.json`` (everything) and ``foundation.md`` (a table)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.common import OK, Result

TITLES = {
    "reference": "1. Reference data: cold loads",
    "init": "2. ics init for the ICBs",
    "structure": "3. Structure queries",
    "membership": "4. Membership writes",
    "api": "5. API latency (TestClient, N&N demo)",
    "governance_rules": "6. Decision-rule evaluation (30-member board)",
    "register": "7. Public decision register (append, verify)",
}


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1e-3:
        return f"{value * 1e6:.3g} µs"
    if value < 1:
        return f"{value * 1e3:.3g} ms"
    return f"{value:.3g} s"


def rate(value: float | None, unit: str | None) -> str:
    if value is None or unit is None:
        return "–"
    shown = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    return f"{shown} {unit}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def markdown(document: dict[str, Any]) -> str:
    m = document["machine"]
    results = [Result.from_dict(r) for r in document["benchmarks"]]
    pg = m.get("postgresql") or f"unreachable ({m.get('postgresql_unreachable')})"
    git = m.get("git") or {}
    code = str(git.get("commit")) + (
        " with uncommitted changes" if git.get("uncommitted_changes") else ""
    )
    lines = [
        "# Foundation benchmarks",
        "",
        f"Written by `python -m benchmarks.run` ({document['mode']} mode) on {m['date_utc']}; "
        f"whole run {document['total_wall_s']:.1f} s. See `benchmarks/README.md` for what each "
        "benchmark does; `foundation.json` has every number (and per-ICB init times).",
        "",
        f"Machine: {m['cpu_count']} CPUs ({m.get('cpu_model') or 'unknown model'}), "
        f"{m.get('memory_gib')} GiB RAM, {m['platform']}. Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {pg}, DuckDB {m['duckdb']}, "
        f"SQLAlchemy {m.get('sqlalchemy')}, FastAPI {m.get('fastapi')}. "
        f"Code: {code}. "
        f"Load average at start: {', '.join(str(x) for x in m.get('load_average_at_start', []))}.",
        "",
        "Times: best and median of n timed samples (p95 and max where a distribution matters). "
        "Throughput uses the best time unless its note says otherwise.",
    ]
    for area, meta in document["areas"].items():
        lines += ["", f"## {TITLES.get(area, area)}", ""]
        lines.append(
            f"Ran {meta.get('run_at')} ({meta.get('mode')}), {meta.get('wall_s', 0):.1f} s, "
            f"peak RSS {meta.get('peak_rss_mb')} MB"
            + (f"; **failed**: {meta['error']}" if meta.get("error") else "")
            + "."
        )
        lines += [
            "",
            "| benchmark | what it measures | n | best | median | p95 | max | throughput |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in (r for r in results if r.area == area):
            if r.status != OK:
                lines.append(
                    f"| {r.name} | {_cell(r.measures)} | – | **{r.status}** | "
                    f"{_cell(r.note or '')} | | | |"
                )
                continue
            what = r.measures + (f" — {r.note}" if r.note else "")
            lines.append(
                f"| {r.name} | {_cell(what)} | {r.n} | {seconds(r.best_s)} | "
                f"{seconds(r.median_s)} | {seconds(r.p95_s)} | {seconds(r.max_s)} | "
                f"{rate(r.throughput, r.throughput_unit)} |"
            )
    missing = [r for r in results if r.status != OK]
    lines += ["", "## Unavailable or skipped", ""]
    if missing:
        lines += [f"* `{r.name}`: {r.status} — {r.note}" for r in missing]
    else:
        lines.append("Nothing: every benchmark ran.")
    return "\n".join(lines) + "\n"


def write_markdown(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(document), encoding="utf-8")
