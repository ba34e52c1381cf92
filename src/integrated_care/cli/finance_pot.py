"""``ics finance`` single-pot commands: the pot per stream, receiving allocations, what the
ICB spends or ring-fences itself, the pot's flows, and financial duties. The place commands
(need indices, the scheme of delegation, delegating, place budgets) are registered from
``cli/finance_pot_places.py``.

Amounts are typed in pounds (``1234.56``) and shown in pounds; ``--json`` prints pence.
Every write runs as the local operator in one unit of work: refused means nothing written.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli import finance_pot_places
from integrated_care.cli.common import (
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    parse_date,
    print_json,
)
from integrated_care.errors import InvalidInput
from integrated_care.finance.chart import parse_financial_year, year_label
from integrated_care.finance.duties import DUTY_NAMES, DutyConfig, parse_duty
from integrated_care.finance.money import format_gbp, parse_pounds
from integrated_care.finance.single_pot import (
    Allocation,
    format_gbp_m,
    load_published,
    parse_allocation,
    parse_stream,
)
from integrated_care.services.finance import duties as duty_service
from integrated_care.services.finance import single_pot
from integrated_care.services.finance.pot_dicts import (
    duty_dict,
    duty_status_dict,
    flow_dict,
    pot_dict,
)

YearOption = Annotated[str, typer.Option("--year", help="Financial year, e.g. 2025/26.")]
StreamOption = Annotated[
    str, typer.Option("--stream", help="core, pmc, specialised, pod, rca or non-recurrent.")
]
LineOption = Annotated[str, typer.Option("--line", help="Service line, e.g. mental-health.")]
AmountOption = Annotated[str, typer.Option("--amount", help="Pounds, e.g. 1500000.00.")]
KeyOption = Annotated[
    str, typer.Option("--key", help="Idempotency key: the same key and request replay.")
]
OnOption = Annotated[str, typer.Option("--on", help="Accounting date, YYYY-MM-DD.")]

duties_app = typer.Typer(
    help="Financial duties per year: break-even, running-cost limit, MHIS.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the single-pot and place commands to ``ics finance``."""
    for name, command in (
        ("pot", pot),
        ("receive", receive),
        ("icb-spend", icb_spend),
        ("ringfence", ringfence),
        ("flows", flows),
    ):
        app.command(name)(command)
    app.add_typer(duties_app, name="duties")
    finance_pot_places.register(app)


@handle_errors
def pot(
    year: YearOption, workspace: WorkspaceOption = None, json_output: JsonOption = False
) -> None:
    """The single pot per stream: allocated, delegated, pooled, committed, spent, unallocated."""
    start = parse_financial_year(year, input_name="--year")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = single_pot.pot(uow, ws.system, start)
    if json_output:
        print_json(pot_dict(found))
        return
    columns = ("allocated", "delegated", "pooled", "committed", "spent", "unallocated")
    table = Table(
        "Stream", *(c.capitalize() for c in columns), title=f"Single pot {year_label(start)}"
    )
    for line in found.lines:
        table.add_row(line.label, *(format_gbp(int(getattr(line, c))) for c in columns))
    total = found.total
    table.add_row("[bold]Total[/]", *(f"[bold]{format_gbp(total[c])}[/]" for c in columns))
    _wide().print(table)
    if found.ringfenced:
        console.print(f"Ring-fenced inside the pot: {format_gbp(found.ringfenced)}.")


def _read_allocation(path: Path, start: int) -> Allocation:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(
            f"Cannot read the allocation file {path} ({exc.__class__.__name__}).",
            input_name="--file",
            expected="a readable JSON allocation file (see docs/finance-places.md)",
        ) from None
    return parse_allocation(data, year=start)


@handle_errors
def receive(
    year: YearOption,
    file: Annotated[
        Path | None, typer.Option("--file", help="JSON allocation file (lines in any unit).")
    ] = None,
    published: Annotated[
        bool,
        typer.Option("--published", help="NHS England's published figures (2023/24, 2024/25)."),
    ] = False,
    icb: Annotated[
        str | None, typer.Option("--icb", help="ICB ODS code for --published (default: ours).")
    ] = None,
    reference: Annotated[
        str, typer.Option("--reference", help="Names this receipt; a new one for a revision.")
    ] = "published",
    on: Annotated[str | None, typer.Option("--on", help="Date (default 1 April).")] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Receive the ICB's allocation streams into the single pot (one journal per line)."""
    start = parse_financial_year(year, input_name="--year")
    if (file is None) == (not published):
        raise InvalidInput(
            "Give either --file or --published.",
            input_name="--file",
            expected="--file FILE.json, or --published for 2023/24 and 2024/25",
        )
    ws = open_workspace(workspace)
    allocation = (
        _read_allocation(file, start)
        if file is not None
        else load_published(icb or ws.system, start)
    )
    day = parse_date(on, "--on") if on else None
    with ws.uow() as uow:
        posted = single_pot.receive(
            uow, ws.system, allocation, actor=LOCAL_OPERATOR, posted_on=day, reference=reference
        )
        uow.commit()
    if json_output:
        print_json(
            [
                {"journal_id": p.journal.id, "key": p.journal.key, "replayed": p.replayed,
                 "amount": line.amount, "stream": line.stream.value, "line": line.line}
                for p, line in zip(posted, allocation.lines, strict=True)
            ]
        )  # fmt: skip
        return
    for p, line in zip(posted, allocation.lines, strict=True):
        verb = "already received (replay)" if p.replayed else "received"
        console.print(
            f"{line.stream.value} {line.line}: {format_gbp(line.amount)} {verb}, journal "
            f"{p.journal.id}.",
            highlight=False,
        )
    console.print(
        f"Total {format_gbp(allocation.total)} ({format_gbp_m(allocation.total)}); source: "
        f"{escape(allocation.source)}.",
        highlight=False,
    )


@handle_errors
def icb_spend(
    year: YearOption,
    stream: StreamOption,
    line: LineOption,
    amount: AmountOption,
    on: OnOption,
    key: KeyOption,
    description: Annotated[str, typer.Option("--description", help="What it paid for.")] = "",
    from_ringfence: Annotated[
        bool, typer.Option("--from-ringfence", help="Pay from the line's ring-fence.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record spending the ICB keeps itself (not delegated to a place)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        posted = single_pot.spend(
            uow, ws.system, year=parse_financial_year(year, input_name="--year"),
            stream=parse_stream(stream, input_name="--stream"), line=line,
            amount=parse_pounds(amount, input_name="--amount"), posted_on=parse_date(on, "--on"),
            key=key, description=description, actor=LOCAL_OPERATOR, from_ringfence=from_ringfence,
        )  # fmt: skip
        uow.commit()
    verb = "already posted (replay)" if posted.replayed else "posted"
    console.print(f"Journal {posted.journal.id} {verb}.", highlight=False)


@handle_errors
def ringfence(
    year: YearOption,
    stream: StreamOption,
    line: LineOption,
    amount: AmountOption,
    on: OnOption,
    key: KeyOption,
    release: Annotated[bool, typer.Option("--release", help="Give it back to the pot.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Hold part of the pot back for one line (e.g. mental health), or release it."""
    pence = parse_pounds(amount, input_name="--amount")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        posted = single_pot.ringfence(
            uow, ws.system, year=parse_financial_year(year, input_name="--year"),
            stream=parse_stream(stream, input_name="--stream"), line=line,
            amount=-pence if release else pence, posted_on=parse_date(on, "--on"), key=key,
            actor=LOCAL_OPERATOR,
        )  # fmt: skip
        uow.commit()
    verb = "already posted (replay)" if posted.replayed else "posted"
    console.print(f"Journal {posted.journal.id} {verb}.", highlight=False)


@handle_errors
def flows(
    year: YearOption, workspace: WorkspaceOption = None, json_output: JsonOption = False
) -> None:
    """Where the pot's money went: flows between streams, the pot, places, pools and uses."""
    start = parse_financial_year(year, input_name="--year")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = single_pot.pot_flows(uow, ws.system, start)
    if json_output:
        print_json([flow_dict(f) for f in found])
        return
    table = Table("From", "To", "Amount", title=f"Flows of the single pot {year_label(start)}")
    for f in found:
        table.add_row(escape(f.source.label), escape(f.target.label), format_gbp(f.amount))
    _wide().print(table)


@duties_app.command("list")
@handle_errors
def list_duties(
    year: YearOption, workspace: WorkspaceOption = None, json_output: JsonOption = False
) -> None:
    """The duties configured for a year and where each stands."""
    start = parse_financial_year(year, input_name="--year")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = duty_service.statuses(uow, ws.system, start)
    if json_output:
        print_json([duty_status_dict(s) for s in found])
        return
    if not found:
        console.print(f"No duties are configured for {year_label(start)}.")
        return
    table = Table("Duty", "Spending or investment", "Limit or target", "Headroom", "Met",
                  title=f"Financial duties {year_label(start)}")  # fmt: skip
    for s in found:
        table.add_row(
            s.name, format_gbp(s.measure), format_gbp(s.limit), format_gbp(s.headroom),
            "yes" if s.met else "[bold red]no[/]",
        )  # fmt: skip
    _wide().print(table)


@duties_app.command("set")
@handle_errors
def set_duty(
    year: YearOption,
    duty: Annotated[str, typer.Option("--duty", help="break-even, running-costs or mhis.")],
    target: Annotated[
        str | None, typer.Option("--target", help="MHIS only: the year's target, pounds.")
    ] = None,
    line: Annotated[
        list[str] | None,
        typer.Option(
            "--line", help="MHIS only: a mental health line (repeat).", show_default=False
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Configure a duty for a year (replaces that duty's earlier setting)."""
    kind = parse_duty(duty, input_name="--duty")
    pence = parse_pounds(target, input_name="--target") if target is not None else None
    config = DutyConfig(kind, parse_financial_year(year, input_name="--year"), pence,
                        tuple(line) if line else ("mental-health",))  # fmt: skip
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        stored = duty_service.configure(uow, ws.system, config, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json(duty_dict(stored))
        return
    console.print(f"The {DUTY_NAMES[kind]} applies to {year_label(stored.year)}.", highlight=False)


@duties_app.command("remove")
@handle_errors
def remove_duty(
    year: YearOption,
    duty: Annotated[str, typer.Option("--duty", help="break-even, running-costs or mhis.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Stop checking a duty for a year."""
    kind = parse_duty(duty, input_name="--duty")
    start = parse_financial_year(year, input_name="--year")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        duty_service.remove(uow, ws.system, start, kind, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"The {DUTY_NAMES[kind]} no longer applies to {year_label(start)}.")


def _wide() -> Console:
    """Tables of pounds are wide: never squeeze them below 160 columns."""
    return Console(width=max(console.width, 160))
