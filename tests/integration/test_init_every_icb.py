"""Every one of England's 42 ICBs initialises, on SQLite and PostgreSQL, to the published data.

Expected values are read here from the raw files in the shared data folder:
- the ICB list and sub-ICB counts from ``geography/icb24.csv``;
- practices belong to the ICB in the ``icb_ods_code`` column of
  ``gp_practices/gp_practices_dec2025.csv`` (NHS England's commissioning ICB);
- NHS England's own published ICB totals are the ``org_type == "ICB"``, ``sex == "ALL"``,
  ``age_group_5 == "ALL"`` rows of ``gp_practices/org_quinary_age_sex_dec2025.csv.gz``;
- the upper-tier authorities overlapping each ICB from ``geography/utla23_icb24_split.csv``.

Both backends of one ICB run in the same xdist group, so a worker builds the ICB's area
facts (cached per process) once for the two.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.services.structure import ICB_ESTABLISHED, init_system, load_model
from integrated_care.structure.organisations import OrgKind
from integrated_care.structure.tree import UNPLACED_CODE, build_tree
from integrated_care.workspace import Workspace

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def read(relative: str) -> list[dict[str, str]]:
    path = DATA / relative
    assert path.exists(), f"shared reference data missing: {path}"
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


ICBS = read("geography/icb24.csv")


@cache
def practices_by_icb() -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for row in read("gp_practices/gp_practices_dec2025.csv"):
        result[row["icb_ods_code"]][row["practice_code"]] = int(row["registered_patients"])
    return result


@cache
def nhs_england_icb_totals() -> dict[str, int]:
    return {
        row["org_code"]: int(row["number_of_patients"])
        for row in read("gp_practices/org_quinary_age_sex_dec2025.csv.gz")
        if row["org_type"] == "ICB" and row["sex"] == "ALL" and row["age_group_5"] == "ALL"
    }


@cache
def upper_tier_authorities() -> dict[str, set[str]]:
    result: dict[str, set[str]] = defaultdict(set)
    for row in read("geography/utla23_icb24_split.csv"):
        result[row["icb24_code"]].add(row["utla23_code"])
    return result


def test_the_reference_list_has_42_icbs_and_nhs_england_publishes_a_total_for_each() -> None:
    assert len(ICBS) == 42
    assert set(nhs_england_icb_totals()) == {r["icb24_ods_code"] for r in ICBS}


@pytest.mark.parametrize(
    "icb",
    [
        pytest.param(
            row, id=row["icb24_ods_code"], marks=pytest.mark.xdist_group(row["icb24_ods_code"])
        )
        for row in ICBS
    ],
)
def test_every_icb_initialises_to_the_published_figures(
    workspace: Workspace, icb: dict[str, str]
) -> None:
    ods, gss = icb["icb24_ods_code"], icb["icb24_code"]
    expected = practices_by_icb()[ods]
    total = sum(expected.values())

    with workspace.uow() as uow:
        summary = init_system(uow, ods, actor=LOCAL_OPERATOR)
        uow.commit()

    # The summary and what was stored agree with the practice map and NHS England's total.
    assert (summary.system_code, summary.gss_code) == (ods, gss)
    assert summary.practices == len(expected)
    assert summary.registered_population == total == nhs_england_icb_totals()[ods]
    assert summary.sub_icbs == int(icb["n_sicbl24"])
    with workspace.uow() as uow:
        model = load_model(uow, ods)
    assert {c: p.registered_patients for c, p in model.practices.items()} == expected
    assert len(model.sub_icbs) == int(icb["n_sicbl24"])
    assert all(s.kind is OrgKind.SUB_ICB_LOCATION for s in model.sub_icbs)

    # The tree on the day the default places start, and today, holds the ICB's total.
    for day in (ICB_ESTABLISHED, date.today()):
        root = build_tree(model, day)
        assert root.registered == total
        assert sum(child.registered for child in root.children) == total
        assert UNPLACED_CODE not in {child.code for child in root.children}

    # One default place per upper-tier authority; every practice in exactly one of them.
    places = model.places_on(ICB_ESTABLISHED)
    assert {p.code for p in places} == upper_tier_authorities()[gss]
    assert summary.places == len(places)
    homes = Counter(code for p in places for code in p.practices)
    assert homes == Counter(dict.fromkeys(expected, 1))
    assert all(set(p.basis_by_practice) == set(p.practices) for p in places)
