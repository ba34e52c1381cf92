"""Luton Borough Council leaves the system-level partnership but keeps working at place.

Seed: Luton council pulled out of the Bedfordshire, Luton and Milton Keynes ICS (ICB ODS
QHG) while place-level partnership with the NHS continued. The dates are illustrative.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict
from integrated_care.services import membership
from integrated_care.services.structure import SYSTEM_BODY, load_model
from integrated_care.structure.membership import Action, BodyKind, Status
from integrated_care.workspace import Workspace

LUTON = "E06000032"
PLACE_BODY = f"{LUTON}-partnership"
JOINED = date(2018, 4, 1)
WITHDREW = date(2019, 1, 1)
REASON = "decisions belong at place level, not at system level"
UTLA_CSV = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "geography" / "utla23_icb24_split.csv"
)


def record(ws: Workspace, body: str, action: Action, on: date, reason: str | None = None) -> None:
    with ws.uow() as uow:
        membership.record(
            uow,
            "QHG",
            body_code=body,
            org_code=LUTON,
            action=action,
            effective=on,
            reason=reason,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()


@pytest.fixture
def blmk(system: Callable[..., Workspace]) -> Workspace:
    ws = system("QHG")
    record(ws, SYSTEM_BODY, Action.JOIN, JOINED)
    record(ws, PLACE_BODY, Action.JOIN, JOINED)
    record(ws, SYSTEM_BODY, Action.WITHDRAW, WITHDREW, REASON)
    return ws


def test_the_default_places_are_blmks_upper_tier_authorities_including_luton(
    system: Callable[..., Workspace],
) -> None:
    with UTLA_CSV.open(newline="", encoding="utf-8") as f:
        utlas = {r["utla23_code"] for r in csv.DictReader(f) if r["icb24_code"] == "E54000024"}
    ws = system("QHG")
    with ws.uow() as uow:
        model = load_model(uow, "QHG")
    assert {p.code for p in model.places} == utlas
    assert LUTON in utlas
    luton = next(p for p in model.places if p.code == LUTON)
    assert luton.name == "Luton"
    body = next(b for b in model.bodies if b.code == PLACE_BODY)
    assert body.kind is BodyKind.PLACE_PARTNERSHIP
    assert body.place_code == LUTON


def test_before_withdrawing_luton_is_a_member_of_both_partnerships(blmk: Workspace) -> None:
    with blmk.uow() as uow:
        model = load_model(uow, "QHG")
    day = date(2018, 12, 31)
    assert model.membership_on(SYSTEM_BODY, LUTON, day).status is Status.MEMBER
    assert model.membership_on(PLACE_BODY, LUTON, day).status is Status.MEMBER


@pytest.mark.parametrize("day", [WITHDREW, date(2019, 6, 1), date(2025, 1, 1)], ids=str)
def test_after_withdrawing_luton_has_left_the_ics_but_not_its_place_partnership(
    blmk: Workspace, day: date
) -> None:
    with blmk.uow() as uow:
        model = load_model(uow, "QHG")
    ics = model.membership_on(SYSTEM_BODY, LUTON, day)
    assert ics.status is Status.WITHDRAWN
    assert ics.since == WITHDREW
    assert ics.reason == REASON
    place = model.membership_on(PLACE_BODY, LUTON, day)
    assert place.status is Status.MEMBER
    assert place.since == JOINED


def test_the_ics_partnership_lists_luton_as_withdrawn_and_the_place_as_a_member(
    blmk: Workspace,
) -> None:
    with blmk.uow() as uow:
        on = {
            (m.body.code, m.organisation.code): m.state.status
            for m in membership.members_on(uow, "QHG", date(2019, 6, 1))
        }
    assert on == {(SYSTEM_BODY, LUTON): Status.WITHDRAWN, (PLACE_BODY, LUTON): Status.MEMBER}


def test_luton_cannot_withdraw_from_the_ics_twice(blmk: Workspace) -> None:
    with pytest.raises(Conflict, match="has already withdrawn"):
        record(blmk, SYSTEM_BODY, Action.WITHDRAW, date(2019, 6, 1), REASON)


def test_luton_could_join_the_ics_again_later(blmk: Workspace) -> None:
    record(blmk, SYSTEM_BODY, Action.JOIN, date(2022, 7, 1))
    with blmk.uow() as uow:
        model = load_model(uow, "QHG")
    assert model.membership_on(SYSTEM_BODY, LUTON, date(2022, 7, 1)).status is Status.MEMBER
    assert model.membership_on(SYSTEM_BODY, LUTON, date(2022, 6, 30)).status is Status.WITHDRAWN
