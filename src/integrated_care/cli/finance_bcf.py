"""``ics finance bcf``: Better Care Fund plans per Health and Wellbeing Board area and year:
income by source, schemes, the national-condition checks and the sign-off status.

The joint sign-off is recorded on the governance workflow's BCF plan (``ics governance plans
signoff``); ``open-signoff`` creates that plan for the area and year.
"""

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
    print_json,
)
from integrated_care.finance.bcf import totals_by_source
from integrated_care.finance.money import format_gbp, parse_pounds
from integrated_care.services.finance import bcf
from integrated_care.services.finance.partnership_dicts import bcf_dict

app = typer.Typer(
    help="Better Care Fund plans: income, schemes, national conditions, joint sign-off.",
    no_args_is_help=True,
)
HwbOption = Annotated[str, typer.Option("--hwb", help="The HWB's council, e.g. E06000018.")]
YearOption = Annotated[str, typer.Option("--year", help="Financial year, e.g. 2025/26.")]
MARK = {True: "[green]met[/]", False: "[red]not met[/]", None: "[yellow]not checkable[/]"}


def _print(view: bcf.BcfView, *, checks_only: bool = False) -> None:
    plan = view.plan
    console.print(
        f"[bold]Better Care Fund {plan.year}/{(plan.year + 1) % 100:02d}: "
        f"{escape(plan.hwb_name)}[/] ({plan.hwb})."
    )
    if not checks_only:
        table = Table("Source", "Income", "Planned spend", title="Income by source")
        for source, income, planned in totals_by_source(plan):
            table.add_row(source.label, format_gbp(income), format_gbp(planned))
        console.print(table)
        table = Table(
            "Scheme", "Area", "Provider", "Commissioner", "Source", "Amount", title="Schemes"
        )
        for s in plan.schemes:
            table.add_row(
                escape(s.name),
                s.area.value,
                escape(s.provider),
                s.commissioner.value,
                s.source.value,
                format_gbp(s.amount),
            )
        console.print(table)
    table = Table("Check", "Condition", "Result", "Detail", title="National conditions")
    for c in view.assessment.checks:
        table.add_row(c.code, escape(c.title), MARK[c.passed], escape(c.detail))
    console.print(table)
    console.print(f"Sign-off: {escape(view.signoff_detail)}.")


@app.command()
@handle_errors
def create(
    hwb: HwbOption,
    year: YearOption,
    nhs_minimum: Annotated[
        str | None, typer.Option(help="The HWB's published NHS minimum contribution, pounds.")
    ] = None,
    asc_previous: Annotated[
        str | None, typer.Option(help="Last year's NHS contribution to adult social care.")
    ] = None,
    asc_uplift: Annotated[
        str | None, typer.Option(help="The required uplift, percent (3.9 in 2025/26).")
    ] = None,
    objective: Annotated[
        list[str] | None, typer.Option(help="A BCF objective (repeat; default the framework's).")
    ] = None,
    note: Annotated[str, typer.Option(help="A note (e.g. where the figures come from).")] = "",
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Create the plan for an HWB area and year."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        view = bcf.create_plan(
            uow,
            ws.system,
            hwb=hwb,
            year=year,
            nhs_minimum_required=None
            if nhs_minimum is None
            else parse_pounds(nhs_minimum, input_name="nhs_minimum"),
            asc_previous=None
            if asc_previous is None
            else parse_pounds(asc_previous, input_name="asc_previous"),
            asc_uplift_percent=asc_uplift,
            objectives=objective,
            note=note,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    if json_output:
        print_json(bcf_dict(view))
        return
    console.print(f"Created the Better Care Fund plan for {escape(view.plan.hwb_name)}.")


@app.command()
@handle_errors
def income(
    hwb: HwbOption,
    year: YearOption,
    source: Annotated[
        str,
        typer.Option(
            help="nhs-minimum, la-better-care-grant, ibcf, dfg, additional-icb, additional-la."
        ),
    ],
    amount: Annotated[str, typer.Option(help="Pounds.")],
    note: Annotated[str, typer.Option(help="A note.")] = "",
    workspace: WorkspaceOption = None,
) -> None:
    """Add an income line."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        bcf.add_income(
            uow,
            ws.system,
            hwb,
            year,
            source=source,
            amount=parse_pounds(amount, input_name="amount"),
            note=note,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    console.print(f"Added {source} income of £{amount}.")


@app.command()
@handle_errors
def scheme(
    hwb: HwbOption,
    year: YearOption,
    code: Annotated[str, typer.Option(help="Scheme code, e.g. home-first.")],
    name: Annotated[str, typer.Option(help="Scheme name.")],
    area: Annotated[str, typer.Option(help="Area of spend, e.g. 'social care'.")],
    provider: Annotated[str, typer.Option(help="Who provides it.")],
    commissioner: Annotated[str, typer.Option(help="icb, local-authority or joint.")],
    source: Annotated[str, typer.Option(help="The income that pays for it.")],
    amount: Annotated[str, typer.Option(help="Pounds.")],
    objective: Annotated[int, typer.Option(help="Which objective it supports (1, 2, ...).")] = 1,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a scheme (an expenditure line)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        bcf.add_scheme(
            uow,
            ws.system,
            hwb,
            year,
            code=code,
            name=name,
            area=area,
            provider=provider,
            commissioner=commissioner,
            source=source,
            amount=parse_pounds(amount, input_name="amount"),
            objective=objective,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    console.print(f"Added scheme {code}.")


@app.command()
@handle_errors
def show(
    hwb: HwbOption,
    year: YearOption,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """The plan: income by source, schemes, checks and sign-off."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        view = bcf.view(uow, ws.system, hwb, year, actor=LOCAL_OPERATOR)
    if json_output:
        print_json(bcf_dict(view))
        return
    _print(view)


@app.command()
@handle_errors
def check(
    hwb: HwbOption,
    year: YearOption,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """The national-condition checks; exits 1 unless every check is met."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        view = bcf.view(uow, ws.system, hwb, year, actor=LOCAL_OPERATOR)
    if json_output:
        print_json(bcf_dict(view)["checks"])
    else:
        _print(view, checks_only=True)
    if not view.assessment.compliant:
        raise typer.Exit(code=1)


@app.command("signoff-status")
@handle_errors
def signoff_status(
    hwb: HwbOption,
    year: YearOption,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Whether the ICB and the HWB have both signed the plan off (governance workflow)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        view = bcf.view(uow, ws.system, hwb, year, actor=LOCAL_OPERATOR)
    if json_output:
        data = bcf_dict(view)
        print_json(
            {
                k: data[k]
                for k in ("hwb", "year", "signed_off", "signoff", "workflow_plan", "workflow_state")
            }
        )
        return
    state = "signed off" if view.signed_off else "not signed off"
    console.print(f"{escape(view.plan.hwb_name)}: {state} ({escape(view.signoff_detail)}).")


@app.command("open-signoff")
@handle_errors
def open_signoff(hwb: HwbOption, year: YearOption, workspace: WorkspaceOption = None) -> None:
    """Create the governance workflow's BCF plan that the ICB and the HWB sign off."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        status = bcf.open_signoff(uow, ws.system, hwb, year, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(
        f"Sign-off plan {status.plan.code}: {status.state}. Record each sign-off "
        f"with: ics governance plans signoff {status.plan.code} --party <code>"
    )


@app.command("list")
@handle_errors
def list_plans(json_output: JsonOption = False, workspace: WorkspaceOption = None) -> None:
    """Every BCF plan with its sign-off and checks."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = bcf.list_plans(uow, ws.system, actor=LOCAL_OPERATOR)
    if json_output:
        print_json([bcf_dict(v) for v in found])
        return
    table = Table("HWB", "Year", "Income", "Signed off", "Conditions")
    for v in found:
        table.add_row(
            escape(v.plan.hwb_name),
            f"{v.plan.year}/{(v.plan.year + 1) % 100:02d}",
            format_gbp(sum(i.amount for i in v.plan.income)),
            "yes" if v.signed_off else "no",
            "all met" if v.assessment.compliant else "not all met",
        )
    console.print(table if found else "No Better Care Fund plans yet.")
