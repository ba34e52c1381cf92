"""A meeting's page (agenda, attendance, minutes, votes and outcomes) and a proposal's page
(classification, the rule applied, the explanation, the tally and each vote, and the vote
form for the signed-in member whose seat it is)."""

from __future__ import annotations

from dataclasses import dataclass

from integrated_care.access import Actor, Permission
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import governance_queries as queries
from integrated_care.services.governance import meetings
from integrated_care.services.governance.common import UK
from integrated_care.services.governance.views import DecisionView, ItemView
from integrated_care.web.views.common import code_path
from integrated_care.web.views.governance import day_text, when

FLAG_TEXT = {
    "may_result_in_privatisation_or_outsourcing": "May result in privatisation or outsourcing",
}
STATUS = {
    "draft": ("Not yet put to the vote", "nhsuk-tag--grey"),
    "open": ("Open for voting", "nhsuk-tag--blue"),
}
CHOICE_TAGS = {
    "for": "nhsuk-tag--green",
    "against": "nhsuk-tag--red",
    "abstain": "nhsuk-tag--grey",
    "absent": "nhsuk-tag--white",
    "recused": "nhsuk-tag--orange",
}
TALLY = (("for", "For"), ("against", "Against"), ("abstain", "Abstained"), ("absent", "Absent"))


def outcome_tag(status: str, carried: bool | None) -> tuple[str, str]:
    if status == "decided":
        return ("Carried", "nhsuk-tag--green") if carried else ("Not carried", "nhsuk-tag--red")
    return STATUS.get(status, (status, "nhsuk-tag--grey"))


@dataclass(frozen=True, slots=True)
class ProposalLink:
    href: str
    title: str
    status: str
    tag_class: str


@dataclass(frozen=True, slots=True)
class ItemLine:
    number: str
    title: str
    public: bool
    withheld: bool
    exclusion_ground: str | None
    publish_after: str
    proposal: ProposalLink | None


@dataclass(frozen=True, slots=True)
class BallotLine:
    holder: str
    title: str
    organisation: str
    choice: str
    tag_class: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    number: str
    title: str
    href: str
    carried: bool
    explanation: str
    notes: tuple[str, ...]
    tally: tuple[tuple[str, int], ...]
    ballots: tuple[BallotLine, ...]


@dataclass(frozen=True, slots=True)
class MeetingPage:
    meeting_id: int
    title: str
    body_name: str
    body_href: str
    starts: str
    location: str
    published: str
    notice: str
    late: bool
    urgency_reason: str | None
    items: tuple[ItemLine, ...]
    present: tuple[tuple[str, str], ...]  # (holder, title)
    apologies: tuple[tuple[str, str], ...]
    minutes: str | None
    minutes_approved: bool
    outcomes: tuple[Outcome, ...]


def _item(item: ItemView) -> ItemLine:
    link = None
    if item.proposal is not None:
        text, css = outcome_tag(item.proposal.status, item.proposal.carried)
        link = ProposalLink(
            f"/governance/proposals/{item.proposal.proposal_id}", item.proposal.title, text, css
        )
    return ItemLine(
        item.number,
        item.title,
        item.public,
        item.withheld,
        item.exclusion_ground,
        day_text(item.publish_after),
        link,
    )


def ballots(decision: DecisionView, names: dict[str, str]) -> tuple[BallotLine, ...]:
    return tuple(
        BallotLine(
            str(b["holder"]),
            str(b["title"]),
            names.get(str(b.get("organisation") or ""), str(b.get("organisation") or "–")),
            str(b["choice"]),
            CHOICE_TAGS.get(str(b["choice"]), "nhsuk-tag--grey"),
            b.get("recusal_reason"),
        )
        for b in decision.ballots
    )


def tally(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    rows = [(label, counts.get(key, 0)) for key, label in TALLY]
    if counts.get("recused"):
        rows.append(("Recused", counts["recused"]))
    return tuple(rows)


def meeting_page(
    uow: UnitOfWork, system_code: str, meeting_id: int, viewer: Actor
) -> tuple[MeetingPage, bool]:
    """The page, and whether it shows private content (so the read is audited)."""
    m = meetings.get_meeting(uow, system_code, meeting_id, viewer=viewer)
    names = {o.code: o.name for o in uow.structure.organisations(system_code)}
    published = "The agenda has not been published yet."
    notice = ""
    if m.agenda_published_at is not None:
        published = f"Agenda published {when(m.agenda_published_at)}"
        notice = f"{m.clear_days} clear days’ notice; the body requires {m.notice_days}."
    late = m.clear_days is not None and m.clear_days < m.notice_days
    titles = {i.proposal.proposal_id: i for i in m.items if i.proposal is not None}
    outcomes = []
    for d in queries.meeting_decisions(uow, system_code, m):
        item = titles[d.proposal_id]
        assert item.proposal is not None
        outcomes.append(
            Outcome(
                item.number,
                item.proposal.title,
                f"/governance/proposals/{d.proposal_id}",
                d.carried,
                d.explanation,
                d.notes,
                tally(d.tally),
                ballots(d, names),
            )
        )
    page = MeetingPage(
        m.meeting_id,
        f"{m.body_name}, {day_text(m.starts_at.astimezone(UK).date())}",
        m.body_name,
        code_path("/governance/bodies", m.body_code),
        when(m.starts_at),
        m.location,
        published,
        notice,
        late,
        m.urgency_reason,
        tuple(_item(i) for i in m.items),
        tuple((a.holder, a.title) for a in m.attendance if a.status == "present"),
        tuple((a.holder, a.title) for a in m.attendance if a.status == "apologies"),
        m.minutes,
        m.minutes_approved,
        tuple(outcomes),
    )
    return page, queries.shows_private(m)


# -- a proposal ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoteForm:
    """What the signed-in viewer may do on this proposal."""

    seat_title: str | None  # their seat on the body, if any
    can_vote: bool
    why_not: str | None  # why a member with a seat cannot vote now
    voted: str | None  # their recorded choice
    can_open: bool
    can_close: bool


@dataclass(frozen=True, slots=True)
class ProposalPage:
    proposal_id: int
    title: str
    text: str
    body_name: str
    body_href: str
    meeting_title: str
    meeting_href: str
    item_number: str
    private: bool
    decision_type: str
    flags: tuple[str, ...]
    status: str
    status_tag: str
    rule: queries.RuleApplied | None
    psr_notes: tuple[str, ...]
    other_notes: tuple[str, ...]
    explanation: str | None
    tally: tuple[tuple[str, int], ...]
    ballots: tuple[BallotLine, ...]
    cast: tuple[tuple[str, int], ...]  # open votes: votes cast so far
    votes: tuple[BallotLine, ...]  # open votes: each vote cast so far
    recusals: tuple[tuple[str, str], ...]  # (holder, reason)
    form: VoteForm
    register_seq: int | None


def _form(uow: UnitOfWork, system_code: str, page: queries.ProposalPage, viewer: Actor) -> VoteForm:
    p = page.proposal
    manage = viewer.can(Permission.MANAGE_GOVERNANCE)
    own = queries.own_seat(uow, system_code, p, viewer.name)
    voted = why = None
    can_vote = False
    if own is not None:
        seat = own.seat
        voted = next((v.choice.value for v in p.votes if v.seat_id == seat.seat_id), None)
        present = any(
            a.seat_id == seat.seat_id and a.status == "present" for a in page.meeting.attendance
        )
        if p.status != "open":
            why = "The vote is not open." if p.status == "draft" else "The vote has closed."
        elif not seat.voting:
            why = "Your seat is a non-voting seat."
        elif seat.seat_id in p.recusals:
            why = f"You are recused from this item: {p.recusals[seat.seat_id]}."
        elif not present:
            why = "You are not recorded as present at the meeting."
        elif voted is None:
            can_vote = viewer.can(Permission.CAST_VOTE) or manage
    return VoteForm(
        own.seat.title if own else None,
        can_vote,
        why if voted is None else None,
        voted,
        manage and p.status == "draft",
        manage and p.status == "open",
    )


def proposal_page(
    uow: UnitOfWork, system_code: str, proposal_id: int, viewer: Actor
) -> tuple[ProposalPage, bool]:
    """The page, and whether it shows private content (so the read is audited)."""
    page = queries.proposal_page(uow, system_code, proposal_id, viewer)
    p, d = page.proposal, page.proposal.decision
    names = {o.code: o.name for o in uow.structure.organisations(system_code)}
    rule = page.rule
    notes = rule.notes if rule else ()
    status, css = outcome_tag(p.status, d.carried if d else None)
    holders = {a.seat_id: a.holder for a in page.meeting.attendance}
    titles = {a.seat_id: a.title for a in page.meeting.attendance}
    result = ProposalPage(
        p.proposal_id,
        p.title,
        p.text,
        page.meeting.body_name,
        code_path("/governance/bodies", p.body_code),
        f"{page.meeting.body_name}, {when(page.meeting.starts_at)}",
        f"/governance/meetings/{p.meeting_id}",
        p.item_number,
        not p.item_public,
        p.decision_type.capitalize(),
        tuple(FLAG_TEXT.get(f, f.replace("_", " ")) for f in p.flags),
        status,
        css,
        rule,
        tuple(n for n in notes if "Provider Selection Regime" in n),
        tuple(n for n in notes if "Provider Selection Regime" not in n),
        d.explanation if d else None,
        tally(d.tally) if d else (),
        ballots(d, names) if d else (),
        tuple((label, page.cast.get(key, 0)) for key, label in TALLY[:3]),
        tuple(
            BallotLine(
                v.holder,
                titles.get(v.seat_id, v.seat_id),
                names.get(v.organisation_code or "", v.organisation_code or "–"),
                v.choice.value,
                CHOICE_TAGS[v.choice.value],
                v.note,
            )
            for v in p.votes
        ),
        tuple((holders.get(s, s), why) for s, why in sorted(p.recusals.items())),
        _form(uow, system_code, page, viewer),
        d.register_seq if d else None,
    )
    return result, queries.private_shown(page.item)
