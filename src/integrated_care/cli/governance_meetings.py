"""``ics governance meetings|items`` (and, from ``governance_votes``, interests, proposals
and votes)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli import governance_votes
from integrated_care.cli.common import (
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    optional_date,
    print_json,
)
from integrated_care.cli.governance_common import parse_datetime, parse_enum, writing
from integrated_care.errors import InvalidInput
from integrated_care.governance.model import Classification, DecisionType
from integrated_care.services.governance import meetings
from integrated_care.services.governance.dicts import (
    meeting_dict,
)
from integrated_care.services.governance.views import MeetingView

meetings_app = typer.Typer(help="Meetings, agendas, attendance and minutes.", no_args_is_help=True)
items_app = typer.Typer(help="Agenda items and their proposals.", no_args_is_help=True)

Repeat = Annotated[list[str] | None, typer.Option(show_default=False)]
Seats = Annotated[list[str], typer.Argument(help="Seat ids.")]


def register(app: typer.Typer) -> None:
    app.add_typer(meetings_app, name="meetings")
    app.add_typer(items_app, name="items")
    governance_votes.register(app)


def _print_meeting(m: MeetingView) -> None:
    published = (
        f"agenda published {m.agenda_published_at.isoformat(timespec='minutes')} "
        f"({m.clear_days} clear days, {m.notice_days} required)"
        if m.agenda_published_at
        else "agenda not yet published"
    )
    console.print(
        f"[bold]Meeting {m.meeting_id}[/]: {escape(m.body_name)}, "
        f"{m.starts_at.isoformat(timespec='minutes')} at {escape(m.location)}; {published}."
    )
    if m.urgency_reason:
        console.print(f"  Published late for urgency: {escape(m.urgency_reason)}")
    table = Table("Item", "Title", "Access", "Proposal", "Status", title="Agenda")
    for i in m.items:
        access = (
            "public" if i.public else f"private: {i.exclusion_ground} (until {i.publish_after})"
        )
        p = i.proposal
        status = ""
        if p is not None:
            status = p.status if p.carried is None else ("carried" if p.carried else "not carried")
        table.add_row(
            i.number,
            escape(i.title),
            escape(access),
            f"#{p.proposal_id} {p.classification.decision_type.value}" if p else "",
            status,
        )
    console.print(table)
    if m.attendance:
        present = [a.seat_id for a in m.attendance if a.status == "present"]
        apologies = [a.seat_id for a in m.attendance if a.status == "apologies"]
        console.print(f"Present: {', '.join(present) or 'none'}")
        console.print(f"Apologies: {', '.join(apologies) or 'none'}")
    if m.minutes:
        state = "approved" if m.minutes_approved else "draft"
        console.print(f"Minutes ({state}):\n{escape(m.minutes)}")


@meetings_app.command("create")
@handle_errors
def create(
    body: str,
    at: Annotated[str, typer.Option(help="Start, YYYY-MM-DDTHH:MM (UTC unless a zone given).")],
    location: Annotated[str, typer.Option(help="Where the meeting is held.")],
    chair: Annotated[str | None, typer.Option(help="The presiding seat, if not the chair.")] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create a meeting of a body."""
    starts = parse_datetime(at, "--at")
    assert starts is not None
    with writing(workspace) as (ws, uow):
        m = meetings.create_meeting(
            uow, ws.system, body, starts, location, actor=LOCAL_OPERATOR, chair_seat_id=chair
        )
        uow.commit()
    if json_output:
        print_json(meeting_dict(m))
        return
    console.print(f"Created meeting {m.meeting_id} of {body} on {m.starts_at.isoformat()}.")


@meetings_app.command("list")
@handle_errors
def list_meetings(
    body: Annotated[str | None, typer.Option(help="Only this body.")] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Meetings, oldest first."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = meetings.list_meetings(uow, ws.system, body)
    if json_output:
        print_json([meeting_dict(m) for m in found])
        return
    table = Table("Meeting", "Body", "Starts", "Location", "Agenda", "Items", title="Meetings")
    for m in found:
        agenda = "published" if m.agenda_published_at else "draft"
        table.add_row(
            str(m.meeting_id),
            m.body_code,
            m.starts_at.isoformat(timespec="minutes"),
            escape(m.location),
            agenda,
            str(len(m.items)),
        )
    console.print(table)


@meetings_app.command("show")
@handle_errors
def show(meeting: int, workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """A meeting: agenda, attendance and minutes."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        m = meetings.get_meeting(uow, ws.system, meeting)
    if json_output:
        print_json(meeting_dict(m))
        return
    _print_meeting(m)


@meetings_app.command("publish")
@handle_errors
def publish(
    meeting: int,
    at: Annotated[str | None, typer.Option(help="Publication time (default: now).")] = None,
    urgent: Annotated[
        str | None, typer.Option(help="Urgency reason: publish late and record why.")
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Publish the agenda, checking the notice period in clear days."""
    when = parse_datetime(at, "--at")
    with writing(workspace) as (ws, uow):
        pub = meetings.publish_agenda(
            uow, ws.system, meeting, actor=LOCAL_OPERATOR, at=when, urgency_reason=urgent
        )
        uow.commit()
    if json_output:
        print_json(
            {
                "meeting_id": pub.meeting_id,
                "published_at": pub.published_at.isoformat(),
                "clear_days": pub.clear_days,
                "notice_days": pub.notice_days,
                "late": pub.late,
                "urgency_reason": pub.urgency_reason,
                "register_entries": list(pub.register_entries),
            }
        )
        return
    late = f" LATE, for urgency: {escape(pub.urgency_reason or '')}" if pub.late else ""
    console.print(
        f"Published the agenda of meeting {meeting}: {pub.clear_days} clear days' notice "
        f"({pub.notice_days} required){late}. Register entries {list(pub.register_entries)}."
    )


def _attendance(meeting: int, seats: list[str], present: bool, workspace: Path | None) -> None:
    with writing(workspace) as (ws, uow):
        meetings.record_attendance(
            uow, ws.system, meeting, seats, present=present, actor=LOCAL_OPERATOR
        )
        uow.commit()
    what = "present" if present else "sending apologies"
    console.print(f"Recorded {', '.join(seats)} as {what} at meeting {meeting}.")


@meetings_app.command("attend")
@handle_errors
def attend(meeting: int, seats: Seats, workspace: WorkspaceOption = None) -> None:
    """Record seats present at a meeting."""
    _attendance(meeting, seats, True, workspace)


@meetings_app.command("apologies")
@handle_errors
def apologies(meeting: int, seats: Seats, workspace: WorkspaceOption = None) -> None:
    """Record apologies for absence."""
    _attendance(meeting, seats, False, workspace)


@meetings_app.command("minutes")
@handle_errors
def minutes(
    meeting: int,
    text: Annotated[str | None, typer.Option(help="The minutes.")] = None,
    file: Annotated[Path | None, typer.Option(help="A file holding the minutes.")] = None,
    approve: Annotated[bool, typer.Option("--approve", help="Mark them approved.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record the minutes (and approve them)."""
    if text is not None and file is not None:
        raise InvalidInput(
            "Give --text or --file, not both.", input_name="--text", expected="one source"
        )
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"Cannot read {file} ({exc.__class__.__name__}).",
                input_name="--file",
                expected="a readable UTF-8 text file",
            ) from None
    with writing(workspace) as (ws, uow):
        meetings.record_minutes(
            uow, ws.system, meeting, text, approved=approve, actor=LOCAL_OPERATOR
        )
        uow.commit()
    console.print(f"Minutes of meeting {meeting} recorded{' and approved' if approve else ''}.")


@items_app.command("add")
@handle_errors
def add_item(
    meeting: int,
    number: str,
    title: Annotated[str, typer.Option(help="The item's title.")],
    private: Annotated[bool, typer.Option("--private", help="Taken in private.")] = False,
    ground: Annotated[
        str | None, typer.Option(help='Exclusion ground, e.g. "Schedule 12A paragraph 3".')
    ] = None,
    publish_after: Annotated[
        str | None, typer.Option(help="Private items: when the content can be published.")
    ] = None,
    proposal: Annotated[str | None, typer.Option(help="The proposal's title.")] = None,
    text: Annotated[str | None, typer.Option(help="The proposal's text.")] = None,
    decision_type: Annotated[
        str, typer.Option(help="; ".join(t.value for t in DecisionType))
    ] = DecisionType.OTHER.value,
    flag: Repeat = None,
    organisation: Repeat = None,
    topic: Repeat = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add an agenda item, optionally with a proposal to decide."""
    spec = None
    if proposal is not None:
        kind = parse_enum(decision_type, DecisionType, "--decision-type")
        spec = meetings.ProposalSpec(
            proposal,
            text or proposal,
            Classification(kind, frozenset(flag or ())),
            tuple(organisation or ()),
            tuple(topic or ()),
        )
    elif flag or organisation or topic or text:
        raise InvalidInput(
            "--text, --flag, --organisation and --topic describe a proposal.",
            input_name="--proposal",
            expected="--proposal TITLE with them",
        )
    item = meetings.ItemSpec(
        number,
        title,
        not private,
        ground,
        optional_date(publish_after, "--publish-after"),
        spec,
    )
    with writing(workspace) as (ws, uow):
        meetings.add_item(uow, ws.system, meeting, item, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Added item {number} to meeting {meeting}.")
