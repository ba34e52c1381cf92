"""The system's structure: places, PCNs, practices, organisations, the tree and validation."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from integrated_care.api.schemas.common import ApiModel, Code, IsoDate
from integrated_care.structure.organisations import Organisation, OrgKind, Practice
from integrated_care.structure.places import PlaceVersion
from integrated_care.structure.population import (
    Deprivation,
    registered_population,
    resident_population,
)
from integrated_care.structure.system import SystemModel

# Kinds that come from the reference data (ICB, sub-ICB locations, PCNs, practices) are
# created by initialising the system, never added by hand.
FROM_REFERENCE = frozenset(
    {OrgKind.ICB, OrgKind.SUB_ICB_LOCATION, OrgKind.PCN, OrgKind.GP_PRACTICE}
)
PARTNER_KINDS = tuple(k for k in OrgKind if k not in FROM_REFERENCE)


def practices_of(model: SystemModel, place: PlaceVersion) -> list[Practice]:
    """The place's practices (those of this system), by name."""
    found = (model.practices[c] for c in place.practices if c in model.practices)
    return sorted(found, key=lambda p: p.name)


def pcn_members(model: SystemModel, code: str) -> list[Practice]:
    """The PCN's practices, by name."""
    return sorted((p for p in model.practices.values() if p.pcn_code == code), key=lambda p: p.name)


def places_holding(model: SystemModel, codes: set[str], day: date) -> list[PlaceRef]:
    """The places in force on ``day`` holding any of these practices."""
    return [PlaceRef(code=p.code, name=p.name) for p in model.places_on(day) if p.practices & codes]


class CountsRead(BaseModel):
    sub_icb_locations: int
    pcns: int
    practices: int
    partner_organisations: int
    places: int = Field(description="Places in force on the date.")
    partnership_bodies: int


class SystemRead(BaseModel):
    code: str = Field(description="The ICB's ODS code.", examples=["QT1"])
    gss_code: str = Field(examples=["E54000060"])
    name: str
    reference_vintage: str
    as_of: date
    registered_population: int = Field(description="Patients on practice lists, 1 Dec 2025.")
    resident_population: int | None = Field(description="Census 2021 usual residents.")
    counts: CountsRead


class ImdRead(BaseModel):
    mean_score: float = Field(description="Residents-weighted mean IMD 2025 score.")
    core20_share: float = Field(description="Share of residents in England's most deprived 20%.")
    lsoas: int

    @classmethod
    def of(cls, value: Deprivation | None) -> ImdRead | None:
        if value is None:
            return None
        return cls(mean_score=value.mean_score, core20_share=value.core20_share, lsoas=value.lsoas)


class NodeRead(BaseModel):
    kind: str = Field(description="system, place, pcn or practice")
    code: str
    name: str
    registered_population: int
    resident_population: int | None
    imd: ImdRead | None
    children: list[NodeRead] | None = Field(
        default=None, description="Absent below the requested depth and for practices."
    )


class StructureRead(BaseModel):
    as_of: date
    depth: str
    system: NodeRead


class PlaceSummaryRead(BaseModel):
    code: str
    name: str
    valid_from: date
    valid_to: date | None = Field(description="Exclusive; null while in force.")
    practices: int
    registered_population: int
    resident_population: int | None
    lads: list[str]
    lsoas: int

    @classmethod
    def of(cls, model: SystemModel, place: PlaceVersion) -> PlaceSummaryRead:
        lsoas = model.place_lsoas(place)
        practices = practices_of(model, place)
        return cls(
            code=place.code,
            name=place.name,
            valid_from=place.period.start,
            valid_to=place.period.end,
            practices=len(practices),
            registered_population=registered_population(practices),
            resident_population=resident_population(lsoas, model.area) if lsoas else None,
            lads=sorted(place.lads),
            lsoas=len(lsoas),
        )


class PracticeInPlaceRead(BaseModel):
    code: str
    name: str
    pcn_code: str | None
    registered_patients: int
    basis: str | None = Field(description="Why the platform put it here (default places).")


class PcnInPlaceRead(BaseModel):
    code: str
    name: str
    practices: int = Field(description="Its practices in this place.")
    registered_population: int


class VersionRead(BaseModel):
    name: str
    valid_from: date
    valid_to: date | None
    practices: int


class PlaceRead(PlaceSummaryRead):
    as_of: date
    imd: ImdRead | None
    practice_list: list[PracticeInPlaceRead]
    pcns: list[PcnInPlaceRead]
    versions: list[VersionRead]


class PlaceRef(BaseModel):
    code: str
    name: str


class PcnSummaryRead(BaseModel):
    code: str
    name: str
    sub_icb_code: str | None
    practices: int
    registered_population: int

    @classmethod
    def of(cls, model: SystemModel, pcn: Organisation) -> PcnSummaryRead:
        members = pcn_members(model, pcn.code)
        return cls(
            code=pcn.code,
            name=pcn.name,
            sub_icb_code=pcn.parent_code,
            practices=len(members),
            registered_population=registered_population(members),
        )


class PracticeRead(BaseModel):
    code: str
    name: str
    postcode: str | None
    pcn_code: str | None
    pcn_name: str | None
    sub_icb_code: str
    registered_patients: int
    as_of: date
    places: list[PlaceRef] = Field(description="Places holding it on the date (normally one).")

    @classmethod
    def of(cls, model: SystemModel, practice: Practice, day: date) -> PracticeRead:
        pcn = model.pcns.get(practice.pcn_code or "")
        return cls(
            code=practice.code,
            name=practice.name,
            postcode=practice.postcode,
            pcn_code=practice.pcn_code,
            pcn_name=pcn.name if pcn else None,
            sub_icb_code=practice.sub_icb_code,
            registered_patients=practice.registered_patients,
            as_of=day,
            places=places_holding(model, {practice.code}, day),
        )


class PcnRead(PcnSummaryRead):
    as_of: date
    practice_list: list[PracticeRead]
    places: list[PlaceRef]


class OrganisationRead(BaseModel):
    code: str
    name: str
    kind: OrgKind
    ods_code: str | None
    gss_code: str | None
    parent_code: str | None


class OrganisationCreate(ApiModel):
    code: Code = Field(examples=["RX1"])
    name: str = Field(min_length=1, max_length=200, examples=["Nottingham University Hospitals"])
    kind: OrgKind = Field(examples=[OrgKind.FOUNDATION_TRUST.value])
    ods_code: str | None = Field(default=None, pattern=r"^[A-Z0-9]{3,10}$", examples=["RX1"])
    gss_code: str | None = Field(default=None, pattern=r"^E\d{8}$")

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError(
                "blank", "The name is blank", {"expected": "a non-empty name"}
            )
        return value.strip()

    @field_validator("kind")
    @classmethod
    def _partner_kind(cls, value: OrgKind) -> OrgKind:
        if value in FROM_REFERENCE:
            raise PydanticCustomError(
                "reference_kind",
                "A {kind} comes from the reference data and cannot be added by hand",
                {"kind": value.value, "expected": ", ".join(k.value for k in PARTNER_KINDS)},
            )
        return value


class PlaceSpecCreate(ApiModel):
    code: Code = Field(examples=["bassetlaw"])
    name: str = Field(min_length=1, max_length=200, examples=["Bassetlaw"])
    practices: list[Code] = Field(default_factory=list, description="GP practice ODS codes.")
    pcns: list[Code] = Field(default_factory=list, description="PCNs: all their practices.")
    lads: list[Code] = Field(default_factory=list, description="District GSS codes (E06…E09).")
    lsoas: list[Code] = Field(default_factory=list, description="LSOA 2021 codes (E01…).")


class PlaceCreate(PlaceSpecCreate):
    effective: IsoDate = Field(description="The day the place comes into force.")


class ReconfigureCreate(ApiModel):
    effective: IsoDate = Field(description="The day the old places end and new ones start.")
    retire: list[Code] = Field(default_factory=list, description="Codes of places to end.")
    places: list[PlaceSpecCreate] = Field(default_factory=list, description="New places.")


class ReconfigureRead(BaseModel):
    effective: date
    retired: list[str]
    created: list[str]
    places: list[PlaceSummaryRead] = Field(description="Places in force from the date.")


class FindingRead(BaseModel):
    severity: str = Field(description="error, warning or info")
    check: str
    subject: str = Field(description="The code the finding is about.")
    message: str


class PlacePopulationRead(BaseModel):
    code: str
    name: str
    practices: int
    registered_population: int
    resident_population: int | None
    registered_per_resident: float | None


class ValidationRead(BaseModel):
    as_of: date
    ok: bool = Field(description="False when any finding is an error.")
    findings: list[FindingRead]
    places: list[PlacePopulationRead]
