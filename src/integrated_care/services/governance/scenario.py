"""Apply a ``governance.fixtures.BoardScenario`` through the services, step by step, so every
step is validated and reaches the public register exactly as a user's would (the demo and
the tests use it). The caller's unit of work commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from integrated_care.access import Actor
from integrated_care.governance.fixtures import BoardScenario
from integrated_care.governance.interests import Declaration
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance import bodies, interests, meetings, rulesets, voting
from integrated_care.services.governance.views import DecisionView
from integrated_care.services.structure import add_organisation, rename_organisation
from integrated_care.structure.dates import Period
from integrated_care.structure.organisations import Organisation, OrgKind


@dataclass
class ScenarioResult:
    meeting_id: int
    proposals: dict[str, int] = field(default_factory=dict)  # item number -> proposal id
    decisions: dict[str, DecisionView] = field(default_factory=dict)


def build(
    uow: UnitOfWork,
    system_code: str,
    scenario: BoardScenario,
    *,
    actor: Actor,
    decide: bool = True,
    users: dict[str, str] | None = None,  # seat id -> username to link
) -> ScenarioResult:
    """Organisations (missing ones), rule set, body, seats, declarations, the meeting and its
    agenda published in time, attendance, and (``decide``) every vote cast and closed."""
    known = {o.code: o.name for o in uow.structure.organisations(system_code)}
    for org in scenario.organisations:
        if org.code in known and known[org.code] != org.name:
            # Reference data names council areas ("Nottingham"), not councils.
            rename_organisation(uow, system_code, org.code, org.name, actor=actor)
        elif org.code not in known:
            add_organisation(
                uow,
                system_code,
                Organisation(org.code, org.name, OrgKind(org.kind), _ods(org.code)),
                actor=actor,
            )
    stored = rulesets.load_packaged(uow, system_code, scenario.rule_set, actor=actor)
    bodies.create_body(
        uow,
        system_code,
        bodies.BodySpec(
            scenario.body_code,
            scenario.body_name,
            scenario.kind,
            rule_set=stored.name,
            rule_set_version=stored.version,
            notice_days=scenario.notice_days,
            local_rules=scenario.local_rules,
        ),
        actor=actor,
    )
    for seat in scenario.seats:
        bodies.appoint_seat(
            uow,
            system_code,
            replace(seat, body_code=scenario.body_code),
            actor=actor,
            username=(users or {}).get(seat.seat_id),
        )
    term_start = min(s.term.start for s in scenario.seats)
    for d in scenario.declarations:
        regime = interests.parse_regime(d.regime)
        interests.declare(
            uow,
            system_code,
            Declaration(
                seat_id=d.seat_id,
                person=None,
                regime=regime,
                kind=interests.parse_kind(d.category, regime),
                description=d.description,
                related_organisations=frozenset(d.organisations),
                topics=frozenset(d.topics),
                period=Period(term_start),
            ),
            actor=actor,
        )
    meeting = meetings.create_meeting(
        uow,
        system_code,
        scenario.body_code,
        scenario.meeting_starts_at,
        scenario.location,
        actor=actor,
    )
    result = ScenarioResult(meeting.meeting_id)
    for item in scenario.items:
        proposal = None
        if item.proposal_title is not None and item.classification is not None:
            proposal = meetings.ProposalSpec(
                item.proposal_title,
                item.proposal_text,
                item.classification,
                item.organisations,
                item.topics,
            )
        meetings.add_item(
            uow,
            system_code,
            meeting.meeting_id,
            meetings.ItemSpec(
                item.number,
                item.title,
                item.public,
                item.exclusion_ground,
                item.publish_after,
                proposal,
            ),
            actor=actor,
        )
        if proposal is not None:
            result.proposals[item.number] = voting.proposal_for_item(
                uow, system_code, meeting.meeting_id, item.number
            )
    meetings.publish_agenda(
        uow, system_code, meeting.meeting_id, actor=actor, at=scenario.agenda_published_at
    )
    voters = [s.seat_id for s in scenario.seats if s.seat_id in scenario.present]
    meetings.record_attendance(
        uow, system_code, meeting.meeting_id, voters, present=True, actor=actor
    )
    if scenario.apologies:
        meetings.record_attendance(
            uow, system_code, meeting.meeting_id, scenario.apologies, present=False, actor=actor
        )
    if not decide:
        return result
    for item in scenario.items:
        proposal_id = result.proposals.get(item.number)
        if proposal_id is None:
            continue
        at = scenario.meeting_starts_at
        voting.open_vote(uow, system_code, proposal_id, actor=actor, at=at)
        for seat_id, choice in item.votes.items():
            voting.cast_vote(uow, system_code, proposal_id, seat_id, choice, actor=actor, at=at)
        result.decisions[item.number] = voting.close_vote(
            uow, system_code, proposal_id, actor=actor, at=at
        )
    return result


def _ods(code: str) -> str | None:
    return code if re.fullmatch(r"[A-Z0-9]{3,10}", code) else None
