"""The single pot and places API, per endpoint and role, on SQLite and PostgreSQL.

QT1 with its default places (Nottingham E06000018, Nottinghamshire E10000024). Amounts in
pence; allocations are NHS England's 2025/26 figures for QT1 in £m (research note §7.4)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from tests.integration.api.conftest import Api

from integrated_care.access import Role

CITY, COUNTY = "E06000018", "E10000024"
M = 1_000_000_00
YEAR = {"year": "2025/26"}
READERS = (Role.ADMIN, Role.FINANCE, Role.ANALYST, Role.BOARD_SECRETARY)
NOT_WRITERS = (Role.ANALYST, Role.BOARD_SECRETARY, Role.PARTNER, Role.PUBLIC)
MONEY_TABLES = (
    "ledger_accounts",
    "ledger_journals",
    "ledger_legs",
    "ledger_commitments",
    "fin_scheme_entries",
    "fin_delegations",
    "fin_delegation_parts",
    "fin_place_postings",
    "fin_duties",
)


def money_rows(api: Api) -> dict[str, int]:
    with api.workspace.engine.connect() as connection:
        return {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
            for t in MONEY_TABLES
        }


def receive(api: Api, role: Role | None = Role.FINANCE, **extra: Any) -> Any:
    body = {
        "year": "2025/26",
        "unit": "£m",
        "source": "NHS England 2025/26 (£m to one decimal place)",
        "lines": [
            {"stream": "core", "amount": "2368.9"},
            {"stream": "non-recurrent", "line": "core-non-recurrent", "amount": "142.3"},
            {"stream": "pmc", "amount": "262.6"},
        ],
        **extra,
    }
    return api.post("/finance/pot/receive", body, role)


def scheme_entry(place: str, **changes: Any) -> dict[str, Any]:
    return {
        "place": place,
        "stream": "core",
        "line": "community-services",
        "component": "community",
        "approver": "role:finance",
        "valid_from": "2025-04-01",
        "max_budget": 200 * M,
        "max_commitment": 5 * M,
        **changes,
    }


@pytest.fixture
def funded(api: Api) -> Api:
    """£2,773.8m received, community services in the scheme for both places, £150m of it
    delegated, and one payment at the city."""
    assert receive(api).status_code == 201
    for place in (CITY, COUNTY):
        reply = api.post("/finance/scheme", scheme_entry(place), Role.FINANCE)
        assert reply.status_code == 201, reply.text
    delegation = {
        "key": "d1", **YEAR, "stream": "core", "line": "community-services",
        "amount": 150 * M, "on": "2025-04-01",
    }  # fmt: skip
    assert api.post("/finance/delegations", delegation, Role.FINANCE).status_code == 201
    spend = {"key": "p1", **YEAR, "stream": "core", "line": "community-services",
             "amount": 2 * M, "on": "2025-05-01", "description": "community nursing"}  # fmt: skip
    assert api.post(f"/finance/places/{CITY}/spend", spend, Role.FINANCE).status_code == 201
    return api


# -- the pot --------------------------------------------------------------------------------------
def test_the_published_pot_is_public_and_the_detail_is_restricted(funded: Api) -> None:
    public = funded.get("/finance/pot", None, **YEAR)
    assert public.status_code == 200
    body = public.json()
    streams = {s["stream"]: s for s in body["streams"]}
    assert streams["core"]["allocated"] == 236_890_000_000
    assert streams["non-recurrent"]["allocated"] == 14_230_000_000
    assert streams["core"]["delegated"] is None
    assert body["total"] == {"allocated": 277_380_000_000}
    for role in (Role.PUBLIC, Role.PARTNER):
        assert funded.get("/finance/pot", role, **YEAR).json()["streams"][0]["delegated"] is None
    for role in READERS:
        detail = funded.get("/finance/pot", role, **YEAR).json()
        core = detail["streams"][0]
        assert (core["delegated"], core["spent"]) == (150 * M, 2 * M)
        assert core["unallocated"] == 236_890_000_000 - 150 * M


def test_a_bad_year_is_refused(api: Api) -> None:
    api.error(api.get("/finance/pot", None, year="2025-26"), 400, "year")


def test_receiving_needs_post_finance(api: Api) -> None:
    before = money_rows(api)
    api.error(receive(api, None), 401)
    for role in NOT_WRITERS:
        api.error(receive(api, role), 403, "role")
    assert money_rows(api) == before
    first = receive(api, Role.ADMIN)
    assert first.status_code == 201
    assert [r["replayed"] for r in first.json()] == [False, False, False]
    again = receive(api, Role.FINANCE)
    assert [r["replayed"] for r in again.json()] == [True, True, True]


def test_bad_receipts_are_refused(api: Api) -> None:
    before = money_rows(api)
    api.error(receive(api, lines=[{"stream": "core", "amount": 2368.9}]), 422)  # a float
    api.error(receive(api, lines=[{"stream": "bcf", "amount": "1"}]), 400, "stream")
    api.error(receive(api, published=True), 400, "lines")
    api.error(receive(api, year="2025/26", unit="£bn"), 400, "unit")
    assert money_rows(api) == before
    published = api.post(
        "/finance/pot/receive", {"year": "2024/25", "published": True}, Role.FINANCE
    )
    assert published.status_code == 201
    core = next(r for r in published.json() if r["stream"] == "core")
    assert core["amount"] == 2_101_004 * 100_000  # £2,101,004k, NHS England 2024/25


# -- places, scheme, delegations ------------------------------------------------------------------
def test_places_show_need_and_budgets_to_readers_only(funded: Api) -> None:
    funded.error(funded.get("/finance/places", None, **YEAR), 401)
    funded.error(funded.get("/finance/places", Role.PUBLIC, **YEAR), 403)
    funded.error(funded.get("/finance/places", Role.PARTNER, **YEAR), 403, "role")
    for role in READERS:
        reply = funded.get("/finance/places", role, **YEAR)
        assert reply.status_code == 200, reply.text
    body = funded.get("/finance/places", Role.FINANCE, **YEAR).json()
    assert body["need"]["weights_year"] == "2026/27"
    assert {p["code"] for p in body["need"]["places"]} == {CITY, COUNTY}
    budgets = {b["place"]: b for b in body["budgets"]}
    assert budgets[CITY]["budget"] + budgets[COUNTY]["budget"] == 150 * M
    assert budgets[CITY]["spent"] == 2 * M
    older = funded.get("/finance/places", Role.FINANCE, weights_year="2023/24", **YEAR)
    assert older.json()["need"]["weights_year"] == "2023/24"


def test_one_place(funded: Api) -> None:
    reply = funded.get(f"/finance/places/{CITY}", Role.ANALYST, **YEAR)
    assert reply.status_code == 200
    body = reply.json()
    assert body["need"]["code"] == CITY
    assert set(body["need"]["indices"]) >= {"core", "community", "pmc", "health_inequalities"}
    line = body["budget"]["lines"][0]
    assert (line["line"], line["spent"], line["component"]) == (
        "community-services",
        2 * M,
        "community",
    )
    funded.error(funded.get("/finance/places/nowhere", Role.ANALYST, **YEAR), 404, "place")
    funded.error(funded.get(f"/finance/places/{CITY}", Role.PARTNER, **YEAR), 403)


def test_the_scheme_per_role(funded: Api) -> None:
    assert len(funded.get("/finance/scheme", Role.BOARD_SECRETARY).json()) == 2
    funded.error(funded.get("/finance/scheme", None), 401)
    for role in NOT_WRITERS:
        reply = funded.post("/finance/scheme", scheme_entry(CITY, line="mental-health"), role)
        assert reply.status_code in (401, 403), reply.text
    overlapping = funded.post("/finance/scheme", scheme_entry(CITY), Role.FINANCE)
    funded.error(overlapping, 409, "valid_from")
    first = funded.get("/finance/scheme", Role.FINANCE).json()[0]
    ended = funded.post(
        f"/finance/scheme/{first['id']}/end", {"valid_to": "2026-04-01"}, Role.ADMIN
    )
    assert ended.status_code == 200
    assert ended.json()["valid_to"] == "2026-04-01"


def test_delegations_per_role_and_above_limits(funded: Api) -> None:
    made = funded.get("/finance/delegations", Role.FINANCE, **YEAR).json()
    assert len(made) == 1
    assert sum(made[0]["parts"].values()) == 150 * M
    body = {"key": "d2", **YEAR, "stream": "core", "line": "community-services",
            "amount": 300 * M, "on": "2025-04-01"}  # fmt: skip
    before = money_rows(funded)
    for role in NOT_WRITERS:
        assert funded.post("/finance/delegations", body, role).status_code == 403
    refused = funded.error(funded.post("/finance/delegations", body, Role.FINANCE), 400, "amount")
    assert "above authority limits" in refused["message"]
    assert money_rows(funded) == before
    replay = {"key": "d1", **YEAR, "stream": "core", "line": "community-services",
              "amount": 150 * M, "on": "2025-04-01"}  # fmt: skip
    assert funded.post("/finance/delegations", replay, Role.FINANCE).json()["id"] == made[0]["id"]
    funded.error(funded.post("/finance/delegations", {**replay, "amount": 1}, Role.FINANCE), 409)


def test_spending_at_place_within_limits(funded: Api) -> None:
    body = {"key": "p2", **YEAR, "stream": "core", "line": "community-services",
            "amount": 5 * M + 1, "on": "2025-05-01"}  # fmt: skip
    before = money_rows(funded)
    refused = funded.error(funded.post(f"/finance/places/{CITY}/spend", body, Role.FINANCE), 400)
    assert "refer it to the ICB" in refused["message"]
    funded.error(funded.post(f"/finance/places/{CITY}/spend", body, Role.ANALYST), 403)
    assert money_rows(funded) == before
    commit = {**body, "amount": 3 * M, "commit": True}
    reply = funded.post(f"/finance/places/{CITY}/spend", commit, Role.FINANCE)
    assert reply.status_code == 201
    assert reply.json()["kind"] == "commitment"
    place = funded.get(f"/finance/places/{CITY}", Role.FINANCE, **YEAR).json()
    assert place["budget"]["committed"] == 3 * M


# -- duties and flows -----------------------------------------------------------------------------
def test_duties_per_role(funded: Api) -> None:
    body = {**YEAR, "duty": "break-even"}
    for role in NOT_WRITERS:
        assert funded.post("/finance/duties", body, role).status_code == 403
    assert funded.post("/finance/duties", body, Role.FINANCE).status_code == 201
    mhis = {**YEAR, "duty": "mhis", "target": 100 * M}
    assert funded.post("/finance/duties", mhis, Role.ADMIN).status_code == 201
    funded.error(
        funded.post("/finance/duties", {**YEAR, "duty": "mhis"}, Role.ADMIN), 400, "target"
    )
    found = {d["duty"]: d for d in funded.get("/finance/duties", Role.ANALYST, **YEAR).json()}
    assert found["break-even"]["met"] is True
    assert found["break-even"]["measure"] == 2 * M
    assert found["mhis"]["met"] is False  # nothing spent on mental health yet
    funded.error(funded.get("/finance/duties", Role.PARTNER, **YEAR), 403)
    # Postings within every configured duty still go through.
    spend = {"key": "big", **YEAR, "stream": "core", "line": "community-services",
             "amount": 4 * M, "on": "2025-05-01"}  # fmt: skip
    assert funded.post(f"/finance/places/{CITY}/spend", spend, Role.FINANCE).status_code == 201


def test_flows_per_role(funded: Api) -> None:
    funded.error(funded.get("/finance/flows", None, **YEAR), 401)
    funded.error(funded.get("/finance/flows", Role.PARTNER, **YEAR), 403)
    flows = funded.get("/finance/flows", Role.FINANCE, **YEAR).json()
    edges = {(f["source"], f["target"]): f["amount"] for f in flows}
    assert edges[("stream:core", "pot")] == 236_890_000_000
    assert edges[("pot", f"place:{CITY}")] + edges[("pot", f"place:{COUNTY}")] == 150 * M
    assert edges[(f"place:{CITY}", "spend:community-services")] == 2 * M
