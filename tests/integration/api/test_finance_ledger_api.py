"""The ledger API, per endpoint and role: restricted reads (partners refused), finance-only
writes, idempotent posts (201 first, 200 + Idempotent-Replayed on a replay, 409 on a
different body), clear refusals that write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from tests.integration.api.conftest import API, SYSTEM, Api
from tests.unit.services.finance.ledger_support import (
    CHART,
    CITY,
    CITY_MH,
    FUNDING,
    POT,
    counts,
)

from integrated_care.access import LOCAL_OPERATOR, Role
from integrated_care.services.finance import ledger

L = "/finance/ledger"
READERS = (Role.ADMIN, Role.FINANCE, Role.ANALYST, Role.BOARD_SECRETARY)
NOT_READERS = ((Role.PARTNER, 403), (Role.PUBLIC, 403), (None, 401))
WRITERS = (Role.ADMIN, Role.FINANCE)
NOT_WRITERS = (
    (Role.ANALYST, 403),
    (Role.BOARD_SECRETARY, 403),
    (Role.PARTNER, 403),
    (Role.PUBLIC, 403),
    (None, 401),
)


@pytest.fixture
def led(api: Api) -> Api:
    """The test chart, £10,000 allocated and £6,000 delegated to the city (journals 1, 2)."""
    with api.workspace.uow() as uow:
        ledger.ensure_accounts(uow, SYSTEM, CHART, actor=LOCAL_OPERATOR)
        uow.commit()
    for body in (
        journal_body("alloc", [(POT, 10_000_00), (FUNDING, -10_000_00)]),
        journal_body("city", [(CITY, 6_000_00), (POT, -6_000_00)]),
    ):
        assert send(api, f"{L}/journals", body, Role.FINANCE).status_code == 201
    return api


def journal_body(
    key: str | None, legs: list[tuple[str, int]], on: str = "2025-04-01"
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "posted_on": on,
        "description": f"journal {key}",
        "legs": [{"account": a, "amount": p} for a, p in legs],
    }
    if key is not None:
        body["key"] = key
    return body


def send(api: Api, path: str, body: Any, role: Role | None, key: str | None = None) -> Any:
    headers = api.auth(role)
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.client.post(API + path, json=body, headers=headers)


def snapshot(api: Api) -> dict[str, int]:
    return counts(api.workspace.engine)


READ_PATHS = [
    f"{L}/accounts",
    f"{L}/balances",
    f"{L}/trial-balance",
    f"{L}/journals",
    f"{L}/journals/1",
    f"{L}/commitments",
    f"{L}/periods",
]


@pytest.mark.parametrize("path", READ_PATHS)
def test_restricted_roles_read_the_ledger_and_partners_do_not(led: Api, path: str) -> None:
    for role in READERS:
        assert led.get(path, role).status_code == 200, (role, path)
    for role, code in NOT_READERS:
        led.error(led.get(path, role), code)


def test_balances_and_trial_balance_in_pence(led: Api) -> None:
    got = {b["account"]: b for b in led.get(f"{L}/balances", Role.ANALYST).json()}
    assert got[POT]["posted"] == 4_000_00
    assert got[CITY]["posted"] == 6_000_00
    assert got[FUNDING]["posted"] == 10_000_00
    assert got[FUNDING]["credits"] == 10_000_00
    tb = led.get(f"{L}/trial-balance", Role.FINANCE).json()
    assert (tb["debits"], tb["credits"], tb["balanced"]) == (10_000_00, 10_000_00, True)
    city = led.get(f"{L}/balances", Role.FINANCE, prefix="place:nottingham-city:").json()
    assert {b["account"] for b in city} == {
        CITY,
        CITY_MH,
        "place:nottingham-city:core-2025-26:spend:acute",
    }
    early = led.get(f"{L}/balances", Role.FINANCE, as_of="2025-03-31").json()
    assert all(b["posted"] == 0 for b in early)


def test_journals_read_newest_first_and_one_by_id(led: Api) -> None:
    listed = led.get(f"{L}/journals", Role.BOARD_SECRETARY).json()
    assert [j["key"] for j in listed] == ["city", "alloc"]
    one = led.get(f"{L}/journals/{listed[1]['id']}", Role.FINANCE).json()
    assert one["legs"] == [
        {"account": POT, "amount": 10_000_00, "memo": ""},
        {"account": FUNDING, "amount": -10_000_00, "memo": ""},
    ]
    led.error(led.get(f"{L}/journals/999", Role.FINANCE), 404, "journal")
    assert [a["code"] for a in led.get(f"{L}/accounts", Role.FINANCE, prefix="icb:").json()] == [
        FUNDING,
        POT,
    ]


@pytest.mark.parametrize("role", WRITERS)
def test_posting_is_idempotent(led: Api, role: Role) -> None:
    body = journal_body(None, [(CITY_MH, 100_00), (CITY, -100_00)])
    first = send(led, f"{L}/journals", body, role, key=f"spend-{role.value}")
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    before = snapshot(led)
    again = send(led, f"{L}/journals", body, role, key=f"spend-{role.value}")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["replayed"] is True
    after = snapshot(led)
    assert after["ledger_journals"] == before["ledger_journals"]
    changed = {
        **body,
        "legs": [{"account": CITY_MH, "amount": 101_00}, {"account": CITY, "amount": -101_00}],
    }
    conflict = led.error(send(led, f"{L}/journals", changed, role, key=f"spend-{role.value}"), 409)
    assert f"spend-{role.value}" in conflict["message"]


@pytest.mark.parametrize(("role", "code"), NOT_WRITERS)
def test_only_finance_and_admin_write(led: Api, role: Role | None, code: int) -> None:
    before = snapshot(led)
    writes = [
        (f"{L}/journals", journal_body("k", [(CITY_MH, 1), (CITY, -1)])),
        (f"{L}/journals/batch", {"journals": [journal_body("k", [(CITY_MH, 1), (CITY, -1)])]}),
        (f"{L}/accounts", {"code": "x:y", "name": "x", "type": "asset"}),
        (f"{L}/journals/1/reversal", {"key": "r", "posted_on": "2025-04-02", "reason": "x"}),
        (
            f"{L}/commitments",
            {
                "key": "c",
                "debit_account": CITY_MH,
                "credit_account": CITY,
                "amount": 1,
                "reserved_on": "2025-04-02",
                "description": "x",
            },
        ),
        (f"{L}/periods/2025-04/close", None),
    ]
    for path, body in writes:
        led.error(send(led, path, body, role), code)
    assert snapshot(led) == before


BAD = {
    "unbalanced": (journal_body("b", [(CITY_MH, 100), (CITY, -99)]), 400, "journal.legs"),
    "one leg": (journal_body("b", [(CITY_MH, 100)]), 400, "journal.legs"),
    "zero leg": (journal_body("b", [(CITY_MH, 100), (CITY, -100), (POT, 0)]), 400, None),
    "unknown account": (
        journal_body("b", [(CITY_MH, 100), ("place:nowhere:budget", -100)]),
        404,
        "account",
    ),
    "no key": (journal_body(None, [(CITY_MH, 100), (CITY, -100)]), 400, "Idempotency-Key"),
    "overdrawn budget": (
        journal_body("b", [(CITY_MH, 6_000_01), (CITY, -6_000_01)]),
        400,
        "amount",
    ),
    "float amount": (
        {
            **journal_body("b", []),
            "legs": [{"account": CITY_MH, "amount": 1.5}, {"account": CITY, "amount": -1.5}],
        },
        422,
        None,
    ),
    "unknown field": (
        {**journal_body("b", [(CITY_MH, 1), (CITY, -1)]), "colour": "red"},
        422,
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_journals_are_refused_and_nothing_is_written(led: Api, case: str) -> None:
    body, code, input_name = BAD[case]
    before = snapshot(led)
    led.error(send(led, f"{L}/journals", body, Role.FINANCE), code, input_name)
    assert snapshot(led) == before


def test_header_and_body_keys_must_agree(led: Api) -> None:
    body = journal_body("one", [(CITY_MH, 1), (CITY, -1)])
    led.error(send(led, f"{L}/journals", body, Role.FINANCE, key="two"), 400, "Idempotency-Key")
    assert send(led, f"{L}/journals", body, Role.FINANCE, key="one").status_code == 201


def test_a_batch_posts_all_or_nothing_and_replays(led: Api) -> None:
    good = [journal_body(f"b{n}", [(CITY_MH, 10), (CITY, -10)]) for n in range(3)]
    before = snapshot(led)
    bad = {"journals": [*good, journal_body("bad", [(CITY_MH, 10), (CITY, -9)])]}
    led.error(send(led, f"{L}/journals/batch", bad, Role.FINANCE), 400, "journals[3].legs")
    assert snapshot(led) == before
    first = send(led, f"{L}/journals/batch", {"journals": good}, Role.FINANCE)
    assert first.status_code == 201
    again = send(led, f"{L}/journals/batch", {"journals": good}, Role.FINANCE)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [j["id"] for j in again.json()] == [j["id"] for j in first.json()]


def test_a_reversal_is_posted_once(led: Api) -> None:
    body = {"posted_on": "2025-04-03", "reason": "posted to the wrong place"}
    first = send(led, f"{L}/journals/2/reversal", body, Role.FINANCE, key="undo-city")
    assert first.status_code == 201, first.text
    assert first.json()["reverses"] == 2
    assert first.json()["legs"][0] == {"account": CITY, "amount": -6_000_00, "memo": ""}
    again = send(led, f"{L}/journals/2/reversal", body, Role.FINANCE, key="undo-city")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    led.error(
        send(led, f"{L}/journals/2/reversal", body, Role.FINANCE, key="undo-2"), 409, "journal"
    )
    led.error(
        send(led, f"{L}/journals/99/reversal", body, Role.FINANCE, key="undo-3"), 404, "journal"
    )


def test_commitments_reserve_post_and_void(led: Api) -> None:
    reservation = {
        "debit_account": CITY_MH,
        "credit_account": CITY,
        "amount": 4_000_00,
        "reserved_on": "2025-04-05",
        "description": "community mental health contract",
    }
    made = send(led, f"{L}/commitments", reservation, Role.FINANCE, key="mh-contract")
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    replay = send(led, f"{L}/commitments", reservation, Role.FINANCE, key="mh-contract")
    assert (replay.status_code, replay.headers["Idempotent-Replayed"]) == (200, "true")
    over = led.error(
        send(
            led, f"{L}/commitments", {**reservation, "amount": 2_000_01}, Role.FINANCE, key="more"
        ),
        400,
        "amount",
    )
    assert "has £2,000.00 available; the commitment needs £2,000.01" in over["message"]
    city = led.get(f"{L}/balances", Role.FINANCE, prefix=CITY).json()[0]
    assert (city["posted"], city["pending"], city["available"]) == (6_000_00, 4_000_00, 2_000_00)
    posted = send(
        led,
        f"{L}/commitments/{cid}/post",
        {"posted_on": "2025-04-30", "amount": 3_500_00},
        Role.FINANCE,
        key="inv-1",
    )
    assert posted.status_code == 201, posted.text
    city = led.get(f"{L}/balances", Role.FINANCE, prefix=CITY).json()[0]
    assert (city["posted"], city["pending"], city["available"]) == (2_500_00, 0, 2_500_00)
    led.error(send(led, f"{L}/commitments/{cid}/void", None, Role.FINANCE), 409, "commitment")
    other = send(
        led, f"{L}/commitments", {**reservation, "amount": 1_00}, Role.ADMIN, key="small"
    ).json()
    voided = send(led, f"{L}/commitments/{other['id']}/void", None, Role.FINANCE)
    assert voided.json()["state"] == "voided"
    states = {c["key"]: c["state"] for c in led.get(f"{L}/commitments", Role.ANALYST).json()}
    assert states == {"mh-contract": "posted", "small": "voided"}


def test_a_closed_period_refuses_postings(led: Api) -> None:
    closed = send(led, f"{L}/periods/2025-04/close", None, Role.FINANCE)
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed"] is True
    before = snapshot(led)
    late = journal_body("late", [(CITY_MH, 1), (CITY, -1)], on="2025-04-30")
    led.error(send(led, f"{L}/journals", late, Role.FINANCE), 400, "journal.posted_on")
    assert snapshot(led) == before
    led.error(send(led, f"{L}/periods/2025-4/close", None, Role.FINANCE), 400, "period")
    periods = led.get(f"{L}/periods", Role.FINANCE).json()
    assert [(p["period"], p["closed"]) for p in periods] == [("2025-04", True)]


def test_accounts_open_once(led: Api) -> None:
    account = {
        "code": "place:bassetlaw:core-2025-26:budget",
        "name": "Bassetlaw",
        "type": "asset",
        "guarded": True,
    }
    assert send(led, f"{L}/accounts", account, Role.FINANCE).status_code == 201
    assert send(led, f"{L}/accounts", account, Role.FINANCE).status_code == 200
    led.error(
        send(led, f"{L}/accounts", {**account, "guarded": False}, Role.FINANCE), 409, "account"
    )
    led.error(send(led, f"{L}/accounts", {**account, "type": "cash"}, Role.FINANCE), 422)
