"""Partnership bodies and membership: the lifecycle, roles, and refused changes writing nothing.

Recording membership is for board secretaries and admins (access.py); membership of a
public body is public, so reads need no sign-in.
"""

from __future__ import annotations

import pytest

from integrated_care.access import Role

RECORDERS = (Role.BOARD_SECRETARY, Role.ADMIN)
REFUSED = [r for r in Role if r not in RECORDERS]
COUNCIL = "E10000024"  # Nottinghamshire County Council (ONS GSS code)
CITY = "E06000018"  # Nottingham City Council, a unitary authority


def change(effective: str, organisation: str = COUNCIL, **extra: object) -> dict[str, object]:
    return {"organisation": organisation, "effective": effective} | extra


def test_bodies_are_the_icp_and_one_per_place(api) -> None:
    reply = api.get("/bodies")
    assert reply.status_code == 200, reply.text
    bodies = {b["code"]: b for b in reply.json()}
    places = {p["code"] for p in api.get("/places").json()}
    assert set(bodies) == {"ics-partnership"} | {f"{p}-partnership" for p in places}
    assert bodies["ics-partnership"]["kind"] == "ICS partnership"
    for code in places:
        assert bodies[f"{code}-partnership"]["place_code"] == code
        assert bodies[f"{code}-partnership"]["kind"] == "place partnership"


def test_only_board_secretary_and_admin_record(api) -> None:
    body = change("2022-07-01")
    before = api.counts()
    api.refused(before, api.post("/membership/join", body), 401, "Authorization")
    for role in REFUSED:
        api.refused(before, api.post("/membership/join", body, role), 403, "role")
    reply = api.post("/membership/join", body, Role.BOARD_SECRETARY)
    assert reply.status_code == 201, reply.text
    assert reply.json()["state"]["status"] == "member"
    reply = api.post("/membership/withdraw", change("2023-07-01"), Role.ADMIN)
    assert reply.status_code == 201, reply.text
    assert api.counts()["membership_events"] == before["membership_events"] + 2
    entries = [e for e in api.audit() if e["resource"] == f"membership/ics-partnership/{COUNCIL}"]
    assert [(e["actor"], e["detail"]["action"]) for e in entries] == [
        ("admin-user", "withdraw"),
        ("board-secretary-user", "join"),
    ]


def test_lifecycle_and_state_on_any_date(api) -> None:
    steps = [
        ("join", change("2022-07-01", conditions=["Sign the ICP terms of reference"])),
        ("suspend", change("2023-01-01", reason="Review of governance", planned_end="2023-06-01")),
        ("rejoin", change("2023-05-01", conditions=["Attend the joint committee"])),
        ("withdraw", change("2024-04-01", reason="Local government reorganisation")),
        ("join", change("2025-04-01")),
    ]
    for action, body in steps:
        reply = api.post(f"/membership/{action}", body, Role.BOARD_SECRETARY)
        assert reply.status_code == 201, reply.text
        recorded = reply.json()
        assert recorded["event"]["action"] == action
        assert recorded["state"]["since"] == body["effective"]
    api.post("/membership/join", change("2022-07-01", CITY), Role.ADMIN)

    def state(day: str) -> dict[str, object] | None:
        reply = api.get("/membership", as_of=day, organisation=COUNCIL)
        assert reply.status_code == 200, reply.text
        found = reply.json()["state"]
        return found[0] if found else None

    assert state("2022-06-30") is None
    joined = state("2022-07-01")
    assert joined["status"] == "member"
    assert joined["conditions"] == ["Sign the ICP terms of reference"]
    suspended = state("2023-02-01")
    assert (suspended["status"], suspended["reason"], suspended["planned_end"]) == (
        "suspended",
        "Review of governance",
        "2023-06-01",
    )
    assert suspended["description"] == (
        "suspended since 2023-01-01 (Review of governance); planned end 2023-06-01"
    )
    rejoined = state("2023-05-01")
    assert (rejoined["status"], rejoined["conditions"]) == (
        "member",
        ["Attend the joint committee"],
    )
    assert state("2024-04-01")["status"] == "withdrawn"
    assert state("2025-04-01")["status"] == "member"

    everything = api.get("/membership", as_of="2023-02-01").json()
    assert [e["action"] for e in everything["events"] if e["organisation"] == COUNCIL] == [
        "join",
        "suspend",
        "rejoin",
        "withdraw",
        "join",
    ]
    assert {s["organisation"]: s["status"] for s in everything["state"]} == {
        COUNCIL: "suspended",
        CITY: "member",
    }
    by_body = api.get("/membership", body=f"{CITY}-partnership").json()
    assert by_body["events"] == []
    assert by_body["state"] == []


def test_place_partnership_membership(api) -> None:
    reply = api.post(
        "/membership/join", change("2022-07-01", CITY, body=f"{CITY}-partnership"), Role.ADMIN
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["event"]["body"] == f"{CITY}-partnership"
    state = api.get("/membership", body="ics-partnership", as_of="2023-01-01").json()["state"]
    assert state == []  # joining the place partnership is not joining the ICP


JOINED = [("join", change("2022-07-01"))]
SUSPENDED = [*JOINED, ("suspend", change("2023-01-01", reason="Dispute"))]
WITHDRAWN = [*JOINED, ("withdraw", change("2023-01-01"))]


@pytest.mark.parametrize(
    ("history", "action", "body", "status", "input_name"),
    [
        ([], "suspend", change("2023-01-01", reason="Dispute"), 409, "action"),
        (JOINED, "rejoin", change("2023-01-01"), 409, "action"),
        ([], "rejoin", change("2023-01-01"), 409, "action"),
        (WITHDRAWN, "withdraw", change("2023-06-01"), 409, "action"),
        (SUSPENDED, "suspend", change("2023-06-01", reason="Again"), 409, "action"),
        (JOINED, "join", change("2023-01-01"), 409, "action"),
        (WITHDRAWN, "rejoin", change("2023-06-01"), 409, "action"),
        (JOINED, "withdraw", change("2022-06-30"), 409, "effective"),
        (JOINED, "withdraw", change("2022-07-01"), 409, "effective"),
        (
            JOINED,
            "suspend",
            change("2023-06-01", reason="x", planned_end="2023-01-01"),
            400,
            "planned_end",
        ),
        (
            JOINED,
            "suspend",
            change("2023-06-01", reason="x", planned_end="2023-06-01"),
            400,
            "planned_end",
        ),
        ([], "join", change("2023-01-01", planned_end="2024-01-01"), 400, "planned_end"),
        (JOINED, "suspend", change("2023-06-01"), 400, "reason"),
        (JOINED, "suspend", change("2023-06-01", reason="   "), 400, "reason"),
        (JOINED, "withdraw", change("2023-06-01", conditions=["x"]), 400, "conditions"),
        ([], "join", change("2023-01-01", organisation="RX1"), 404, "organisation"),
        ([], "join", change("2023-01-01", body="nhs-board"), 404, "body"),
        ([], "join", change("2023-13-01"), 422, "effective"),
        ([], "join", {"organisation": COUNCIL}, 422, "effective"),
        ([], "join", change("2023-01-01", planned_end="soon"), 422, "planned_end"),
        ([], "join", change("2023-01-01", conditions="attend"), 422, "conditions"),
        ([], "enrol", change("2023-01-01"), 422, "action"),
    ],
    ids=[
        "suspend-non-member",
        "rejoin-without-suspension",
        "rejoin-never-member",
        "withdraw-twice",
        "suspend-twice",
        "join-twice",
        "rejoin-after-withdrawal",
        "before-last-change",
        "same-day-as-last-change",
        "planned-end-before-start",
        "planned-end-on-start",
        "planned-end-on-join",
        "suspend-without-reason",
        "suspend-blank-reason",
        "conditions-on-withdraw",
        "unknown-organisation",
        "unknown-body",
        "malformed-date",
        "missing-date",
        "malformed-planned-end",
        "conditions-not-a-list",
        "unknown-action",
    ],
)
def test_refused_change_writes_nothing(api, history, action, body, status, input_name) -> None:
    for past_action, past in history:
        assert api.post(f"/membership/{past_action}", past, Role.ADMIN).status_code == 201
    before = api.counts()
    reply = api.post(f"/membership/{action}", body, Role.BOARD_SECRETARY)
    api.refused(before, reply, status, input_name)


def test_unknown_organisation_suggests_close_names(api) -> None:
    reply = api.post("/membership/join", change("2023-01-01", "nottinghamshire county"), Role.ADMIN)
    body = api.error(reply, 404, "organisation")
    assert "Nottinghamshire County Council" in body["message"]


def test_membership_read_filters_refuse_unknown_codes(api) -> None:
    api.error(api.get("/membership", organisation="RX1"), 404, "organisation")
    body = api.error(api.get("/membership", body="ics"), 404, "body")
    assert "ics-partnership" in body["message"]
