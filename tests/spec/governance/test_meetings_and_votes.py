"""The Nottingham rule at a board meeting, end to end, on SQLite and PostgreSQL.

In April 2019 Nottingham City Council rejoined its ICS "subject to an agreement for unanimous
voting on proposals which could lead to outsourcing or privatisation"; its own paper accepted
that the rule cannot bind an individual procurement decision (research note §1). Encoded in
the packaged ``nottingham_icb_board`` rule set, it must:

* stop a policy that may result in outsourcing when the City Council's member votes against
  (one vote against, under weak unanimity: not carried);
* not apply to a contract award under the Provider Selection Regime, where an ordinary
  majority of votes cast decides (the same vote against does not stop it), and say so.

The board (``governance.fixtures``) has 12 voting members and 2 non-voting attendees; one
member sends apologies; the Nottingham University Hospitals partner member declared an
interest in their trust, which the award goes to, and is recused from that item only.
Every step is in the public register; the exported log verifies with the public key.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.governance.fixtures import CITY, nottingham_icb_board
from integrated_care.governance.register.export import export_log
from integrated_care.governance.register.store import RegisterStore
from integrated_care.governance.register.verify import verify_bytes
from integrated_care.services.governance import bodies, meetings, scenario, voting
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.workspace import Workspace

SYSTEM = "QT1"


@pytest.fixture
def decided(system: Callable[..., Workspace]) -> tuple[Workspace, scenario.ScenarioResult]:
    ws = system("QT1", default_places=False)
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        result = scenario.build(uow, SYSTEM, nottingham_icb_board(), actor=LOCAL_OPERATOR)
        uow.commit()
    return ws, result


def test_the_board_is_complete_on_the_day_of_the_meeting(
    decided: tuple[Workspace, scenario.ScenarioResult],
) -> None:
    ws, _ = decided
    with ws.uow() as uow:
        body, unmet = bodies.check_composition(uow, SYSTEM, "icb-board", date(2025, 6, 12))
    assert unmet == []
    voting_seats = [s for s in body.seats_on(date(2025, 6, 12)) if s.voting]
    assert len(voting_seats) == 12


def test_the_outsourcing_policy_fails_by_the_city_councils_vote_against(
    decided: tuple[Workspace, scenario.ScenarioResult],
) -> None:
    _, result = decided
    policy = result.decisions["5"]
    assert (policy.carried, policy.quorate) == (False, True)
    assert policy.rule_id == "unanimity-for-outsourcing"
    assert (policy.tally["for"], policy.tally["against"], policy.tally["absent"]) == (10, 1, 1)
    assert policy.explanation == (
        "Not carried: unanimity (weak: no vote against) is required for proposals that may "
        "result in privatisation or outsourcing (10 for, 1 against); Nottingham City Council "
        "(Councillor A (illustrative)) voted against."
    )
    assert policy.notes == ()


def test_the_contract_award_is_decided_by_ordinary_majority_and_says_why(
    decided: tuple[Workspace, scenario.ScenarioResult],
) -> None:
    _, result = decided
    award = result.decisions["6"]
    assert (award.carried, award.rule_id) == (True, "simple-majority")
    assert (award.tally["for"], award.tally["against"], award.tally["recused"]) == (9, 1, 1)
    assert (
        award.explanation == "Carried: simple majority of votes cast (9 for, 1 against; 1 recused)."
    )
    [note] = award.notes
    assert "'unanimity for outsourcing' was not applied" in note
    assert "Provider Selection Regime 2023" in note
    recused = {b["seat_id"]: b["recusal_reason"] for b in award.ballots if b["choice"] == "recused"}
    assert list(recused) == ["partner-nuh"]
    assert "NHS conflicts of interest" in recused["partner-nuh"]


def test_both_decisions_record_the_rule_set_and_version_used(
    decided: tuple[Workspace, scenario.ScenarioResult],
) -> None:
    ws, result = decided
    for item, proposal in result.proposals.items():
        with ws.uow() as uow:
            shown = voting.get_proposal(uow, SYSTEM, proposal)
        assert shown.decision is not None, item
        assert (shown.decision.rule_set, shown.decision.rule_version) == (
            "NHS Nottingham and Nottinghamshire ICB board",
            1,
        )
    with ws.uow() as uow:
        agenda = meetings.get_meeting(uow, SYSTEM, result.meeting_id)
    assert [(i.number, i.proposal.carried if i.proposal else None) for i in agenda.items] == [
        ("5", False),
        ("6", True),
        ("9", None),
    ]
    assert agenda.clear_days == 7


def test_every_step_is_in_the_public_register_in_order(
    decided: tuple[Workspace, scenario.ScenarioResult],
) -> None:
    ws, result = decided
    with ws.uow() as uow:
        entries = RegisterStore().entries(uow.session, SYSTEM)
    types = [e.type for e in entries]
    assert types == (
        ["seat_appointment"] * 14
        + ["declaration", "agenda_published", "proposal", "proposal", "exclusion_resolution"]
        + ["vote"] * 12
        + ["decision"]
        + ["vote"] * 12
        + ["decision"]
    )
    policy_votes = [e.payload for e in entries[19:31]]
    city = next(v for v in policy_votes if v is not None and v["seat_id"] == "partner-city")
    assert (city["organisation"], city["choice"], city["weight"]) == (CITY, "against", 1)
    decision = entries[31].payload
    assert decision is not None
    assert decision["proposal_id"] == result.proposals["5"]
    assert (decision["carried"], decision["rule_id"]) == (False, "unanimity-for-outsourcing")
    assert result.decisions["5"].register_seq == 31
    assert result.decisions["6"].register_seq == 44


def test_the_exported_register_verifies_with_the_public_key_alone(
    decided: tuple[Workspace, scenario.ScenarioResult],
) -> None:
    ws, _ = decided
    signer = signer_for(ws)
    store = RegisterStore(signer)
    with ws.uow() as uow:
        store.checkpoint(uow.session, SYSTEM)
        uow.commit()
    out = io.BytesIO()
    with ws.uow() as uow:
        summary = export_log(uow.session, store, SYSTEM, out, signer.public_key)
    assert (summary.entries, summary.signed_size) == (45, 45)
    report = verify_bytes(out.getvalue(), signer.public_key)
    assert report.ok, report.failure
    assert report.unrevealed == [18]  # the private estates item, until 2026-06-12
