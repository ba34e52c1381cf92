"""Request and response bodies for pools, Better Care Fund plans and running-cost
contributions. Amounts are integer pence; dates YYYY-MM-DD; years like 2025/26."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from integrated_care.api.schemas.common import ApiModel, Code, CodeOrName, IsoDate

Pence = int
Year = str


class PoolPartnerRead(BaseModel):
    organisation: str
    name: str
    sector: str


class PoolLineRead(BaseModel):
    code: str
    name: str
    kind: str


class RiskShareRead(BaseModel):
    basis: str
    fixed_shares: dict[str, str] = Field(description="Partner -> percent (display).")
    underspend: str
    cut_uncommitted: bool
    caps: dict[str, Pence]
    uncapped: bool


class PoolRead(BaseModel):
    code: str
    name: str
    basis: str
    basis_description: str
    year: Year
    fund: str
    host: str
    aims: str
    partners: list[PoolPartnerRead]
    lines: list[PoolLineRead]
    risk_share: RiskShareRead


class ContributionRead(BaseModel):
    partner: str
    line: str
    amount: Pence


class EntryRead(BaseModel):
    id: int
    kind: str
    partner: str | None
    line: str | None
    amount: Pence
    posted_on: str
    description: str
    journal_id: int | None


class WaterfallRead(BaseModel):
    overspend: Pence
    underspend: Pence
    offset: Pence
    risk_pool: Pence
    risk_pool_used: Pence
    uncommitted_cut: Pence
    to_partners: Pence
    unfunded: Pence
    underspend_left: Pence


class LineResultRead(BaseModel):
    line: str
    name: str
    kind: str
    budget: Pence
    spent: Pence
    uncommitted: Pence
    cut: Pence
    outturn: Pence
    variance: Pence


class PartnerResultRead(BaseModel):
    partner: str
    contributed: Pence
    shared: Pence
    cap: Pence | None
    fixed_lines: Pence
    overspend_share: Pence
    underspend_return: Pence
    net: Pence = Field(description="Paid into the pool at settlement; negative: paid back.")


class SettlementRead(BaseModel):
    contributions: Pence
    outturn: Pence
    retained: Pence
    returned: Pence
    unfunded: Pence
    underspend_rule: str
    waterfall: WaterfallRead
    lines: list[LineResultRead]
    partners: list[PartnerResultRead]


class SettledRead(BaseModel):
    settled_on: str
    summary: SettlementRead


class PoolStatementRead(PoolRead):
    contributions: list[ContributionRead]
    spent: dict[str, Pence]
    called: dict[str, Pence]
    preview: SettlementRead
    due: dict[str, Pence]
    settled: SettledRead | None
    settled_amounts: dict[str, Pence]
    book_balance: Pence
    ledger_balance: Pence | None
    reconciled: bool
    entries: list[EntryRead]


class LineCreate(ApiModel):
    code: Code
    name: str = Field(default="", max_length=200)
    kind: str = Field(default="variable", description="variable, fixed or risk-pool")


class RuleCreate(ApiModel):
    basis: str = Field(default="pro-rata", description="pro-rata or fixed-split")
    shares: dict[str, str] = Field(default_factory=dict, description="Partner -> percent")
    underspend: str = Field(default="retain", description="retain or return")
    cut_uncommitted: bool = True
    caps: dict[str, Pence] = Field(default_factory=dict)
    uncapped: bool = False


class PoolCreate(ApiModel):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    year: Year
    host: CodeOrName
    partners: list[CodeOrName] = Field(min_length=1)
    basis: str = "s75"
    stream: str = "s75"
    aims: str = Field(default="", max_length=2000)
    lines: list[LineCreate] = Field(default_factory=list)
    rule: RuleCreate | None = None


class PartnerCreate(ApiModel):
    organisation: CodeOrName


class MoneyIn(ApiModel):
    partner: CodeOrName
    line: Code
    amount: Pence = Field(gt=0)
    on: IsoDate
    description: str = Field(default="", max_length=500)
    key: str | None = Field(default=None, max_length=200)


class SpendCreate(ApiModel):
    line: Code
    amount: Pence = Field(gt=0)
    on: IsoDate
    description: str = Field(default="", max_length=500)
    under_risk_share: bool = False
    key: str | None = Field(default=None, max_length=200)


class SettlementCreate(ApiModel):
    on: IsoDate


class BcfCheckRead(BaseModel):
    code: str
    title: str
    passed: bool | None
    detail: str
    part_of: str | None


class BcfPlanRead(BaseModel):
    hwb: str
    hwb_name: str
    year: Year
    note: str
    objectives: list[str]
    nhs_minimum_required: Pence | None
    asc: dict[str, Any] | None
    income: list[dict[str, Any]]
    by_source: list[dict[str, Any]]
    revenue_income: Pence
    capital_income: Pence
    schemes: list[dict[str, Any]]
    signed_off: bool
    signoff: str
    workflow_plan: str | None
    workflow_state: str | None
    compliant: bool
    checks: list[BcfCheckRead]


class BcfPlanCreate(ApiModel):
    hwb: CodeOrName
    year: Year
    nhs_minimum_required: Pence | None = Field(default=None, ge=0)
    asc_previous: Pence | None = Field(default=None, ge=0)
    asc_uplift_percent: str | None = Field(default=None, description="e.g. 3.9")
    objectives: list[str] | None = None
    note: str = Field(default="", max_length=2000)


class BcfIncomeCreate(ApiModel):
    source: str
    amount: Pence
    note: str = Field(default="", max_length=500)


class BcfSchemeCreate(ApiModel):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    area: str
    provider: str = Field(min_length=1, max_length=200)
    commissioner: str
    source: str
    amount: Pence
    objective: int = 1


class ContributionEventRead(BaseModel):
    kind: str
    on: str
    amount: Pence | None
    reason: str
    reference: str
    note: str


class ContributionStateRead(BaseModel):
    partner: str
    partner_name: str
    year: Year
    status: str
    requested: Pence | None
    pledged: Pence
    paid: Pence
    declined_on: str | None
    reason: str
    events: list[ContributionEventRead]


class CapRead(BaseModel):
    year: Year
    rca: Pence
    rca_source: str
    pledged: Pence
    paid: Pence
    cap: Pence


class ContributionYearRead(BaseModel):
    year: Year
    partners: list[ContributionStateRead]
    cap: CapRead | None
    planned: Pence | None = Field(description="Planned ICS running costs, if recorded.")
    spent: Pence = Field(description="ICS running costs posted to the ledger.")


class ContributionCreate(ApiModel):
    partner: CodeOrName
    year: Year
    kind: str = Field(description="requested, pledged, paid or declined")
    on: IsoDate
    amount: Pence | None = None
    reason: str = Field(default="", max_length=2000)
    reference: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=2000)


class AllowanceCreate(ApiModel):
    amount: Pence = Field(ge=0)
    source: str = Field(min_length=1, max_length=500)


class RunningCostPlanCreate(ApiModel):
    amount: Pence = Field(ge=0)
    note: str = Field(default="", max_length=500)


class RunningCostPostingCreate(ApiModel):
    amount: Pence = Field(gt=0)
    on: IsoDate
    description: str = Field(min_length=1, max_length=500)
    key: str | None = Field(default=None, max_length=200)


class PostedRead(BaseModel):
    journal_id: int
    replayed: bool
