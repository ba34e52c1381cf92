"""POST /places, /places/reconfigure and /organisations: roles, audit, refusals write nothing.

Changing the structure is for analysts and admins (access.py); every other role is refused
with 403 and anonymous requests with 401, and nothing is written either way.
"""

from __future__ import annotations

import pytest

from integrated_care.access import Role

WRITERS = (Role.ANALYST, Role.ADMIN)
REFUSED = [r for r in Role if r not in WRITERS]
A_PRACTICE = "C84001"  # LARWOOD SURGERY, Bassetlaw (NHS England mapping, Dec 2025)
ELSEWHERE = "A81001"  # THE DENSHAM SURGERY, Stockton-on-Tees: North East and North Cumbria


def place(code: str = "bassetlaw", **extra: object) -> dict[str, object]:
    return {"code": code, "name": "Bassetlaw", "effective": "2024-04-01"} | extra


def test_define_place_roles_and_audit(api, qt1_practices) -> None:
    pcn = next(p["pcn_code"] for p in qt1_practices if p["practice_code"] == A_PRACTICE)
    members = {p["practice_code"] for p in qt1_practices if p["pcn_code"] == pcn}
    body = place(pcns=[pcn])
    before = api.counts()
    api.refused(before, api.post("/places", body), 401, "Authorization")
    for role in REFUSED:
        api.refused(before, api.post("/places", body, role), 403, "role")
    for n, role in enumerate(WRITERS):
        reply = api.post("/places", body | {"code": f"bassetlaw-{n}"}, role)
        assert reply.status_code == 201, reply.text
        created = reply.json()
        assert created["code"] == f"bassetlaw-{n}"
        assert (created["valid_from"], created["valid_to"]) == ("2024-04-01", None)
        assert created["practices"] == len(members)
        detail = api.get(f"/places/bassetlaw-{n}", as_of="2024-04-01").json()
        assert {p["code"] for p in detail["practice_list"]} == members
        assert api.get(f"/places/bassetlaw-{n}", as_of="2024-03-31").status_code == 404
    after = api.counts()
    assert after["places"] == before["places"] + 2
    assert after["place_members"] == before["place_members"] + 2 * len(members)
    assert after["partnership_bodies"] == before["partnership_bodies"] + 2
    writes = [e for e in api.audit() if e["resource"].startswith("places/bassetlaw-")]
    assert [(e["actor"], e["action"]) for e in writes] == [
        ("admin-user", "write"),
        ("analyst-user", "write"),
    ]


@pytest.mark.parametrize(
    ("body", "status", "input_name", "in_message"),
    [
        (place(practices=["C99999"]), 404, "practices", "Unknown GP practice 'C99999'"),
        (place(practices=["C8400"]), 404, "practices", "Did you mean"),
        (place(practices=[ELSEWHERE]), 400, "practices", "North East and North Cumbria"),
        (place(pcns=["U00000"]), 404, "pcns", "Unknown PCN"),
        (place(lads=["E06000001"]), 400, "lads", "does not overlap"),
        (place(lads=["E06999999"]), 404, "lads", "Unknown local authority district"),
        (place(lsoas=["E01999999"]), 404, "lsoas", "Unknown LSOA"),
        (place(), 400, "practices", "no practices and no area"),
        (place(code="E06000018", practices=[A_PRACTICE]), 409, "code", "already exists"),
        (place(code="bad code!", practices=[A_PRACTICE]), 422, "code", "is not a code"),
        (place(name="  ", practices=[A_PRACTICE]), 400, "name", "needs a name"),
        (place(effective="2024-02-30", practices=[A_PRACTICE]), 422, "effective", "Malformed"),
        (place(effective=None, practices=[A_PRACTICE]), 422, "effective", "Malformed"),
        (place(practices=A_PRACTICE), 422, "practices", "list"),
        (place(practice=[A_PRACTICE]), 422, "practice", "Extra inputs"),
        ({"code": "x", "name": "X"}, 422, "effective", "Missing field 'effective'"),
    ],
    ids=[
        "unknown-practice",
        "near-miss-practice",
        "other-icb-practice",
        "unknown-pcn",
        "other-icb-district",
        "unknown-district",
        "unknown-lsoa",
        "empty",
        "code-in-force",
        "bad-code",
        "blank-name",
        "impossible-date",
        "null-date",
        "not-a-list",
        "misspelt-field",
        "missing-date",
    ],
)
def test_bad_place_is_refused_and_writes_nothing(api, body, status, input_name, in_message) -> None:
    before = api.counts()
    reply = api.post("/places", body, Role.ANALYST)
    assert in_message in api.refused(before, reply, status, input_name)["message"]


def reconfiguration(effective: str = "2025-04-01", **extra: object) -> dict[str, object]:
    new = {"code": "bassetlaw", "name": "Bassetlaw", "practices": [A_PRACTICE]}
    return {"effective": effective, "retire": [], "places": [new]} | extra


def test_reconfigure_roles_and_history(api) -> None:
    body = reconfiguration(retire=["E10000024"])
    county = api.get("/places/E10000024", as_of="2025-01-01").json()
    moved = {p["code"] for p in county["practice_list"]} - {A_PRACTICE}
    body["places"].append({"code": "E10000024", "name": county["name"], "practices": sorted(moved)})
    before = api.counts()
    api.refused(before, api.post("/places/reconfigure", body), 401, "Authorization")
    for role in REFUSED:
        api.refused(before, api.post("/places/reconfigure", body, role), 403, "role")
    reply = api.post("/places/reconfigure", body, Role.ANALYST)
    assert reply.status_code == 200, reply.text
    result = reply.json()
    assert (result["retired"], result["created"]) == (["E10000024"], ["bassetlaw", "E10000024"])
    assert {p["code"] for p in result["places"]} == {"E06000018", "E10000024", "bassetlaw"}
    # The old configuration is still answerable, and no practice is in two places.
    assert [p["code"] for p in api.get("/places", as_of="2025-03-31").json()] == [
        "E06000018",
        "E10000024",
    ]
    versions = api.get("/places/E10000024", as_of="2025-04-01").json()["versions"]
    assert [(v["valid_from"], v["valid_to"]) for v in versions] == [
        ("2022-07-01", "2025-04-01"),
        ("2025-04-01", None),
    ]
    assert api.get("/validation", as_of="2025-04-01").json()["ok"] is True
    practice = api.get(f"/practices/{A_PRACTICE}", as_of="2025-04-01").json()
    assert practice["places"] == [{"code": "bassetlaw", "name": "Bassetlaw"}]
    assert len(api.get("/places", history="true").json()) == 4
    entry = next(e for e in api.audit() if e["resource"] == "places")
    assert entry["detail"]["use_case"] == "reconfigure"
    assert entry["actor"] == "analyst-user"


@pytest.mark.parametrize(
    ("body", "status", "input_name"),
    [
        # Reversed dates: retiring a place on or before the day it started.
        (reconfiguration("2022-07-01", retire=["E06000018"]), 409, "effective"),
        (reconfiguration("2021-01-01", retire=["E06000018"]), 404, "retire"),
        (reconfiguration(retire=["nowhere"]), 404, "retire"),
        (reconfiguration(places=[]), 400, "places"),
        (
            reconfiguration(places=[{"code": "x", "name": "X", "practices": [ELSEWHERE]}]),
            400,
            "practices",
        ),
        (
            reconfiguration(places=[{"code": "E06000018", "name": "N", "practices": [A_PRACTICE]}]),
            409,
            "code",
        ),
        (reconfiguration("2025-4-1"), 422, "effective"),
        (reconfiguration(places=[{"name": "No code"}]), 422, "places[0].code"),
    ],
    ids=[
        "retire-on-start",
        "retire-before-start",
        "unknown-place",
        "nothing",
        "other-icb-practice",
        "code-in-force",
        "malformed-date",
        "missing-code",
    ],
)
def test_bad_reconfiguration_is_refused_and_writes_nothing(api, body, status, input_name) -> None:
    before = api.counts()
    reply = api.post("/places/reconfigure", body, Role.ADMIN)
    api.refused(before, reply, status, input_name)


def trust(**extra: object) -> dict[str, object]:
    name = "Nottingham University Hospitals NHS Trust"
    return {"code": "RX1", "name": name, "kind": "NHS trust", "ods_code": "RX1"} | extra


def test_add_organisation_roles_and_audit(api) -> None:
    before = api.counts()
    api.refused(before, api.post("/organisations", trust()), 401, "Authorization")
    for role in REFUSED:
        api.refused(before, api.post("/organisations", trust(), role), 403, "role")
    reply = api.post("/organisations", trust(), Role.ANALYST)
    assert reply.status_code == 201, reply.text
    assert reply.json() == {
        "code": "RX1",
        "name": "Nottingham University Hospitals NHS Trust",
        "kind": "NHS trust",
        "ods_code": "RX1",
        "gss_code": None,
        "parent_code": None,
    }
    reply = api.post(
        "/organisations",
        trust(
            code="healthwatch-notts",
            name="Healthwatch Nottingham",
            kind="Healthwatch",
            ods_code=None,
        ),
        Role.ADMIN,
    )
    assert reply.status_code == 201, reply.text
    assert api.counts()["organisations"] == before["organisations"] + 2
    codes = {o["code"] for o in api.get("/organisations").json()}
    assert {"RX1", "healthwatch-notts"} <= codes
    entries = [e for e in api.audit() if e["resource"].startswith("organisations/")]
    assert [e["actor"] for e in entries] == ["admin-user", "analyst-user"]


@pytest.mark.parametrize(
    ("body", "status", "input_name"),
    [
        (trust(code="QT1"), 409, "code"),
        (trust(code="E06000018"), 409, "code"),
        (trust(kind="primary care network"), 422, "kind"),
        (trust(kind="hospital"), 422, "kind"),
        (trust(name=" "), 422, "name"),
        (trust(code=""), 422, "code"),
        (trust(code="x" * 41), 422, "code"),
        (trust(gss_code="W06000001x"), 422, "gss_code"),
    ],
    ids=[
        "icb-code",
        "council-code",
        "reference-kind",
        "unknown-kind",
        "blank-name",
        "empty-code",
        "long-code",
        "bad-gss",
    ],
)
def test_bad_organisation_is_refused_and_writes_nothing(api, body, status, input_name) -> None:
    before = api.counts()
    api.refused(before, api.post("/organisations", body, Role.ADMIN), status, input_name)
