"""Replies about the packaged public reference data."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DatasetRead(BaseModel):
    name: str
    title: str
    vintage: str
    publisher: str
    licence: str
    source: str
    rows: int = Field(description="Rows (or boundary features) actually shipped.")
    expected_rows: int = Field(description="The count published with the source.")


class IcbRead(BaseModel):
    ods_code: str = Field(examples=["QT1"])
    gss_code: str = Field(examples=["E54000060"])
    name: str
    short_name: str
    region_code: str
    region_ods_code: str
    region_name: str
    sub_icbs: int
    lads: int = Field(description="Local authority districts overlapping the ICB, even partly.")
    lsoas: int
    resident_population: int = Field(description="Census 2021 usual residents.")
    registered_population: int = Field(description="Patients registered on 1 Dec 2025.")
