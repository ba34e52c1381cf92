"""Typed records for the packaged reference data (ICBs, places, practices, deprivation).

Codes follow their publishers: ``gss_code`` is the ONS (GSS) code, e.g. ``E54000060`` for an
ICB or ``E38000…`` for a sub-ICB location; ``ods_code`` is the NHS Organisation Data Service
code, e.g. ``QT1`` or ``52R``. Counts and populations are ``int``; ``float`` is kept for IMD
scores and population shares, which are ratios by nature.

Field names match the Parquet column names written by ``tools/build_reference.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Sex = Literal["MALE", "FEMALE"]

#: The 20 quinary age bands of NHS England's registered-patients publication, youngest first.
AGE_BANDS: tuple[str, ...] = (
    *(f"{age}_{age + 4}" for age in range(0, 95, 5)),
    "95+",
)


class LadType(StrEnum):
    """Kind of English local authority district, fixed by the first three characters of its code."""

    UNITARY = "unitary"
    NON_METROPOLITAN_DISTRICT = "non-metropolitan district"
    METROPOLITAN_DISTRICT = "metropolitan district"
    LONDON_BOROUGH = "London borough"

    @classmethod
    def from_code(cls, lad_code: str) -> LadType:
        """E06 unitary, E07 non-metropolitan district, E08 metropolitan, E09 London borough."""
        try:
            return _LAD_PREFIX[lad_code[:3].upper()]
        except KeyError:
            raise ValueError(f"not an English LAD code: {lad_code!r}") from None


_LAD_PREFIX = {
    "E06": LadType.UNITARY,
    "E07": LadType.NON_METROPOLITAN_DISTRICT,
    "E08": LadType.METROPOLITAN_DISTRICT,
    "E09": LadType.LONDON_BOROUGH,
}


@dataclass(frozen=True, slots=True)
class Icb:
    """An Integrated Care Board (April 2024 boundaries; 42 in England)."""

    gss_code: str
    ods_code: str
    name: str
    short_name: str
    region_code: str  # NHS England region, ONS E40…
    region_ods_code: str  # NHS England region, ODS Y…
    region_name: str
    n_sub_icbs: int
    n_lads: int  # LADs that overlap the ICB, including partly
    n_lsoas: int
    pop_census2021: int
    gp_registered_dec2025: int  # patients at practices whose sub-ICB location is in the ICB


@dataclass(frozen=True, slots=True)
class SubIcbLocation:
    """A sub-ICB location (the former CCG areas; 106 in England)."""

    gss_code: str
    ods_code: str
    name: str
    icb_gss_code: str
    icb_ods_code: str
    n_lsoas: int
    pop_census2021: int
    gp_registered_dec2025: int


@dataclass(frozen=True, slots=True)
class LocalAuthorityDistrict:
    """A lower-tier local authority district (LAD 2024; 296 in England)."""

    code: str
    name: str
    lad_type: LadType
    utla_code: str  # upper-tier authority (county or unitary), April 2023
    utla_name: str
    region_code: str  # ONS region, E12…
    region_name: str
    n_lsoas: int
    pop_census2021: int
    main_icb_gss_code: str  # the ICB holding most of the LAD's Census 2021 residents
    main_icb_ods_code: str
    main_icb_share: float
    n_icbs: int


@dataclass(frozen=True, slots=True)
class LadIcbShare:
    """The part of a LAD inside one ICB, by Census 2021 residents of whole LSOAs."""

    lad_code: str
    icb_gss_code: str
    n_lsoas: int
    pop_census2021: int
    share_of_lad_pop: float
    share_of_icb_pop: float
    is_main_icb: bool


@dataclass(frozen=True, slots=True)
class LadSubIcbShare:
    """The part of a LAD inside one sub-ICB location, by Census 2021 residents."""

    lad_code: str
    sicbl_gss_code: str
    icb_gss_code: str
    n_lsoas: int
    pop_census2021: int
    share_of_lad_pop: float
    share_of_sicbl_pop: float


@dataclass(frozen=True, slots=True)
class UtlaIcbShare:
    """The part of an upper-tier authority (social care, public health) inside one ICB."""

    utla_code: str
    utla_name: str
    icb_gss_code: str
    n_lsoas: int
    pop_census2021: int
    share_of_utla_pop: float
    share_of_icb_pop: float
    is_main_icb: bool


@dataclass(frozen=True, slots=True)
class Lsoa:
    """A Lower layer Super Output Area (2021), with IMD 2025 and Census 2021 residents."""

    code: str
    name: str
    sicbl_gss_code: str
    icb_gss_code: str
    lad_code: str
    utla_code: str
    imd_decile: int  # 1 = most deprived 10% of LSOAs in England
    imd_rank: int  # 1 = most deprived of 33,755
    imd_score: float
    pop_census2021: int
    age_0_15: int
    age_16_24: int
    age_25_34: int
    age_35_49: int
    age_50_64: int
    age_65_plus: int


@dataclass(frozen=True, slots=True)
class Practice:
    """A GP practice with its registered list on the extract date (1 December 2025)."""

    code: str
    name: str
    postcode: str
    pcn_code: str | None  # None: not in a Primary Care Network (NHS England's 'U')
    pcn_name: str | None
    sicbl_gss_code: str
    sicbl_ods_code: str
    icb_gss_code: str  # NHS England's commissioning ICB
    icb_ods_code: str
    sicbl_parent_icb_gss_code: str  # the ICB containing the sub-ICB location (geography)
    supplier: str | None  # GP IT system (EMIS, TPP); None where not published
    registered_patients: int
    registered_male: int
    registered_female: int
    age_0_14: int
    age_15_64: int
    age_65_74: int
    age_75_plus: int
    extract_date: dt.date


@dataclass(frozen=True, slots=True)
class Pcn:
    """A Primary Care Network in use on 1 December 2025."""

    code: str
    name: str
    n_practices: int
    registered_patients: int
    n_sub_icbs: int  # sub-ICB locations its practices sit in
    sicbl_gss_code: str  # the sub-ICB and ICB holding most of its registered patients
    sicbl_ods_code: str
    icb_gss_code: str
    icb_ods_code: str


@dataclass(frozen=True, slots=True)
class ListSizeBand:
    """Registered patients of one practice in one sex and quinary age band."""

    practice_code: str
    sex: Sex
    age_band: str  # one of AGE_BANDS: "0_4", "5_9", …, "90_94", "95+"
    patients: int


@dataclass(frozen=True, slots=True)
class AreaDeprivation:
    """MHCLG's IMD 2025 summary for an ICB or LAD; rank 1 = most deprived area."""

    area_code: str
    area_name: str
    average_score: float  # population-weighted average of the LSOA IMD scores
    rank_of_average_score: int
    proportion_most_deprived_10pc: float  # share of its LSOAs in England's most deprived 10%
    rank_of_proportion_most_deprived_10pc: int
