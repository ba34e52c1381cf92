"""REST API for pools, Better Care Fund plans and running-cost contributions: every endpoint
with every role, on SQLite and PostgreSQL.

Access: pools are restricted (401 without a token, 403 for the public role; a partner sees
only its organisation's pools, 404 for others); BCF plans and contributions are public to
read; every write needs finance or admin (401 anonymous, 403 other roles), and a refused
write leaves every partnership and ledger table (and the audit log) as it was. Figures are
the docs' worked example, by hand; the county's decline is from its committee report.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from tests.integration.api.conftest import PASSWORD, SYSTEM, Api

from integrated_care.access import LOCAL_OPERATOR, Role
from integrated_care.finance.single_pot import parse_allocation
from integrated_care.services import users
from integrated_care.services.finance import single_pot

POUND = 100
CITY, COUNTY = "E06000018", "E10000024"
WRITERS = (Role.FINANCE, Role.ADMIN)
NOT_WRITERS = [r for r in Role if r not in WRITERS]
TABLES = (
    "fin_pools",
    "fin_pool_partners",
    "fin_pool_lines",
    "fin_pool_entries",
    "fin_pool_settlements",
    "fin_bcf_plans",
    "fin_bcf_income",
    "fin_bcf_schemes",
    "fin_contribution_events",
    "fin_running_cost_allowances",
    "fin_running_cost_plans",
    "ledger_journals",
    "ledger_legs",
    "ledger_accounts",
    "audit_log",
)


def counts(api: Api) -> dict[str, int]:
    with api.workspace.engine.connect() as c:
        return {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}  # noqa: S608


@pytest.fixture
def tokens(api: Api) -> dict[str, str]:
    """Partner users of the city and the county; the ICB's 2025/26 core pot funded (£5m)."""
    found = {}
    with api.workspace.uow() as uow:
        for name, org in (("city-partner", CITY), ("county-partner", COUNTY)):
            users.add_user(
                uow, name, PASSWORD, "partner", actor=LOCAL_OPERATOR, organisation_code=org
            )
            found[org] = users.issue_token_for(uow, name)
        allocation = parse_allocation(
            {
                "year": "2025/26",
                "unit": "£",
                "lines": [{"stream": "core", "line": "recurrent", "amount": "5000000"}],
            }
        )
        single_pot.receive(uow, SYSTEM, allocation, actor=LOCAL_OPERATOR)
        uow.commit()
    return found


def as_partner(api: Api, token: str, path: str) -> Any:
    return api.client.get("/api/v1" + path, headers={"Authorization": f"Bearer {token}"})


POOL = {
    "code": "city-s75",
    "name": "Nottingham City pooled fund",
    "year": "2025/26",
    "host": CITY,
    "partners": ["QT1"],
    "aims": "Intermediate care at home",
    "lines": [
        {"code": "intermediate-care", "name": "Intermediate care"},
        {"code": "reablement", "name": "Reablement"},
        {"code": "community-equipment", "name": "Community equipment", "kind": "fixed"},
        {"code": "risk-pool", "name": "Risk pool", "kind": "risk-pool"},
    ],
}
WORKED = [
    ("QT1", "intermediate-care", 600_000),
    (CITY, "intermediate-care", 400_000),
    ("QT1", "reablement", 300_000),
    (CITY, "reablement", 200_000),
    ("QT1", "community-equipment", 50_000),
    (CITY, "community-equipment", 250_000),
    ("QT1", "risk-pool", 60_000),
    (CITY, "risk-pool", 40_000),
]


def make_pool(api: Api) -> None:
    reply = api.post("/finance/pools", POOL, Role.FINANCE)
    assert reply.status_code == 201, reply.text
    for partner, line, pounds in WORKED:
        body = {"partner": partner, "line": line, "amount": pounds * POUND, "on": "2025-04-01"}
        reply = api.post("/finance/pools/city-s75/contributions", body, Role.FINANCE)
        assert reply.status_code == 201, reply.text


def test_creating_a_pool_needs_finance(api: Api, tokens: dict[str, str]) -> None:
    before = counts(api)
    api.error(api.post("/finance/pools", POOL), 401, "Authorization")
    for role in NOT_WRITERS:
        api.error(api.post("/finance/pools", POOL, role), 403, "role")
    api.error(
        api.post("/finance/pools", POOL | {"partners": ["E07000170"]}, Role.FINANCE), 400, "partner"
    )
    api.error(api.post("/finance/pools", POOL | {"year": "2025/27"}, Role.FINANCE), 400, "year")
    api.error(api.post("/finance/pools", POOL | {"colour": "red"}, Role.FINANCE), 422)
    assert counts(api) == before
    reply = api.post("/finance/pools", POOL, Role.ADMIN)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert [p["organisation"] for p in body["partners"]] == [CITY, "QT1"]
    assert body["fund"] == "s75-2025-26"
    api.error(api.post("/finance/pools", POOL, Role.FINANCE), 409, "code")


def test_reading_pools_by_role(api: Api, tokens: dict[str, str]) -> None:
    make_pool(api)
    api.error(api.get("/finance/pools"), 401, "Authorization")
    api.error(api.get("/finance/pools", Role.PUBLIC), 403, "role")
    for role in (Role.FINANCE, Role.ADMIN, Role.ANALYST, Role.BOARD_SECRETARY):
        reply = api.get("/finance/pools", role)
        assert [p["code"] for p in reply.json()] == ["city-s75"], role
    assert api.get("/finance/pools", Role.PARTNER).json() == []  # a partner of no organisation
    assert [p["code"] for p in as_partner(api, tokens[CITY], "/finance/pools").json()] == [
        "city-s75"
    ]
    assert as_partner(api, tokens[COUNTY], "/finance/pools").json() == []
    api.error(as_partner(api, tokens[COUNTY], "/finance/pools/city-s75"), 404, "pool")
    statement = as_partner(api, tokens[CITY], "/finance/pools/city-s75").json()
    assert statement["book_balance"] == statement["ledger_balance"] == 1_900_000 * POUND
    assert {(c["partner"], c["line"]): c["amount"] for c in statement["contributions"]}[
        ("QT1", "intermediate-care")
    ] == 600_000 * POUND
    api.error(api.get("/finance/pools/nowhere", Role.FINANCE), 404, "pool")


def test_money_in_and_out_and_the_settlement(api: Api, tokens: dict[str, str]) -> None:
    make_pool(api)
    path = "/finance/pools/city-s75"
    for line, pounds, day in (
        ("intermediate-care", 1_180_000, "2025-09-30"),
        ("reablement", 470_000, "2025-10-31"),
    ):
        body = {"line": line, "amount": pounds * POUND, "on": day}
        assert api.post(f"{path}/spend", body, Role.FINANCE).status_code == 201
    over = {"line": "community-equipment", "amount": 310_000 * POUND, "on": "2026-01-31"}
    before = counts(api)
    api.error(api.post(f"{path}/spend", over), 401)
    for role in NOT_WRITERS:
        api.error(api.post(f"{path}/spend", over, role), 403, "role")
    body = api.error(api.post(f"{path}/spend", over, Role.FINANCE), 409, "amount")
    assert "it holds £250,000.00" in body["message"]
    api.error(api.post(f"{path}/spend", over | {"amount": -5}, Role.FINANCE), 422)
    api.error(api.post(f"{path}/spend", over | {"on": "31/01/2026"}, Role.FINANCE), 422)
    assert counts(api) == before
    reply = api.post(f"{path}/spend", over | {"under_risk_share": True}, Role.FINANCE)
    assert reply.status_code == 201, reply.text
    assert sorted((e["kind"], e["partner"], e["amount"]) for e in reply.json()) == [
        ("call", CITY, 30_000 * POUND),
        ("call", "QT1", 30_000 * POUND),
        ("spend", None, 310_000 * POUND),
    ]
    api.error(api.post(f"{path}/settlement", {"on": "2026-03-31"}, Role.PUBLIC), 403, "role")
    settled = api.post(f"{path}/settlement", {"on": "2026-03-31"}, Role.FINANCE)
    assert settled.status_code == 201, settled.text
    assert settled.json()["settled"]["summary"]["waterfall"]["to_partners"] == 50_000 * POUND
    api.error(api.post(f"{path}/settlement", {"on": "2026-03-31"}, Role.FINANCE), 409, "pool")


def test_partners_lines_and_rule(api: Api, tokens: dict[str, str]) -> None:
    reply = api.post("/finance/pools", POOL | {"lines": []}, Role.FINANCE)
    assert reply.status_code == 201
    path = "/finance/pools/city-s75"
    api.error(api.post(f"{path}/lines", {"code": "x"}, Role.PARTNER), 403, "role")
    reply = api.post(f"{path}/lines", {"code": "reablement", "name": "Reablement"}, Role.FINANCE)
    assert reply.status_code == 201
    api.error(api.post(f"{path}/lines", {"code": "reablement"}, Role.FINANCE), 409, "line")
    api.error(api.post(f"{path}/partners", {"organisation": COUNTY}, Role.ANALYST), 403, "role")
    reply = api.post(f"{path}/partners", {"organisation": COUNTY}, Role.FINANCE)
    assert [p["organisation"] for p in reply.json()["partners"]] == [CITY, "QT1", COUNTY]
    rule = {
        "basis": "fixed-split",
        "shares": {"QT1": "50", CITY: "25", COUNTY: "25"},
        "underspend": "return",
    }
    api.error(api.client.put("/api/v1" + f"{path}/rule", json=rule), 401)
    reply = api.client.put("/api/v1" + f"{path}/rule", json=rule, headers=api.auth(Role.FINANCE))
    assert reply.status_code == 200, reply.text
    assert reply.json()["risk_share"]["fixed_shares"] == {"QT1": "50", CITY: "25", COUNTY: "25"}
    bad = rule | {"shares": {"QT1": "50", CITY: "25"}}
    reply = api.client.put("/api/v1" + f"{path}/rule", json=bad, headers=api.auth(Role.FINANCE))
    api.error(reply, 400, "shares")


BCF = {
    "hwb": CITY,
    "year": "2025/26",
    "nhs_minimum_required": 1_000 * POUND,
    "asc_previous": 38_499,
    "asc_uplift_percent": "3.9",
    "note": "illustrative",
}


def test_bcf_plans_are_public_to_read_and_finance_to_write(
    api: Api, tokens: dict[str, str]
) -> None:
    before = counts(api)
    api.error(api.post("/finance/bcf", BCF), 401)
    for role in NOT_WRITERS:
        api.error(api.post("/finance/bcf", BCF, role), 403, "role")
    api.error(api.post("/finance/bcf", BCF | {"hwb": "E07000170"}, Role.FINANCE), 404, "hwb")
    assert counts(api) == before
    assert api.post("/finance/bcf", BCF, Role.FINANCE).status_code == 201
    base = "/finance/bcf/E06000018/2025-26"
    reply = api.post(
        f"{base}/income", {"source": "nhs-minimum", "amount": 1_000 * POUND}, Role.FINANCE
    )
    assert reply.status_code == 201, reply.text
    api.error(api.post(f"{base}/income", {"source": "dfg", "amount": 1}, Role.PARTNER), 403)
    scheme = {
        "code": "home-care",
        "name": "Home care",
        "area": "social care",
        "provider": "Nottingham City Council",
        "commissioner": "local-authority",
        "source": "nhs-minimum",
        "amount": 1_000 * POUND,
    }
    assert api.post(f"{base}/schemes", scheme, Role.ADMIN).status_code == 201
    api.error(api.post(f"{base}/schemes", scheme, Role.FINANCE), 400, "code")
    plan = api.get(base).json()
    assert plan["hwb_name"] == "Nottingham Health and Wellbeing Board"
    checks = {c["code"]: c["passed"] for c in plan["checks"]}
    assert checks["NC1"] is False
    assert checks["NC3.asc"] is True  # £1,000 >= £384.99 × 1.039
    assert [p["hwb"] for p in api.get("/finance/bcf").json()] == [CITY]
    api.error(api.get("/finance/bcf/E10000024/2025-26"), 404, "hwb")


def test_contributions_are_public_and_the_cap_refuses_plans(
    api: Api, tokens: dict[str, str]
) -> None:
    reason = "the current outputs of the NN ICS do not contribute to County Council priorities"
    decline = {
        "partner": COUNTY,
        "year": "2020/21",
        "kind": "declined",
        "on": "2021-02-08",
        "reason": reason,
    }
    before = counts(api)
    api.error(api.post("/finance/contributions", decline), 401)
    for role in NOT_WRITERS:
        api.error(api.post("/finance/contributions", decline, role), 403, "role")
    api.error(
        api.post("/finance/contributions", decline | {"reason": ""}, Role.FINANCE), 400, "reason"
    )
    assert counts(api) == before
    assert api.post("/finance/contributions", decline, Role.FINANCE).status_code == 201
    api.error(api.post("/finance/contributions", decline, Role.FINANCE), 409, "partner")
    years = api.get("/finance/contributions").json()
    assert years[0]["partners"][0]["status"] == "declined"
    assert years[0]["partners"][0]["reason"] == reason
    cap = api.get("/finance/contributions/2024-25/cap").json()
    assert cap["rca"] == 18_614_000 * POUND  # NHS England 2024/25 RCA, £18,614k
    api.error(api.get("/finance/contributions/2020-21/cap"), 404, "year")
    plan = {"amount": 18_614_000 * POUND + 1}
    api.error(api.post("/finance/contributions/2024-25/plan", plan, Role.FINANCE), 409, "amount")
    api.error(api.post("/finance/contributions/2024-25/plan", plan, Role.ANALYST), 403, "role")
    allowance = {"amount": 1_000 * POUND, "source": "test figure"}
    api.error(api.post("/finance/contributions/2020-21/allowance", allowance, Role.PUBLIC), 403)
    reply = api.post("/finance/contributions/2020-21/allowance", allowance, Role.FINANCE)
    assert reply.json()["cap"] == 1_000 * POUND
    costs = {"amount": 1, "on": "2020-05-01", "description": "x"}
    api.error(api.post("/finance/contributions/2020-21/costs", costs, Role.FINANCE), 400, "amount")
