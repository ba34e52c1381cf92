"""Read-side helpers the REST API and the web UI need on top of the governance services.

Nothing here writes a governance record. Each helper composes the governance services
(``services.governance``) and the register store; what a viewer may see of a private item
follows ``services.governance.views.withheld_from``. The one write is ``sign_tree_head``,
which signs a checkpoint of the register as it stands (the CLI's ``ics register
checkpoint``), so a page can show a signed tree head covering the latest decision.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from integrated_care.access import ANONYMOUS, Actor, Permission, require
from integrated_care.errors import AuthError, Forbidden, InvalidInput
from integrated_care.governance.model import Classification, DecisionType
from integrated_care.governance.register.checkpoints import Checkpoint, InclusionProof
from integrated_care.governance.register.entries import Entry
from integrated_care.governance.register.export import export_log, write_log
from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.store import RegisterStore
from integrated_care.governance.register.verify import verify_bytes
from integrated_care.governance.rule_judge import describe_rule
from integrated_care.governance.rule_set import ORDINARY_MAJORITY, Rule
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance import bodies, meetings, proposals, rulesets
from integrated_care.services.governance.bodies import SeatRecord
from integrated_care.services.governance.proposals import ProposalView
from integrated_care.services.governance.views import DecisionView, ItemView, MeetingView

MAX_PAGE = 500


# -- proposals ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleApplied:
    """The rule a proposal is (or will be) decided by, and why that one."""

    rule_set: str
    rule_version: int
    rule_id: str
    description: str  # plain English, e.g. "unanimity (weak: no vote against)"
    purpose: str | None  # e.g. "for proposals that may result in privatisation or outsourcing"
    notes: tuple[str, ...]  # the PSR guard refusing a rule, the casting vote used, ...
    decided: bool  # False: the rule the body's current rule set would apply


@dataclass(frozen=True, slots=True)
class ProposalPage:
    proposal: ProposalView
    meeting: MeetingView
    item: ItemView
    rule: RuleApplied | None  # None when the body has no rule set yet
    cast: dict[str, int]  # votes cast so far: for, against, abstain


def _item(meeting: MeetingView, number: str) -> ItemView:
    return next(i for i in meeting.items if i.number == number)


def _withheld(item: ItemView, viewer: Actor) -> Exception:
    after = item.publish_after.isoformat() if item.publish_after else "a date not yet set"
    message = (
        f"Item {item.number} is taken in private ({item.exclusion_ground}); its content is "
        f"published after {after}."
    )
    if viewer is ANONYMOUS:
        return AuthError(message + " Sign in to read it.", input_name="Authorization")
    return Forbidden(message, input_name="role", expected="a role that may read non-public data")


def proposal_page(
    uow: UnitOfWork, system_code: str, proposal_id: int, viewer: Actor, today: date | None = None
) -> ProposalPage:
    """A proposal with its meeting, item and rule; refused while its item is withheld from
    ``viewer`` (401 for the public, 403 for a role without access to non-public data)."""
    proposal = proposals.get_proposal(uow, system_code, proposal_id)
    meeting = meetings.get_meeting(
        uow, system_code, proposal.meeting_id, viewer=viewer, today=today
    )
    item = _item(meeting, proposal.item_number)
    if item.withheld:
        raise _withheld(item, viewer)
    cast = {"for": 0, "against": 0, "abstain": 0}
    for vote in proposal.votes:
        cast[vote.choice.value] = cast.get(vote.choice.value, 0) + 1
    return ProposalPage(proposal, meeting, item, rule_applied(uow, system_code, proposal), cast)


def _find_rule(rule_set: rulesets.StoredRuleSet, rule_id: str) -> Rule | None:
    if rule_id == ORDINARY_MAJORITY.rule_id:
        return ORDINARY_MAJORITY
    for _, rule in rule_set.rule_set.rules_with_paths():
        if rule.rule_id == rule_id:
            return rule
    return None


def rule_applied(uow: UnitOfWork, system_code: str, proposal: ProposalView) -> RuleApplied | None:
    """The decision's rule (by its recorded version), or the rule the body would apply now."""
    decision = proposal.decision
    if decision is not None:
        stored = rulesets.get_rule_set(uow, system_code, decision.rule_set, decision.rule_version)
        rule = _find_rule(stored, decision.rule_id)
        return RuleApplied(
            decision.rule_set,
            decision.rule_version,
            decision.rule_id,
            describe_rule(rule) if rule else decision.rule_id,
            rule.purpose if rule else None,
            decision.notes,
            True,
        )
    body = bodies.get_body(uow, system_code, proposal.body_code)
    if body.rule_set is None or body.rule_set_version is None:
        return None
    stored = rulesets.get_rule_set(uow, system_code, body.rule_set, body.rule_set_version)
    classification = Classification(DecisionType(proposal.decision_type), frozenset(proposal.flags))
    rule, notes = stored.rule_set.select(classification)
    return RuleApplied(
        stored.name,
        stored.version,
        rule.rule_id,
        describe_rule(rule),
        rule.purpose,
        notes,
        False,
    )


def own_seat(
    uow: UnitOfWork, system_code: str, proposal: ProposalView, username: str
) -> SeatRecord | None:
    """The voting seat linked to ``username`` on the proposal's body on the meeting day."""
    meeting = meetings.get_meeting(uow, system_code, proposal.meeting_id)
    body = bodies.get_body(uow, system_code, proposal.body_code)
    for record in body.seats:
        if record.username == username and record.seat.held_on(meeting.day):
            return record
    return None


def seat_to_vote_with(
    uow: UnitOfWork, system_code: str, proposal_id: int, actor: Actor, seat_id: str | None
) -> str:
    """The seat a vote is cast for: the one named, else the actor's own seat."""
    if not (actor.can(Permission.MANAGE_GOVERNANCE) or actor.can(Permission.CAST_VOTE)):
        require(actor, Permission.CAST_VOTE)
    if seat_id:
        return seat_id
    proposal = proposals.get_proposal(uow, system_code, proposal_id)
    record = own_seat(uow, system_code, proposal, actor.name)
    if record is None:
        raise InvalidInput(
            f"{actor.name} holds no seat on {proposal.body_code} linked to their username, "
            "so the seat must be named.",
            input_name="seat_id",
            expected="the seat id to record the vote for",
        )
    return record.seat.seat_id


@dataclass(frozen=True, slots=True)
class DecisionLine:
    meeting: MeetingView
    item: ItemView
    title: str
    decision: DecisionView


def decisions(
    uow: UnitOfWork, system_code: str, viewer: Actor, body_code: str | None = None
) -> list[DecisionLine]:
    """Every decision the viewer may see, newest meeting first."""
    lines = []
    for meeting in meetings.list_meetings(uow, system_code, body_code):
        shown = meetings.get_meeting(uow, system_code, meeting.meeting_id, viewer=viewer)
        for item in shown.items:
            if item.proposal is None or item.proposal.status != "decided":
                continue
            proposal = proposals.get_proposal(uow, system_code, item.proposal.proposal_id)
            assert proposal.decision is not None
            lines.append(DecisionLine(shown, item, proposal.title, proposal.decision))
    lines.sort(key=lambda d: (d.meeting.starts_at, d.item.number), reverse=True)
    return lines


# -- the public register ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterStatus:
    """The stored log, exported and verified against the public key like anyone would."""

    ok: bool
    failure: str | None
    entries: int
    checkpoints: int
    signed_size: int  # entries covered by the latest signed checkpoint
    latest: Checkpoint | None
    origin: str

    @property
    def unsigned(self) -> int:
        return self.entries - self.signed_size


def export_bytes(uow: UnitOfWork, system_code: str, public_key: bytes) -> bytes:
    """The register as the verifiable JSON Lines log (``ics register export``).

    If rows are missing from the stored log (its highest seq says more entries than there
    are), the rows that are there are exported as they stand, so that verification names
    the first missing entry instead of the export failing."""
    store = RegisterStore()
    buffer = io.BytesIO()
    try:
        export_log(uow.session, store, system_code, buffer, public_key)
    except ValueError:
        count = sum(1 for _ in store.iter_leaves(uow.session, system_code))
        buffer = io.BytesIO()
        write_log(
            buffer,
            system=system_code,
            origin=store.origin(system_code),
            public_key=public_key,
            count=count,
            leaves=store.iter_leaves(uow.session, system_code),
            checkpoints=store.checkpoints(uow.session, system_code, public_key=public_key),
        )
    return buffer.getvalue()


def register_status(uow: UnitOfWork, system_code: str, public_key: bytes) -> RegisterStatus:
    store = RegisterStore()
    report = verify_bytes(export_bytes(uow, system_code, public_key), public_key)
    latest = store.latest_checkpoint(uow.session, system_code, public_key=public_key)
    return RegisterStatus(
        report.ok,
        str(report.failure) if report.failure else None,
        report.entries if report.ok else store.size(uow.session, system_code),
        report.checkpoints,
        report.signed_size,
        latest,
        store.origin(system_code),
    )


def register_entries(
    uow: UnitOfWork, system_code: str, *, start: int | None = None, limit: int = 50
) -> tuple[int, list[Entry]]:
    """The register's size and ``limit`` entries from ``start`` (default: the latest)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(
            f"A page of {limit} entries is not possible.",
            input_name="limit",
            expected=f"1 to {MAX_PAGE}",
        )
    store = RegisterStore()
    size = store.size(uow.session, system_code)
    first = max(0, size - limit) if start is None else start
    if first < 0:
        raise InvalidInput("An entry seq cannot be negative.", input_name="start")
    return size, store.entries(uow.session, system_code, start=first, stop=first + limit)


def latest_checkpoint(uow: UnitOfWork, system_code: str, public_key: bytes) -> Checkpoint | None:
    return RegisterStore().latest_checkpoint(uow.session, system_code, public_key=public_key)


def inclusion_proof(uow: UnitOfWork, system_code: str, seq: int) -> InclusionProof:
    return RegisterStore().inclusion_proof(uow.session, system_code, seq)


def sign_tree_head(
    uow: UnitOfWork, system_code: str, signer: Signer, *, actor: Actor
) -> Checkpoint:
    """Sign a checkpoint of the whole register now (or return the one at this size)."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    return RegisterStore(signer).checkpoint(uow.session, system_code, signer)


def meeting_decisions(
    uow: UnitOfWork, system_code: str, meeting: MeetingView
) -> list[DecisionView]:
    """The decisions on the items of ``meeting`` as shown (withheld items stay out)."""
    found = []
    for item in meeting.items:
        if item.proposal is not None and item.proposal.status == "decided":
            decision = proposals.get_proposal(uow, system_code, item.proposal.proposal_id).decision
            if decision is not None:
                found.append(decision)
    return found


def private_shown(item: ItemView, today: date | None = None) -> bool:
    """Whether the view shows content of a private item not yet published to everyone."""
    day = today or date.today()
    unpublished = item.publish_after is None or day < item.publish_after
    return not item.public and not item.withheld and unpublished


def shows_private(meeting: MeetingView, today: date | None = None) -> bool:
    return any(private_shown(i, today) for i in meeting.items)


def note_private_read(uow: UnitOfWork, system_code: str, actor: Actor, resource: str) -> None:
    """Audit a signed-in read of non-public content (the caller's unit of work commits)."""
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="read",
        resource=resource,
        system_code=system_code,
    )
