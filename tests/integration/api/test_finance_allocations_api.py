"""The fair-shares allocation endpoints: public reads on published data and on an upload,
per role, with bad input refused in the common error shape and nothing written. Expected
figures are NHS England's, read raw from the published tidy files."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from integrated_care.access import Role

ALLOCATIONS = Path("/work/shared/data/allocations")
ROLES = [None, *Role]


def published(year: str) -> Path:
    path = ALLOCATIONS / f"icb_allocations_{year.replace('/', '_')}.csv"
    if not path.exists():
        pytest.skip(f"published data not found at {path}")
    return path


def recurrent(year: str, stream: str) -> dict[str, Decimal]:
    with published(year).open(encoding="utf-8", newline="") as handle:
        return {
            r["icb_ods_code"]: Decimal(r["recurrent_allocation_k"])
            for r in csv.DictReader(handle)
            if r["stream"] == stream
        }


def lines(body: dict[str, Any], stream: str) -> dict[str, dict[str, Any]]:
    block = next(s for s in body["streams"] if s["stream"] == stream)
    return {line["icb_ods_code"]: line for line in block["lines"]}


def upload(api: Any, content: bytes, policy: str, role: Role | None = None, **form: str) -> Any:
    return api.client.post(
        "/api/v1/finance/allocations/compute",
        files={"allocations": ("mine.csv", content, "text/csv")},
        data={"policy": policy, **form},
        headers=api.auth(role),
    )


@pytest.mark.parametrize("role", ROLES, ids=lambda r: "anonymous" if r is None else r.value)
def test_published_allocations_are_public_for_every_role(api: Any, role: Role | None) -> None:
    before = api.counts()
    reply = api.get("/finance/allocations", role, year="2024/25", stream="core")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["year"], body["policy"]) == ("2024/25", "2024-25")
    found = {c: Decimal(line["recurrent_allocation_k"]) for c, line in lines(body, "core").items()}
    assert found == recurrent("2024/25", "core")
    assert api.counts() == before


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_published_pmc_differences_are_zero(api: Any, year: str) -> None:
    body = api.get("/finance/allocations", year=year, stream="pmc").json()
    block = body["streams"][0]
    assert (block["icbs"], Decimal(block["max_abs_difference_k"])) == (42, 0)
    qt1 = lines(body, "pmc")["QT1"]
    assert Decimal(qt1["published_recurrent_allocation_k"]) == recurrent(year, "pmc")["QT1"]
    assert qt1["difference_k"] == "0"


def test_all_streams_at_once(api: Any) -> None:
    body = api.get("/finance/allocations", year="2023/24", stream="all").json()
    assert [s["stream"] for s in body["streams"]] == ["core", "pmc", "other_primary_care", "rca"]


@pytest.mark.parametrize(
    ("params", "input_name"),
    [({"year": "2025/26"}, "year"), ({"year": "24/25"}, "year"), ({"stream": "dental"}, "stream")],
)
def test_bad_queries_are_refused(api: Any, params: dict[str, str], input_name: str) -> None:
    api.error(api.get("/finance/allocations", **params), 400, input_name)


def test_a_wrong_token_is_refused(api: Any) -> None:
    reply = api.client.get(
        "/api/v1/finance/allocations", headers={"Authorization": "Bearer not-a-token"}
    )
    assert reply.status_code == 401


@pytest.mark.parametrize("role", [None, Role.PARTNER, Role.FINANCE])
def test_compute_from_an_upload_with_a_packaged_policy(api: Any, role: Role | None) -> None:
    before = api.counts()
    reply = upload(api, published("2023/24").read_bytes(), "2023-24", role, stream="core")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["file"] == "mine.csv"
    found = {c: Decimal(line["recurrent_allocation_k"]) for c, line in lines(body, "core").items()}
    assert found == recurrent("2023/24", "core")
    assert api.counts() == before  # a computation writes nothing


def test_compute_with_a_policy_document(api: Any) -> None:
    policy = {
        "format": "ics-allocation-policy/1",
        "year": "2024/25",
        "streams": {
            "core": {
                "method": "multiplicative",
                "below_target": {"share_closed": "0"},
                "above_target": {"share_closed": "0"},
                "round_to_k_places": 0,
            }
        },
    }
    reply = upload(api, published("2024/25").read_bytes(), json.dumps(policy))
    assert reply.status_code == 200, reply.text
    qt1 = lines(reply.json(), "core")["QT1"]
    # No convergence: N&N's baseline £2,055,233.061k x (1 + 3.324123%) = £2,123,552k.
    assert qt1["recurrent_allocation_k"] == "2123552"
    assert qt1["convergence"] == "0.000000000000"


@pytest.mark.parametrize(
    ("content", "policy", "status", "input_name", "words"),
    [
        (b"allocation_year,stream\n2024/25,core\n", "2024-25", 400, "mine.csv", "icb_ods_code"),
        (b"\xff\xfe\x00", "2024-25", 400, "allocations", "not UTF-8"),
        (None, "nonesuch", 400, "policy", "No packaged policy"),
        (None, "/etc/passwd", 400, "policy", "No packaged policy"),
        (None, '{"format": "x", "year": "2024/25", "streams": {}}', 400, "policy", "format"),
        (None, "2025-26", 400, "policy", "is for 2025/26"),
    ],
)
def test_compute_refuses_bad_input(
    api: Any, content: bytes | None, policy: str, status: int, input_name: str, words: str
) -> None:
    before = api.counts()
    data = published("2024/25").read_bytes() if content is None else content
    body = api.refused(before, upload(api, data, policy), status, input_name)
    assert words in body["message"]


def test_compute_needs_a_file(api: Any) -> None:
    reply = api.client.post("/api/v1/finance/allocations/compute", data={"policy": "2024-25"})
    api.error(reply, 422)


def test_targets_give_need_indices(api: Any) -> None:
    reply = api.get("/finance/targets", year="2026/27")
    assert reply.status_code == 200, reply.text
    icbs = {icb["icb_ods_code"]: icb for icb in reply.json()["icbs"]}
    # Research note section 7.3: T01 Central East core 0.908, PMC 0.932.
    assert (icbs["T01"]["need_index"]["core"], icbs["T01"]["need_index"]["pmc"]) == (
        "0.908",
        "0.932",
    )
    assert len(icbs) == 36
    api.error(api.get("/finance/targets", year="2025/26"), 400, "year")
