"""The demo's partnerships: a section 75 pool hosted by Nottingham City Council, the Better
Care Fund plans of the two Health and Wellbeing Boards, and partner contributions to ICS
running costs.

What is real and what is not:

- **Real** (the seeds): Nottinghamshire County Council's Adult Social Care and Public Health
  Committee was recommended on 8 February 2021 "that no financial contribution to the
  Nottingham and Nottinghamshire Integrated Care System is made in 2020/21", because "the
  current outputs of the NN ICS do not contribute to County Council priorities". The ICB's
  2025/26 running cost allowance (£17.9m) and core allocation come from NHS England's
  published figures (the single-pot demo receives them first).
- **Illustrative** (no published figure was available to us): every amount in the pool, the
  BCF plans' income and schemes (the real per-HWB 2025/26 figures are in NHS England's
  planning templates, not in this repository), the sign-off dates, and the city council's
  2020/21 contribution. They show the mechanics, not N&N's books; each record says so.

Runs after ``finance_pot.build`` in the same unit of work: the ICB's contributions to the
pool come out of its 2025/26 core single pot, which that step funds.
"""

from __future__ import annotations

from datetime import date

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import workflows
from integrated_care.services.finance import bcf, contributions, pool_postings, pools

CITY = "E06000018"
COUNTY = "E10000024"
POOL = "nottingham-city-s75"
M = 1_000_000_00  # £1m in pence
K = 1_000_00  # £1k in pence
ILLUSTRATIVE = "Illustrative figures for the demo, not published ones."
# (line, name, kind, ICB £k, city £k)
LINES = (
    ("intermediate-care", "Intermediate care", "variable", 6_000, 4_000),
    ("reablement", "Reablement", "variable", 3_000, 2_000),
    ("community-equipment", "Community equipment (city-hosted, fixed)", "fixed", 500, 2_500),
    ("risk-pool", "Risk pool", "risk-pool", 600, 400),
)
# (line, £k, date) spent April to September 2025
SPEND = (
    ("intermediate-care", 5_300, date(2025, 9, 30)),
    ("reablement", 2_400, date(2025, 9, 30)),
    ("community-equipment", 1_600, date(2025, 9, 30)),
)
COUNTY_REASON = (
    "given that the current outputs of the NN ICS do not contribute to County Council "
    "priorities the report recommends that no financial contribution to the ICS is made at "
    "this time"
)
COUNTY_DECISION = (
    "Nottinghamshire County Council, Adult Social Care and Public Health Committee, "
    "8 February 2021, agenda item 6 (Development of integrated care systems in "
    "Nottinghamshire), recommendation 2"
)


def build(uow: UnitOfWork, system_code: str) -> None:
    """Add the pool, the BCF plans and the contributions inside the caller's unit of work."""
    _pool(uow, system_code)
    _bcf_city(uow, system_code)
    _bcf_county(uow, system_code)
    _contributions(uow, system_code)


def _pool(uow: UnitOfWork, system_code: str) -> None:
    pools.create_pool(
        uow,
        system_code,
        code=POOL,
        name="Nottingham City integrated care pooled fund",
        year=2025,
        host=CITY,
        partners=[system_code],
        aims="Joined-up intermediate care, reablement and community equipment for Nottingham "
        f"residents, so that more people leave hospital to home. {ILLUSTRATIVE}",
        actor=LOCAL_OPERATOR,
    )
    for line, name, kind, _, _ in LINES:
        pools.add_line(
            uow, system_code, POOL, line=line, name=name, kind=kind, actor=LOCAL_OPERATOR
        )
    april = date(2025, 4, 1)
    for line, name, _, icb_k, city_k in LINES:
        for partner, amount in ((system_code, icb_k), (CITY, city_k)):
            pool_postings.contribute(
                uow,
                system_code,
                POOL,
                partner=partner,
                line=line,
                amount=amount * K,
                on=april,
                description=f"2025/26 contribution to {name.lower()} ({ILLUSTRATIVE.lower()})",
                key=f"demo-2025-26-{POOL}-{partner}-{line}",
                actor=LOCAL_OPERATOR,
            )
    for line, amount, day in SPEND:
        pool_postings.record_spend(
            uow,
            system_code,
            POOL,
            line=line,
            amount=amount * K,
            on=day,
            description=f"Spend April to September 2025 ({ILLUSTRATIVE.lower()})",
            key=f"demo-2025-26-{POOL}-spend-{line}",
            actor=LOCAL_OPERATOR,
        )


def _bcf_city(uow: UnitOfWork, system_code: str) -> None:
    bcf.create_plan(
        uow,
        system_code,
        hwb=CITY,
        year=2025,
        nhs_minimum_required=30 * M,
        asc_previous=12 * M,
        asc_uplift_percent="3.9",
        note=ILLUSTRATIVE,
        actor=LOCAL_OPERATOR,
    )
    for source, amount in (
        ("nhs-minimum", 30 * M),
        ("la-better-care-grant", 15 * M),
        ("dfg", 3 * M),
    ):
        bcf.add_income(
            uow,
            system_code,
            CITY,
            2025,
            source=source,
            amount=amount,
            note=ILLUSTRATIVE,
            actor=LOCAL_OPERATOR,
        )
    schemes = (
        (
            "home-first",
            "Home First reablement",
            "social care",
            "Nottingham City Council",
            "local authority",
            "nhs-minimum",
            12_500 * K,
            1,
        ),
        (
            "community-health",
            "Community health services",
            "community health",
            "Community health services provider",
            "icb",
            "nhs-minimum",
            14_000 * K,
            2,
        ),
        (
            "carers",
            "Support for carers",
            "other",
            "Voluntary sector partners",
            "joint",
            "nhs-minimum",
            3_500 * K,
            1,
        ),
        (
            "discharge",
            "Discharge to assess",
            "social care",
            "Nottingham City Council",
            "local authority",
            "la-better-care-grant",
            15 * M,
            2,
        ),
        (
            "adaptations",
            "Disabled facilities adaptations",
            "housing adaptations",
            "Nottingham City Council",
            "local authority",
            "dfg",
            3 * M,
            1,
        ),
    )
    for code, name, area, provider, commissioner, source, amount, objective in schemes:
        bcf.add_scheme(
            uow,
            system_code,
            CITY,
            2025,
            code=code,
            name=name,
            area=area,
            provider=provider,
            commissioner=commissioner,
            source=source,
            amount=amount,
            objective=objective,
            actor=LOCAL_OPERATOR,
        )
    status = bcf.open_signoff(uow, system_code, CITY, 2025, actor=LOCAL_OPERATOR)
    for party, day in ((CITY, date(2025, 5, 20)), (system_code, date(2025, 5, 28))):
        workflows.record_signoff(
            uow,
            system_code,
            status.plan.code,
            party=party,
            on=day,
            statement=f"Signed off the 2025/26 Better Care Fund plan. {ILLUSTRATIVE}",
            actor=LOCAL_OPERATOR,
        )
    workflows.approve(
        uow,
        system_code,
        status.plan.code,
        on=date(2025, 6, 2),
        statement=ILLUSTRATIVE,
        actor=LOCAL_OPERATOR,
    )


def _bcf_county(uow: UnitOfWork, system_code: str) -> None:
    """The county's plan: figures in, sign-off still awaited (shows NC1 not yet met)."""
    bcf.create_plan(
        uow,
        system_code,
        hwb=COUNTY,
        year=2025,
        nhs_minimum_required=60 * M,
        note=ILLUSTRATIVE,
        actor=LOCAL_OPERATOR,
    )
    for source, amount in (
        ("nhs-minimum", 60 * M),
        ("la-better-care-grant", 28 * M),
        ("dfg", 7 * M),
    ):
        bcf.add_income(
            uow,
            system_code,
            COUNTY,
            2025,
            source=source,
            amount=amount,
            note=ILLUSTRATIVE,
            actor=LOCAL_OPERATOR,
        )
    schemes = (
        (
            "adult-social-care",
            "Adult social care packages",
            "social care",
            "Nottinghamshire County Council",
            "local authority",
            "nhs-minimum",
            25 * M,
        ),
        (
            "community-health",
            "Community health services",
            "community health",
            "Community health services provider",
            "icb",
            "nhs-minimum",
            35 * M,
        ),
        (
            "discharge",
            "Discharge to assess",
            "social care",
            "Nottinghamshire County Council",
            "local authority",
            "la-better-care-grant",
            28 * M,
        ),
        (
            "adaptations",
            "Disabled facilities adaptations",
            "housing adaptations",
            "District councils (housing authorities)",
            "local authority",
            "dfg",
            7 * M,
        ),
    )
    for code, name, area, provider, commissioner, source, amount in schemes:
        bcf.add_scheme(
            uow,
            system_code,
            COUNTY,
            2025,
            code=code,
            name=name,
            area=area,
            provider=provider,
            commissioner=commissioner,
            source=source,
            amount=amount,
            actor=LOCAL_OPERATOR,
        )
    bcf.open_signoff(uow, system_code, COUNTY, 2025, actor=LOCAL_OPERATOR)


def _contributions(uow: UnitOfWork, system_code: str) -> None:
    contributions.record(
        uow,
        system_code,
        partner=COUNTY,
        year=2020,
        kind="declined",
        on=date(2021, 2, 8),
        reason=COUNTY_REASON,
        reference=COUNTY_DECISION,
        note="The committee report: 'There are no financial implications arising from the "
        "report if the Committee approves the recommendation not to contribute'.",
        actor=LOCAL_OPERATOR,
    )
    note = (
        "Illustrative: the sources used for this demo do not give the city council's "
        "2020/21 contribution."
    )
    for kind, day, amount in (
        ("requested", date(2020, 4, 1), 250 * K),
        ("pledged", date(2020, 6, 1), 250 * K),
        ("paid", date(2020, 10, 1), 250 * K),
    ):
        contributions.record(
            uow,
            system_code,
            partner=CITY,
            year=2020,
            kind=kind,
            on=day,
            amount=amount,
            note=note,
            actor=LOCAL_OPERATOR,
        )
