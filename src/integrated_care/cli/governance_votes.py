"""``ics governance interests|proposals|vote``: the register of interests, proposals and
their decisions, and voting."""

from __future__ import annotations

from pathlib import Path
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
from integrated_care.cli.governance_common import parse_enum, writing
from integrated_care.errors import InvalidInput
from integrated_care.governance.interests import Declaration
from integrated_care.governance.model import Choice
from integrated_care.services.governance import interests, voting
from integrated_care.services.governance.dicts import (
    decision_dict,
    declaration_dict,
    proposal_dict,
)
from integrated_care.services.governance.views import DecisionView
from integrated_care.structure.dates import Period

interests_app = typer.Typer(help="The register of interests.", no_args_is_help=True)
proposals_app = typer.Typer(help="Proposals, their votes and decisions.", no_args_is_help=True)
vote_app = typer.Typer(help="Open, cast and close votes.", no_args_is_help=True)

Repeat = Annotated[list[str] | None, typer.Option(show_default=False)]


def register(app: typer.Typer) -> None:
    app.add_typer(interests_app, name="interests")
    app.add_typer(proposals_app, name="proposals")
    app.add_typer(vote_app, name="vote")


@interests_app.command("declare")
@handle_errors
def declare(
    regime: Annotated[str, typer.Option(help="nhs or dpi (Localism Act 2011).")],
    kind: Annotated[str, typer.Option(help="e.g. financial; employment; contracts; land.")],
    description: Annotated[str, typer.Option(help="What the interest is.")],
    seat: Annotated[str | None, typer.Option(help="The declaring seat.")] = None,
    person: Annotated[str | None, typer.Option(help="Or the person (DPIs follow them).")] = None,
    organisation: Repeat = None,
    topic: Repeat = None,
    start: Annotated[str | None, typer.Option("--from", help="In force from (today).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Until (exclusive).")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Declare an interest (recorded in the public register)."""
    parsed = interests.parse_regime(regime)
    declaration = Declaration(
        seat_id=seat,
        person=person,
        regime=parsed,
        kind=interests.parse_kind(kind, parsed),
        description=description,
        related_organisations=frozenset(organisation or ()),
        topics=frozenset(topic or ()),
        period=_period(start, end),
    )
    with writing(workspace) as (ws, uow):
        record = interests.declare(uow, ws.system, declaration, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Recorded declaration {record.declaration_id} ({parsed.value}).")


def _period(start: str | None, end: str | None) -> Period:
    try:
        return Period(parse_date(start, "--from"), optional_date(end, "--to"))
    except ValueError as exc:
        raise InvalidInput(str(exc), input_name="--to", expected="an end after the start") from None


@interests_app.command("list")
@handle_errors
def list_interests(
    seat: Annotated[str | None, typer.Option(help="Only this seat's holder.")] = None,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Declarations in force on a date."""
    day = parse_date(as_of, "--as-of")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = interests.list_declarations(uow, ws.system, seat_id=seat, on=day)
    if json_output:
        print_json([declaration_dict(r) for r in found])
        return
    table = Table("#", "Seat/person", "Regime", "Kind", "Description", "Relates to", title=f"{day}")
    for r in found:
        d = r.declaration
        table.add_row(
            str(r.declaration_id),
            escape(d.seat_id or d.person or ""),
            d.regime.value,
            d.kind.value,
            escape(d.description),
            escape(", ".join(sorted(d.related_organisations | d.topics))),
        )
    console.print(table)


def _print_decision(d: DecisionView) -> None:
    verdict = "[green]Carried[/]" if d.carried else "[red]Not carried[/]"
    console.print(
        f"{verdict} under {escape(d.rule_set)} v{d.rule_version} (rule {d.rule_id}); "
        f"register entry {d.register_seq}."
    )
    console.print(escape(d.explanation))
    for note in d.notes:
        console.print(f"  Note: {escape(note)}")


@proposals_app.command("show")
@handle_errors
def show_proposal(
    proposal: int, workspace: WorkspaceOption = None, json_output: JsonOption = False
) -> None:
    """A proposal: classification, recusals, votes and the decision with its explanation."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        p = voting.get_proposal(uow, ws.system, proposal)
    if json_output:
        print_json(proposal_dict(p))
        return
    flags = f" [{', '.join(p.flags)}]" if p.flags else ""
    console.print(
        f"[bold]Proposal {p.proposal_id}[/] (meeting {p.meeting_id}, item {p.item_number}): "
        f"{escape(p.title)}\n{p.decision_type}{escape(flags)}; vote {p.status}."
    )
    for seat_id, why in p.recusals.items():
        console.print(f"  Recused: {seat_id}: {escape(why)}")
    table = Table("Seat", "Holder", "Vote", "Recorded by")
    for v in p.votes:
        table.add_row(v.seat_id, escape(v.holder), v.choice.value, v.recorded_by)
    console.print(table)
    if p.decision:
        _print_decision(p.decision)


def _proposal(meeting: int, item: str, workspace: Path | None) -> int:
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        return voting.proposal_for_item(uow, ws.system, meeting, item)


@vote_app.command("open")
@handle_errors
def open_vote(meeting: int, item: str, workspace: WorkspaceOption = None) -> None:
    """Open the vote on an item's proposal."""
    proposal = _proposal(meeting, item, workspace)
    with writing(workspace) as (ws, uow):
        voting.open_vote(uow, ws.system, proposal, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"The vote on proposal {proposal} (meeting {meeting}, item {item}) is open.")


@vote_app.command("cast")
@handle_errors
def cast(
    meeting: int,
    item: str,
    seat: str,
    choice: Annotated[str, typer.Argument(help="for, against or abstain.")],
    note: Annotated[str | None, typer.Option(help="E.g. 'cast in the room'.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a seat's vote."""
    parsed = parse_enum(choice, Choice, "choice")
    proposal = _proposal(meeting, item, workspace)
    with writing(workspace) as (ws, uow):
        voting.cast_vote(uow, ws.system, proposal, seat, parsed, actor=LOCAL_OPERATOR, note=note)
        uow.commit()
    console.print(f"Recorded: {seat} votes {parsed.value} on proposal {proposal}.")


@vote_app.command("close")
@handle_errors
def close(
    meeting: int, item: str, workspace: WorkspaceOption = None, json_output: JsonOption = False
) -> None:
    """Close the vote and record the decision (refused if the meeting is not quorate)."""
    proposal = _proposal(meeting, item, workspace)
    with writing(workspace) as (ws, uow):
        decision = voting.close_vote(uow, ws.system, proposal, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json(decision_dict(decision))
        return
    _print_decision(decision)
