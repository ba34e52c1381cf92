"""Rule sets: loaded from a file or by packaged name, every version kept, assigned to a body.
A malformed rule set is refused with the faulty field named and nothing recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.unit.services.governance.conftest import RowCounts, read, refused, run

from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.governance.model import BodyKind
from integrated_care.services.governance import bodies, rulesets
from integrated_care.workspace import Workspace

NOTTINGHAM = "NHS Nottingham and Nottinghamshire ICB board"


def majority(version: int = 1, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "committee rules",
        "version": version,
        "quorum": {"min_present": 3},
        "default_rule": {"id": "majority", "kind": "majority"},
    }
    return data | changes


def test_a_packaged_rule_set_is_stored_under_its_own_name_and_version(qt1: Workspace) -> None:
    stored = run(qt1, rulesets.load_packaged, "nottingham_icb_board")
    assert (stored.name, stored.version, stored.created) == (NOTTINGHAM, 1, True)
    assert len(stored.digest) == 64
    assert stored.rule_set.casting_vote is True
    # The packaged file name and the stored name both find it.
    assert read(qt1, rulesets.get_rule_set, "nottingham_icb_board").digest == stored.digest
    assert read(qt1, rulesets.get_rule_set, NOTTINGHAM).version == 1


def test_loading_the_same_version_again_changes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    run(qt1, rulesets.load_packaged, "nottingham_icb_board")
    before = row_counts(qt1.engine)
    again = run(qt1, rulesets.load_packaged, "nottingham_icb_board")
    assert again.created is False
    assert row_counts(qt1.engine) == before


def test_a_changed_rule_set_under_a_stored_version_is_refused(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    run(qt1, rulesets.load_rule_set, majority())
    changed = majority(quorum={"min_present": 2})
    refused(qt1, row_counts, Conflict, "never overwritten", rulesets.load_rule_set, changed)


def test_a_new_version_is_kept_beside_the_old_one(qt1: Workspace) -> None:
    run(qt1, rulesets.load_rule_set, majority())
    run(qt1, rulesets.load_rule_set, majority(2, quorum={"min_present": 2}))
    versions = [(s.name, s.version) for s in read(qt1, rulesets.list_rule_sets)]
    assert versions == [("committee rules", 1), ("committee rules", 2)]
    assert read(qt1, rulesets.get_rule_set, "committee rules").version == 2
    old = read(qt1, rulesets.get_rule_set, "committee rules", 1)
    assert old.rule_set.quorum.min_present == 3


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (majority(version=0), "'version'"),
        (majority(quorum={"min_present": -1}), "'quorum.min_present'"),
        (majority(default_rule={"id": "q", "kind": "qualified"}), "'default_rule.threshold'"),
        (majority(default_rule={"id": "m", "kind": "majority", "treshold": "2/3"}), "treshold"),
        (
            majority(
                selectors=[
                    {
                        "when": {"decision_types": ["contract award"]},
                        "rule": {"id": "u", "kind": "unanimity", "mode": "weak"},
                    }
                ]
            ),
            "Provider Selection Regime",
        ),
        ({"name": "no quorum or rule", "version": 1}, "'quorum'"),
    ],
)
def test_a_malformed_rule_set_is_refused_naming_the_field_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts, data: dict[str, Any], match: str
) -> None:
    refused(qt1, row_counts, InvalidInput, match, rulesets.load_rule_set, data)


def test_rule_set_files_that_cannot_be_read_are_refused(
    qt1: Workspace, row_counts: RowCounts, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", ', encoding="utf-8")
    refused(qt1, row_counts, InvalidInput, "not valid JSON", rulesets.load_file, broken)
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    refused(qt1, row_counts, InvalidInput, "not a JSON object", rulesets.load_file, listed)
    refused(qt1, row_counts, InvalidInput, "Cannot read", rulesets.load_file, tmp_path / "none")


def test_a_rule_set_file_is_loaded(qt1: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(majority()), encoding="utf-8")
    assert run(qt1, rulesets.load_file, path).name == "committee rules"


def test_an_unknown_packaged_name_suggests_the_closest(qt1: Workspace) -> None:
    with pytest.raises(NotFound) as error:
        run(qt1, rulesets.load_packaged, "nottingham_board")
    assert "nottingham_icb_board" in error.value.suggestions


def test_assigning_pins_a_version_and_later_versions_need_a_new_assignment(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    run(qt1, rulesets.load_rule_set, majority())
    spec = bodies.BodySpec("audit", "Audit committee", BodyKind.COMMITTEE)
    run(qt1, bodies.create_body, spec)
    assert run(qt1, rulesets.assign_rule_set, "audit", "committee rules").version == 1
    run(qt1, rulesets.load_rule_set, majority(2))
    assert read(qt1, bodies.get_body, "audit").rule_set_version == 1
    run(qt1, rulesets.assign_rule_set, "audit", "committee rules", 2)
    assert read(qt1, bodies.get_body, "audit").rule_set_version == 2
    refused(
        qt1,
        row_counts,
        NotFound,
        "Unknown version",
        rulesets.assign_rule_set,
        "audit",
        "committee rules",
        3,
    )
