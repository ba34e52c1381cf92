"""A Popolo-shaped view of the register: Motion, VoteEvent, Vote and Count.

Built from entries of type ``proposal``, ``vote`` and ``decision`` (private ones once they are
revealed); see docs/register.md for the payload fields each type carries. Popolo 1.0.1
(popolo-project/popolo-spec) names: a Motion has ``organization_id``, ``text``,
``classification``, ``date``, ``requirement`` and ``result`` (pass/fail); a VoteEvent has
``motion_id``, ``start_date``, ``result``, ``counts`` [{option, value}], ``group_results``
and ``votes`` [{voter_id, option, weight, ...}]. Fields starting ``register_`` are ours: the
``seq`` numbers of the entries each object was built from, so anyone can prove them.

Counts are heads per vote option only (the tally's weights, ``present`` and ``eligible`` are
not options). Dates are the day the payload names (a decision's ``decided_at``, a
``meeting_at``), and the entry's ``at`` only when the payload names none: entries are
appended when the service records them, which need not be the day of the meeting.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from integrated_care.governance.register.entries import DECISION, PROPOSAL, VOTE, Entry

POPOLO_OPTION = {
    "for": "yes",
    "against": "no",
    "abstain": "abstain",
    "absent": "absent",
    "recused": "not voting",
}
OPTION_ORDER = ("yes", "no", "abstain", "absent", "not voting")
# Payload fields naming the day of the meeting or decision, most specific first.
DATE_FIELDS = ("decided_at", "meeting_at")


def _payload_day(payload: dict[str, Any]) -> str | None:
    """The meeting or decision day (YYYY-MM-DD) the payload names, if it names one."""
    for key in DATE_FIELDS:
        value = payload.get(key)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                continue
    return None


def _day(entry: Entry | None, payload: dict[str, Any]) -> str | None:
    """The day the payload names, else the day of the entry's ``at``."""
    return _payload_day(payload) or (entry.at[:10] if entry is not None else None)


def _payloads(entries: Iterable[Entry]) -> list[tuple[Entry, dict[str, Any]]]:
    """(entry, payload) in seq order; a private entry appears once revealed, under its own
    seq and type, with the revealed payload."""
    entries = list(entries)
    revealed: dict[int, dict[str, Any]] = {}
    for entry in entries:
        found = entry.revealed()
        if found is not None:
            revealed[found[0]] = found[1]
    out: list[tuple[Entry, dict[str, Any]]] = []
    for entry in entries:
        payload = revealed.get(entry.seq) if entry.private else entry.payload
        if payload is not None and entry.type in (PROPOSAL, VOTE, DECISION):
            out.append((entry, payload))
    return out


def _requirement(decision: dict[str, Any]) -> str | None:
    rule = [str(decision[k]) for k in ("rule_set", "rule_version", "rule_id") if decision.get(k)]
    return " / ".join(rule) if rule else None


def popolo(entries: Iterable[Entry]) -> dict[str, Any]:
    """``{"motions": [...], "vote_events": [...]}`` for the proposals in ``entries``."""
    motions: dict[str, dict[str, Any]] = {}
    votes: dict[str, list[tuple[Entry, dict[str, Any]]]] = {}
    decisions: dict[str, tuple[Entry, dict[str, Any]]] = {}
    for entry, payload in _payloads(entries):
        proposal_id = str(payload.get("proposal_id", ""))
        if not proposal_id:
            continue
        if entry.type == PROPOSAL:
            motions[proposal_id] = _motion(proposal_id, entry, payload)
        elif entry.type == VOTE:
            votes.setdefault(proposal_id, []).append((entry, payload))
        else:
            decisions[proposal_id] = (entry, payload)
    events = []
    for proposal_id in sorted(set(votes) | set(decisions), key=_first_seq(votes, decisions)):
        motion = motions.setdefault(proposal_id, _motion(proposal_id, None, {}))
        decision = decisions.get(proposal_id)
        event = _vote_event(proposal_id, votes.get(proposal_id, []), decision)
        if decision is not None:
            entry, payload = decision
            motion["result"] = event["result"]
            motion["requirement"] = _requirement(payload)
            motion["register_seq"].append(entry.seq)
            # A decision without its proposal entry still describes the motion.
            fallback = _motion(proposal_id, entry, payload)
            for key in ("organization_id", "text", "classification", "date"):
                motion[key] = motion[key] or fallback[key]
            # The motion was put on the day it was decided, not the day its agenda appeared.
            motion["date"] = _payload_day(payload) or motion["date"]
        motion["vote_events"] = [event["id"]]
        events.append(event)
    return {"motions": list(motions.values()), "vote_events": events}


def _first_seq(
    votes: dict[str, list[tuple[Entry, dict[str, Any]]]],
    decisions: dict[str, tuple[Entry, dict[str, Any]]],
) -> Any:
    def key(proposal_id: str) -> int:
        seqs = [e.seq for e, _ in votes.get(proposal_id, [])]
        if proposal_id in decisions:
            seqs.append(decisions[proposal_id][0].seq)
        return min(seqs)

    return key


def _motion(proposal_id: str, entry: Entry | None, payload: dict[str, Any]) -> dict[str, Any]:
    classification = [str(payload["decision_type"])] if payload.get("decision_type") else []
    classification += [str(flag) for flag in payload.get("flags", [])]
    return {
        "id": proposal_id,
        "organization_id": entry.body if entry is not None else None,
        "text": payload.get("title") or payload.get("text"),
        "classification": classification,
        "date": _day(entry, payload),
        "requirement": None,
        "result": None,
        "register_seq": [entry.seq] if entry is not None else [],
    }


def _vote_event(
    proposal_id: str,
    cast: list[tuple[Entry, dict[str, Any]]],
    decision: tuple[Entry, dict[str, Any]] | None,
) -> dict[str, Any]:
    ballots = [
        {
            "voter_id": payload.get("seat_id"),
            "voter": {"name": payload.get("holder")},
            "group": {"name": payload.get("organisation")},
            "option": POPOLO_OPTION.get(str(payload.get("choice")), str(payload.get("choice"))),
            "weight": payload.get("weight", 1),
            "register_seq": entry.seq,
        }
        for entry, payload in cast
    ]
    counted: dict[str, int] = {}
    for ballot in ballots:
        counted[ballot["option"]] = counted.get(ballot["option"], 0) + 1
    result = None
    group_results: list[dict[str, Any]] = []
    if decision is not None:
        payload = decision[1]
        result = "pass" if payload.get("carried") else "fail"
        tally = payload.get("tally") or {}
        if tally:
            counted = {  # heads per option only: not the weights, present or eligible
                POPOLO_OPTION[k]: int(v)
                for k, v in tally.items()
                if k in POPOLO_OPTION and _is_int(v)
            }
        group_results = [
            {"group": {"name": name}, "result": outcome}
            for name, outcome in sorted((payload.get("group_results") or {}).items())
        ]
    decided = _payload_day(decision[1]) if decision is not None else None
    dates = (
        [decided]
        if decided
        else [e.at[:10] for e, _ in cast] or ([decision[0].at[:10]] if decision else [])
    )
    order = {option: n for n, option in enumerate(OPTION_ORDER)}
    return {
        "id": f"{proposal_id}/vote",
        "motion_id": proposal_id,
        "start_date": min(dates) if dates else None,
        "result": result,
        "counts": [
            {"option": option, "value": value}
            for option, value in sorted(counted.items(), key=lambda kv: order.get(kv[0], 99))
        ],
        "group_results": group_results,
        "votes": ballots,
        "register_seq": sorted([e.seq for e, _ in cast] + ([decision[0].seq] if decision else [])),
    }


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
