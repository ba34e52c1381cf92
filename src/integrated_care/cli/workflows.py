"""``ics governance plans``: joint forward plans, Better Care Fund plans and place plans, with
HWB opinions, joint sign-offs, local sign-off gates and the ICB's approval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

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
    optional_date,
    print_json,
)
from integrated_care.governance.workflows import Gate, PlanStatus, Step, year_label
from integrated_care.services import workflows as service
from integrated_care.services.register_events import attach_signer, signer_for

app = typer.Typer(
    help="Plans that need other bodies: HWB opinions on the joint forward plan, joint "
    "ICB/HWB sign-off of Better Care Fund plans, local sign-off gates, ICB approval.",
    no_args_is_help=True,
)

OnOption = Annotated[
    str | None, typer.Option("--on", help="Date it was given, YYYY-MM-DD (default: today).")
]
DecisionOption = Annotated[
    str | None,
    typer.Option("--decision", help="Reference of the recorded decision (e.g. its id)."),
]
StatementOption = Annotated[str, typer.Option(help="The statement or minute text.")]


def _step_dict(s: Step) -> dict[str, Any]:
    return {
        "step": s.kind.value,
        "party": s.party.code,
        "party_name": s.party.name,
        "on": s.on.isoformat(),
        "statement": s.statement,
        "decision_ref": s.decision_ref,
    }


def _status_dict(st: PlanStatus) -> dict[str, Any]:
    p = st.plan
    return {
        "code": p.code,
        "kind": p.kind.value,
        "year": year_label(p.year),
        "title": p.title,
        "area": p.area_code,
        "icb": {"code": p.icb.code, "name": p.icb.name},
        "hwbs": [{"code": h.code, "name": h.name} for h in p.hwbs],
        "state": st.state,
        "requirements": [
            {
                "step": r.kind.value,
                "party": r.party.code,
                "party_name": r.party.name,
                "basis": r.basis,
                "met": r.met_by is not None,
                "met_on": r.met_by.on.isoformat() if r.met_by else None,
            }
            for r in st.requirements
        ],
        "hwb_statements": [_step_dict(s) for s in st.hwb_statements],
        "approval": _step_dict(st.approval) if st.approval else None,
    }


def _gate_dict(g: Gate) -> dict[str, Any]:
    return {
        "code": g.code,
        "plan_kind": g.plan_kind.value,
        "party": g.party.code,
        "party_name": g.party.name,
        "area": g.area_code,
        "description": g.description,
    }


def _print_status(st: PlanStatus) -> None:
    p = st.plan
    console.print(
        f"[bold]{escape(p.title)}[/] ({p.code}, {p.kind.value}, {year_label(p.year)}): {st.state}."
    )
    table = Table("Needs", "From", "Basis", "Recorded")
    for r in st.requirements:
        table.add_row(
            r.kind.value,
            escape(r.party.describe()),
            escape(r.basis),
            r.met_by.on.isoformat() if r.met_by else "[red]missing[/]",
        )
    if st.requirements:
        console.print(table)
    for s in st.hwb_statements:
        console.print(f"  Statement of {escape(s.party.name)} ({s.on.isoformat()}): "
                      f"{escape(s.statement)}")  # fmt: skip
    if st.approval:
        console.print(f"  Approved by {escape(st.approval.party.name)} on "
                      f"{st.approval.on.isoformat()}.")  # fmt: skip


def _recorded(step: Step, plan: str, json_output: bool) -> None:
    if json_output:
        print_json({"plan": plan, **_step_dict(step)})
        return
    console.print(
        f"Recorded the {step.kind.value} of {escape(step.party.describe())} on {plan} "
        f"({step.on.isoformat()})."
    )


def _record_step(
    workspace: Path | None,
    plan: str,
    json_output: bool,
    record: Callable[..., Step],
    **fields: Any,
) -> None:
    """Record one plan step in its own unit of work, signing the register, and report it."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        step = record(uow, ws.system, plan, actor=LOCAL_OPERATOR, **fields)
        uow.commit()
    _recorded(step, plan, json_output)


@app.command()
@handle_errors
def create(
    kind: Annotated[str, typer.Argument(help="jfp, bcf or place.")],
    year: Annotated[str, typer.Option(help="Financial year, e.g. 2025/26.")],
    area: Annotated[
        str | None, typer.Option(help="BCF: the HWB's council code; place plan: the place code.")
    ] = None,
    hwb: Annotated[
        list[str] | None,
        typer.Option(
            help="JFP: an HWB to consult, by its council's code (repeat; default: one per "
            "upper-tier council of the system)."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (default from kind and year).")] = None,
    code: Annotated[str | None, typer.Option(help="Plan code (default e.g. jfp-2025-26).")] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Create a plan and fix who must give an opinion or sign it off."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        plan = service.create_plan(
            uow, ws.system, kind=kind, year=year, area=area, hwbs=hwb, title=title, code=code,
            actor=LOCAL_OPERATOR,
        )  # fmt: skip
        st = service.status(uow, ws.system, plan.code)
        uow.commit()
    if json_output:
        print_json(_status_dict(st))
        return
    console.print(f"Created {plan.code}.")
    _print_status(st)


@app.command()
@handle_errors
def opinion(
    plan: str,
    hwb: Annotated[str, typer.Option(help="The HWB, by its council's code.")],
    statement: StatementOption,
    on: OnOption = None,
    decision: DecisionOption = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record an HWB's statement of opinion on a joint forward plan (an opinion, not a
    sign-off; recording it again revises it)."""
    _record_step(
        workspace, plan, json_output, service.record_opinion,
        hwb=hwb, statement=statement, on=optional_date(on, "--on"), decision_ref=decision,
    )  # fmt: skip


@app.command()
@handle_errors
def signoff(
    plan: str,
    party: Annotated[str, typer.Option(help="The ICB or the HWB (by its council's code).")],
    statement: StatementOption = "",
    on: OnOption = None,
    decision: DecisionOption = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record the ICB's or the HWB's sign-off of a Better Care Fund plan."""
    _record_step(
        workspace, plan, json_output, service.record_signoff,
        party=party, statement=statement, on=optional_date(on, "--on"), decision_ref=decision,
    )  # fmt: skip


@app.command()
@handle_errors
def agree(
    plan: str,
    party: Annotated[str, typer.Option(help="The party named by a local sign-off gate.")],
    statement: StatementOption = "",
    on: OnOption = None,
    decision: DecisionOption = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a local agreement under a sign-off gate (not a statutory step)."""
    _record_step(
        workspace, plan, json_output, service.record_local_agreement,
        party=party, statement=statement, on=optional_date(on, "--on"), decision_ref=decision,
    )  # fmt: skip


@app.command()
@handle_errors
def approve(
    plan: str,
    statement: StatementOption = "",
    on: OnOption = None,
    decision: DecisionOption = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record the ICB's final approval; refused while anything it needs is missing."""
    _record_step(
        workspace, plan, json_output, service.approve,
        statement=statement, on=optional_date(on, "--on"), decision_ref=decision,
    )  # fmt: skip


@app.command()
@handle_errors
def status(
    plan: Annotated[str | None, typer.Argument(help="A plan code (default: every plan).")] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """What each plan needs, what is recorded, and the HWB statements it must include."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = (
            [service.status(uow, ws.system, plan)] if plan else service.list_plans(uow, ws.system)
        )
    if json_output:
        print_json(_status_dict(found[0]) if plan else [_status_dict(s) for s in found])
        return
    if not found:
        console.print("No plans yet.")
    for st in found:
        _print_status(st)


@app.command()
@handle_errors
def gate(
    kind: Annotated[str, typer.Argument(help="Plan kind the gate applies to: jfp, bcf, place.")],
    party: Annotated[str, typer.Option(help="Who must agree (e.g. an HWB's council code).")],
    description: Annotated[
        str, typer.Option(help='e.g. "the City HWB agrees the place plan before ICB approval".')
    ],
    area: Annotated[
        str | None, typer.Option(help="Only plans for this area or place (default: all).")
    ] = None,
    code: Annotated[str | None, typer.Option(help="Gate code.")] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Configure a local sign-off gate for a kind of plan."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        made = service.configure_gate(
            uow, ws.system, plan_kind=kind, party=party, description=description, area=area,
            code=code, actor=LOCAL_OPERATOR,
        )  # fmt: skip
        uow.commit()
    if json_output:
        print_json(_gate_dict(made))
        return
    console.print(f"Configured sign-off gate {made.code}: {escape(made.description)}.")


@app.command()
@handle_errors
def gates(json_output: JsonOption = False, workspace: WorkspaceOption = None) -> None:
    """The local sign-off gates configured."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = service.gates(uow, ws.system)
    if json_output:
        print_json([_gate_dict(g) for g in found])
        return
    table = Table("Code", "Plan kind", "Area", "Who agrees", "Description")
    for g in found:
        table.add_row(
            g.code, g.plan_kind.value, g.area_code or "all", escape(g.party.describe()),
            escape(g.description),
        )  # fmt: skip
    console.print(table)
