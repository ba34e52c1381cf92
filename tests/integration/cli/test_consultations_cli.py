"""``ics governance consultations`` and ``ics governance plans`` through the command line, on
SQLite and PostgreSQL. Every refused command exits 2 with a clear message and leaves every
table's row count unchanged."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from integrated_care.cli import consultations, workflows

Cli = Any  # conftest.Cli: a command line bound to one workspace (path, env, row_counts)

TODAY = date.today()


def governance() -> typer.Typer:
    """The two command groups as the lead mounts them under ``ics governance``."""
    app = typer.Typer(no_args_is_help=True)
    app.add_typer(consultations.app, name="consultations")
    app.add_typer(workflows.app, name="plans")
    return app


def gov(cli: Cli, *args: str) -> Result:
    return CliRunner().invoke(governance(), [*args, "--workspace", str(cli.path)], env=cli.env)


def ok(cli: Cli, *args: str) -> Result:
    result = gov(cli, *args)
    assert result.exit_code == 0, result.output
    return result


def refused(cli: Cli, *args: str) -> str:
    before = cli.row_counts()
    result = gov(cli, *args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.output
    assert cli.row_counts() == before
    return " ".join(result.output.split())


@pytest.fixture
def consulting(qt1: Cli) -> Cli:
    ok(
        qt1,
        "consultations", "create", "place-plans",
        "--title", "Place plans", "--owner", "QT1",
        "--opens", (TODAY - timedelta(days=10)).isoformat(),
        "--closes", (TODAY + timedelta(days=30)).isoformat(),
        "-q", "Do you agree with the place plans?", "-q", "Should places hold budgets?",
    )  # fmt: skip
    return qt1


def test_create_list_and_add_questions(consulting: Cli) -> None:
    listed = json.loads(ok(consulting, "consultations", "list", "--json").stdout)
    assert [c["code"] for c in listed] == ["place-plans"]
    added = ok(consulting, "consultations", "questions", "place-plans", "--add", "A third?")
    assert "A third?" in added.stdout
    data = json.loads(ok(consulting, "consultations", "questions", "place-plans", "--json").stdout)
    assert [q["number"] for q in data["questions"]] == [1, 2, 3]
    assert data["owner"]["code"] == "QT1"


def test_respond_revise_and_report(consulting: Cli, tmp_path: Path) -> None:
    ok(consulting, "consultations", "respond", "place-plans", "--org", "E06000018",
       "-q", "1", "--stance", "agree", "--text", "Yes.")  # fmt: skip
    revised = ok(consulting, "consultations", "respond", "place-plans", "--org", "E06000018",
                 "-q", "1", "--stance", "disagree", "--text", "On reflection, no.",
                 "--json")  # fmt: skip
    assert json.loads(revised.stdout)["version"] == 2
    neutral = ok(consulting, "consultations", "respond", "place-plans", "--org", "E07000071",
                 "--external-name", "Colchester Borough Council",
                 "--external-kind", "district council",
                 "--external-gss", "E07000071", "-q", "1", "--stance", "neutral")  # fmt: skip
    assert "Recorded: E07000071 answered question 1 of place-plans: neutral." in " ".join(
        neutral.stdout.split()
    )
    report = json.loads(ok(consulting, "consultations", "report", "place-plans", "--json").stdout)
    q1 = report["questions"][0]
    assert q1["counts"] == {"agree": 0, "disagree": 1, "neutral": 1}
    assert q1["respondents"]["disagree"] == ["Nottingham Council"]
    assert report["questions"][1]["not_answered"] == [
        "Colchester Borough Council",
        "Nottingham Council",
    ]
    markdown = ok(consulting, "consultations", "report", "place-plans", "--markdown").stdout
    assert "| disagree | 1 | Nottingham Council |" in markdown
    table = ok(consulting, "consultations", "report", "place-plans").stdout
    assert "On reflection, no." in table
    out = tmp_path / "report.md"
    ok(consulting, "consultations", "report", "place-plans", "--output", str(out))
    assert out.read_text(encoding="utf-8") == markdown


def test_load_the_fixture_and_report_it(qt1: Cli) -> None:
    loaded = json.loads(ok(qt1, "consultations", "load-fixture", "--json").stdout)
    assert loaded["responses"] == 8
    assert {r["code"]: r["external"] for r in loaded["respondents"]} == {
        "E07000071": True,
        "E10000024": False,
    }
    report = json.loads(
        ok(qt1, "consultations", "report", "nhse-integrating-care-2020", "--json").stdout
    )
    assert [q["counts"]["agree"] for q in report["questions"]] == [2, 0, 1, 2]
    assert "already exists" in refused(qt1, "consultations", "load-fixture")


def test_bad_consultation_input_is_refused_and_writes_nothing(consulting: Cli) -> None:
    ok(consulting, "consultations", "create", "closed", "--title", "Closed", "--owner", "QT1",
       "--opens", "2020-11-26", "--closes", "2021-01-08", "-q", "Q?")  # fmt: skip
    respond = ("consultations", "respond", "--org", "E06000018", "--stance", "agree")
    assert "closed on 2021-01-08" in refused(consulting, *respond, "closed", "-q", "1")
    assert "Unknown question number '9'" in refused(consulting, *respond, "place-plans", "-q", "9")
    assert "Unknown stance 'yes'" in refused(
        consulting, "consultations", "respond", "place-plans", "--org", "E06000018",
        "-q", "1", "--stance", "yes",
    )  # fmt: skip
    assert "both --external-name and --external-kind" in refused(
        consulting, *respond, "place-plans", "-q", "1", "--external-name", "X"
    )
    assert "Malformed date '2025-13-01'" in refused(
        consulting, *respond, "place-plans", "-q", "1", "--on", "2025-13-01"
    )
    assert "Unknown consultation 'nope'" in refused(consulting, "consultations", "report", "nope")
    assert "closes (2020-01-01) before it opens" in refused(
        consulting, "consultations", "create", "x", "--title", "X", "--owner", "QT1",
        "--opens", "2020-02-01", "--closes", "2020-01-01",
    )  # fmt: skip


def test_plans_through_the_command_line(qt1: Cli) -> None:
    created = json.loads(ok(qt1, "plans", "create", "jfp", "--year", "2025/26", "--json").stdout)
    assert created["code"] == "jfp-2025-26"
    assert {h["code"] for h in created["hwbs"]} == {"E06000018", "E10000024"}
    message = refused(qt1, "plans", "approve", "jfp-2025-26")
    assert "cannot be approved yet" in message
    assert "Nottingham Health and Wellbeing Board (E06000018)" in message
    for hwb in ("E06000018", "E10000024"):
        ok(qt1, "plans", "opinion", "jfp-2025-26", "--hwb", hwb, "--statement", "Takes account.")
    ok(qt1, "plans", "approve", "jfp-2025-26", "--decision", "7")
    status = json.loads(ok(qt1, "plans", "status", "jfp-2025-26", "--json").stdout)
    assert status["state"] == "approved"
    assert status["approval"]["decision_ref"] == "7"
    assert len(status["hwb_statements"]) == 2

    ok(qt1, "plans", "create", "bcf", "--year", "2025/26", "--area", "E06000018")
    bcf = "bcf-E06000018-2025-26"
    assert "is not a party to the sign-off" in refused(
        qt1, "plans", "signoff", bcf, "--party", "E10000024"
    )
    ok(qt1, "plans", "signoff", bcf, "--party", "QT1")
    assert "no sign-off recorded from Nottingham Health and Wellbeing Board" in refused(
        qt1, "plans", "approve", bcf
    )
    ok(qt1, "plans", "signoff", bcf, "--party", "E06000018")
    ok(qt1, "plans", "approve", bcf)

    ok(qt1, "plans", "gate", "place", "--party", "E06000018", "--area", "E06000018",
       "--description", "the City HWB agrees the place plan before ICB approval")  # fmt: skip
    gates = json.loads(ok(qt1, "plans", "gates", "--json").stdout)
    assert gates[0]["party"] == "E06000018"
    ok(qt1, "plans", "create", "place", "--year", "2025/26", "--area", "E06000018")
    place = "place-E06000018-2025-26"
    assert "no local agreement recorded from" in refused(qt1, "plans", "approve", place)
    ok(qt1, "plans", "agree", place, "--party", "E06000018", "--statement", "Agreed.")
    ok(qt1, "plans", "approve", place)
    every = json.loads(ok(qt1, "plans", "status", "--json").stdout)
    assert {p["code"]: p["state"] for p in every} == {
        "jfp-2025-26": "approved",
        bcf: "approved",
        place: "approved",
    }
    assert "approved" in ok(qt1, "plans", "status").stdout
    assert "Unknown plan kind 'strategy'" in refused(
        qt1, "plans", "create", "strategy", "--year", "2025"
    )
