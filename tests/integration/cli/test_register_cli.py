"""``ics register``: export, verify, public-key, checkpoint, show, prove and reveal-due.

The register's sub-app is mounted on a bare root here, as ``ics register`` mounts it. The
database is passed through ``ICS_DATABASE_URL`` on both backends.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from integrated_care.cli import register
from integrated_care.governance.register.checkpoints import verify_tlog_proof
from integrated_care.governance.register.entries import Event
from integrated_care.governance.register.store import RegisterStore
from integrated_care.governance.register.verify import parse_public_key
from integrated_care.workspace import Workspace

AT = datetime(2024, 5, 1, 10, tzinfo=UTC)
root = typer.Typer()
root.add_typer(register.app, name="register")


@dataclass
class Ics:
    ws: Workspace
    runner: CliRunner

    def __call__(self, *args: str, workspace: bool = True) -> Result:
        extra = ["--workspace", str(self.ws.path)] if workspace else []
        env = {"ICS_DATABASE_URL": self.ws.database_url, "ICS_REGISTER_KEY": None}
        return self.runner.invoke(root, ["register", *args, *extra], env=env)

    def record(self, events: list[Event]) -> None:
        store = RegisterStore.for_workspace(self.ws.path, checkpoint_every=4)
        with self.ws.uow() as uow:
            store.append_many(uow.session, "QT1", events)
            uow.commit()

    def key(self) -> str:
        result = self("public-key")
        assert result.exit_code == 0, result.output
        return result.stdout.strip()


def decision_events() -> list[Event]:
    proposal = {"proposal_id": "P-1", "title": "Outsourcing", "decision_type": "policy"}
    votes = [
        Event("vote", {"proposal_id": "P-1", "seat_id": f"S-{n}", "choice": c}, AT, "B")
        for n, c in enumerate(["for", "for", "against"])
    ]
    decision = {"proposal_id": "P-1", "carried": False, "tally": {"for": 2, "against": 1}}
    secret = Event("decision", {"x": 1}, AT, "B", private=True, reveal_after=date(2024, 6, 1))
    return [
        Event("proposal", proposal, AT, "B"),
        *votes,
        Event("decision", decision, AT, "B"),
        secret,
    ]


@pytest.fixture
def ics(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ics]:
    monkeypatch.delenv("ICS_REGISTER_KEY", raising=False)
    with workspace.uow() as uow:
        uow.structure.add_system("QT1", "E54000060", "NHS Nottingham and Nottinghamshire", "t")
        uow.commit()
    workspace.save_settings("QT1")
    return Ics(workspace, CliRunner())


def test_export_then_verify(ics: Ics, tmp_path: Path) -> None:
    ics.record(decision_events())
    target = tmp_path / "out" / "register.jsonl"
    result = ics("export", str(target))
    assert result.exit_code == 0, result.output
    assert "Exported 6 entries and 2 signed checkpoints" in result.stdout
    verified = ics("verify", str(target), "--public-key", ics.key(), workspace=False)
    assert verified.exit_code == 0, verified.output
    assert "Verified: 6 entries of QT1" in verified.stdout
    assert "1 still private" in verified.stdout
    as_json = ics("verify", str(target), "--public-key", ics.key(), "--json", workspace=False)
    report = json.loads(as_json.stdout)
    assert report["ok"]
    assert report["signed_size"] == 6
    assert report["unrevealed"] == [5]


def test_a_tampered_export_fails_with_exit_1(ics: Ics, tmp_path: Path) -> None:
    ics.record(decision_events())
    target = tmp_path / "register.jsonl"
    assert ics("export", str(target)).exit_code == 0
    target.write_bytes(target.read_bytes().replace(b'"against"', b'"for"'))
    result = ics("verify", str(target), "--public-key", ics.key(), workspace=False)
    assert result.exit_code == 1
    assert "Verification FAILED at line 2, entry seq 0" in result.stderr
    as_json = ics("verify", str(target), "--public-key", ics.key(), "--json", workspace=False)
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["failure"]["seq"] == 0


def test_the_wrong_key_fails(ics: Ics, tmp_path: Path) -> None:
    ics.record(decision_events())
    target = tmp_path / "register.jsonl"
    assert ics("export", str(target)).exit_code == 0
    other = RegisterStore.for_workspace(tmp_path / "elsewhere").signer
    assert other is not None
    result = ics("verify", str(target), "--public-key", other.public_key_b64, workspace=False)
    assert result.exit_code == 1
    assert "different public key" in result.stderr


def test_verify_refuses_bad_arguments_with_exit_2(ics: Ics, tmp_path: Path) -> None:
    missing = ics(
        "verify", str(tmp_path / "none.jsonl"), "--public-key", ics.key(), workspace=False
    )
    assert missing.exit_code == 2
    assert "No export file" in missing.stderr
    target = tmp_path / "register.jsonl"
    target.write_text("")
    garbage = ics("verify", str(target), "--public-key", "not-a-key", workspace=False)
    assert garbage.exit_code == 2
    assert "Cannot read the public key" in garbage.stderr


@pytest.mark.parametrize("form", ["base64", "pem", "vkey"])
def test_every_public_key_form_verifies(ics: Ics, tmp_path: Path, form: str) -> None:
    ics.record(decision_events())
    target = tmp_path / "register.jsonl"
    assert ics("export", str(target)).exit_code == 0
    printed = ics("public-key", "--format", form)
    assert printed.exit_code == 0
    key_file = tmp_path / "key.txt"
    key_file.write_text(printed.stdout)
    result = ics("verify", str(target), "--public-key", str(key_file), workspace=False)
    assert result.exit_code == 0, result.output
    key = ics.ws.path / "register-signing-key.pem"
    assert key.exists()
    assert key.stat().st_mode & 0o777 == 0o600


def test_export_without_a_new_checkpoint_reports_the_unsigned_tail(
    ics: Ics, tmp_path: Path
) -> None:
    ics.record(decision_events())
    target = tmp_path / "register.jsonl"
    result = ics("export", str(target), "--no-checkpoint")
    assert result.exit_code == 0
    assert "2 entries after the last checkpoint" in result.stdout
    verified = ics("verify", str(target), "--public-key", ics.key(), workspace=False)
    assert verified.exit_code == 0
    assert "not yet signed" in verified.stdout


def test_popolo_and_csv_exports(ics: Ics, tmp_path: Path) -> None:
    ics.record(decision_events())
    assert ics("export", str(tmp_path / "p.json"), "--format", "popolo").exit_code == 0
    document = json.loads((tmp_path / "p.json").read_text())
    assert document["motions"][0]["id"] == "P-1"
    assert document["motions"][0]["result"] == "fail"
    assert document["vote_events"][0]["counts"][1] == {"option": "no", "value": 1}
    assert ics("export", str(tmp_path / "e.csv"), "--format", "csv").exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "e.csv").read_text())))
    assert [r["type"] for r in rows] == ["proposal", "vote", "vote", "vote", "decision", "decision"]


def test_checkpoint_show_and_prove(ics: Ics) -> None:
    ics.record(decision_events())
    made = ics("checkpoint")
    assert made.exit_code == 0
    assert made.stdout.startswith("integrated-care/QT1/register\n6\n")
    assert ics("checkpoint").stdout == made.stdout  # nothing new to sign
    shown = ics("show", "--last", "2", "--json")
    assert [e["seq"] for e in json.loads(shown.stdout)] == [4, 5]
    table = ics("show")
    assert table.exit_code == 0
    assert "6 entries, 6 signed" in table.stdout
    assert "private" in table.stdout
    proof = ics("prove", "3")
    assert proof.exit_code == 0
    assert proof.stdout.startswith("c2sp.org/tlog-proof@v1\nindex 3\n")
    details = json.loads(ics("prove", "3", "--json").stdout)
    origin = "integrated-care/QT1/register"
    key = parse_public_key(ics.key())
    assert verify_tlog_proof(proof.stdout, details["entry"].encode(), origin, key) == 3
    beyond = ics("prove", "6")
    assert beyond.exit_code == 2
    assert "not in the tree of size 6" in beyond.stderr


def test_prove_needs_a_checkpoint(ics: Ics) -> None:
    ics.record(decision_events()[:2])
    result = ics("prove", "0")
    assert result.exit_code == 2
    assert "no checkpoint yet" in result.stderr


def test_reveal_due(ics: Ics, tmp_path: Path) -> None:
    ics.record(decision_events())
    early = ics("reveal-due", "--as-of", "2024-05-31")
    assert early.exit_code == 0
    assert "Revealed 0 private items" in early.stdout
    due = ics("reveal-due", "--as-of", "2024-06-01")
    assert due.exit_code == 0
    assert "Revealed 1 private items: seq [6]" in due.stdout
    target = tmp_path / "register.jsonl"
    assert ics("export", str(target)).exit_code == 0
    verified = ics("verify", str(target), "--public-key", ics.key(), "--json", workspace=False)
    report = json.loads(verified.stdout)
    assert report["ok"]
    assert report["reveals"] == 1
    assert report["unrevealed"] == []
    assert ics("reveal-due", "--as-of", "June").exit_code == 2


def test_commands_need_a_workspace(ics: Ics, tmp_path: Path) -> None:
    env = {"ICS_DATABASE_URL": ics.ws.database_url}
    result = ics.runner.invoke(
        root, ["register", "show", "--workspace", str(tmp_path / "nowhere")], env=env
    )
    assert result.exit_code == 2
    assert "No workspace" in result.stderr
