"""``ics finance contributions``: partner contributions to ICS running costs (requested,
pledged, paid or declined, per partner per year) and the running-cost cap (the running cost
allowance plus partners' pledges for plans, plus payments received for postings)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli.common import (
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    parse_date,
    print_json,
)
from integrated_care.finance.chart import year_label
from integrated_care.finance.money import format_gbp, parse_pounds
from integrated_care.services.finance import contributions
from integrated_care.services.finance.partnership_dicts import cap_dict, state_dict, year_dict

app = typer.Typer(
    help="Partner contributions to ICS running costs and the running-cost cap.",
    no_args_is_help=True,
)
PartnerArg = Annotated[str, typer.Argument(help="The partner: ODS or GSS code, or name.")]
YearOption = Annotated[str, typer.Option("--year", help="Financial year, e.g. 2020/21.")]
OnOption = Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD.")]
ReferenceOption = Annotated[
    str, typer.Option(help="The decision it records (committee report, minute).")
]
NoteOption = Annotated[str, typer.Option(help="A note.")]


def _record(
    workspace: WorkspaceOption,
    json_output: bool,
    partner: str,
    year: str,
    kind: str,
    on: str,
    amount: str | None = None,
    reason: str = "",
    reference: str = "",
    note: str = "",
) -> None:
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        state = contributions.record(
            uow,
            ws.system,
            partner=partner,
            year=year,
            kind=kind,
            on=parse_date(on, "--on"),
            amount=None if amount is None else parse_pounds(amount, input_name="amount"),
            reason=reason,
            reference=reference,
            note=note,
            actor=LOCAL_OPERATOR,
        )
        names = {o.code: o.name for o in uow.structure.organisations(ws.system)}
        uow.commit()
    if json_output:
        print_json(state_dict(state, names))
        return
    console.print(
        f"{escape(names.get(state.partner, state.partner))}, "
        f"{year_label(state.year)}: {state.status.value}."
    )


@app.command()
@handle_errors
def request(
    partner: PartnerArg,
    year: YearOption,
    on: OnOption,
    amount: Annotated[str | None, typer.Option(help="Pounds asked for (if stated).")] = None,
    reference: ReferenceOption = "",
    note: NoteOption = "",
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record that a contribution was requested."""
    _record(
        workspace,
        json_output,
        partner,
        year,
        "requested",
        on,
        amount,
        reference=reference,
        note=note,
    )


@app.command()
@handle_errors
def pledge(
    partner: PartnerArg,
    year: YearOption,
    on: OnOption,
    amount: Annotated[str, typer.Option(help="Pounds pledged.")],
    reference: ReferenceOption = "",
    note: NoteOption = "",
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a pledge (it counts towards the running-cost cap for plans)."""
    _record(
        workspace, json_output, partner, year, "pledged", on, amount, reference=reference, note=note
    )


@app.command()
@handle_errors
def pay(
    partner: PartnerArg,
    year: YearOption,
    on: OnOption,
    amount: Annotated[str, typer.Option(help="Pounds paid.")],
    reference: ReferenceOption = "",
    note: NoteOption = "",
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a payment against the pledge (posted to the ledger)."""
    _record(
        workspace, json_output, partner, year, "paid", on, amount, reference=reference, note=note
    )


@app.command()
@handle_errors
def decline(
    partner: PartnerArg,
    year: YearOption,
    on: OnOption,
    reason: Annotated[str, typer.Option(help="The reason the partner gave.")],
    reference: ReferenceOption = "",
    note: NoteOption = "",
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record that the partner declined to contribute for the year (final)."""
    _record(
        workspace,
        json_output,
        partner,
        year,
        "declined",
        on,
        reason=reason,
        reference=reference,
        note=note,
    )


@app.command("list")
@handle_errors
def list_contributions(
    year: Annotated[str | None, typer.Option(help="Only this year.")] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Each partner's contribution per year, declines included, with the cap."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        years = [year] if year else [str(y) for y in contributions.years(uow, ws.system)]
        views = [contributions.year_view(uow, ws.system, y, actor=LOCAL_OPERATOR) for y in years]
    if json_output:
        print_json([year_dict(v) for v in views])
        return
    if not views:
        console.print("No contributions recorded yet.")
    for v in views:
        table = Table(
            "Partner",
            "Status",
            "Requested",
            "Pledged",
            "Paid",
            "Declined",
            title=f"Running-cost contributions {year_label(v.year)}",
        )
        for s in v.states:
            table.add_row(
                escape(v.names.get(s.partner, s.partner)),
                s.status.value,
                "" if s.requested is None else format_gbp(s.requested),
                format_gbp(s.pledged),
                format_gbp(s.paid),
                f"{s.declined_on.isoformat()}: {escape(s.reason)}" if s.declined_on else "",
            )
        console.print(table)
        if v.cap is not None:
            console.print(
                f"Cap {format_gbp(v.cap.cap)} = RCA {format_gbp(v.cap.rca)} "
                f"({escape(v.cap.rca_source)}) + pledges {format_gbp(v.cap.pledged)}."
            )


@app.command()
@handle_errors
def rca(
    year: YearOption,
    amount: Annotated[str, typer.Option(help="The running cost allowance, pounds.")],
    source: Annotated[str, typer.Option(help="Where the figure comes from.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Record the year's running cost allowance (overrides the published figure)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        limit = contributions.set_allowance(
            uow,
            ws.system,
            year=year,
            source=source,
            amount=parse_pounds(amount, input_name="amount"),
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    console.print(f"Running cost allowance {year_label(limit.year)}: {format_gbp(limit.rca)}.")


@app.command()
@handle_errors
def cap(
    year: YearOption, json_output: JsonOption = False, workspace: WorkspaceOption = None
) -> None:
    """The running-cost cap: RCA plus partners' pledges."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        limit = contributions.cap(uow, ws.system, year, actor=LOCAL_OPERATOR)
        spent = contributions.spent(uow, ws.system, limit.year)
    if json_output:
        print_json({**(cap_dict(limit) or {}), "spent": spent})
        return
    console.print(
        f"{year_label(limit.year)}: cap {format_gbp(limit.cap)} = RCA "
        f"{format_gbp(limit.rca)} + pledges {format_gbp(limit.pledged)} (paid "
        f"{format_gbp(limit.paid)}); running costs posted {format_gbp(spent)}."
    )


@app.command()
@handle_errors
def plan(
    year: YearOption,
    amount: Annotated[str, typer.Option(help="Planned ICS running costs, pounds.")],
    note: NoteOption = "",
    workspace: WorkspaceOption = None,
) -> None:
    """Plan the year's ICS running costs (refused above the cap)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        limit = contributions.plan_running_costs(
            uow,
            ws.system,
            year=year,
            amount=parse_pounds(amount, input_name="amount"),
            note=note,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    console.print(
        f"Planned running costs of £{amount} for {year_label(limit.year)} "
        f"(cap {format_gbp(limit.cap)})."
    )


@app.command("post-costs")
@handle_errors
def post_costs(
    year: YearOption,
    amount: Annotated[str, typer.Option(help="Running costs, pounds.")],
    on: OnOption,
    description: Annotated[str, typer.Option(help="Journal description.")],
    key: Annotated[str | None, typer.Option(help="Idempotency key.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Post running costs (refused above the RCA plus contributions received)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        posted = contributions.post_running_costs(
            uow,
            ws.system,
            year=year,
            amount=parse_pounds(amount, input_name="amount"),
            on=parse_date(on, "--on"),
            description=description,
            key=key,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    console.print(f"Posted running costs of £{amount} (journal {posted.journal.id}).")
