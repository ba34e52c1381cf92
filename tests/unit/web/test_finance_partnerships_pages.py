"""The partnership finance pages: pooled fund statements (restricted; partners see only their
own pools), Better Care Fund plans and running-cost contributions (public), on both
databases. Figures are the docs' worked example and round test amounts, by hand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.api.app import create_app
from integrated_care.api.deps import TOKEN_COOKIE
from integrated_care.finance.single_pot import parse_allocation
from integrated_care.services import users
from integrated_care.services.finance import bcf, contributions, pool_postings, pools, single_pot
from integrated_care.services.structure import init_system
from integrated_care.workspace import Workspace

SYSTEM, CITY, COUNTY = "QT1", "E06000018", "E10000024"
PASSWORD = "correct-horse-battery"
POUND = 100


@pytest.fixture
def client(workspace: Workspace) -> Iterator[TestClient]:
    with workspace.uow() as uow:
        init_system(uow, SYSTEM, actor=LOCAL_OPERATOR)
        for name, role, org in (
            ("fin", "finance", None),
            ("city", "partner", CITY),
            ("county", "partner", COUNTY),
        ):
            users.add_user(uow, name, PASSWORD, role, actor=LOCAL_OPERATOR, organisation_code=org)
        allocation = parse_allocation(
            {
                "year": "2025/26",
                "unit": "£",
                "lines": [{"stream": "core", "line": "recurrent", "amount": "5000000"}],
            }
        )
        single_pot.receive(uow, SYSTEM, allocation, actor=LOCAL_OPERATOR)
        pools.create_pool(
            uow,
            SYSTEM,
            code="city-s75",
            name="City pooled fund",
            year=2025,
            host=CITY,
            partners=[SYSTEM],
            actor=LOCAL_OPERATOR,
        )
        for line, kind in (("intermediate-care", "variable"), ("risk-pool", "risk-pool")):
            pools.add_line(
                uow,
                SYSTEM,
                "city-s75",
                line=line,
                name=line.replace("-", " "),
                kind=kind,
                actor=LOCAL_OPERATOR,
            )
        worked = (
            (SYSTEM, "intermediate-care", 600_000),
            (CITY, "intermediate-care", 400_000),
            (SYSTEM, "risk-pool", 60_000),
            (CITY, "risk-pool", 40_000),
        )
        for partner, line, pounds in worked:
            pool_postings.contribute(
                uow,
                SYSTEM,
                "city-s75",
                partner=partner,
                line=line,
                amount=pounds * POUND,
                on=date(2025, 4, 1),
                actor=LOCAL_OPERATOR,
            )
        pool_postings.record_spend(
            uow,
            SYSTEM,
            "city-s75",
            line="intermediate-care",
            amount=1_150_000 * POUND,
            on=date(2025, 9, 30),
            under_risk_share=True,
            actor=LOCAL_OPERATOR,
        )
        bcf.create_plan(uow, SYSTEM, hwb=CITY, year=2025, actor=LOCAL_OPERATOR)
        bcf.add_income(
            uow, SYSTEM, CITY, 2025, source="dfg", amount=200 * POUND, actor=LOCAL_OPERATOR
        )
        contributions.record(
            uow,
            SYSTEM,
            partner=COUNTY,
            year=2020,
            kind="declined",
            on=date(2021, 2, 8),
            reason="no contribution this year",
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    workspace.save_settings(SYSTEM)
    with TestClient(create_app(workspace)) as test_client:
        yield test_client


def sign_in(client: TestClient, username: str) -> None:
    with client.app.state.workspace.uow() as uow:  # type: ignore[attr-defined]
        token = users.issue_token_for(uow, username)
        uow.commit()
    client.cookies.set(TOKEN_COOKIE, token)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_pools_need_sign_in_and_partners_see_their_own(client: TestClient) -> None:
    assert client.get("/finance/pools").status_code == 401
    assert client.get("/finance/pools/city-s75").status_code == 401
    sign_in(client, "county")
    assert "City pooled fund" not in client.get("/finance/pools").text
    assert client.get("/finance/pools/city-s75").status_code == 404
    sign_in(client, "city")
    assert "City pooled fund" in client.get("/finance/pools").text
    page = client.get("/finance/pools/city-s75")
    assert page.status_code == 200
    body = text(page.text)
    # £1,150,000 spent from a £1,000,000 line: £150,000 over; the £100,000 risk pool takes
    # £100,000 and the £50,000 left is called 60:40 (shared £660k : £440k), emptying the pool.
    assert "Risk pool used: £100,000.00 of £100,000.00" in body
    assert "£30,000.00" in body
    assert "£20,000.00" in body
    assert "In the pool: £0.00 by the pool's entries; ledger account £0.00" in body


def test_bcf_and_contributions_are_public(client: TestClient) -> None:
    page = client.get("/finance/bcf")
    assert page.status_code == 200
    body = text(page.text)
    assert "Nottingham Health and Wellbeing Board, 2025/26" in body
    assert "Not signed off" in body
    assert "Disabled Facilities Grant (capital) capital £200.00 £0.00" in body
    page = client.get("/finance/contributions")
    assert page.status_code == 200
    body = text(page.text)
    assert "Nottinghamshire County Council Declined" in body
    assert "Declined on 8 February 2021: “no contribution this year”" in body
