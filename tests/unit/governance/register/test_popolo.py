"""Popolo-shaped and CSV exports of the register."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from integrated_care.governance.register.entries import Event
from integrated_care.governance.register.export import CSV_COLUMNS, csv_text
from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.memory import MemoryRegister
from integrated_care.governance.register.popolo import popolo

from .conftest import AT, SYSTEM, vote

POLICY = {
    "proposal_id": "P-1",
    "title": "Community services strategy that may lead to outsourcing",
    "decision_type": "policy",
    "flags": ["may_result_in_privatisation_or_outsourcing"],
}
DECISION = {
    "proposal_id": "P-1",
    "title": POLICY["title"],
    "body": "QT1-BOARD",
    "decision_type": "policy",
    "flags": POLICY["flags"],
    "rule_set": "QT1-BOARD standing orders",
    "rule_version": "2024-04",
    "rule_id": "nottingham-unanimity",
    "carried": False,
    "explanation": "Not carried: unanimity required; Nottingham City Council voted against.",
    "tally": {"for": 3, "against": 1, "abstain": 0, "absent": 0, "recused": 1},
    "group_results": {"local_authority": "fail", "nhs": "pass"},
}


def register() -> MemoryRegister:
    log = MemoryRegister(SYSTEM, Signer.generate(), checkpoint_every=0)
    log.append(Event("proposal", POLICY, AT, "QT1-BOARD"))
    for number in range(3):
        log.append(vote(number))
    log.append(vote(3, choice="against"))
    log.append(vote(4, choice="recused"))
    log.append(Event("decision", DECISION, AT + timedelta(hours=1), "QT1-BOARD"))
    # A contract award decided in private, revealed later; and an unrelated declaration.
    award = {**DECISION, "proposal_id": "P-2", "title": "Award", "decision_type": "contract award"}
    award |= {"carried": True, "tally": {"for": 4, "against": 1}, "group_results": {}}
    secret = log.append(Event("decision", award, AT, "QT1-BOARD", private=True))
    log.append(Event("declaration", {"member": "Member 2", "interest": "director"}, AT))
    log.reveal(secret.seq, at=AT + timedelta(days=30))
    return log


def test_motions_vote_events_votes_and_counts() -> None:
    document = popolo(register().entries)
    motions = {m["id"]: m for m in document["motions"]}
    assert list(motions) == ["P-1", "P-2"]
    policy = motions["P-1"]
    assert policy["organization_id"] == "QT1-BOARD"
    assert policy["text"] == POLICY["title"]
    assert policy["classification"] == ["policy", "may_result_in_privatisation_or_outsourcing"]
    assert policy["date"] == "2024-05-01"
    assert policy["requirement"] == "QT1-BOARD standing orders / 2024-04 / nottingham-unanimity"
    assert policy["result"] == "fail"
    assert policy["register_seq"] == [0, 6]
    event = document["vote_events"][0]
    assert (event["motion_id"], event["result"], event["start_date"]) == (
        "P-1",
        "fail",
        "2024-05-01",
    )
    assert event["counts"] == [
        {"option": "yes", "value": 3},
        {"option": "no", "value": 1},
        {"option": "abstain", "value": 0},
        {"option": "absent", "value": 0},
        {"option": "not voting", "value": 1},
    ]
    assert event["group_results"] == [
        {"group": {"name": "local_authority"}, "result": "fail"},
        {"group": {"name": "nhs"}, "result": "pass"},
    ]
    options = [v["option"] for v in event["votes"]]
    assert options == ["yes", "yes", "yes", "no", "not voting"]
    assert event["votes"][3] == {
        "voter_id": "S-3",
        "voter": {"name": "Member 3"},
        "group": {"name": "E06000018"},
        "option": "no",
        "weight": 1,
        "register_seq": 4,
    }


def test_a_private_decision_appears_once_revealed() -> None:
    log = register()
    award = popolo(log.entries)["motions"][1]
    assert (award["id"], award["result"], award["classification"][0]) == (
        "P-2",
        "pass",
        "contract award",
    )
    assert award["register_seq"] == [7]
    before = popolo(log.entries[:-1])
    assert [m["id"] for m in before["motions"]] == ["P-1"]


def test_counts_come_from_the_votes_without_a_decision() -> None:
    log = MemoryRegister(SYSTEM, Signer.generate(), checkpoint_every=0)
    log.append(vote(0))
    log.append(vote(1, choice="abstain"))
    event = popolo(log.entries)["vote_events"][0]
    assert event["result"] is None
    assert event["counts"] == [{"option": "yes", "value": 1}, {"option": "abstain", "value": 1}]
    assert json.dumps(popolo(log.entries))  # plain JSON


def test_csv_has_one_row_per_entry() -> None:
    log = register()
    rows = list(csv.DictReader(io.StringIO(csv_text(log.entries))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [int(r["seq"]) for r in rows] == list(range(log.size))
    assert json.loads(rows[0]["payload"]) == POLICY
    private = rows[7]
    assert (private["private"], private["payload"]) == ("yes", "")
    assert private["leaf_hash"] == log.entries[7].leaf_hash.hex()


def test_counts_are_vote_options_only_and_dates_come_from_the_decision() -> None:
    """A decision as services/governance/voting.py writes it: the full tally, ``decided_at``.

    Its entries are appended days after the meeting (the entry's ``at``); the Motion's ``date``
    and the VoteEvent's ``start_date`` are the day of the decision the payload names.
    """
    tally = {
        "for": 3,
        "against": 1,
        "abstain": 0,
        "absent": 0,
        "recused": 1,
        "for_weight": 3,
        "against_weight": 1,
        "abstain_weight": 0,
        "present": 4,
        "eligible": 5,
        "eligible_weight": 5,
    }
    decided = {**DECISION, "tally": tally, "decided_at": "2024-04-30T18:30:00+00:00"}
    log = MemoryRegister(SYSTEM, Signer.generate(), checkpoint_every=0)
    log.append(Event("proposal", POLICY, AT - timedelta(days=10), "QT1-BOARD"))
    log.append(vote(0))
    log.append(Event("decision", decided, AT, "QT1-BOARD"))
    document = popolo(log.entries)
    event = document["vote_events"][0]
    assert event["counts"] == [
        {"option": "yes", "value": 3},
        {"option": "no", "value": 1},
        {"option": "abstain", "value": 0},
        {"option": "absent", "value": 0},
        {"option": "not voting", "value": 1},
    ]
    assert event["start_date"] == "2024-04-30"
    assert document["motions"][0]["date"] == "2024-04-30"


def test_dates_fall_back_to_the_entry_when_the_payload_names_none() -> None:
    log = MemoryRegister(SYSTEM, Signer.generate(), checkpoint_every=0)
    log.append(Event("proposal", POLICY, AT - timedelta(days=10), "QT1-BOARD"))
    log.append(vote(0))
    log.append(Event("decision", DECISION, AT + timedelta(days=1), "QT1-BOARD"))
    document = popolo(log.entries)
    assert document["motions"][0]["date"] == "2024-04-21"
    assert document["vote_events"][0]["start_date"] == "2024-05-01"
