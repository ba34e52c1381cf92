"""``ics finance simulate``: the ledger's seeded random-operation simulator (VOPR-style).

It runs in its own fresh database (a temporary SQLite file, or a new schema on the
PostgreSQL server given with ``--database``, dropped afterwards), never in a workspace.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from integrated_care.cli.common import JsonOption, console, err_console, handle_errors, print_json
from integrated_care.finance.ledger.simulator import (
    FULL_CHECK_EVERY,
    SimulationFailure,
    SimulationReport,
    simulate,
)
from integrated_care.finance.money import format_gbp

PROGRESS_EVERY = 10_000


def register(app: typer.Typer) -> None:
    """Add ``ics finance simulate``."""
    app.command("simulate")(simulate_command)


@handle_errors
def simulate_command(
    seed: Annotated[int, typer.Option("--seed", help="The seed: the same seed, the same run.")],
    ops: Annotated[int, typer.Option("--ops", min=1, help="How many operations to run.")] = 100_000,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="A PostgreSQL server URL (a fresh schema is made and dropped) or a new "
            "SQLite URL; default: a temporary SQLite file.",
            show_default=False,
        ),
    ] = None,
    full_check_every: Annotated[
        int,
        typer.Option(
            "--full-check-every",
            min=1,
            help="Steps between full re-computations from every row (each step is always "
            "checked incrementally).",
        ),
    ] = FULL_CHECK_EVERY,
    json_output: JsonOption = False,
) -> None:
    """Run random ledger operations against the real ledger and a model; check after every
    step that nothing is lost (exit 1 with the replay command if anything disagrees)."""

    shown = [0]  # the last multiple of PROGRESS_EVERY reported (units end anywhere)

    def progress(step: int) -> None:
        if not json_output and step // PROGRESS_EVERY > shown[0]:
            shown[0] = step // PROGRESS_EVERY
            err_console.print(f"  {step:,} operations checked", highlight=False)

    try:
        report = simulate(
            seed,
            ops,
            database_url=database,
            full_check_every=full_check_every,
            progress=progress,
        )
    except SimulationFailure as failure:
        if json_output:
            print_json(
                {
                    "ok": False,
                    "seed": failure.seed,
                    "step": failure.step,
                    "operation": failure.label,
                    "reason": failure.reason,
                    "replay": failure.replay,
                }
            )
        else:
            err_console.print(f"[bold red]FAILED[/] {escape(str(failure))}", highlight=False)
        raise typer.Exit(code=1) from None
    if json_output:
        print_json({"ok": True, **report.to_dict()})
        return
    _summary(report)


def _summary(report: SimulationReport) -> None:
    outcomes = report.outcomes
    console.print(
        f"Ledger simulation passed: seed {report.seed}, {report.ops:,} operations on "
        f"{report.backend} in {report.seconds:.1f} s ({report.ops_per_s:,.0f} ops/s).",
        highlight=False,
    )
    console.print(
        f"  {outcomes['accepted']:,} accepted, {outcomes['replayed']:,} replayed, "
        f"{outcomes['refused']:,} refused as the model predicted; "
        f"{report.labels['unit:commit']:,} units committed, "
        f"{report.labels['unit:rollback']:,} rolled back.",
        highlight=False,
    )
    console.print(
        f"  {report.journals:,} journals, {report.legs:,} legs, {report.commitments:,} "
        f"commitments, {report.accounts} accounts, {report.closed_periods} periods closed; "
        f"Σ debits = Σ credits = {format_gbp(report.total_debits)}; "
        f"{report.full_checks} full checks.",
        highlight=False,
    )
