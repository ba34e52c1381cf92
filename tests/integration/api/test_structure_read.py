"""Public structure reads: system, tree, places, PCNs, practices, organisations, validation.

Expected figures come from NHS England's practice mapping (1 Dec 2025) and ONS's geography
tables, read raw from /work/shared/data; default places are by definition one per
upper-tier council area overlapping the ICB, in force from 1 July 2022 (when ICBs began).
"""

from __future__ import annotations

from collections import Counter

import pytest

from integrated_care.access import Role

ICB_GSS = "E54000060"
ICBS_ESTABLISHED = "2022-07-01"  # Health and Care Act 2022
BAD_DATES = ["2024-02-30", "01/04/2024", "2024-4-1", "1700000000", "", "2024-W01-1"]


def pcn_codes(practices: list[dict[str, str]]) -> set[str]:
    return {p["pcn_code"] for p in practices if p["pcn_code"] not in ("", "U")}


def utlas(geography) -> dict[str, dict[str, str]]:
    return {
        r["utla23_code"]: r for r in geography["utla23_icb24_split"] if r["icb24_code"] == ICB_GSS
    }


def leaves(node: dict) -> list[dict]:
    if node["kind"] == "practice":
        return [node]
    return [leaf for child in node.get("children") or [] for leaf in leaves(child)]


def test_system_counts_match_published_data(api, qt1_practices, geography) -> None:
    before = api.counts()
    reply = api.get("/system", as_of="2025-01-01")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    icb = next(r for r in geography["icb24"] if r["icb24_ods_code"] == "QT1")
    assert (body["code"], body["gss_code"], body["name"]) == ("QT1", ICB_GSS, icb["icb24_name"])
    assert body["as_of"] == "2025-01-01"
    assert body["registered_population"] == sum(
        int(p["registered_patients"]) for p in qt1_practices
    )
    assert body["resident_population"] == int(icb["pop_census2021"])
    districts = {
        r["lad24_code"]
        for r in geography["lad24_icb24_split"]
        if r["icb24_code"] == ICB_GSS and r["lad24_code"].startswith("E07")
    }
    assert body["counts"] == {
        "sub_icb_locations": int(icb["n_sicbl24"]),
        "pcns": len(pcn_codes(qt1_practices)),
        "practices": len(qt1_practices),  # 124 in the December 2025 mapping
        "partner_organisations": len(utlas(geography)) + len(districts),  # the councils
        "places": len(utlas(geography)),
        "partnership_bodies": 1 + len(utlas(geography)),  # the ICP and one per place
    }
    assert api.counts() == before  # public reads write nothing, not even audit rows


def test_tree_holds_every_practice_once(api, qt1_practices, geography) -> None:
    reply = api.get("/structure", as_of="2025-01-01")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["as_of"], body["depth"]) == ("2025-01-01", "practice")
    root = body["system"]
    assert (root["kind"], root["code"]) == ("system", "QT1")
    published = {p["practice_code"]: int(p["registered_patients"]) for p in qt1_practices}
    found = Counter(leaf["code"] for leaf in leaves(root))
    assert found == Counter(list(published))  # each practice exactly once
    assert {leaf["code"]: leaf["registered_population"] for leaf in leaves(root)} == published
    places = {p["code"]: p for p in root["children"]}
    assert set(places) == set(utlas(geography))
    for code, place in places.items():
        assert place["registered_population"] == sum(
            c["registered_population"] for c in place["children"]
        )
        assert place["resident_population"] == int(utlas(geography)[code]["pop_census2021"])
        assert place["imd"]["lsoas"] == int(utlas(geography)[code]["n_lsoa21"])


@pytest.mark.parametrize(("depth", "levels"), [("place", 1), ("pcn", 2), ("practice", 3)])
def test_tree_depth(api, depth, levels) -> None:
    root = api.get("/structure", as_of="2025-01-01", depth=depth).json()["system"]
    node, seen = root, 0
    while node.get("children"):
        node, seen = node["children"][0], seen + 1
    assert seen == levels
    assert node["kind"] == depth


def test_tree_before_the_icb_existed_has_no_places(api, qt1_practices) -> None:
    root = api.get("/structure", as_of="2022-06-30", depth="place").json()["system"]
    assert [(p["code"], p["name"]) for p in root["children"]] == [("unplaced", "Not in any place")]
    assert root["children"][0]["registered_population"] == root["registered_population"]


def test_malformed_dates_are_422_naming_as_of(api) -> None:
    paths = ["/structure", "/system", "/places", "/places/E06000018", "/pcns/U05001"]
    paths += ["/practices/C84001", "/validation", "/membership"]
    for path in paths:
        for bad in BAD_DATES:
            body = api.error(api.get(path, as_of=bad), 422, "as_of")
            assert "as_of" in body["message"]
            assert body["expected"].startswith("a calendar date as YYYY-MM-DD")


def test_unknown_depth_is_422(api) -> None:
    body = api.error(api.get("/structure", depth="ward"), 422, "depth")
    assert "'place', 'pcn' or 'practice'" in body["expected"]


def test_places_on_a_date_and_history(api, qt1_practices, geography) -> None:
    reply = api.get("/places", as_of="2025-01-01")
    assert reply.status_code == 200, reply.text
    places = reply.json()
    expected = utlas(geography)
    assert {p["code"]: p["name"] for p in places} == {
        c: r["utla23_name"] for c, r in expected.items()
    }
    for place in places:
        assert (place["valid_from"], place["valid_to"]) == (ICBS_ESTABLISHED, None)
        assert place["resident_population"] == int(expected[place["code"]]["pop_census2021"])
        assert place["lsoas"] == int(expected[place["code"]]["n_lsoa21"])
    assert sum(p["practices"] for p in places) == len(qt1_practices)
    assert api.get("/places", as_of="2022-06-30").json() == []
    assert api.get("/places", history="true").json() == places
    api.error(api.get("/places", history="perhaps"), 422, "history")


def test_place_detail(api, qt1_practices, geography) -> None:
    reply = api.get("/places/E06000018", as_of="2025-01-01")  # Nottingham (unitary)
    assert reply.status_code == 200, reply.text
    place = reply.json()
    assert place["name"] == utlas(geography)["E06000018"]["utla23_name"]
    published = {p["practice_code"]: p for p in qt1_practices}
    assert {p["code"] for p in place["practice_list"]} <= set(published)
    for p in place["practice_list"]:
        assert p["registered_patients"] == int(published[p["code"]]["registered_patients"])
        assert p["basis"]  # default places record why each practice is there
    assert place["practices"] == len(place["practice_list"])
    total = sum(p["registered_patients"] for p in place["practice_list"])
    assert place["registered_population"] == total
    assert sum(n["registered_population"] for n in place["pcns"]) == total
    assert place["resident_population"] == int(utlas(geography)["E06000018"]["pop_census2021"])
    assert place["imd"]["lsoas"] == int(utlas(geography)["E06000018"]["n_lsoa21"])
    assert 0 < place["imd"]["core20_share"] <= 1
    assert place["versions"] == [
        {
            "name": place["name"],
            "valid_from": ICBS_ESTABLISHED,
            "valid_to": None,
            "practices": place["practices"],
        }
    ]


def test_unknown_place_is_404_with_suggestions(api) -> None:
    body = api.error(api.get("/places/nottingham"), 404, "code")
    assert "Did you mean: Nottingham" in body["message"]


def test_place_not_in_force_on_the_date_is_404_naming_as_of(api) -> None:
    body = api.error(api.get("/places/E06000018", as_of="2020-01-01"), 404, "as_of")
    assert ICBS_ESTABLISHED in body["message"]


def test_pcns_match_published_mapping(api, qt1_practices) -> None:
    reply = api.get("/pcns")
    assert reply.status_code == 200, reply.text
    pcns = {p["code"]: p for p in reply.json()}
    assert set(pcns) == pcn_codes(qt1_practices)
    sizes = Counter(p["pcn_code"] for p in qt1_practices)
    for code, pcn in pcns.items():
        assert pcn["practices"] == sizes[code]
        rows = [p for p in qt1_practices if p["pcn_code"] == code]
        assert pcn["name"] == rows[0]["pcn_name"]
        assert pcn["registered_population"] == sum(int(p["registered_patients"]) for p in rows)


def test_pcn_detail(api, qt1_practices) -> None:
    code = sorted(pcn_codes(qt1_practices))[0]
    reply = api.get(f"/pcns/{code.lower()}", as_of="2025-01-01")  # codes are case-blind
    assert reply.status_code == 200, reply.text
    pcn = reply.json()
    expected = {p["practice_code"] for p in qt1_practices if p["pcn_code"] == code}
    assert {p["code"] for p in pcn["practice_list"]} == expected
    assert pcn["places"]
    assert all(p["places"] for p in pcn["practice_list"])


def test_unknown_pcn_is_404_with_suggestions(api, qt1_practices) -> None:
    code = sorted(pcn_codes(qt1_practices))[0]
    body = api.error(api.get(f"/pcns/{code[:-1]}"), 404, "code")
    assert code in body["message"]


def test_practice_detail_matches_published_row(api, qt1_practices) -> None:
    row = next(p for p in qt1_practices if p["practice_code"] == "C84001")
    reply = api.get("/practices/c84001", as_of="2025-01-01")
    assert reply.status_code == 200, reply.text
    practice = reply.json()
    assert practice["code"] == "C84001"
    assert practice["name"] == row["practice_name"]
    assert practice["postcode"] == row["practice_postcode"]
    assert practice["pcn_code"] == row["pcn_code"]
    assert practice["pcn_name"] == row["pcn_name"]
    assert practice["sub_icb_code"] == row["sicbl_ods_code"]
    assert practice["registered_patients"] == int(row["registered_patients"])
    assert len(practice["places"]) == 1
    assert api.get("/practices/C84001", as_of="2022-06-30").json()["places"] == []


def test_practice_of_another_icb_is_404_naming_its_icb(api, practices_csv) -> None:
    other = next(p for p in practices_csv if p["practice_code"] == "A81001")
    body = api.error(api.get("/practices/A81001"), 404, "code")
    assert other["icb_name"] in body["message"]  # NHS North East and North Cumbria ICB


def test_unknown_practice_is_404_with_suggestions(api) -> None:
    body = api.error(api.get("/practices/C8400"), 404, "code")
    assert "Did you mean: C8400" in body["message"]


def test_organisations(api, qt1_practices, geography) -> None:
    reply = api.get("/organisations", Role.PUBLIC)
    assert reply.status_code == 200, reply.text
    orgs = {o["code"]: o for o in reply.json()}
    assert orgs["QT1"]["kind"] == "integrated care board"
    sub_icbs = {r["sicbl24_ods_code"] for r in geography["sicbl24"] if r["icb24_code"] == ICB_GSS}
    assert {c for c, o in orgs.items() if o["kind"] == "sub-ICB location"} == sub_icbs
    assert {p["sicbl_ods_code"] for p in qt1_practices} == sub_icbs
    pcns = api.get("/organisations", kind="primary care network").json()
    assert {o["code"] for o in pcns} == pcn_codes(qt1_practices)
    assert set(utlas(geography)) <= set(orgs)  # the upper-tier councils
    body = api.error(api.get("/organisations", kind="hospital"), 422, "kind")
    assert "NHS trust" in body["expected"]


def test_validation_report(api, qt1_practices) -> None:
    reply = api.get("/validation", as_of="2025-01-01")
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert report["as_of"] == "2025-01-01"
    assert report["ok"] is True  # default places never put a practice in two places
    places = {p["code"]: p for p in api.get("/places", as_of="2025-01-01").json()}
    for p in report["places"]:
        assert p["registered_population"] == places[p["code"]]["registered_population"]
        assert p["resident_population"] == places[p["code"]]["resident_population"]
    early = api.get("/validation", as_of="2022-06-30").json()
    unplaced = {f["subject"] for f in early["findings"] if f["check"] == "practice_in_no_place"}
    assert unplaced == {p["practice_code"] for p in qt1_practices}
