"""What each packaged reference dataset is, where it came from and how many rows it has.

Kept as data so the CLI, the API and the tests describe the datasets from one place. The
full attribution text is in ``ATTRIBUTION.md`` next to this file; ``expected_rows`` are the
published counts from the source notes, which ``tools/build_reference.py`` checks.
"""

from __future__ import annotations

from dataclasses import dataclass

OGL = "Open Government Licence v3.0"
ONS = "Office for National Statistics"
NHSE = "NHS England"
MHCLG = "Ministry of Housing, Communities and Local Government"

_GEOGRAPHR = "ONS Open Geography Portal lookups via GitHub humaniverse/geographr @ c026be5"
_GP_MAP = (
    "NHS England, Patients Registered at a GP Practice, December 2025 "
    "(via GitHub eamazon/datawarp-v2.1 @ 53e4988)"
)
_CENSUS = "ONS Census 2021 usual residents by LSOA (via GitHub cwthom/hack25usefuldata @ 7d686c7)"
_ALLOCATIONS = (
    "NHS England ICB allocations 2023/24 to 2024/25 workbook (third-party copy via GitHub "
    "JuanBlanco9/German-Budget-Galaxy @ 54c0947), converted to a tidy layout"
)
_IMD = "MHCLG English indices of deprivation 2025 (via GitHub humaniverse/IMD @ 2f6c905)"


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """One packaged dataset: its file under ``reference/data`` and its provenance."""

    name: str
    file: str
    title: str
    publisher: str
    vintage: str
    licence: str
    source: str
    expected_rows: int


DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        "icbs", "icbs.parquet", "Integrated Care Boards", f"{ONS}; {NHSE}",
        "April 2024 (GP registrations 1 Dec 2025)", OGL, f"{_GEOGRAPHR}; {_GP_MAP}; {_CENSUS}", 42,
    ),
    DatasetInfo(
        "sub_icbs", "sub_icbs.parquet", "Sub-ICB locations", f"{ONS}; {NHSE}",
        "April 2024 (GP registrations 1 Dec 2025)", OGL, f"{_GEOGRAPHR}; {_GP_MAP}; {_CENSUS}",
        106,
    ),
    DatasetInfo(
        "lads", "lads.parquet", "Local authority districts with main ICB", ONS,
        "LAD 2024, UTLA April 2023, Census 2021", OGL, f"{_GEOGRAPHR}; {_CENSUS}", 296,
    ),
    DatasetInfo(
        "lad_icb_shares", "lad_icb_shares.parquet", "LAD to ICB split by Census 2021 residents",
        ONS, "LAD 2024, ICB April 2024", OGL, f"{_GEOGRAPHR}; {_CENSUS}", 310,
    ),
    DatasetInfo(
        "lad_sub_icb_shares", "lad_sub_icb_shares.parquet",
        "LAD to sub-ICB location split by Census 2021 residents", ONS,
        "LAD 2024, SICBL April 2024", OGL, f"{_GEOGRAPHR}; {_CENSUS}", 328,
    ),
    DatasetInfo(
        "utla_icb_shares", "utla_icb_shares.parquet",
        "Upper-tier authority to ICB split by Census 2021 residents", ONS,
        "UTLA April 2023, ICB April 2024", OGL, f"{_GEOGRAPHR}; {_CENSUS}", 166,
    ),
    DatasetInfo(
        "lsoas", "lsoas.parquet", "LSOA 2021 with IMD 2025 and Census 2021 residents by age",
        f"{ONS}; {MHCLG}", "LSOA 2021, April 2024 lookup, IoD2025 (30 Oct 2025), Census 2021",
        OGL, f"{_GEOGRAPHR}; {_IMD}; {_CENSUS}", 33_755,
    ),
    DatasetInfo(
        "practices", "practices.parquet", "GP practices with registered list sizes", NHSE,
        "1 December 2025", OGL, _GP_MAP, 6_196,
    ),
    DatasetInfo(
        "list_sizes", "practice_list_sizes.parquet",
        "GP practice registered patients by sex and quinary age band", NHSE,
        "1 December 2025", OGL, _GP_MAP, 6_196 * 2 * 20,
    ),
    DatasetInfo(
        "pcns", "pcns.parquet", "Primary Care Networks", NHSE, "1 December 2025", OGL,
        _GP_MAP, 1_297,
    ),
    DatasetInfo(
        "icb_deprivation", "imd2025_icb_summary.parquet", "IMD 2025 ICB summaries (File 13)",
        MHCLG, "IoD2025 (30 Oct 2025)", OGL, _IMD, 42,
    ),
    DatasetInfo(
        "lad_deprivation", "imd2025_lad_summary.parquet",
        "IMD 2025 local authority district summaries (File 10)", MHCLG,
        "IoD2025 (30 Oct 2025)", OGL, _IMD, 296,
    ),
    DatasetInfo(
        "icb_boundaries", "boundaries_icb24.geojson.gz",
        "ICB boundaries (merged from LSOA 2021 BSC)", ONS, "LSOA Dec 2021 BSC V4, ICB April 2024",
        OGL, "ONS LSOA (Dec 2021) Boundaries EW BSC V4 via GitHub humaniverse/geographr @ 500a3a4",
        42,
    ),
    DatasetInfo(
        "sicbl_boundaries", "boundaries_sicbl24.geojson.gz",
        "Sub-ICB location boundaries (merged from LSOA 2021 BSC)", ONS,
        "LSOA Dec 2021 BSC V4, SICBL April 2024", OGL,
        "ONS LSOA (Dec 2021) Boundaries EW BSC V4 via GitHub humaniverse/geographr @ 500a3a4",
        106,
    ),
    DatasetInfo(
        "lad_boundaries", "boundaries_lad24.geojson.gz",
        "Local authority district boundaries (BUC)", ONS, "May 2024", OGL,
        "ONS Local Authority Districts (May 2024) Boundaries UK BUC via GitHub "
        "humaniverse/geographr @ 54554c6",
        296,
    ),
    DatasetInfo(
        "practice_weighted_populations", "practice_weighted_populations.parquet",
        "GP practice weighted populations by allocation component", NHSE,
        "2023/24, 2024/25 (42 ICBs) and 2026/27 (36 ICBs)", OGL,
        "NHS England allocation tools (Crown copyright, dual MIT) via GitHub "
        "nhsx/AIF_Allocation_Tool @ 02c749a and "
        "nhsengland/ICB_Place_Based_Tool_2627-2829 @ 64d27e4",
        6553 + 6553 + 6281,
    ),
    DatasetInfo(
        "icb_allocations_2023_24", "icb_allocations_2023_24.csv",
        "ICB allocations 2023/24 by stream (core, PMC, other primary care, RCA)", NHSE,
        "2023/24 (workbook v1.2)", OGL, _ALLOCATIONS, 168,
    ),
    DatasetInfo(
        "icb_allocations_2024_25", "icb_allocations_2024_25.csv",
        "ICB allocations 2024/25 by stream (core, PMC, other primary care, RCA)", NHSE,
        "2024/25 (workbook v1.2)", OGL, _ALLOCATIONS, 168,
    ),
)  # fmt: skip


def dataset(name: str) -> DatasetInfo:
    """The catalogue entry called ``name`` (e.g. ``"practices"``)."""
    for info in DATASETS:
        if info.name == name:
            return info
    raise KeyError(name)
