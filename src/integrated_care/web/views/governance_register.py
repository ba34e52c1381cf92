"""The public register page (entries, the signed tree head and a verification status computed
by verifying the stored log against the public key) and a consultation's page (questions
with the aggregated report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from integrated_care.governance.consultations import Stance
from integrated_care.governance.register.entries import Entry, parse_at
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import consultations
from integrated_care.services import governance_queries as queries
from integrated_care.web.views.governance import day_text, when

PAGE = 25
STANCE_TAGS = {
    Stance.AGREE: "nhsuk-tag--green",
    Stance.DISAGREE: "nhsuk-tag--red",
    Stance.NEUTRAL: "nhsuk-tag--grey",
}


@dataclass(frozen=True, slots=True)
class EntryLine:
    seq: int
    at: str
    kind: str
    body: str
    summary: str
    private: bool
    href: str | None


@dataclass(frozen=True, slots=True)
class RegisterPage:
    ok: bool
    headline: str
    failure: str | None
    unsigned_note: str | None
    size: int
    tree_size: int | None
    root: str | None
    signed_at: str | None
    origin: str
    note: str | None
    public_key: str
    entries: tuple[EntryLine, ...]
    older_href: str | None
    newer_href: str | None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def summary(entry: Entry) -> tuple[str, str | None]:
    """One line saying what the entry records, and a page about it if there is one."""
    if entry.private:
        after = f" after {entry.reveal_after}" if entry.reveal_after else " when its exclusion ends"
        return f"Private item: a sealed commitment, to be revealed{after}.", None
    p = entry.payload or {}
    proposal = p.get("proposal_id")
    href = f"/governance/proposals/{proposal}" if proposal is not None else None
    kind = entry.type
    if kind == "membership_change":
        text = f"{_text(p.get('organisation_name'))}: {_text(p.get('action'))} "
        return text + f"{_text(p.get('body'))}, effective {_text(p.get('effective'))}.", None
    if kind == "seat_appointment":
        action = "appointed to" if p.get("action") == "appointed" else "term ended as"
        return f"{_text(p.get('holder'))} {action} {_text(p.get('title'))}.", None
    if kind == "declaration":
        return f"Interest declared ({_text(p.get('kind'))}): {_text(p.get('description'))}", None
    if kind == "agenda_published":
        meeting = p.get("meeting_id")
        text = f"Agenda of meeting {meeting} published, {_text(p.get('clear_days'))} clear days"
        return text + " before the meeting.", f"/governance/meetings/{meeting}"
    if kind == "proposal":
        return f"Proposal {proposal} on the agenda: {_text(p.get('title'))}", href
    if kind == "vote":
        return (
            f"{_text(p.get('holder'))} ({_text(p.get('title'))}): "
            f"{_text(p.get('choice'))} on proposal {proposal}.",
            href,
        )
    if kind == "decision":
        return f"Proposal {proposal}: {_text(p.get('explanation'))}", href
    if kind == "consultation_response":
        return (
            f"{_text(p.get('organisation_name'))} answered question {_text(p.get('question'))} "
            f"of {_text(p.get('consultation'))}: {_text(p.get('stance'))}.",
            f"/governance/consultations/{p.get('consultation')}",
        )
    if kind == "commitment_revealed":
        return f"Private entry {_text(p.get('of_seq'))} revealed.", None
    if "party_name" in p:
        return (
            f"{_text(p.get('party_name'))}: {_text(p.get('step'))} of {_text(p.get('plan'))}.",
            None,
        )
    return kind.replace("_", " ").capitalize() + ".", None


def _line(entry: Entry) -> EntryLine:
    text, href = summary(entry)
    at = when(parse_at(entry.at).astimezone(UTC))
    label = entry.type.replace("_", " ").capitalize()
    return EntryLine(entry.seq, at, label, entry.body or "", text, entry.private, href)


def register_page(
    uow: UnitOfWork, system_code: str, public_key: bytes, public_key_b64: str, start: int | None
) -> RegisterPage:
    status = queries.register_status(uow, system_code, public_key)
    size, found = queries.register_entries(uow, system_code, start=start, limit=PAGE)
    latest = status.latest
    signed_at = when(latest.created_at) if latest and latest.created_at else None
    if not status.ok:
        headline = "Verification failed"
    elif latest is None:
        headline = f"Verified: {status.entries} entries; no tree head has been signed yet"
    else:
        headline = f"Verified: {status.entries} entries, tree head signed at {signed_at}"
    unsigned = None
    if status.ok and latest is not None and status.unsigned:
        unsigned = (
            f"The signed tree head covers the first {status.signed_size} entries; the "
            f"{status.unsigned} after it are consistent with it and will be covered by the "
            "next signed tree head."
        )
    first = found[0].seq if found else 0
    older = max(0, first - PAGE) if first > 0 else None
    newer = first + PAGE if first + PAGE < size else None
    return RegisterPage(
        status.ok,
        headline,
        status.failure,
        unsigned,
        size,
        latest.tree_size if latest else None,
        latest.root_b64 if latest else None,
        signed_at,
        status.origin,
        latest.note if latest else None,
        public_key_b64,
        tuple(_line(e) for e in reversed(found)),
        f"/register?start={older}" if older is not None else None,
        ("/register" if newer + PAGE >= size else f"/register?start={newer}")
        if newer is not None
        else None,
    )


# -- a consultation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerLine:
    organisation: str
    stance: str
    tag_class: str
    text: str
    responded_on: str
    version: int


@dataclass(frozen=True, slots=True)
class QuestionBlock:
    number: int
    text: str
    counts: tuple[tuple[str, int, str], ...]  # (stance, count, tag class)
    answers: tuple[AnswerLine, ...]
    not_answered: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConsultationPage:
    code: str
    title: str
    owner: str
    dates: str
    open_now: bool
    description: str | None
    respondents: tuple[str, ...]
    questions: tuple[QuestionBlock, ...]


def consultation_page(
    uow: UnitOfWork, system_code: str, code: str, today: date | None = None
) -> ConsultationPage:
    report = consultations.report(uow, system_code, code)
    c = report.consultation
    questions = tuple(
        QuestionBlock(
            q.number,
            q.text,
            tuple((s.value.capitalize(), q.counts[s], STANCE_TAGS[s]) for s in Stance),
            tuple(
                AnswerLine(
                    line.organisation_name,
                    line.stance.value.capitalize(),
                    STANCE_TAGS[line.stance],
                    line.text,
                    day_text(line.responded_on),
                    line.version,
                )
                for line in q.lines
            ),
            q.not_answered,
        )
        for q in report.questions
    )
    return ConsultationPage(
        c.code,
        c.title,
        c.owner_name,
        f"{day_text(c.opens)} to {day_text(c.closes)}",
        c.is_open_on(today or date.today()),
        c.description,
        tuple(
            f"{r.name}" + (" (outside this system)" if r.external else "")
            for r in report.respondents
        ),
        questions,
    )
