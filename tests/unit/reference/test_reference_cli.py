"""``ics reference info`` through Typer's test runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from integrated_care.cli.reference import app
from integrated_care.reference.catalogue import DATASETS

runner = CliRunner()


def test_info_prints_a_table() -> None:
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    assert "practices" in result.output
    assert "6,196" in result.output
    assert "33,755" in result.output


def test_info_json_lists_every_dataset_with_rows() -> None:
    result = runner.invoke(app, ["info", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [item["name"] for item in payload] == [d.name for d in DATASETS]
    by_name = {item["name"]: item for item in payload}
    assert by_name["icbs"]["rows"] == 42
    assert by_name["practices"]["rows"] == 6_196
    assert by_name["practices"]["publisher"] == "NHS England"
    assert all(item["rows"] == item["expected_rows"] for item in payload)
