"""``ics finance`` place commands: place need indices, the scheme of delegation, delegating a
line's budget to places, place budget vs actual, and commitments or payments at place.

Amounts are typed in pounds and shown in pounds; ``--json`` prints pence.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli.common import (
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    optional_date,
    parse_date,
    print_json,
)
from integrated_care.finance.chart import parse_financial_year, year_label
from integrated_care.finance.delegation import COMPONENT_LABELS
from integrated_care.finance.money import format_gbp, parse_pounds
from integrated_care.finance.scheme import SchemeEntry
from integrated_care.finance.single_pot import parse_stream
from integrated_care.services.finance import delegation, place_budgets
from integrated_care.services.finance.pot_dicts import (
    budget_dict,
    delegation_dict,
    need_dict,
    posting_dict,
    scheme_entry_dict,
)

YearOption = Annotated[str, typer.Option("--year", help="Financial year, e.g. 2025/26.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Places on this date (default 1 April of the year).")
]
StreamOption = Annotated[
    str, typer.Option("--stream", help="core, pmc, specialised, pod, rca or non-recurrent.")
]
LineOption = Annotated[str, typer.Option("--line", help="Service line, e.g. community-services.")]
KeyOption = Annotated[
    str, typer.Option("--key", help="Idempotency key: the same key and request replay.")
]
WeightsOption = Annotated[
    str | None,
    typer.Option(
        "--weights-year",
        help="Weighted populations of 2023/24, 2024/25 or 2026/27 (default: the year that "
        "covers most of the places' practices, the latest of equals).",
    ),
]
INDEX_COLUMNS = ("core", "g_and_a", "community", "mental_health", "maternity", "prescribing",
                 "health_inequalities", "pmc")  # fmt: skip

scheme_app = typer.Typer(
    help="The scheme of delegation: lines, places, limits, approvers.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    for name, command in (
        ("place-indices", place_indices),
        ("delegate", delegate),
        ("place-budgets", budgets),
        ("place-spend", place_spend),
    ):
        app.command(name)(command)
    app.add_typer(scheme_app, name="scheme")


def _day(start: int, as_of: str | None) -> date:
    return parse_date(as_of, "--as-of") if as_of else date(start, 4, 1)


@handle_errors
def place_indices(
    year: YearOption,
    weights_year: WeightsOption = None,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Each place's need index per component: (place WP / list) / (ICB WP / list)."""
    start = parse_financial_year(year, input_name="--year")
    chosen = None
    if weights_year is not None:
        chosen = year_label(parse_financial_year(weights_year, input_name="--weights-year"))
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        report = delegation.need(uow, ws.system, day=_day(start, as_of), weights_year=chosen)
    if json_output:
        print_json(need_dict(report))
        return
    table = Table(
        "Place", "Practices", "List", *(COMPONENT_LABELS[c].split(" (")[0] for c in INDEX_COLUMNS),
        title=f"Place need indices for {year_label(start)} (ICB = 1.000; weighted populations "
        f"{report.weights_year})",
        title_justify="left",
    )  # fmt: skip
    for p in report.places:
        table.add_row(
            escape(p.name), str(p.practices), f"{p.population:,.0f}",
            *(str(p.indices[c]) for c in INDEX_COLUMNS),
        )  # fmt: skip
    _wide().print(table)
    for place, codes in report.missing.items():
        console.print(f"Not in the weights file ({place}): {', '.join(codes)}", highlight=False)
    if report.unplaced:
        console.print(
            f"In the weights file but in no place: {', '.join(report.unplaced)}", highlight=False
        )
    if report.in_several_places:
        console.print(f"In several places: {', '.join(report.in_several_places)}")


@handle_errors
def delegate(
    year: YearOption,
    stream: StreamOption,
    line: LineOption,
    amount: Annotated[str, typer.Option("--amount", help="Pounds to delegate, e.g. 150000000.")],
    on: Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD; places and scheme then.")],
    key: KeyOption,
    weights_year: WeightsOption = None,
    description: Annotated[str, typer.Option("--description", help="Why.")] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the split and check it; write nothing.")
    ] = False,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Delegate a line's budget to the places the scheme names, split by need."""
    start = parse_financial_year(year, input_name="--year")
    kind = parse_stream(stream, input_name="--stream")
    pence = parse_pounds(amount, input_name="--amount")
    day = parse_date(on, "--on")
    chosen = None
    if weights_year is not None:
        chosen = year_label(parse_financial_year(weights_year, input_name="--weights-year"))
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        if dry_run:
            parts, report, component, _ = delegation.preview(
                uow, ws.system, year=start, stream=kind, line=line, amount=pence, on=day,
                weights_year=chosen,
            )  # fmt: skip
            result = {"dry_run": True, "component": component, "weights_year": report.weights_year,
                      "amount": pence, "parts": parts}  # fmt: skip
        else:
            done = delegation.delegate(
                uow, ws.system, year=start, stream=kind, line=line, amount=pence, on=day,
                key=key, actor=LOCAL_OPERATOR, weights_year=chosen, description=description,
            )  # fmt: skip
            uow.commit()
            result = delegation_dict(done)
            parts = done.parts
    if json_output:
        print_json(result)
        return
    verb = "Would delegate" if dry_run else "Delegated"
    console.print(
        f"{verb} {format_gbp(pence)} of {line} ({kind.value} {year_label(start)}), split by "
        f"{result['component']} weighted population ({result['weights_year']}):",
        highlight=False,
    )
    for place, part in parts.items():
        console.print(f"  {place}: {format_gbp(part)}", highlight=False)
    console.print(f"  total: {format_gbp(sum(parts.values()))}", highlight=False)


@handle_errors
def budgets(
    year: YearOption,
    place: Annotated[str | None, typer.Option("--place", help="Only this place.")] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Place budget vs actual per delegated line: budget, committed, spent, available."""
    start = parse_financial_year(year, input_name="--year")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        if place is not None:
            found = [place_budgets.place_budget_for(uow, ws.system, start, place)]
        else:
            found = place_budgets.budgets(uow, ws.system, start)
    if json_output:
        print_json([budget_dict(b) for b in found])
        return
    table = Table("Place", "Line", "Stream", "Budget", "Committed", "Spent", "Available",
                  title=f"Place budgets {year_label(start)}")  # fmt: skip
    for b in found:
        for x in b.lines:
            table.add_row(
                escape(b.name), x.line, x.stream.value, format_gbp(x.budget),
                format_gbp(x.committed), format_gbp(x.spent), format_gbp(x.available),
            )  # fmt: skip
        table.add_row(
            f"[bold]{escape(b.name)}[/]", "[bold]all lines[/]", "", format_gbp(b.budget),
            format_gbp(b.committed), format_gbp(b.spent), format_gbp(b.available),
        )  # fmt: skip
    _wide().print(table)


@handle_errors
def place_spend(
    place: Annotated[str, typer.Option("--place", help="Place code.")],
    year: YearOption,
    stream: StreamOption,
    line: LineOption,
    amount: Annotated[str, typer.Option("--amount", help="Pounds.")],
    on: Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD.")],
    key: KeyOption,
    approved_by: Annotated[
        str | None, typer.Option("--approved-by", help="Must be the scheme's approver.")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Reserve only (post it later: ics finance commit).")
    ] = False,
    expires: Annotated[
        str | None, typer.Option("--expires", help="A commitment's expiry date.")
    ] = None,
    description: Annotated[str, typer.Option("--description", help="What for.")] = "",
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Commit or pay against a place's budget, within the scheme's limits."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        done = place_budgets.spend_at_place(
            uow, ws.system, place=place, year=parse_financial_year(year, input_name="--year"),
            stream=parse_stream(stream, input_name="--stream"), line=line,
            amount=parse_pounds(amount, input_name="--amount"), on=parse_date(on, "--on"),
            key=key, approved_by=approved_by, description=description, actor=LOCAL_OPERATOR,
            commit_only=commit, expires_on=optional_date(expires, "--expires"),
        )  # fmt: skip
        uow.commit()
    if json_output:
        print_json(posting_dict(done))
        return
    console.print(
        f"{done.kind.capitalize()} {done.id}: {format_gbp(done.amount)} for {done.line} at "
        f"{done.place}, approved by {escape(done.approved_by)}.",
        highlight=False,
    )


@scheme_app.command("list")
@handle_errors
def list_scheme(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Only entries in force then.")
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """The scheme of delegation."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = delegation.scheme(uow, ws.system, optional_date(as_of, "--as-of"))
    if json_output:
        print_json([scheme_entry_dict(e) for e in found])
        return
    table = Table("Id", "Place", "Stream", "Line", "Split by", "Approver", "Max budget",
                  "Max commitment", "From", "To", title="Scheme of delegation")  # fmt: skip
    for e in found:
        table.add_row(
            str(e.id), e.place, e.stream.value, e.line, e.component, escape(e.approver),
            format_gbp(e.max_budget) if e.max_budget is not None else "no limit",
            format_gbp(e.max_commitment) if e.max_commitment is not None else "no limit",
            e.valid_from.isoformat(), e.valid_to.isoformat() if e.valid_to else "",
        )  # fmt: skip
    _wide().print(table)


@scheme_app.command("add")
@handle_errors
def add_entry(
    place: Annotated[str, typer.Option("--place", help="Place code.")],
    stream: StreamOption,
    line: LineOption,
    component: Annotated[
        str, typer.Option("--component", help="Split by: " + ", ".join(COMPONENT_LABELS))
    ],
    approver: Annotated[
        str, typer.Option("--approver", help="A partnership/governance body code or role:<role>.")
    ],
    valid_from: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    valid_to: Annotated[str | None, typer.Option("--to", help="First day no longer.")] = None,
    max_budget: Annotated[
        str | None, typer.Option("--max-budget", help="Most the place may hold a year, £.")
    ] = None,
    max_commitment: Annotated[
        str | None, typer.Option("--max-commitment", help="Largest single commitment, £.")
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Delegate a line of a stream to a place (with limits and who approves)."""
    entry = SchemeEntry(
        place=place,
        stream=parse_stream(stream, input_name="--stream"),
        line=line,
        component=component,
        approver=approver,
        valid_from=parse_date(valid_from, "--from"),
        valid_to=optional_date(valid_to, "--to"),
        max_budget=parse_pounds(max_budget, input_name="--max-budget") if max_budget else None,
        max_commitment=(
            parse_pounds(max_commitment, input_name="--max-commitment") if max_commitment else None
        ),
    )
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        stored = delegation.add_scheme_entry(uow, ws.system, entry, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json(scheme_entry_dict(stored))
        return
    console.print(f"Scheme entry {stored.id}: {escape(stored.describe())}.", highlight=False)


@scheme_app.command("end")
@handle_errors
def end_entry(
    entry_id: Annotated[int, typer.Argument(help="The entry's id (ics finance scheme list).")],
    valid_to: Annotated[str, typer.Option("--to", help="First day it no longer applies.")],
    workspace: WorkspaceOption = None,
) -> None:
    """End a scheme entry on a date (it is kept, never deleted)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        ended = delegation.end_scheme_entry(
            uow, ws.system, entry_id, parse_date(valid_to, "--to"), actor=LOCAL_OPERATOR
        )
        uow.commit()
    console.print(f"Scheme entry {ended.id} ends on {valid_to}.", highlight=False)


def _wide() -> Console:
    """Tables of pounds are wide: never squeeze them below 160 columns."""
    return Console(width=max(console.width, 160))
