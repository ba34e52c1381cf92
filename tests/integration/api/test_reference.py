"""GET /reference/datasets and /reference/icbs: public, checked against the published files."""

from __future__ import annotations

from integrated_care.access import Role
from integrated_care.reference.catalogue import DATASETS


def test_datasets_are_public_and_complete(api) -> None:
    before = api.counts()
    reply = api.get("/reference/datasets")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [d["name"] for d in body] == [d.name for d in DATASETS]
    for item, info in zip(body, DATASETS, strict=True):
        assert item["title"] == info.title
        assert item["vintage"] == info.vintage
        assert item["publisher"] == info.publisher
        assert item["licence"] == "Open Government Licence v3.0"
        assert item["rows"] == info.expected_rows  # as published with the sources
    assert api.counts() == before  # a public read is not audited


def test_practices_dataset_rows_match_the_published_file(api, practices_csv) -> None:
    body = {d["name"]: d for d in api.get("/reference/datasets").json()}
    assert body["practices"]["rows"] == len(practices_csv)


def test_icbs_match_ons_table(api, geography) -> None:
    reply = api.get("/reference/icbs", Role.PARTNER)  # signed in or not, the same answer
    assert reply.status_code == 200, reply.text
    published = {row["icb24_ods_code"]: row for row in geography["icb24"]}
    body = {i["ods_code"]: i for i in reply.json()}
    assert len(body) == 42  # England has 42 ICBs (Health and Care Act 2022)
    assert set(body) == set(published)
    for code, row in published.items():
        icb = body[code]
        assert icb["gss_code"] == row["icb24_code"]
        assert icb["name"] == row["icb24_name"]
        assert icb["region_name"] == row["nhser_name"]
        assert icb["region_ods_code"] == row["nhser_ods_code"]
        assert icb["sub_icbs"] == int(row["n_sicbl24"])
        assert icb["lsoas"] == int(row["n_lsoa21"])
        assert icb["resident_population"] == int(row["pop_census2021"])
        assert icb["registered_population"] == int(row["gp_registered_dec2025"])
