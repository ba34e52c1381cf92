"""Votes and decisions: open a vote on an item's proposal, cast votes, close and decide.

Who may vote: a voting seat of the body held on the meeting day, recorded present, and not
recused by a declared interest relevant to the item. A member casts their own vote (their
seat is linked to their username); a board secretary (or admin) may record a vote cast in
the room on a member's behalf, and the record keeps who entered it.

Closing builds one ballot per voting seat held on the day: recused (from the register of
interests), absent (not recorded present), as cast, or an abstention for a member present
who did not vote. The body's rule set decides; a meeting that is not quorate decides nothing
(the request is refused and the vote stays open). A decision stores the rule set name,
version and rule, the explanation and the tally, and goes to the public register with every
ballot, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, Forbidden, InvalidInput
from integrated_care.governance.model import Ballot, Choice, Outcome, Seat
from integrated_care.governance.rules import evaluate
from integrated_care.persistence.governance_models import (
    GovDecisionRow,
    GovMeetingRow,
    GovProposalRow,
    GovSeatRow,
    GovVoteRow,
)
from integrated_care.persistence.governance_repository import seat_from_row
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.common import (
    audit,
    repo,
    uk_day,
)
from integrated_care.services.governance.proposals import ProposalView as ProposalView
from integrated_care.services.governance.proposals import VoteLine as VoteLine
from integrated_care.services.governance.proposals import context as _context
from integrated_care.services.governance.proposals import get_proposal as get_proposal
from integrated_care.services.governance.proposals import proposal_for_item as proposal_for_item
from integrated_care.services.governance.proposals import recusals as _recusals
from integrated_care.services.governance.rulesets import rule_set_for
from integrated_care.services.governance.views import (
    DecisionView,
    classification_of,
    decision_view,
)
from integrated_care.services.register_events import record_event

CHOICES = (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN)


def open_vote(
    uow: UnitOfWork, system_code: str, proposal_id: int, *, actor: Actor, at: datetime | None = None
) -> ProposalView:
    """Open the vote on a proposal of a meeting whose agenda has been published."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    proposal, meeting, _, _ = _context(uow, system_code, proposal_id)
    if proposal.status != "draft":
        raise Conflict(
            f"The vote on proposal {proposal.id} is already "
            f"{'open' if proposal.status == 'open' else 'closed'}.",
            input_name="proposal",
            expected="a proposal not yet put to the vote",
        )
    if meeting.agenda_published_at is None:
        raise Conflict(
            f"The agenda of meeting {meeting.id} has not been published, so nothing on it can "
            "be put to the vote.",
            input_name="meeting",
            expected="'ics governance meetings publish' first",
        )
    body = repo(uow).body_by_id(meeting.body_id)
    rule_set_for(uow, body)  # no rule set: refuse now
    proposal.rule_set_name = body.rule_set_name
    proposal.rule_set_version = body.rule_set_version
    proposal.status = "open"
    proposal.opened_at = at or utc_now()
    uow.session.flush()
    audit(uow, actor, system_code, f"governance/proposals/{proposal.id}", use_case="open_vote")
    return get_proposal(uow, system_code, proposal.id)


def _closed(proposal: GovProposalRow, decision: GovDecisionRow | None) -> Conflict:
    when = f" on {decision.decided_at.isoformat(timespec='minutes')}" if decision else ""
    return Conflict(
        f"The vote on proposal {proposal.id} closed{when}; no more votes can be cast.",
        input_name="proposal",
        expected="a proposal whose vote is open",
    )


def cast_vote(
    uow: UnitOfWork,
    system_code: str,
    proposal_id: int,
    seat_id: str,
    choice: Choice,
    *,
    actor: Actor,
    note: str | None = None,
    at: datetime | None = None,
) -> VoteLine:
    """Record one seat's vote; every refusal says why and writes nothing."""
    if not (actor.can(Permission.MANAGE_GOVERNANCE) or actor.can(Permission.CAST_VOTE)):
        require(actor, Permission.CAST_VOTE)
    if choice not in CHOICES:
        raise InvalidInput(
            f"'{choice}' is not a vote.",
            input_name="choice",
            expected="for, against or abstain (absent and recused are worked out at close)",
        )
    proposal, meeting, body_code, held = _context(uow, system_code, proposal_id)
    gov = repo(uow)
    if proposal.status == "draft":
        raise Conflict(
            f"The vote on proposal {proposal.id} has not been opened.",
            input_name="proposal",
            expected="'ics governance vote open' first",
        )
    if proposal.status == "decided":
        raise _closed(proposal, gov.decision(proposal.id))
    day = uk_day(meeting.starts_at)
    row = next((s for s in held if s.seat_id == seat_id), None)
    if row is None:
        raise Forbidden(
            f"'{seat_id}' holds no seat on {body_code} on {day.isoformat()}, so it cannot vote.",
            input_name="seat",
            expected="a seat of the body held on the meeting day: "
            + ", ".join(s.seat_id for s in held if s.voting),
        )
    if not actor.can(Permission.MANAGE_GOVERNANCE) and row.username != actor.name:
        raise Forbidden(
            f"{actor.name} may cast only their own vote; seat {seat_id} is not theirs.",
            input_name="seat",
            expected="the seat linked to your username",
        )
    if not row.voting:
        raise Forbidden(
            f"Seat {seat_id} ({row.title}) is a non-voting seat.",
            input_name="seat",
            expected="a voting seat",
        )
    status = gov.attendance(meeting.id).get(row.id)
    if status is None or status.status != "present":
        why = "sent apologies" if status is not None else "is not recorded as present"
        raise InvalidInput(
            f"{row.holder} ({seat_id}) {why} at meeting {meeting.id}, so cannot vote.",
            input_name="seat",
            expected="a member recorded present ('ics governance meetings attend')",
        )
    recused = _recusals(uow, system_code, proposal, meeting, body_code, held)
    if seat_id in recused:
        raise Forbidden(
            f"{row.holder} ({seat_id}) is recused from proposal {proposal.id}: "
            f"{recused[seat_id].rstrip('.')}.",
            input_name="seat",
            expected="a member with no declared interest relevant to the item",
        )
    earlier = next((v for v in gov.votes(proposal.id) if v.seat_pk == row.id), None)
    if earlier is not None:
        raise Conflict(
            f"Seat {seat_id} has already voted '{earlier.choice}' on proposal {proposal.id}; "
            "a vote cannot be cast twice or changed.",
            input_name="seat",
            expected="one vote per seat",
        )
    vote = gov.add(
        GovVoteRow(
            proposal_id=proposal.id,
            seat_pk=row.id,
            choice=choice.value,
            cast_at=at or utc_now(),
            recorded_by=actor.name,
            note=note.strip() if note and note.strip() else None,
        )
    )
    audit(
        uow,
        actor,
        system_code,
        f"governance/proposals/{proposal.id}/votes/{seat_id}",
        use_case="cast_vote",
    )
    return VoteLine(
        seat_id, row.holder, row.organisation_code, choice, vote.cast_at, actor.name, vote.note
    )


def _ballots(
    uow: UnitOfWork,
    proposal: GovProposalRow,
    meeting: GovMeetingRow,
    body_code: str,
    held: list[GovSeatRow],
    recused: dict[str, str],
) -> list[Ballot]:
    gov = repo(uow)
    attendance = gov.attendance(meeting.id)
    cast = {v.seat_pk: Choice(v.choice) for v in gov.votes(proposal.id)}
    ballots = []
    for row in held:
        if not row.voting:
            continue
        seat = seat_from_row(row, body_code)
        here = row.id in attendance and attendance[row.id].status == "present"
        if seat.seat_id in recused:
            ballots.append(Ballot(seat, Choice.RECUSED, here))
        elif not here:
            ballots.append(Ballot(seat, Choice.ABSENT, False))
        else:  # present and silent counts as an abstention
            ballots.append(Ballot(seat, cast.get(row.id, Choice.ABSTAIN), True))
    return ballots


def _chair(meeting: GovMeetingRow, ballots: list[Ballot]) -> str | None:
    """The presiding seat: the meeting's named chair, else a chair seat that is present."""
    ids = {b.seat.seat_id for b in ballots}
    if meeting.chair_seat_id is not None and meeting.chair_seat_id in ids:
        return meeting.chair_seat_id
    present = [b.seat.seat_id for b in ballots if b.present and b.seat.seat_type.value == "chair"]
    return min(present) if present else None


def close_vote(
    uow: UnitOfWork, system_code: str, proposal_id: int, *, actor: Actor, at: datetime | None = None
) -> DecisionView:
    """Close the vote and record the decision, or refuse (writing nothing) if not quorate."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    proposal, meeting, body_code, held = _context(uow, system_code, proposal_id)
    gov = repo(uow)
    if proposal.status == "draft":
        raise Conflict(
            f"The vote on proposal {proposal.id} has not been opened.",
            input_name="proposal",
            expected="'ics governance vote open' first",
        )
    if proposal.status == "decided":
        raise _closed(proposal, gov.decision(proposal.id))
    body = gov.body_by_id(meeting.body_id)
    pinned = (
        (proposal.rule_set_name, proposal.rule_set_version)
        if proposal.rule_set_name is not None and proposal.rule_set_version is not None
        else None
    )
    rule_set = rule_set_for(uow, body, pinned)
    recused = _recusals(uow, system_code, proposal, meeting, body_code, held)
    ballots = _ballots(uow, proposal, meeting, body_code, held, recused)
    names = {o.code: o.name for o in uow.structure.organisations(system_code)}
    day = uk_day(meeting.starts_at)
    outcome = evaluate(
        rule_set,
        classification_of(proposal),
        ballots,
        chair_seat_id=_chair(meeting, ballots),
        day=day,
        organisation_names=names,
    )
    if not outcome.quorate:
        raise Conflict(
            f"No decision can be recorded on proposal {proposal.id}: the meeting is not "
            f"quorate. {outcome.explanation}",
            input_name="proposal",
            expected="a quorate meeting (record attendance, or adjourn the item)",
        )
    item = gov.item(proposal.item_id)
    private = not item.public
    when = at or utc_now()
    for ballot in ballots:
        record_event(
            uow,
            system_code,
            "vote",
            _vote_payload(proposal.id, ballot, recused.get(ballot.seat.seat_id)),
            body=body.code,
            private=private,
            reveal_after=item.publish_after if private else None,
        )
    notes = _notes(outcome, body.recused_count_for_quorum)
    seq = record_event(
        uow,
        system_code,
        "decision",
        _decision_payload(proposal, body.code, meeting.id, item.number, outcome, notes, when),
        body=body.code,
        private=private,
        reveal_after=item.publish_after if private else None,
    )
    row = gov.add(
        GovDecisionRow(
            proposal_id=proposal.id,
            carried=outcome.carried,
            quorate=outcome.quorate,
            rule_set=outcome.rule_set,
            rule_version=outcome.rule_version,
            rule_id=outcome.rule_id,
            explanation=outcome.explanation,
            notes=list(notes),
            tally=_tally(outcome),
            ballots=[_ballot_data(b, recused.get(b.seat.seat_id)) for b in ballots],
            decided_at=when,
            decided_by=actor.name,
            register_seq=seq,
        )
    )
    proposal.status = "decided"
    uow.session.flush()
    audit(
        uow,
        actor,
        system_code,
        f"governance/proposals/{proposal.id}/decision",
        use_case="close_vote",
        carried=outcome.carried,
    )
    return decision_view(row)


def _notes(outcome: Outcome, body_setting: bool | None) -> tuple[str, ...]:
    if body_setting is None:
        return outcome.notes
    counted = "count" if body_setting else "do not count"
    return (*outcome.notes, f"By the body's own setting, recused members {counted} for quorum.")


def _tally(outcome: Outcome) -> dict[str, int]:
    t = outcome.tally
    return {
        "for": t.for_heads,
        "against": t.against_heads,
        "abstain": t.abstain_heads,
        "absent": t.absent_heads,
        "recused": t.recused_heads,
        "for_weight": t.for_weight,
        "against_weight": t.against_weight,
        "abstain_weight": t.abstain_weight,
        "present": t.present_heads,
        "eligible": t.eligible_heads,
        "eligible_weight": t.eligible_weight,
    }


def _ballot_data(ballot: Ballot, recusal: str | None) -> dict[str, Any]:
    seat: Seat = ballot.seat
    return {
        "seat_id": seat.seat_id,
        "holder": seat.holder,
        "title": seat.title,
        "organisation": seat.organisation_code,
        "choice": ballot.choice.value,
        "present": ballot.present,
        "weight": seat.weight,
        "recusal_reason": recusal,
    }


def _vote_payload(proposal_id: int, ballot: Ballot, recusal: str | None) -> dict[str, Any]:
    data = _ballot_data(ballot, recusal)
    return {"proposal_id": proposal_id, **data}


def _decision_payload(
    proposal: GovProposalRow,
    body_code: str,
    meeting_id: int,
    item_number: str,
    outcome: Outcome,
    notes: tuple[str, ...],
    decided_at: datetime,
) -> dict[str, Any]:
    return {
        "proposal_id": proposal.id,
        "meeting_id": meeting_id,
        "item": item_number,
        "title": proposal.title,
        "body": body_code,
        "text": proposal.text,
        "decision_type": proposal.decision_type,
        "flags": list(proposal.flags),
        "rule_set": outcome.rule_set,
        "rule_version": outcome.rule_version,
        "rule_id": outcome.rule_id,
        "carried": outcome.carried,
        "quorate": outcome.quorate,
        "decided_at": decided_at.isoformat(),
        "explanation": outcome.explanation,
        "notes": list(notes),
        "tally": _tally(outcome),
    }
