"""``ics governance``: bodies and seats, rule sets, meetings and agendas, interests, votes.

The groups for meetings, items, interests, proposals and votes live in
``cli/governance_meetings.py``; shared helpers in ``cli/governance_common.py``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli import governance_meetings
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
from integrated_care.cli.governance_common import Many, parse_enum, writing
from integrated_care.errors import InvalidInput
from integrated_care.governance.model import BodyKind, Seat, SeatType
from integrated_care.services.governance import bodies as body_service
from integrated_care.services.governance import rulesets
from integrated_care.services.governance.dicts import body_dict, rule_set_dict, seat_dict
from integrated_care.structure.dates import Period

app = typer.Typer(
    help="Governance: bodies, seats, rules, meetings, interests and votes.",
    no_args_is_help=True,
)
bodies_app = typer.Typer(help="Boards, partnerships and committees.", no_args_is_help=True)
seats_app = typer.Typer(help="Seats on a body and who holds them.", no_args_is_help=True)
rules_app = typer.Typer(help="Decision rule sets, versioned.", no_args_is_help=True)
app.add_typer(bodies_app, name="bodies")
app.add_typer(seats_app, name="seats")
app.add_typer(rules_app, name="rules")
governance_meetings.register(app)


@bodies_app.command("list")
@handle_errors
def list_bodies(workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """Every governance body with its rule set and current number of seats."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = body_service.list_bodies(uow, ws.system)
    if json_output:
        print_json([body_dict(b) for b in found])
        return
    table = Table("Code", "Name", "Kind", "Rule set", "Notice", "Seats", title="Governance bodies")
    for b in found:
        rules = f"{b.rule_set} v{b.rule_set_version}" if b.rule_set else "(none)"
        table.add_row(
            b.code,
            escape(b.name),
            b.kind.value,
            escape(rules),
            f"{b.notice_days} clear days",
            str(len(b.seats)),
        )
    console.print(table)


@bodies_app.command("create")
@handle_errors
def create_body(
    code: str,
    name: Annotated[str, typer.Option(help="The body's name.")],
    kind: Annotated[str, typer.Option(help="; ".join(k.value for k in BodyKind))],
    place: Annotated[str | None, typer.Option(help="Place code, for place bodies.")] = None,
    rule_set: Annotated[
        str | None, typer.Option(help="A loaded rule set (name or packaged name).")
    ] = None,
    rule_version: Annotated[int | None, typer.Option(help="Its version (default latest).")] = None,
    notice_days: Annotated[int, typer.Option(help="Clear days of notice for agendas.")] = 5,
    recused_count_for_quorum: Annotated[
        bool | None,
        typer.Option(
            "--recused-count/--recused-not-counted",
            help="Whether recused members count for quorum (default: as the rule set says).",
            show_default=False,
        ),
    ] = None,
    local_rules: Annotated[
        Path | None, typer.Option(help="JSON file: a list of local composition rules.")
    ] = None,
    authority: Many = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Create a body (ICB board, ICP, place partnership, HWB, committee, ...)."""
    rules: list[dict[str, object]] = []
    if local_rules is not None:
        try:
            loaded = json.loads(local_rules.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                f"Cannot read local rules from {local_rules} ({exc.__class__.__name__}).",
                input_name="--local-rules",
                expected="a JSON list of composition rules",
            ) from None
        rules = loaded if isinstance(loaded, list) else [loaded]
    spec = body_service.BodySpec(
        code,
        name,
        parse_enum(kind, BodyKind, "--kind"),
        place,
        rule_set,
        rule_version,
        notice_days,
        recused_count_for_quorum,
        tuple(rules),
        tuple(authority or ()),
    )
    with writing(workspace) as (ws, uow):
        body = body_service.create_body(uow, ws.system, spec, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Created {escape(body.name)} ({body.code}): {body.kind.value}.")


@bodies_app.command("show")
@handle_errors
def show_body(
    code: str,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """A body's seats held on a date and its composition check."""
    day = parse_date(as_of, "--as-of")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        body, unmet = body_service.check_composition(uow, ws.system, code, day)
    if json_output:
        print_json(body_dict(body, day=day, unmet=unmet))
        return
    rules = f"{body.rule_set} v{body.rule_set_version}" if body.rule_set else "none assigned"
    console.print(
        f"[bold]{escape(body.name)}[/] ({body.code}), {body.kind.value}; rule set: "
        f"{escape(rules)}; notice {body.notice_days} clear days."
    )
    _seat_table(body.seats, day, f"Seats on {day.isoformat()}")
    if unmet:
        console.print(f"[bold red]Composition: {len(unmet)} rule(s) unmet[/]")
        for u in unmet:
            console.print(f"  - {escape(u.message)} " + escape(f"[{u.source}: {u.citation}]"))
    else:
        console.print("[green]Composition: every statutory, policy and local rule is met.[/]")


def _seat_table(records: tuple[body_service.SeatRecord, ...], day: date | None, title: str) -> None:
    table = Table("Seat", "Type", "Title", "Holder", "Organisation", "Vote", "Term", title=title)
    for r in records:
        s = r.seat
        if day is not None and not s.held_on(day):
            continue
        vote = ("yes" if s.weight == 1 else f"weight {s.weight}") if s.voting else "no"
        table.add_row(
            s.seat_id,
            s.seat_type.value,
            escape(s.title),
            escape(s.holder),
            s.organisation_code or "",
            vote,
            s.term.describe(),
        )
    console.print(table)


@seats_app.command("appoint")
@handle_errors
def appoint(
    body: str,
    seat_id: str,
    seat_type: Annotated[str, typer.Option("--type", help="; ".join(t.value for t in SeatType))],
    title: Annotated[str, typer.Option(help='e.g. "Director of Finance".')],
    holder: Annotated[str, typer.Option(help="The holder's name as the body publishes it.")],
    start: Annotated[str, typer.Option("--from", help="First day of the term, YYYY-MM-DD.")],
    end: Annotated[
        str | None, typer.Option("--to", help="Day the term ends (not held from then).")
    ] = None,
    organisation: Annotated[
        str | None, typer.Option(help="Organisation the holder comes from.")
    ] = None,
    member_class: Annotated[
        list[str] | None,
        typer.Option(
            "--class", help="nhs, local_authority, councillor, ... (repeat).", show_default=False
        ),
    ] = None,
    non_voting: Annotated[bool, typer.Option("--non-voting", help="A non-voting seat.")] = False,
    weight: Annotated[int, typer.Option(help="Vote weight.")] = 1,
    nominated_by: Annotated[str | None, typer.Option(help="Nominating organisation.")] = None,
    approved_by: Annotated[str | None, typer.Option(help="Approving organisation.")] = None,
    user: Annotated[
        str | None, typer.Option(help="The holder's username (they may then vote).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Appoint someone to a seat for a term (recorded in the public register)."""
    try:
        seat = Seat(
            seat_id,
            body,
            parse_enum(seat_type, SeatType, "--type"),
            title,
            holder,
            organisation,
            frozenset(member_class or ()),
            not non_voting,
            weight,
            nominated_by,
            approved_by,
            Period(parse_date(start, "--from"), optional_date(end, "--to")),
        )
    except ValueError as exc:  # the model's messages name the seat already ("seat S1: ...")
        problem = str(exc).removeprefix(f"seat {seat_id}: ").rstrip(".")
        raise InvalidInput(
            f"Seat {seat_id}: {problem}.", input_name="seat", expected="a consistent seat"
        ) from None
    with writing(workspace) as (ws, uow):
        body_service.appoint_seat(uow, ws.system, seat, actor=LOCAL_OPERATOR, username=user)
        uow.commit()
    console.print(
        f"Appointed {escape(seat.holder)} to {seat.seat_id} ({escape(seat.title)}) on {body} "
        f"for {seat.term.describe()}."
    )


@seats_app.command("end")
@handle_errors
def end(
    seat_id: str,
    effective: Annotated[str, typer.Option(help="First day the seat is no longer held.")],
    reason: Annotated[str | None, typer.Option(help="Why the term ends.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """End the current term of a seat."""
    day = parse_date(effective, "--effective")
    with writing(workspace) as (ws, uow):
        seat = body_service.end_term(
            uow, ws.system, seat_id, day, actor=LOCAL_OPERATOR, reason=reason
        )
        uow.commit()
    console.print(f"The term of {escape(seat.holder)} in {seat.seat_id} ends from {day}.")


@seats_app.command("list")
@handle_errors
def list_seats(
    body: str,
    as_of: AsOfOption = None,
    all_terms: Annotated[bool, typer.Option("--history", help="Every term, past too.")] = False,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Seats of a body held on a date (or every term)."""
    day = parse_date(as_of, "--as-of")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = body_service.get_body(uow, ws.system, body)
    records = [r for r in found.seats if all_terms or r.seat.held_on(day)]
    if json_output:
        print_json([seat_dict(r.seat, r.username) for r in records])
        return
    _seat_table(tuple(records), None, "Every term" if all_terms else f"Seats on {day}")


@rules_app.command("load")
@handle_errors
def load(
    file: Annotated[Path | None, typer.Argument(help="A rule set JSON file.")] = None,
    name: Annotated[
        str | None,
        typer.Option(help=f"A packaged rule set: {', '.join(rulesets.packaged_names())}."),
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Load a rule set version (from a file or by packaged name); versions never overwrite."""
    if (file is None) == (name is None):
        raise InvalidInput(
            "Give a rule set file or --name, not both or neither.",
            input_name="file",
            expected="FILE or --name NAME",
        )
    with writing(workspace) as (ws, uow):
        if file is not None:
            stored = rulesets.load_file(uow, ws.system, file, actor=LOCAL_OPERATOR)
        else:
            assert name is not None
            stored = rulesets.load_packaged(uow, ws.system, name, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json(rule_set_dict(stored) | {"created": stored.created})
        return
    verb = "Loaded" if stored.created else "Already loaded (unchanged)"
    console.print(f"{verb}: {escape(stored.name)} version {stored.version} ({stored.digest[:12]}).")


@rules_app.command("list")
@handle_errors
def list_rules(workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """Every stored rule set version."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = rulesets.list_rule_sets(uow, ws.system)
    if json_output:
        print_json([rule_set_dict(s) for s in found])
        return
    table = Table("Name", "Version", "Digest", "Loaded", "By", title="Rule sets")
    for s in found:
        table.add_row(
            escape(s.name), str(s.version), s.digest[:12], s.loaded_at.isoformat(), s.loaded_by
        )
    console.print(table)


@rules_app.command("show")
@handle_errors
def show_rules(
    name: str,
    version: Annotated[int | None, typer.Option(help="Default: the latest.")] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """A stored rule set as data."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        stored = rulesets.get_rule_set(uow, ws.system, name, version)
    if json_output:
        print_json(rule_set_dict(stored))
        return
    console.print(f"[bold]{escape(stored.name)}[/] version {stored.version}")
    console.print_json(json.dumps(stored.data))


@rules_app.command("assign")
@handle_errors
def assign(
    body: str,
    name: str,
    version: Annotated[int | None, typer.Option(help="Default: the latest.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Make a body decide under a stored rule set version."""
    with writing(workspace) as (ws, uow):
        stored = rulesets.assign_rule_set(uow, ws.system, body, name, version, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"{body} now decides under {escape(stored.name)} version {stored.version}.")
