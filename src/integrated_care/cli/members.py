"""``ics members``: join, suspend, rejoin, withdraw and the membership history."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli.common import (
    AsOfOption,
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    optional_date,
    parse_date,
    print_json,
)
from integrated_care.services import membership
from integrated_care.services.structure import SYSTEM_BODY
from integrated_care.structure.membership import Action

app = typer.Typer(help="Membership of organisations in partnership bodies.", no_args_is_help=True)

BodyOption = Annotated[
    str,
    typer.Option(
        "--body", help=f"Partnership body code (default: the system partnership, {SYSTEM_BODY})."
    ),
]
EffectiveOption = Annotated[str, typer.Option(help="Date the change takes effect, YYYY-MM-DD.")]
Conditions = Annotated[
    list[str] | None,
    typer.Option(
        "--condition", help="A condition of membership (repeat for several).", show_default=False
    ),
]


def _record(
    org: str,
    action: Action,
    effective: str,
    body: str,
    *,
    reason: str | None = None,
    planned_end: str | None = None,
    conditions: list[str] | None = None,
    workspace: WorkspaceOption = None,
) -> None:
    day = parse_date(effective, "--effective")
    end = optional_date(planned_end, "--planned-end")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        event = membership.record(
            uow,
            ws.system,
            body_code=body,
            org_code=org,
            action=action,
            effective=day,
            reason=reason,
            planned_end=end,
            conditions=tuple(conditions or ()),
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    console.print(
        f"Recorded: {event.org_code} {action.value} {event.body_code} from {day.isoformat()}."
    )


@app.command()
@handle_errors
def join(
    org: str,
    effective: EffectiveOption,
    body: BodyOption = SYSTEM_BODY,
    condition: Conditions = None,
    workspace: WorkspaceOption = None,
) -> None:
    """An organisation joins a partnership body."""
    _record(org, Action.JOIN, effective, body, conditions=condition, workspace=workspace)


@app.command()
@handle_errors
def suspend(
    org: str,
    effective: EffectiveOption,
    reason: Annotated[str, typer.Option(help="The reason given.")],
    planned_end: Annotated[
        str | None, typer.Option(help="When the suspension is planned to end.")
    ] = None,
    body: BodyOption = SYSTEM_BODY,
    workspace: WorkspaceOption = None,
) -> None:
    """Suspend a member, with its reason and an optional planned end."""
    _record(
        org,
        Action.SUSPEND,
        effective,
        body,
        reason=reason,
        planned_end=planned_end,
        workspace=workspace,
    )


@app.command()
@handle_errors
def rejoin(
    org: str,
    effective: EffectiveOption,
    body: BodyOption = SYSTEM_BODY,
    condition: Conditions = None,
    workspace: WorkspaceOption = None,
) -> None:
    """End a suspension, optionally subject to recorded conditions."""
    _record(org, Action.REJOIN, effective, body, conditions=condition, workspace=workspace)


@app.command()
@handle_errors
def withdraw(
    org: str,
    effective: EffectiveOption,
    reason: str | None = None,
    body: BodyOption = SYSTEM_BODY,
    workspace: WorkspaceOption = None,
) -> None:
    """A member (or suspended member) leaves a partnership body."""
    _record(org, Action.WITHDRAW, effective, body, reason=reason, workspace=workspace)


@app.command()
@handle_errors
def history(
    org: Annotated[str | None, typer.Argument(help="Organisation code.")] = None,
    body: Annotated[str | None, typer.Option("--body")] = None,
    as_of: AsOfOption = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Every membership change, and who was a member on a date and on what conditions."""
    day = parse_date(as_of, "--as-of")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        lines = membership.history(uow, ws.system, org_code=org, body_code=body)
        members = membership.members_on(uow, ws.system, day, body_code=body)
    if org:
        members = [m for m in members if org in (m.organisation.code, m.organisation.gss_code)]
    if json_output:
        print_json(
            {
                "as_of": day.isoformat(),
                "events": [
                    {
                        "body": ln.body.code,
                        "organisation": ln.organisation.code,
                        "organisation_name": ln.organisation.name,
                        "action": ln.event.action.value,
                        "effective": ln.event.effective.isoformat(),
                        "reason": ln.event.reason,
                        "planned_end": ln.event.planned_end.isoformat()
                        if ln.event.planned_end
                        else None,
                        "conditions": list(ln.event.conditions),
                    }
                    for ln in lines
                ],
                "state": [
                    {
                        "body": m.body.code,
                        "organisation": m.organisation.code,
                        "status": m.state.status.value,
                        "since": m.state.since.isoformat() if m.state.since else None,
                        "conditions": list(m.state.conditions),
                        "reason": m.state.reason,
                        "planned_end": m.state.planned_end.isoformat()
                        if m.state.planned_end
                        else None,
                    }
                    for m in members
                ],
            }
        )
        return
    table = Table(
        "Effective", "Body", "Organisation", "Change", "Details", title="Membership history"
    )
    for ln in lines:
        details = "; ".join(
            filter(
                None,
                [
                    ln.event.reason,
                    f"planned end {ln.event.planned_end.isoformat()}"
                    if ln.event.planned_end
                    else None,
                    *(f"condition: {c}" for c in ln.event.conditions),
                ],
            )
        )
        table.add_row(
            ln.event.effective.isoformat(),
            escape(ln.body.name),
            escape(ln.organisation.name),
            ln.event.action.value,
            escape(details),
        )
    console.print(table)
    columns = ("Organisation", "State") if body else ("Body", "Organisation", "State")
    state = Table(*columns, title=f"State on {day.isoformat()}")
    for m in members:
        cells = (escape(m.organisation.name), escape(m.state.describe(day)))
        state.add_row(*(cells if body else (escape(m.body.name), *cells)))
    console.print(state)


@app.command()
@handle_errors
def bodies(workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """The partnership bodies: the system partnership and one per place."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = uow.structure.bodies(ws.system)
    if json_output:
        print_json(
            [
                {"code": b.code, "name": b.name, "kind": b.kind.value, "place": b.place_code}
                for b in found
            ]
        )
        return
    table = Table("Code", "Name", "Kind", "Place", title="Partnership bodies")
    for b in found:
        table.add_row(b.code, b.name, b.kind.value, b.place_code or "")
    console.print(table)
