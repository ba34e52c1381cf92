"""Plain JSON-ready dicts of the governance read models (CLI ``--json``, API, web)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from integrated_care.governance.composition import Unmet
from integrated_care.governance.model import Seat
from integrated_care.services.governance.bodies import Body, SeatRecord
from integrated_care.services.governance.interests import DeclarationRecord
from integrated_care.services.governance.rulesets import StoredRuleSet
from integrated_care.services.governance.views import DecisionView, MeetingView
from integrated_care.services.governance.voting import ProposalView


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def seat_dict(seat: Seat, username: str | None = None) -> dict[str, Any]:
    return {
        "seat_id": seat.seat_id,
        "body": seat.body_code,
        "seat_type": seat.seat_type.value,
        "title": seat.title,
        "holder": seat.holder,
        "organisation": seat.organisation_code,
        "classes": sorted(seat.classes),
        "voting": seat.voting,
        "weight": seat.weight,
        "nominated_by": seat.nominated_by,
        "approved_by": seat.approved_by,
        "term_start": seat.term.start.isoformat(),
        "term_end": _iso(seat.term.end),
        "user": username,
    }


def body_dict(
    body: Body, *, day: date | None = None, unmet: Sequence[Unmet] | None = None
) -> dict[str, Any]:
    records: Sequence[SeatRecord] = body.seats
    if day is not None:
        records = [r for r in body.seats if r.seat.held_on(day)]
    data: dict[str, Any] = {
        "code": body.code,
        "name": body.name,
        "kind": body.kind.value,
        "place": body.place_code,
        "rule_set": body.rule_set,
        "rule_set_version": body.rule_set_version,
        "notice_days": body.notice_days,
        "recused_count_for_quorum": body.recused_count_for_quorum,
        "local_rules": list(body.local_rules),
        "responsible_authorities": list(body.responsible_authorities),
        "seats": [seat_dict(r.seat, r.username) for r in records],
    }
    if day is not None:
        data["as_of"] = day.isoformat()
    if unmet is not None:
        data["composition"] = {
            "ok": not unmet,
            "unmet": [
                {
                    "rule_id": u.rule_id,
                    "source": str(u.source),
                    "citation": u.citation,
                    "found": u.found,
                    "message": u.message,
                }
                for u in unmet
            ],
        }
    return data


def rule_set_dict(stored: StoredRuleSet) -> dict[str, Any]:
    return {
        "name": stored.name,
        "version": stored.version,
        "digest": stored.digest,
        "loaded_at": stored.loaded_at.isoformat(),
        "loaded_by": stored.loaded_by,
        "data": stored.data,
    }


def decision_dict(d: DecisionView) -> dict[str, Any]:
    return {
        "proposal_id": d.proposal_id,
        "carried": d.carried,
        "quorate": d.quorate,
        "rule_set": d.rule_set,
        "rule_version": d.rule_version,
        "rule_id": d.rule_id,
        "explanation": d.explanation,
        "notes": list(d.notes),
        "tally": d.tally,
        "ballots": list(d.ballots),
        "decided_at": d.decided_at.isoformat(),
        "decided_by": d.decided_by,
        "register_seq": d.register_seq,
    }


def meeting_dict(m: MeetingView) -> dict[str, Any]:
    return {
        "meeting_id": m.meeting_id,
        "body": m.body_code,
        "body_name": m.body_name,
        "starts_at": m.starts_at.isoformat(),
        "day": m.day.isoformat(),
        "location": m.location,
        "chair": m.chair_seat_id,
        "agenda_published_at": _iso(m.agenda_published_at),
        "clear_days": m.clear_days,
        "notice_days": m.notice_days,
        "urgency_reason": m.urgency_reason,
        "minutes": m.minutes,
        "minutes_approved": m.minutes_approved,
        "items": [
            {
                "number": i.number,
                "title": i.title,
                "public": i.public,
                "exclusion_ground": i.exclusion_ground,
                "publish_after": _iso(i.publish_after),
                "withheld": i.withheld,
                "proposal": None
                if i.proposal is None
                else {
                    "proposal_id": i.proposal.proposal_id,
                    "title": i.proposal.title,
                    "decision_type": i.proposal.classification.decision_type.value,
                    "flags": sorted(i.proposal.classification.flags),
                    "status": i.proposal.status,
                    "carried": i.proposal.carried,
                },
            }
            for i in m.items
        ],
        "attendance": [
            {"seat_id": a.seat_id, "holder": a.holder, "title": a.title, "status": a.status}
            for a in m.attendance
        ],
    }


def proposal_dict(p: ProposalView) -> dict[str, Any]:
    return {
        "proposal_id": p.proposal_id,
        "meeting_id": p.meeting_id,
        "body": p.body_code,
        "item": p.item_number,
        "public": p.item_public,
        "title": p.title,
        "text": p.text,
        "decision_type": p.decision_type,
        "flags": list(p.flags),
        "organisations": list(p.organisations),
        "topics": list(p.topics),
        "status": p.status,
        "votes": [
            {
                "seat_id": v.seat_id,
                "holder": v.holder,
                "organisation": v.organisation_code,
                "choice": v.choice.value,
                "cast_at": v.cast_at.isoformat(),
                "recorded_by": v.recorded_by,
                "note": v.note,
            }
            for v in p.votes
        ],
        "recusals": dict(p.recusals),
        "decision": decision_dict(p.decision) if p.decision else None,
    }


def declaration_dict(r: DeclarationRecord) -> dict[str, Any]:
    d = r.declaration
    return {
        "declaration_id": r.declaration_id,
        "seat_id": d.seat_id,
        "person": d.person,
        "regime": d.regime.value,
        "kind": d.kind.value,
        "description": d.description,
        "organisations": sorted(d.related_organisations),
        "topics": sorted(d.topics),
        "valid_from": d.period.start.isoformat(),
        "valid_to": _iso(d.period.end),
        "recorded_at": r.recorded_at.isoformat(),
        "recorded_by": r.recorded_by,
    }
