"""Fair-shares allocations: NHS England's published figures recomputed by the packaged
policies, a read-only computation on an uploaded file, and ICB targets and need indices.

All three are public reads (``READ_PUBLIC``): they work on published data or on the caller's
own upload and write nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile

from integrated_care.access import Permission, require
from integrated_care.api.deps import ActorDep
from integrated_care.api.schemas.finance_allocations import AllocationsRead, TargetsRead
from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation import report
from integrated_care.finance.allocation.engine import allocate
from integrated_care.finance.allocation.fair_shares import icb_targets
from integrated_care.finance.allocation.policy import (
    Policy,
    load_policy,
    packaged_policies,
    parse_policy,
)
from integrated_care.finance.allocation.workbook import (
    STREAMS,
    packaged_allocations,
    parse_allocations,
)
from integrated_care.finance.chart import parse_financial_year, year_label

router = APIRouter(prefix="/finance", tags=["finance"])

MAX_UPLOAD_BYTES = 2_000_000  # a 42-ICB x 4-stream file is about 60 kB
_STREAM_HELP = " | ".join((*STREAMS, "all"))


def _streams(stream: str) -> list[str] | None:
    if stream == "all":
        return None
    if stream not in STREAMS:
        raise InvalidInput(
            f"Unknown stream '{stream}'.", input_name="stream", expected=_STREAM_HELP
        )
    return [stream]


@router.get("/allocations", response_model=AllocationsRead)
def published_allocations(
    actor: ActorDep,
    year: Annotated[str, Query(description="2023/24 or 2024/25")] = "2024/25",
    stream: Annotated[str, Query(description=_STREAM_HELP)] = "core",
) -> dict[str, Any]:
    """NHS England's published allocations for ``year``, recomputed by the packaged policy
    for that year, with each ICB's difference from the published figure."""
    require(actor, Permission.READ_PUBLIC)
    label = year_label(parse_financial_year(year))
    data = packaged_allocations(label)
    result = allocate(data, load_policy(label), _streams(stream))
    return report.result_dict(result)


@router.post("/allocations/compute", response_model=AllocationsRead)
async def compute_allocations(
    actor: ActorDep,
    allocations: Annotated[UploadFile, File(description="Tidy allocation CSV.")],
    policy: Annotated[
        str, Form(description="A packaged policy name (e.g. 2025-26) or a policy JSON document.")
    ],
    stream: Annotated[str, Form(description=_STREAM_HELP)] = "all",
) -> dict[str, Any]:
    """Compute allocations from an uploaded tidy CSV and a policy. Nothing is stored."""
    require(actor, Permission.READ_PUBLIC)
    name = allocations.filename or "upload.csv"
    raw = await allocations.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"{name} is larger than {MAX_UPLOAD_BYTES:,} bytes.",
            input_name="allocations",
            expected="a tidy allocation CSV (one row per ICB and stream)",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{name} is not UTF-8 text.", input_name="allocations", expected="a UTF-8 CSV file"
        ) from None
    data = parse_allocations(text, name)
    stated = policy.strip()
    rules = parse_policy(stated, "policy") if stated.startswith("{") else _packaged(stated)
    return report.result_dict(allocate(data, rules, _streams(stream)))


def _packaged(name: str) -> Policy:
    # Only packaged names here: a path would read files on the server.
    if name.replace("/", "-") not in packaged_policies():
        raise InvalidInput(
            f"No packaged policy '{name}'.",
            input_name="policy",
            expected="a policy JSON document, or one of: " + ", ".join(packaged_policies()),
        )
    return load_policy(name)


@router.get("/targets", response_model=TargetsRead)
def targets(
    actor: ActorDep,
    year: Annotated[str, Query(description="2023/24, 2024/25 or 2026/27")] = "2026/27",
) -> dict[str, Any]:
    """Each ICB's target share and need index (England = 1.000) in every component, from NHS
    England's practice weighted populations."""
    require(actor, Permission.READ_PUBLIC)
    return report.targets_dict(icb_targets(year_label(parse_financial_year(year))))
