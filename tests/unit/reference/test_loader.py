"""The packaged reference data against the figures its publishers state.

Expected values come from the source notes (the shared data folder's SOURCE.md files and
the published ``icb24.csv`` figures), not from running the loader.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.reference.catalogue import DATASETS
from integrated_care.reference.loader import ReferenceData
from integrated_care.reference.models import AGE_BANDS, LadType

NOTTS_GSS = "E54000060"


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return ReferenceData.packaged()


def test_packaged_is_one_shared_instance() -> None:
    assert ReferenceData.packaged() is ReferenceData.packaged()


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("icbs", 42),
        ("sub_icbs", 106),
        ("lads", 296),
        ("lad_icb_shares", 310),
        ("lad_sub_icb_shares", 328),
        ("utla_icb_shares", 166),
        ("lsoas", 33_755),
        ("practices", 6_196),
        ("pcns", 1_297),
        ("icb_deprivation", 42),
        ("lad_deprivation", 296),
    ],
)
def test_published_row_counts(ref: ReferenceData, method: str, expected: int) -> None:
    assert len(getattr(ref, method)()) == expected


def test_info_reports_every_dataset_with_its_published_count(ref: ReferenceData) -> None:
    info = ref.info()
    assert [d.name for d, _ in info] == [d.name for d in DATASETS]
    for dataset, rows in info:
        assert rows == dataset.expected_rows, dataset.name
        assert dataset.licence == "Open Government Licence v3.0"


def test_england_census_2021_total(ref: ReferenceData) -> None:
    assert sum(lsoa.pop_census2021 for lsoa in ref.lsoas()) == 56_489_608
    assert sum(icb.pop_census2021 for icb in ref.icbs()) == 56_489_608
    assert sum(lad.pop_census2021 for lad in ref.lads()) == 56_489_608


def test_lsoa_age_bands_add_up_to_total(ref: ReferenceData) -> None:
    for lsoa in ref.lsoas():
        bands = (lsoa.age_0_15, lsoa.age_16_24, lsoa.age_25_34, lsoa.age_35_49,
                 lsoa.age_50_64, lsoa.age_65_plus)  # fmt: skip
        assert sum(bands) == lsoa.pop_census2021, lsoa.code


def test_each_imd_decile_holds_a_tenth_of_lsoas(ref: ReferenceData) -> None:
    deciles = Counter(lsoa.imd_decile for lsoa in ref.lsoas())
    assert sorted(deciles) == list(range(1, 11))
    assert set(deciles.values()) <= {3_375, 3_376}
    ranks = sorted(lsoa.imd_rank for lsoa in ref.lsoas())
    assert ranks == list(range(1, 33_756))


def test_gp_registered_total_and_pcn_membership(ref: ReferenceData) -> None:
    practices = ref.practices()
    assert sum(p.registered_patients for p in practices) == 63_936_682
    assert sum(p.pcn_code is None for p in practices) == 73
    assert all(p.pcn_name is None for p in practices if p.pcn_code is None)
    assert {p.extract_date for p in practices} == {dt.date(2025, 12, 1)}
    assert sum(p.supplier is None for p in practices) == 7


def test_practices_whose_commissioner_differs_from_geography(ref: ReferenceData) -> None:
    assert sum(p.icb_gss_code != p.sicbl_parent_icb_gss_code for p in ref.practices()) == 29


def test_practice_sexes_and_broad_ages_add_up(ref: ReferenceData) -> None:
    for p in ref.practices():
        assert p.registered_male + p.registered_female == p.registered_patients
        broad = p.age_0_14 + p.age_15_64 + p.age_65_74 + p.age_75_plus
        assert broad == p.registered_patients


def test_quinary_list_sizes_sum_to_each_practice_total(ref: ReferenceData) -> None:
    practices = ref.practices()
    bands = ref.list_sizes(p.code for p in practices)
    assert len(bands) == 6_196 * 40
    totals: Counter[str] = Counter()
    for band in bands:
        totals[band.practice_code] += band.patients
    assert totals == Counter({p.code: p.registered_patients for p in practices})


def test_list_sizes_order_and_lookup(ref: ReferenceData) -> None:
    bands = ref.list_sizes(["c84001"])
    assert [b.sex for b in bands] == ["MALE"] * 20 + ["FEMALE"] * 20
    assert [b.age_band for b in bands[:20]] == list(AGE_BANDS)
    assert AGE_BANDS[0] == "0_4"
    assert AGE_BANDS[-1] == "95+"
    assert len(AGE_BANDS) == 20
    with pytest.raises(NotFound):
        ref.list_sizes(["NOPE1"])


def test_lads_split_across_icbs(ref: ReferenceData) -> None:
    assert sum(lad.n_icbs > 1 for lad in ref.lads()) == 13
    per_lad = Counter(share.lad_code for share in ref.lad_icb_shares())
    assert sum(n > 1 for n in per_lad.values()) == 13
    assert sum(share.is_main_icb for share in ref.lad_icb_shares()) == 296


def test_upper_tier_split(ref: ReferenceData) -> None:
    per_utla = Counter(share.utla_code for share in ref.utla_icb_shares())
    assert len(per_utla) == 153
    assert sum(n > 1 for n in per_utla.values()) == 10


def test_shares_partition_each_area(ref: ReferenceData) -> None:
    by_lad: Counter[str] = Counter()
    for share in ref.lad_icb_shares():
        by_lad[share.lad_code] += round(share.share_of_lad_pop * 1e9)
    assert all(abs(v - 1e9) <= 10 for v in by_lad.values())
    by_icb: dict[str, float] = {}
    for share in ref.lad_icb_shares():
        by_icb[share.icb_gss_code] = by_icb.get(share.icb_gss_code, 0.0) + share.share_of_icb_pop
    assert len(by_icb) == 42
    assert all(v == pytest.approx(1.0) for v in by_icb.values())


def test_lad_type_follows_code_prefix(ref: ReferenceData) -> None:
    assert ref.lad("E09000001").lad_type is LadType.LONDON_BOROUGH
    assert ref.lad("nottingham").lad_type is LadType.UNITARY
    for lad in ref.lads():
        assert lad.lad_type is LadType.from_code(lad.code)
    with pytest.raises(ValueError, match="not an English LAD code"):
        LadType.from_code("W06000001")


@pytest.mark.parametrize(
    "query",
    [
        "QT1",
        "qt1",
        "E54000060",
        "nottingham and nottinghamshire",
        "Nottingham and Nottinghamshire",
        "NHS Nottingham and Nottinghamshire Integrated Care Board",
        "NHS Nottingham & Nottinghamshire ICB",
    ],
)
def test_icb_resolves_codes_and_names(ref: ReferenceData, query: str) -> None:
    assert ref.icb(query).gss_code == NOTTS_GSS


def test_nottingham_and_nottinghamshire_published_figures(ref: ReferenceData) -> None:
    icb = ref.icb("QT1")
    assert icb.name == "NHS Nottingham and Nottinghamshire Integrated Care Board"
    assert icb.short_name == "Nottingham and Nottinghamshire"
    assert icb.gp_registered_dec2025 == 1_287_559
    assert icb.pop_census2021 == 1_148_453
    assert sorted(s.ods_code for s in ref.sub_icbs(NOTTS_GSS)) == ["02Q", "52R"]
    assert ref.sub_icbs("QT1") == ref.sub_icbs(NOTTS_GSS)
    assert sum(lsoa.pop_census2021 for lsoa in ref.lsoas(NOTTS_GSS)) == 1_148_453
    assert ref.sub_icb("52r").icb_gss_code == NOTTS_GSS
    assert all(p.icb_gss_code == NOTTS_GSS for p in ref.practices("QT1"))


def test_unknown_icb_suggests_close_matches(ref: ReferenceData) -> None:
    with pytest.raises(NotFound) as caught:
        ref.icb("QT9")
    assert "QT1" in caught.value.suggestions
    assert caught.value.to_dict()["error"] == "not_found"
    assert caught.value.input_name == "icb"
    with pytest.raises(NotFound):
        ref.practices("QT9")


def test_practice_and_pcn_lookup(ref: ReferenceData) -> None:
    practice = ref.practice("a81001")
    assert practice.code == "A81001"
    assert practice.pcn_code is not None
    assert ref.pcn(practice.pcn_code).code == practice.pcn_code
    with pytest.raises(NotFound) as caught:
        ref.practice("A8100")
    assert caught.value.suggestions


def test_deprivation_summaries_rank_every_area(ref: ReferenceData) -> None:
    icbs = ref.icb_deprivation()
    assert {d.area_code for d in icbs} == {i.gss_code for i in ref.icbs()}
    assert sorted(d.rank_of_average_score for d in icbs) == list(range(1, 43))
    lads = ref.lad_deprivation()
    assert {d.area_code for d in lads} == {lad.code for lad in ref.lads()}
    assert all(0.0 <= d.proportion_most_deprived_10pc <= 1.0 for d in lads)


@pytest.mark.parametrize(("kind", "count"), [("icb", 42), ("sicbl", 106), ("lad", 296)])
def test_boundaries(ref: ReferenceData, kind: str, count: int) -> None:
    collection = ref.boundaries(kind)  # type: ignore[arg-type]
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == count
    assert all(f["properties"]["code"] and f["properties"]["name"]
               for f in collection["features"])  # fmt: skip
    collection["features"].clear()  # callers get their own copy
    assert len(ref.boundaries(kind)["features"]) == count  # type: ignore[arg-type]


def test_icb_boundaries_match_icbs(ref: ReferenceData) -> None:
    codes = {f["properties"]["code"] for f in ref.boundaries("icb")["features"]}
    assert codes == {icb.gss_code for icb in ref.icbs()}


def test_unknown_boundary_kind(ref: ReferenceData) -> None:
    with pytest.raises(InvalidInput):
        ref.boundaries("ward")  # type: ignore[arg-type]


def test_records_are_frozen(ref: ReferenceData) -> None:
    with pytest.raises(AttributeError):
        ref.icbs()[0].name = "changed"  # type: ignore[misc]


def test_data_folder_is_small() -> None:
    folder = Path(str(files("integrated_care.reference").joinpath("data")))
    assert sum(p.stat().st_size for p in folder.iterdir()) < 6 * 1024 * 1024


def test_practices_load_fast() -> None:
    # A fresh instance, so nothing is cached; the target is 0.2 s, with slack for busy CI.
    fresh = ReferenceData(files("integrated_care.reference").joinpath("data"))
    start = time.perf_counter()
    assert len(fresh.practices()) == 6_196
    assert time.perf_counter() - start < 1.0
