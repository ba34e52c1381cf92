"""Replies of the fair-shares allocation endpoints.

Money is £ thousand and rates are fractions (0.0437 = 4.37%), both written as decimal text so
that no figure passes through a binary float.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class AllocationLineRead(BaseModel):
    icb_ods_code: str = Field(examples=["QT1"])
    icb_name: str
    region_code: str | None
    baseline_k: str | None = Field(description="Adjusted recurrent baseline, £k.")
    target_k: str | None = Field(description="Fair-shares target in the baseline year's terms.")
    distance_from_target: str | None = Field(description="baseline / target - 1.")
    new_target_k: str | None = Field(description="The allocation year's target, £k (3 places).")
    gap_to_new_target: str | None = Field(description="baseline x (1 + growth) / new target - 1.")
    base_growth: str | None
    convergence: str | None
    rule: str = Field(description="The policy rule (or override and its reason) that applied.")
    overridden: bool
    computed: bool = Field(description="False for a published figure shown, not computed (RCA).")
    recurrent_allocation_k: str | None
    post_convergence_distance_from_target: str | None
    published_recurrent_allocation_k: str | None
    difference_k: str | None = Field(description="Computed minus published, £k.")


class OverrideRead(BaseModel):
    icb_ods_code: str
    reason: str


class StreamAllocationRead(BaseModel):
    stream: str = Field(examples=["core"])
    method: str = Field(examples=["multiplicative"])
    notes: str
    icbs: int
    total_k: str
    published_total_k: str | None
    max_abs_difference_k: str | None
    overrides: list[OverrideRead]
    estimated_target: bool = Field(description="True when the new-year target is an estimate.")
    lines: list[AllocationLineRead]


class AllocationsRead(BaseModel):
    year: str = Field(examples=["2024/25"])
    file: str
    policy: str
    policy_title: str
    streams: list[StreamAllocationRead]
    skipped_streams: list[str] = Field(
        description="Streams in the file for which the policy has no rules."
    )


class IcbTargetRead(BaseModel):
    icb_ods_code: str
    practices: int
    population: str
    weighted_population: dict[str, str]
    target_share: dict[str, str | None]
    need_index: dict[str, str] = Field(description="Against England = 1.000, to 0.001.")


class TargetsRead(BaseModel):
    year: str = Field(examples=["2026/27"])
    practices: int
    population: str
    components: dict[str, str]
    icbs: list[IcbTargetRead]
