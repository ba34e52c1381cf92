"""``ics finance allocate`` and ``ics finance targets``: the fair-shares engine at the terminal.

``allocate`` reads a tidy allocation file and a convergence policy (a path or a packaged name
such as ``2025-26``) and prints, per ICB, the target, distance from target, base growth,
convergence and the rule that set it, and the recurrent allocation, with NHS England's
published figure and the difference when the file has one. ``targets`` prints ICB target
shares and need indices from NHS England's practice weighted populations. Pure reads: no
workspace is needed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from integrated_care.cli.common import JsonOption, handle_errors, print_json
from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation import report
from integrated_care.finance.allocation.convergence import percent
from integrated_care.finance.allocation.engine import AllocationResult, StreamResult, allocate
from integrated_care.finance.allocation.fair_shares import icb_targets
from integrated_care.finance.allocation.policy import load_policy, packaged_policies
from integrated_care.finance.allocation.workbook import STREAMS, read_allocations
from integrated_care.finance.chart import parse_financial_year, year_label
from integrated_care.reference.weighted_population import COMPONENTS

_INDEX_COLUMNS = {
    "core": "Core",
    "pmc": "PMC",
    "g_and_a": "G&A",
    "community": "Comm.",
    "mental_health": "MH",
    "maternity": "Mat.",
    "prescribing": "Presc.",
    "health_inequalities": "HI",
}


def _k(value: Decimal | None) -> str:
    if value is None:
        return "—"
    whole = value == value.to_integral_value()
    return f"{value:,.0f}" if whole else f"{value:,.3f}"


def _print_stream(console: Console, result: StreamResult) -> None:
    table = Table(title=f"{result.stream} ({result.method})", title_justify="left")
    for heading in ("ICB", "Name", "Baseline £k", "Target £k", "DfT", "Gap", "Growth"):
        table.add_column(heading, justify="left" if heading in {"ICB", "Name"} else "right")
    table.add_column("Convergence", justify="right")
    table.add_column("Rule / override")
    for heading in ("Recurrent £k", "Published £k", "Diff £k"):
        table.add_column(heading, justify="right")
    for line in result.lines:
        table.add_row(
            line.icb_ods_code + ("*" if line.overridden else ""),
            report.short_name(line.icb_name),
            _k(line.baseline_k),
            _k(line.target_k),
            _pct(line.distance_from_target),
            _pct(line.gap),
            _pct(line.base_growth),
            _pct(line.convergence, 3),
            line.rule,
            _k(line.recurrent_k),
            _k(line.published_recurrent_k),
            _k(line.difference_k),
        )
    console.print(table)
    console.print(_summary(result), highlight=False)
    for code, reason in result.overrides:
        console.print(f"  * {code}: override — {reason}", highlight=False)
    if result.estimated_target:
        console.print(
            "  Note: this stream's new-year target is an estimate (see the policy's source).",
            highlight=False,
        )


def _pct(value: Fraction | None, places: int = 2) -> str:
    return "—" if value is None else percent(value, places)


def _summary(result: StreamResult) -> str:
    parts = [f"{result.stream}: {len(result.lines)} ICBs"]
    if result.method == "none":
        parts.append("published allowance, not computed")
        if result.published_total_k is not None:
            parts.append(f"published £{_k(result.published_total_k)}k")
        return "; ".join(parts)
    parts.append(f"total £{_k(result.total_k)}k")
    if result.published_total_k is not None:
        parts.append(f"published £{_k(result.published_total_k)}k")
    if result.max_abs_difference_k is not None:
        parts.append(f"max |difference| £{_k(result.max_abs_difference_k)}k")
    parts.append(f"overrides: {len(result.overrides) or 'none'}")
    return "; ".join(parts)


def _print_result(result: AllocationResult) -> None:
    console = Console(width=max(Console().width, 200))
    console.print(
        f"{result.file_name} with policy {result.policy_name} ({result.year})", highlight=False
    )
    for stream in result.streams:
        _print_stream(console, stream)
    for skipped in result.skipped_streams:
        console.print(f"Not computed: {skipped} (the policy has no rules for it).", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``allocate`` and ``targets`` to ``ics finance``."""

    @app.command("allocate")
    @handle_errors
    def allocate_command(
        allocations: Annotated[
            Path,
            typer.Option("--allocations", help="Tidy allocation CSV (icb_allocations_*.csv)."),
        ],
        policy: Annotated[
            str,
            typer.Option(
                "--policy",
                help=f"Policy JSON file, or a packaged policy: {', '.join(packaged_policies())}.",
            ),
        ],
        stream: Annotated[
            str, typer.Option("--stream", help=f"{' | '.join(STREAMS)} | all")
        ] = "all",
        as_json: JsonOption = False,
    ) -> None:
        """Work out every ICB's allocation from its baseline, target and growth by the policy."""
        if stream != "all" and stream not in STREAMS:
            raise InvalidInput(
                f"Unknown stream '{stream}'.",
                input_name="--stream",
                expected=" | ".join((*STREAMS, "all")),
            )
        data = read_allocations(allocations)
        rules = load_policy(policy)
        result = allocate(data, rules, None if stream == "all" else [stream])
        if as_json:
            print_json(report.result_dict(result))
            return
        _print_result(result)

    @app.command("targets")
    @handle_errors
    def targets_command(
        year: Annotated[
            str, typer.Option("--year", help="Allocation year: 2023/24, 2024/25 or 2026/27.")
        ] = "2026/27",
        as_json: JsonOption = False,
    ) -> None:
        """ICB target shares and need indices (vs England) from practice weighted populations."""
        label = year_label(parse_financial_year(year))
        targets = icb_targets(label)
        if as_json:
            print_json(report.targets_dict(targets))
            return
        table = Table(
            title=f"ICB need indices {label} ({targets.practices:,} practices; England = 1.000)",
            title_justify="left",
        )
        table.add_column("ICB")
        table.add_column("Practices", justify="right")
        table.add_column("Population", justify="right")
        table.add_column("Core share", justify="right")
        for heading in _INDEX_COLUMNS.values():
            table.add_column(heading, justify="right")
        for icb in targets.icbs:
            table.add_row(
                icb.icb_ods_code,
                f"{icb.practices:,}",
                f"{icb.population:,.0f}",
                percent(icb.shares["core"], 4).lstrip("+"),
                *(str(icb.indices[key]) for key in _INDEX_COLUMNS if key in COMPONENTS),
            )
        Console(width=max(Console().width, 140)).print(table)
