"""The packaged public reference data (Open Government Licence v3.0): public, read-only."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from integrated_care.api.deps import current_actor
from integrated_care.api.schemas.reference import DatasetRead, IcbRead
from integrated_care.reference.loader import ReferenceData

# Reads are public, but a token that is sent must be valid: a wrong one answers 401.
router = APIRouter(prefix="/reference", tags=["reference"], dependencies=[Depends(current_actor)])


@router.get("/datasets", response_model=list[DatasetRead])
def datasets() -> list[DatasetRead]:
    """Each packaged dataset: title, vintage, publisher, licence, source and rows shipped."""
    return [
        DatasetRead(
            name=d.name,
            title=d.title,
            vintage=d.vintage,
            publisher=d.publisher,
            licence=d.licence,
            source=d.source,
            rows=rows,
            expected_rows=d.expected_rows,
        )
        for d, rows in ReferenceData.packaged().info()
    ]


@router.get("/icbs", response_model=list[IcbRead])
def icbs() -> list[IcbRead]:
    """England's 42 Integrated Care Boards (April 2024) with their ODS and ONS codes, NHS
    England region, Census 2021 residents and patients registered on 1 December 2025."""
    return [
        IcbRead(
            ods_code=i.ods_code,
            gss_code=i.gss_code,
            name=i.name,
            short_name=i.short_name,
            region_code=i.region_code,
            region_ods_code=i.region_ods_code,
            region_name=i.region_name,
            sub_icbs=i.n_sub_icbs,
            lads=i.n_lads,
            lsoas=i.n_lsoas,
            resident_population=i.pop_census2021,
            registered_population=i.gp_registered_dec2025,
        )
        for i in ReferenceData.packaged().icbs()
    ]
