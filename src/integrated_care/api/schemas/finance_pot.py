"""Request and response bodies of the single pot and places API. Amounts are integer pence
(strict integers: floats and numeric strings are refused); years are written '2025/26';
exact decimals (weighted populations, indices, shares) are strings."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictInt

from integrated_care.api.schemas.common import ApiModel, IsoDate

Pence = StrictInt
YEAR = Field(description="Financial year, e.g. 2025/26", json_schema_extra={"example": "2025/26"})


class PotStreamRead(BaseModel):
    stream: str
    label: str
    fund: str
    allocated: int
    delegated: int | None = None
    pooled: int | None = None
    committed: int | None = None
    spent: int | None = None
    unallocated: int | None = None


class PotRead(BaseModel):
    """The pot per stream. The public see what NHS England allocated; readers of restricted
    information also see what was delegated, pooled, committed, spent and is unallocated."""

    system: str
    year: str
    streams: list[PotStreamRead]
    total: dict[str, int]
    ringfenced: int | None = None


class AllocationLineBody(ApiModel):
    stream: str = Field(description="core, pmc, specialised, pod, rca or non-recurrent")
    line: str = Field(default="recurrent", description="e.g. recurrent, sdf, erf")
    amount: StrictInt | str = Field(
        description="In the body's unit: an integer, or a decimal string such as '2368.9'"
    )
    description: str = ""


class ReceiveCreate(ApiModel):
    year: str = YEAR
    unit: str = Field(default="pence", description="pence, £, £k or £m")
    source: str = ""
    lines: list[AllocationLineBody] | None = Field(
        default=None, description="The allocation lines (or set published)."
    )
    published: bool = Field(
        default=False, description="NHS England's packaged published figures (2023/24, 2024/25)"
    )
    icb: str | None = Field(default=None, description="For published: the ICB (default: ours)")
    reference: str = Field(default="published", description="A new one for a revision")
    posted_on: IsoDate | None = None


class ReceiptRead(BaseModel):
    journal_id: int
    key: str
    stream: str
    line: str
    amount: int
    replayed: bool


class PlaceNeedRead(BaseModel):
    code: str
    name: str
    practices: int
    population: str
    indices: dict[str, str]
    shares: dict[str, str]
    weighted: dict[str, str]
    missing_from_weights: list[str]


class NeedRead(BaseModel):
    weights_year: str
    icb: str
    icb_practices: int
    icb_population: str
    places: list[PlaceNeedRead]
    unplaced: list[str] = Field(description="Weights-file practices of the ICB in no place")
    in_several_places: list[str]
    filed_under_another_icb: dict[str, str]


class BudgetLineRead(BaseModel):
    stream: str
    fund: str
    line: str
    component: str
    budget: int
    committed: int
    spent: int
    available: int


class BudgetRead(BaseModel):
    place: str
    name: str
    budget: int
    committed: int
    spent: int
    available: int
    lines: list[BudgetLineRead]


class PlacesRead(BaseModel):
    year: str
    need: NeedRead
    budgets: list[BudgetRead]


class PlaceRead(BaseModel):
    year: str
    weights_year: str
    need: PlaceNeedRead
    budget: BudgetRead


class SchemeEntryCreate(ApiModel):
    place: str
    stream: str
    line: str
    component: str = Field(description="The weighted-population component that splits it")
    approver: str = Field(description="A partnership or governance body code, or role:<role>")
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    max_budget: Pence | None = Field(default=None, description="Most a place may hold a year")
    max_commitment: Pence | None = Field(default=None, description="Largest single commitment")


class SchemeEntryRead(BaseModel):
    id: int | None
    place: str
    stream: str
    line: str
    component: str
    approver: str
    valid_from: str
    valid_to: str | None
    max_budget: int | None
    max_commitment: int | None


class SchemeEnd(ApiModel):
    valid_to: IsoDate


class DelegationCreate(ApiModel):
    key: str = Field(description="Idempotency key: the same key and body replay")
    year: str = YEAR
    stream: str
    line: str
    amount: Pence
    on: IsoDate
    weights_year: str | None = None
    description: str = ""


class DelegationRead(BaseModel):
    id: int
    key: str
    year: str
    stream: str
    fund: str
    line: str
    component: str
    weights_year: str
    amount: int
    delegated_on: str
    journal_id: int
    description: str
    parts: dict[str, int]
    weighted_populations: dict[str, str]


class PlaceSpendCreate(ApiModel):
    key: str
    year: str = YEAR
    stream: str
    line: str
    amount: Pence
    on: IsoDate
    approved_by: str | None = None
    commit: bool = Field(default=False, description="Reserve only (a commitment)")
    expires_on: IsoDate | None = None
    description: str = ""


class PlacePostingRead(BaseModel):
    id: int
    key: str
    kind: str
    place: str
    fund: str
    line: str
    amount: int
    approved_by: str
    posted_on: str
    description: str
    commitment_id: int | None
    journal_id: int | None


class DutyCreate(ApiModel):
    year: str = YEAR
    duty: str = Field(description="break-even, running-costs or mhis")
    target: Pence | None = Field(default=None, description="MHIS only: the target")
    lines: list[str] = Field(default_factory=lambda: ["mental-health"])


class DutyRead(BaseModel):
    duty: str
    name: str
    year: str
    target: int | None
    lines: list[str]


class DutyStatusRead(DutyRead):
    measure: int
    limit: int
    headroom: int
    met: bool


class FlowRead(BaseModel):
    source: str
    source_label: str
    target: str
    target_label: str
    amount: int
