"""Register events join the caller's transaction: committed with the rows they describe, or
rolled back with them; with the workspace's key attached, checkpoints are signed when due."""

from __future__ import annotations

from datetime import date

import pytest
from tests.unit.services.governance.conftest import SYSTEM, RowCounts, register_types

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import InvalidInput
from integrated_care.governance.register.keys import workspace_signer
from integrated_care.governance.register.store import RegisterStore
from integrated_care.services import membership
from integrated_care.services.register_events import attach_signer, record_event, signer_for
from integrated_care.structure.membership import Action
from integrated_care.workspace import Workspace


def test_events_get_consecutive_sequence_numbers_and_commit_with_the_caller(
    qt1: Workspace,
) -> None:
    with qt1.uow() as uow:
        first = record_event(uow, SYSTEM, "proposal", {"title": "A"}, body="icb-board")
        second = record_event(uow, SYSTEM, "decision", {"title": "A", "carried": True})
        uow.commit()
    assert (first, second) == (0, 1)
    assert register_types(qt1) == ["proposal", "decision"]


def test_a_rolled_back_use_case_leaves_no_register_entry(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(qt1.engine)
    with qt1.uow() as uow:
        record_event(uow, SYSTEM, "proposal", {"title": "never committed"})
    assert row_counts(qt1.engine) == before


def test_a_private_event_is_logged_as_a_commitment(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        record_event(
            uow,
            SYSTEM,
            "exclusion_resolution",
            {"title": "Lease terms"},
            private=True,
            reveal_after=date(2026, 6, 12),
        )
        uow.commit()
    with qt1.uow() as uow:
        [entry] = RegisterStore().entries(uow.session, SYSTEM)
    assert entry.private
    assert entry.payload is None
    assert entry.reveal_after == "2026-06-12"
    assert b"Lease terms" not in entry.leaf


def test_a_payload_the_register_cannot_hold_is_refused(qt1: Workspace) -> None:
    with qt1.uow() as uow, pytest.raises(InvalidInput, match="integers only"):
        record_event(uow, SYSTEM, "vote", {"weight": 0.5})


def test_with_the_workspace_key_attached_a_checkpoint_is_signed_when_due(qt1: Workspace) -> None:
    signer = signer_for(qt1)
    assert signer.public_key == workspace_signer(qt1.path).public_key  # made once, then reused
    with qt1.uow() as uow:
        attach_signer(uow, signer)
        for number in range(1000):
            record_event(uow, SYSTEM, "vote", {"n": number})
        uow.commit()
    with qt1.uow() as uow:
        [checkpoint] = RegisterStore().checkpoints(uow.session, SYSTEM)
    assert checkpoint.tree_size == 1000
    assert checkpoint.public_key == signer.public_key
    assert checkpoint.verify()


def test_a_membership_change_is_logged_in_the_register(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        membership.record(
            uow,
            SYSTEM,
            body_code="ics-partnership",
            org_code="E06000018",
            action=Action.JOIN,
            effective=date(2018, 4, 1),
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    with qt1.uow() as uow:
        [entry] = RegisterStore().entries(uow.session, SYSTEM)
    assert entry.type == "membership_change"
    assert entry.body == "ics-partnership"
    assert entry.payload is not None
    assert (entry.payload["organisation"], entry.payload["action"]) == ("E06000018", "join")
    assert entry.payload["effective"] == "2018-04-01"
