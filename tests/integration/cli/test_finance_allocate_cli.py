"""``ics finance allocate`` and ``ics finance targets`` end to end, in-process. These read
files and packaged data only (no workspace). Expected figures are NHS England's, read raw
from the published tidy files."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from integrated_care.cli.main import app

ALLOCATIONS = Path("/work/shared/data/allocations")


def ics(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def published(year: str) -> Path:
    path = ALLOCATIONS / f"icb_allocations_{year.replace('/', '_')}.csv"
    if not path.exists():
        pytest.skip(f"published data not found at {path}")
    return path


def published_recurrent(year: str, stream: str) -> dict[str, str]:
    with published(year).open(encoding="utf-8", newline="") as handle:
        return {
            r["icb_ods_code"]: r["recurrent_allocation_k"]
            for r in csv.DictReader(handle)
            if r["stream"] == stream
        }


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_allocate_json_reproduces_the_published_figures(year: str) -> None:
    result = ics(
        "finance", "allocate", "--allocations", str(published(year)),
        "--policy", year.replace("/", "-"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["year"] == year
    assert [s["stream"] for s in body["streams"]] == ["core", "pmc", "other_primary_care", "rca"]
    for stream in ("core", "pmc"):
        block = next(s for s in body["streams"] if s["stream"] == stream)
        computed = {line["icb_ods_code"]: line["recurrent_allocation_k"] for line in block["lines"]}
        expected = published_recurrent(year, stream)
        assert {c: Decimal(v) for c, v in computed.items()} == {
            c: Decimal(v) for c, v in expected.items()
        }
        assert block["icbs"] == 42
        assert Decimal(block["max_abs_difference_k"]) == 0
        assert block["overrides"] == []


def test_allocate_table_shows_rules_published_figures_and_a_summary() -> None:
    result = ics(
        "finance", "allocate", "--allocations", str(published("2024/25")),
        "--policy", "2024-25", "--stream", "core",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Nottingham and Nottinghamshire" in out
    assert "2,101,004" in out  # N&N core 2024/25, published £2,101,004k
    assert "above target: floored at -1.36%" in out
    assert "core: 42 ICBs; total £103,817,368k; published £103,817,368k" in out
    assert "max |difference| £0k; overrides: none" in out


def test_policy_may_be_a_path(tmp_path: Path) -> None:
    policy = {
        "format": "ics-allocation-policy/1",
        "year": "2024/25",
        "streams": {
            "pmc": {
                "method": "multiplicative",
                "below_target": {"share_closed": "0", "limit": "0"},
                "above_target": {"share_closed": "0", "limit": "0"},
                "round_to_k_places": 0,
                "overrides": {"QT1": {"convergence": "0.01", "reason": "a test override"}},
            }
        },
    }
    path = tmp_path / "no-convergence.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    result = ics(
        "finance", "allocate", "--allocations", str(published("2024/25")),
        "--policy", str(path), "--stream", "pmc",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "QT1*" in result.stdout
    assert "* QT1: override — a test override" in result.stdout
    assert "overrides: 1" in result.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("allocation_year,stream\n2024/25,core\n", "column 'icb_ods_code'"),
        (
            "allocation_year,stream,icb_ods_code,icb_name,baseline_k,fair_shares_target_k,base_growth\n"
            "2024/25,core,QT1,N&N,lots,100,0.03\n",
            "row 2, column 'baseline_k'",
        ),
    ],
)
def test_a_bad_file_is_one_error_and_a_non_zero_exit(
    tmp_path: Path, content: str, words: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = ics("finance", "allocate", "--allocations", str(path), "--policy", "2024-25")
    assert result.exit_code == 2
    assert words in result.output
    assert "bad.csv" in result.output
    assert result.stdout.count("Error:") + result.output.count("Error:") >= 1


def test_unknown_policy_and_stream_are_refused() -> None:
    path = str(published("2024/25"))
    result = ics("finance", "allocate", "--allocations", path, "--policy", "nonesuch")
    assert result.exit_code == 2
    assert "2025-26" in result.output  # the packaged names are listed
    result = ics(
        "finance", "allocate", "--allocations", path, "--policy", "2024-25", "--stream", "dental"
    )
    assert result.exit_code == 2
    assert "Unknown stream 'dental'" in result.output


def test_a_policy_for_another_year_is_refused() -> None:
    result = ics(
        "finance", "allocate", "--allocations", str(published("2024/25")), "--policy", "2025-26"
    )
    assert result.exit_code == 2
    assert "is for 2025/26" in result.output


def test_targets_json_gives_need_indices() -> None:
    result = ics("finance", "targets", "--year", "2026/27", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    icbs = {icb["icb_ods_code"]: icb for icb in body["icbs"]}
    assert len(icbs) == 36
    # Research note section 7.3: QT1 core 1.028, PMC 1.008; QHM 1.123 / 1.068.
    assert (icbs["QT1"]["need_index"]["core"], icbs["QT1"]["need_index"]["pmc"]) == (
        "1.028",
        "1.008",
    )
    assert (icbs["QHM"]["need_index"]["core"], icbs["QHM"]["need_index"]["pmc"]) == (
        "1.123",
        "1.068",
    )


def test_targets_table_and_bad_year() -> None:
    result = ics("finance", "targets", "--year", "2024/25")
    assert result.exit_code == 0, result.output
    assert "QT1" in result.stdout
    result = ics("finance", "targets", "--year", "2025/26")
    assert result.exit_code == 2
    assert "2025/26" in result.output
