"""Meetings: agenda items, publication with the clear-days notice check, private items as
salted commitments, attendance and minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.unit.services.governance.conftest import (
    SYSTEM,
    Board,
    RowCounts,
    read,
    refused,
    register_types,
    run,
)

from integrated_care.access import Actor, Role
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.governance.model import (
    MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING,
    Classification,
    DecisionType,
)
from integrated_care.governance.register.store import RegisterStore
from integrated_care.services.governance import meetings, voting
from integrated_care.services.governance.meetings import ItemSpec, ProposalSpec, clear_days
from integrated_care.workspace import Workspace

JULY = datetime(2025, 7, 10, 9, 30, tzinfo=UTC)  # a Thursday
POLICY = Classification(DecisionType.POLICY, frozenset())


def new_meeting(ws: Workspace, starts: datetime = JULY, *items: ItemSpec) -> int:
    meeting = run(ws, meetings.create_meeting, "icb-board", starts, "Trent Bridge House").meeting_id
    for item in items or (ItemSpec("1", "Apologies and declarations"),):
        run(ws, meetings.add_item, meeting, item)
    return meeting


@pytest.mark.parametrize(
    ("published", "meeting", "clear"),
    [
        (date(2025, 7, 3), date(2025, 7, 10), 6),
        (date(2025, 7, 4), date(2025, 7, 10), 5),
        (date(2025, 7, 9), date(2025, 7, 10), 0),
        (date(2025, 6, 30), date(2025, 7, 10), 9),
    ],
)
def test_clear_days_count_neither_the_publication_day_nor_the_meeting_day(
    published: date, meeting: date, clear: int
) -> None:
    assert clear_days(published, meeting) == clear


def test_an_agenda_published_with_exactly_the_notice_is_in_time(board: Board) -> None:
    meeting = new_meeting(board.ws)
    at = datetime(2025, 7, 4, 16, 0, tzinfo=UTC)  # 5 clear days: 5th to 9th July
    publication = run(board.ws, meetings.publish_agenda, meeting, at=at)
    assert (publication.clear_days, publication.late, publication.urgency_reason) == (
        5,
        False,
        None,
    )
    view = read(board.ws, meetings.get_meeting, meeting)
    assert (view.agenda_published_at, view.clear_days) == (at, 5)


def test_an_agenda_published_late_is_refused_and_writes_nothing(
    board: Board, row_counts: RowCounts
) -> None:
    meeting = new_meeting(board.ws)
    error = refused(
        board.ws,
        row_counts,
        InvalidInput,
        r"would be published late: 4 clear days before the meeting, 5 required "
        r"\(publish by 2025-07-04\)",
        meetings.publish_agenda,
        meeting,
        at=datetime(2025, 7, 5, 8, 0, tzinfo=UTC),
    )
    assert isinstance(error, InvalidInput)
    assert error.expected is not None
    assert "urgency reason" in error.expected


def test_a_late_agenda_with_an_urgency_reason_is_published_and_the_reason_recorded(
    board: Board,
) -> None:
    meeting = new_meeting(board.ws)
    at = datetime(2025, 7, 8, 9, 0, tzinfo=UTC)
    publication = run(
        board.ws,
        meetings.publish_agenda,
        meeting,
        at=at,
        urgency_reason="  Winter capacity: decision needed before the 14th  ",
    )
    assert (publication.clear_days, publication.late) == (1, True)
    assert publication.urgency_reason == "Winter capacity: decision needed before the 14th"
    assert (
        read(board.ws, meetings.get_meeting, meeting).urgency_reason == publication.urgency_reason
    )
    with board.ws.uow() as uow:
        [entry] = RegisterStore().entries(
            uow.session, SYSTEM, start=publication.register_entries[0]
        )
    assert entry.type == "agenda_published"
    assert entry.payload is not None
    assert entry.payload["late"] is True
    assert entry.payload["urgency_reason"] == publication.urgency_reason


def test_the_meeting_day_is_the_day_in_england(board: Board) -> None:
    # 23:30 UTC on 9 July is 00:30 BST on 10 July: the meeting is on the 10th.
    meeting = new_meeting(board.ws, datetime(2025, 7, 9, 23, 30, tzinfo=UTC))
    assert read(board.ws, meetings.get_meeting, meeting).day == date(2025, 7, 10)
    publication = run(
        board.ws, meetings.publish_agenda, meeting, at=datetime(2025, 7, 4, 12, 0, tzinfo=UTC)
    )
    assert publication.clear_days == 5


@pytest.mark.parametrize(
    ("when", "error", "match"),
    [
        (datetime(2025, 7, 10, 9, 30, tzinfo=UTC), InvalidInput, "at or after the meeting"),
        (datetime(2025, 7, 11, 9, 0, tzinfo=UTC), InvalidInput, "at or after the meeting"),
    ],
)
def test_an_agenda_cannot_be_published_once_the_meeting_starts(
    board: Board, row_counts: RowCounts, when: datetime, error: type, match: str
) -> None:
    meeting = new_meeting(board.ws)
    refused(
        board.ws,
        row_counts,
        error,
        match,
        meetings.publish_agenda,
        meeting,
        at=when,
        urgency_reason="too late for anything",
    )


def test_an_agenda_is_published_once(board: Board, row_counts: RowCounts) -> None:
    refused(
        board.ws,
        row_counts,
        Conflict,
        "cannot be published twice",
        meetings.publish_agenda,
        board.meeting,
        at=datetime(2025, 6, 5, tzinfo=UTC),
    )


def test_an_empty_agenda_is_not_published(board: Board, row_counts: RowCounts) -> None:
    meeting = run(board.ws, meetings.create_meeting, "icb-board", JULY, "Online").meeting_id
    refused(
        board.ws,
        row_counts,
        InvalidInput,
        "no agenda items",
        meetings.publish_agenda,
        meeting,
        at=datetime(2025, 7, 1, tzinfo=UTC),
    )


def test_publication_logs_the_agenda_each_proposal_and_each_exclusion(board: Board) -> None:
    types = register_types(board.ws)
    start = types.index("agenda_published")
    assert types[start:] == ["agenda_published", "proposal", "proposal", "exclusion_resolution"]
    with board.ws.uow() as uow:
        entries = RegisterStore().entries(uow.session, SYSTEM, start=start)
    agenda, _, _, exclusion = entries
    assert agenda.payload is not None
    private = agenda.payload["items"][-1]
    assert private == {
        "item": "9",
        "public": False,
        "ground": "Schedule 12A paragraph 3 (financial or business affairs)",
        "publish_after": "2026-06-12",
    }
    # The private item's content is a salted commitment, to be revealed after its date.
    assert exclusion.private
    assert exclusion.payload is None
    assert exclusion.commitment is not None
    assert len(exclusion.commitment) == 64
    assert exclusion.reveal_after == "2026-06-12"
    assert b"lease negotiation" not in exclusion.leaf


ITEM = ItemSpec("2", "Minutes of the last meeting")


@pytest.mark.parametrize(
    ("item", "error", "match"),
    [
        (ItemSpec("two", "Minutes"), InvalidInput, "item number 'two' is not valid"),
        (ItemSpec("2", "  "), InvalidInput, "item title is blank"),
        (ItemSpec("2", "Estates", public=False), InvalidInput, "needs the ground"),
        (
            ItemSpec("2", "Estates", public=False, exclusion_ground="Sch 12A para 3"),
            InvalidInput,
            "date its content can be published, after the meeting",
        ),
        (
            ItemSpec(
                "2",
                "Estates",
                public=False,
                exclusion_ground="Sch 12A para 3",
                publish_after=date(2025, 7, 10),
            ),
            InvalidInput,
            "after the meeting \\(2025-07-10\\)",
        ),
        (
            ItemSpec("2", "Estates", exclusion_ground="Sch 12A para 3"),
            InvalidInput,
            "is public, so it has no exclusion ground",
        ),
        (
            ItemSpec(
                "2",
                "Policy",
                proposal=ProposalSpec(
                    "Adopt",
                    "Adopt it.",
                    Classification(DecisionType.POLICY, frozenset({"outsource"})),
                ),
            ),
            InvalidInput,
            "Unknown proposal flag 'outsource'",
        ),
        (
            ItemSpec("2", "Policy", proposal=ProposalSpec("Adopt", "Adopt it.", POLICY, ("RX2",))),
            NotFound,
            "Unknown organisation 'RX2'",
        ),
        (ItemSpec("1", "Again"), Conflict, "already has an item 1"),
    ],
)
def test_a_bad_agenda_item_is_refused_and_writes_nothing(
    board: Board, row_counts: RowCounts, item: ItemSpec, error: type, match: str
) -> None:
    meeting = new_meeting(board.ws)
    refused(board.ws, row_counts, error, match, meetings.add_item, meeting, item)


def test_items_cannot_be_added_after_publication(board: Board, row_counts: RowCounts) -> None:
    refused(
        board.ws,
        row_counts,
        Conflict,
        "items cannot be added after publication",
        meetings.add_item,
        board.meeting,
        ITEM,
    )


def test_agenda_items_sort_as_numbered_and_carry_their_proposals(board: Board) -> None:
    flagged = Classification(
        DecisionType.STRATEGY, frozenset({MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING})
    )
    meeting = new_meeting(
        board.ws,
        JULY,
        ItemSpec("10", "Any other business"),
        ItemSpec(
            "2",
            "Strategy",
            proposal=ProposalSpec(
                "Adopt the strategy", "Text.", flagged, topics=("  Urgent Care ",)
            ),
        ),
        ItemSpec("2.1", "Annex"),
    )
    view = read(board.ws, meetings.get_meeting, meeting)
    assert [i.number for i in view.items] == ["2", "2.1", "10"]
    proposal = view.items[0].proposal
    assert proposal is not None
    assert proposal.classification == flagged
    assert proposal.status == "draft"
    shown = read(board.ws, voting.get_proposal, proposal.proposal_id)
    assert shown.topics == ("urgent care",)


def test_private_items_are_withheld_from_the_public_until_their_date(board: Board) -> None:
    public = Actor("anyone", Role.PUBLIC)
    before = date(2026, 6, 11)
    seen = read(board.ws, meetings.get_meeting, board.meeting, viewer=public, today=before)
    seen = seen.items[-1]
    assert (seen.title, seen.withheld, seen.exclusion_ground) == (
        "Private item",
        True,
        "Schedule 12A paragraph 3 (financial or business affairs)",
    )
    assert seen.proposal is None
    staff = read(board.ws, meetings.get_meeting, board.meeting, today=before).items[-1]
    assert staff.title.startswith("Estates: lease negotiation")
    after = read(
        board.ws, meetings.get_meeting, board.meeting, viewer=public, today=date(2026, 6, 12)
    )
    assert after.items[-1].title.startswith("Estates: lease negotiation")


def test_attendance_is_recorded_for_seats_held_on_the_day(board: Board) -> None:
    view = read(board.ws, meetings.get_meeting, board.meeting)
    statuses = {a.seat_id: a.status for a in view.attendance}
    assert statuses["nem-deputy-chair"] == "apologies"
    assert statuses["chair"] == "present"
    assert len(statuses) == 14


def test_attendance_of_an_unknown_seat_is_refused(board: Board, row_counts: RowCounts) -> None:
    refused(
        board.ws,
        row_counts,
        NotFound,
        "Unknown seat of icb-board held on 2025-06-12 'cfo'",
        meetings.record_attendance,
        board.meeting,
        ["chair", "cfo"],
        present=True,
    )


def test_a_member_who_voted_cannot_be_marked_absent_while_the_vote_is_open(
    board: Board, row_counts: RowCounts
) -> None:
    from integrated_care.governance.model import Choice

    run(board.ws, voting.open_vote, board.proposal("5"))
    run(board.ws, voting.cast_vote, board.proposal("5"), "ceo", Choice.FOR)
    refused(
        board.ws,
        row_counts,
        Conflict,
        "has voted on the open proposal",
        meetings.record_attendance,
        board.meeting,
        ["ceo"],
        present=False,
    )


def test_minutes_are_recorded_approved_and_then_fixed(board: Board, row_counts: RowCounts) -> None:
    refused(
        board.ws,
        row_counts,
        InvalidInput,
        "no minutes to approve",
        meetings.record_minutes,
        board.meeting,
        None,
        approved=True,
    )
    run(board.ws, meetings.record_minutes, board.meeting, "Draft minutes.")
    run(board.ws, meetings.record_minutes, board.meeting, "Minutes as agreed.", approved=True)
    view = read(board.ws, meetings.get_meeting, board.meeting)
    assert (view.minutes, view.minutes_approved) == ("Minutes as agreed.", True)
    refused(
        board.ws,
        row_counts,
        Conflict,
        "already approved",
        meetings.record_minutes,
        board.meeting,
        "Rewritten.",
    )


def test_a_meeting_time_needs_a_zone(board: Board, row_counts: RowCounts) -> None:
    refused(
        board.ws,
        row_counts,
        InvalidInput,
        "without a time zone",
        meetings.create_meeting,
        "icb-board",
        datetime(2025, 7, 10, 9, 30),
        "Online",
    )
