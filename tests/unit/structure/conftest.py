"""A tiny system around North Hertfordshire, a district split between two ICBs.

The district and ICB facts come from the published split table
(``geography/lad24_icb24_split.csv`` in the shared data folder); the LSOAs and practices
are small made-up numbers so every expected total can be added up by hand.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from integrated_care.structure.dates import Period
from integrated_care.structure.organisations import Organisation, OrgKind, Practice
from integrated_care.structure.places import PlaceVersion
from integrated_care.structure.system import AreaUnit, LadInfo, SystemModel

SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
SPLIT_CSV = SHARED_DATA / "geography" / "lad24_icb24_split.csv"

HWE = "E54000025"  # NHS Hertfordshire and West Essex ICB (QM7)
CAP = "E54000056"  # NHS Cambridgeshire and Peterborough ICB (QUE)
NORTH_HERTS = "E07000099"
STEVENAGE = "E07000243"
AS_OF = date(2024, 1, 1)


def read_split() -> dict[str, list[dict[str, str]]]:
    """LAD code -> its rows of the published LAD to ICB split table."""
    assert SPLIT_CSV.exists(), f"shared reference data missing: {SPLIT_CSV}"
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with SPLIT_CSV.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[row["lad24_code"]].append(row)
    return rows


@pytest.fixture(scope="session")
def split_table() -> dict[str, list[dict[str, str]]]:
    return read_split()


def lad_info(rows: list[dict[str, str]], utla: str) -> LadInfo:
    return LadInfo(
        rows[0]["lad24_code"],
        rows[0]["lad24_name"],
        utla,
        "Hertfordshire",
        {r["icb24_code"]: int(r["pop_census2021"]) for r in rows},
    )


PRACTICES = {
    "P1": Practice("P1", "Baldock Surgery", "U1", "06K", 10_000),
    "P2": Practice("P2", "Stevenage Health", "U1", "06K", 5_000),
    "P3": Practice("P3", "Hitchin Road", "U2", "06K", 7_000),
    "P4": Practice("P4", "Letchworth Practice", None, "06K", 3_000),
    "P5": Practice("P5", "Knebworth Practice", "U2", "06K", 1_000),
}
PCNS = {
    "U1": Organisation("U1", "North Herts PCN", OrgKind.PCN, "U1"),
    "U2": Organisation("U2", "Stevenage PCN", OrgKind.PCN, "U2"),
}
AREA = {
    "H1": AreaUnit("H1", NORTH_HERTS, HWE, 1_500, 4, 12.0),
    "H2": AreaUnit("H2", NORTH_HERTS, HWE, 1_600, 7, 8.0),
    "C1": AreaUnit("C1", NORTH_HERTS, CAP, 1_700, 9, 5.0),  # the part in another ICB
    "S1": AreaUnit("S1", STEVENAGE, HWE, 1_800, 2, 30.0),
}


def place(
    code: str,
    practices: set[str],
    *,
    lads: frozenset[str] = frozenset(),
    lsoas: frozenset[str] = frozenset(),
    basis: tuple[tuple[str, str], ...] = (),
    start: date = date(2022, 7, 1),
) -> PlaceVersion:
    """A place named after its code: 'north-herts' is called 'North Herts'."""
    return PlaceVersion(
        code,
        code.replace("-", " ").title(),
        Period(start),
        frozenset(practices),
        lads,
        lsoas,
        basis,
    )


@pytest.fixture
def make_place() -> Callable[..., PlaceVersion]:
    return place


@pytest.fixture
def make_model(
    split_table: dict[str, list[dict[str, str]]],
) -> Callable[..., SystemModel]:
    def make(*places: PlaceVersion) -> SystemModel:
        return SystemModel(
            icb=Organisation(
                "QM7",
                "NHS Hertfordshire and West Essex Integrated Care Board",
                OrgKind.ICB,
                "QM7",
                HWE,
            ),
            sub_icbs=(),
            pcns=PCNS,
            practices=PRACTICES,
            partners=(),
            places=tuple(places),
            bodies=(),
            memberships=(),
            area=AREA,
            lads={
                NORTH_HERTS: lad_info(split_table[NORTH_HERTS], "E10000015"),
                STEVENAGE: lad_info(split_table[STEVENAGE], "E10000015"),
            },
            icb_names={
                r["icb24_code"]: r["icb24_name"] for rows in split_table.values() for r in rows
            },
        )

    return make
