"""``ics governance`` end to end on SQLite and PostgreSQL: a board, its rules, a meeting, an
agenda, interests and votes; every bad input exits 2 with one clear message and leaves every
table (the register's included) unchanged.

The group is invoked directly (``cli.governance.app``), as ``ics governance`` runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.cli.conftest import Cli
from typer.testing import Result

from integrated_care.cli.governance import app as governance

CITY = "E06000018"
SEATS = [
    ["chair", "--type", "chair", "--title", "Chair", "--holder", "Chair (illustrative)",
     "--organisation", "QT1", "--class", "nhs"],
    ["ceo", "--type", "chief executive", "--title", "Chief Executive",
     "--holder", "Chief Executive (illustrative)", "--organisation", "QT1", "--class", "nhs"],
    ["partner-city", "--type", "partner member: local authority",
     "--title", "Partner member: Nottingham City Council",
     "--holder", "Councillor A (illustrative)",
     "--organisation", CITY, "--nominated-by", CITY, "--class", "local_authority",
     "--class", "councillor"],
    ["nem", "--type", "non-executive member", "--title", "Non-executive member",
     "--holder", "Non-executive member (illustrative)", "--organisation", "QT1", "--class", "nhs"],
    ["dph", "--type", "participant", "--title", "Director of Public Health",
     "--holder", "Director of Public Health (illustrative)", "--organisation", CITY,
     "--non-voting", "--class", "director_of_public_health"],
]  # fmt: skip


def gov(cli: Cli, *args: str) -> Result:
    return cli.runner.invoke(governance, [*args, "--workspace", str(cli.path)], env=cli.env)


def ok(cli: Cli, *args: str) -> Result:
    result = gov(cli, *args)
    assert result.exit_code == 0, result.output
    return result


def refused(cli: Cli, message: str, *args: str) -> Result:
    before = cli.row_counts()
    result = gov(cli, *args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.output
    assert message in " ".join(result.output.split()), result.output
    assert cli.row_counts() == before
    return result


@pytest.fixture
def board(qt1: Cli) -> Cli:
    """A small board under the Nottingham rule set, a meeting with two proposals, published
    in time, with everyone but the non-executive member present."""
    ok(qt1, "rules", "load", "--name", "nottingham_icb_board")
    ok(
        qt1,
        "bodies",
        "create",
        "icb-board",
        "--name",
        "NHS Nottingham and Nottinghamshire ICB board",
        "--kind",
        "ICB board",
        "--rule-set",
        "nottingham_icb_board",
    )
    for seat in SEATS:
        ok(qt1, "seats", "appoint", "icb-board", *seat, "--from", "2025-04-01")
    ok(
        qt1,
        "meetings",
        "create",
        "icb-board",
        "--at",
        "2025-06-12T09:30",
        "--location",
        "Council House, Nottingham",
    )
    ok(
        qt1,
        "items",
        "add",
        "1",
        "5",
        "--title",
        "Community diagnostics policy",
        "--proposal",
        "Commission from any qualified provider",
        "--decision-type",
        "policy",
        "--flag",
        "may_result_in_privatisation_or_outsourcing",
        "--topic",
        "community diagnostic services",
    )
    ok(
        qt1,
        "items",
        "add",
        "1",
        "6",
        "--title",
        "Community diagnostics contract",
        "--proposal",
        "Award the contract",
        "--decision-type",
        "contract award",
        "--flag",
        "may_result_in_privatisation_or_outsourcing",
        "--organisation",
        "QT1",
    )
    ok(qt1, "meetings", "publish", "1", "--at", "2025-06-04T12:00")
    ok(qt1, "meetings", "attend", "1", "chair", "ceo", "partner-city", "dph")
    ok(qt1, "meetings", "apologies", "1", "nem")
    return qt1


def test_the_nottingham_rule_stops_the_policy_but_not_the_award(board: Cli) -> None:
    for item in ("5", "6"):
        ok(board, "vote", "open", "1", item)
        ok(board, "vote", "cast", "1", item, "chair", "for")
        ok(board, "vote", "cast", "1", item, "ceo", "for")
        ok(board, "vote", "cast", "1", item, "partner-city", "against")
    policy = json.loads(ok(board, "vote", "close", "1", "5", "--json").stdout)
    assert (policy["carried"], policy["rule_id"]) == (False, "unanimity-for-outsourcing")
    # The organisation is named as the workspace names it (reference data: "Nottingham").
    assert (
        "Nottingham Council (Councillor A (illustrative)) voted against" in (policy["explanation"])
    )
    award = ok(board, "vote", "close", "1", "6")
    text = " ".join(award.output.split())
    assert "Carried under NHS Nottingham and Nottinghamshire ICB board v1" in text
    assert "Provider Selection Regime 2023" in text
    shown = json.loads(ok(board, "proposals", "show", "2", "--json").stdout)
    assert shown["decision"]["tally"]["for"] == 2
    assert [v["seat_id"] for v in shown["votes"]] == ["chair", "ceo", "partner-city"]
    meeting = json.loads(ok(board, "meetings", "show", "1", "--json").stdout)
    assert [i["proposal"]["carried"] for i in meeting["items"]] == [False, True]
    assert meeting["clear_days"] == 7


def test_bodies_and_seats_are_listed_with_the_composition_check(board: Cli) -> None:
    shown = json.loads(
        ok(board, "bodies", "show", "icb-board", "--as-of", "2025-06-12", "--json").stdout
    )
    assert len(shown["seats"]) == 5
    unmet = {u["rule_id"] for u in shown["composition"]["unmet"]}
    assert "icb-finance-director" in unmet
    assert "icb-chair" not in unmet
    human = " ".join(
        ok(board, "bodies", "show", "icb-board", "--as-of", "2025-06-12").output.split()
    )
    assert "ICB board needs at least one director of finance; it has none on 2025-06-12" in human
    listed = json.loads(
        ok(board, "seats", "list", "icb-board", "--as-of", "2025-06-12", "--json").stdout
    )
    assert [s["seat_id"] for s in listed][:2] == ["chair", "ceo"]
    ok(board, "seats", "end", "nem", "--effective", "2025-09-01", "--reason", "resigned")
    later = json.loads(
        ok(board, "seats", "list", "icb-board", "--as-of", "2025-09-01", "--json").stdout
    )
    assert "nem" not in [s["seat_id"] for s in later]
    assert json.loads(ok(board, "bodies", "list", "--json").stdout)[0]["rule_set_version"] == 1


def test_rules_are_shown_and_listed(board: Cli) -> None:
    shown = json.loads(ok(board, "rules", "show", "nottingham_icb_board", "--json").stdout)
    assert shown["version"] == 1
    assert shown["data"]["selectors"][0]["rule"]["mode"] == "weak"
    assert "NHS Nottingham" in ok(board, "rules", "list").output
    ok(board, "rules", "load", "--name", "standard_majority")
    assigned = ok(board, "rules", "assign", "icb-board", "standard_majority")
    assert "now decides under" in assigned.output
    body = json.loads(ok(board, "bodies", "list", "--json").stdout)[0]
    assert body["rule_set"] != shown["name"]
    meetings = json.loads(ok(board, "meetings", "list", "--json").stdout)
    assert [(m["meeting_id"], m["body"]) for m in meetings] == [(1, "icb-board")]


def test_an_interest_declared_recuses_the_member_from_the_matching_item(board: Cli) -> None:
    ok(
        board,
        "interests",
        "declare",
        "--seat",
        "partner-city",
        "--regime",
        "dpi",
        "--kind",
        "employment",
        "--description",
        "Works for a diagnostics provider.",
        "--topic",
        "Community diagnostic services",
        "--from",
        "2025-05-01",
    )
    listed = json.loads(ok(board, "interests", "list", "--as-of", "2025-06-12", "--json").stdout)
    assert listed[0]["regime"] == "Localism Act 2011 disclosable pecuniary interest"
    ok(board, "vote", "open", "1", "5")
    result = refused(
        board, "is recused from proposal 1", "vote", "cast", "1", "5", "partner-city", "against"
    )
    assert ".." not in result.output


def test_an_agenda_published_late_is_refused_unless_urgent(board: Cli) -> None:
    ok(board, "meetings", "create", "icb-board", "--at", "2025-07-10T09:30", "--location", "Online")
    ok(board, "items", "add", "2", "1", "--title", "Apologies")
    refused(
        board,
        "would be published late: 3 clear days before the meeting, 5 required",
        "meetings",
        "publish",
        "2",
        "--at",
        "2025-07-06T10:00",
    )
    urgent = ok(
        board,
        "meetings",
        "publish",
        "2",
        "--at",
        "2025-07-06T10:00",
        "--urgent",
        "Urgent capacity decision",
    )
    assert "LATE, for urgency: Urgent capacity decision" in " ".join(urgent.output.split())


def test_a_malformed_rule_set_file_is_refused(board: Cli, tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "name": "x",
                "version": 1,
                "quorum": {},
                "default_rule": {"id": "q", "kind": "qualified"},
            }
        )
    )
    refused(
        board, "Rule set field 'default_rule.threshold': is missing", "rules", "load", str(path)
    )
    refused(board, "Give a rule set file or --name", "rules", "load")


def test_votes_by_non_members_twice_or_after_close_are_refused(board: Cli) -> None:
    refused(board, "has not been opened", "vote", "cast", "1", "5", "chair", "for")
    ok(board, "vote", "open", "1", "5")
    refused(board, "'mayor' holds no seat on icb-board", "vote", "cast", "1", "5", "mayor", "for")
    refused(board, "is a non-voting seat", "vote", "cast", "1", "5", "dph", "for")
    refused(board, "sent apologies", "vote", "cast", "1", "5", "nem", "for")
    refused(board, "Unknown value 'maybe' for choice", "vote", "cast", "1", "5", "chair", "maybe")
    ok(board, "vote", "cast", "1", "5", "chair", "for")
    refused(board, "already voted 'for'", "vote", "cast", "1", "5", "chair", "against")
    ok(board, "vote", "close", "1", "5")
    refused(board, "no more votes can be cast", "vote", "cast", "1", "5", "ceo", "for")


def test_a_decision_on_a_non_quorate_meeting_is_refused(board: Cli) -> None:
    ok(board, "meetings", "create", "icb-board", "--at", "2025-07-10T09:30", "--location", "Online")
    ok(
        board,
        "items",
        "add",
        "2",
        "1",
        "--title",
        "Budget",
        "--proposal",
        "Approve the budget",
        "--decision-type",
        "budget",
    )
    ok(board, "meetings", "publish", "2", "--at", "2025-07-01T09:00")
    ok(board, "meetings", "attend", "2", "chair", "ceo")  # no local authority member
    ok(board, "vote", "open", "2", "1")
    ok(board, "vote", "cast", "2", "1", "chair", "for")
    refused(board, "the meeting is not quorate", "vote", "close", "2", "1")
    ok(board, "meetings", "attend", "2", "partner-city")
    assert "Carried" in ok(board, "vote", "close", "2", "1").output


def test_minutes_are_recorded_and_approved(board: Cli, tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text("The board met in public.", encoding="utf-8")
    ok(board, "meetings", "minutes", "1", "--file", str(path), "--approve")
    shown = json.loads(ok(board, "meetings", "show", "1", "--json").stdout)
    assert (shown["minutes"], shown["minutes_approved"]) == ("The board met in public.", True)
    refused(board, "already approved", "meetings", "minutes", "1", "--text", "Changed.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bodies", "show", "icb-bord"], "Did you mean: icb-board"),
        (["bodies", "create", "x", "--name", "X", "--kind", "cabinet"], "Unknown value 'cabinet'"),
        (["meetings", "create", "icb-board", "--at", "tomorrow", "--location", "x"],
         "Malformed date and time 'tomorrow'"),
        (["seats", "appoint", "icb-board", "obs", "--type", "observer", "--title", "Observer",
          "--holder", "Observer (illustrative)", "--from", "2025-04-01"],
         "Seat obs: participants and observers do not vote."),
        (["items", "add", "1", "7", "--title", "Late item"], "items cannot be added after"),
        (["meetings", "show", "9"], "Unknown meeting '9'"),
    ],
)  # fmt: skip
def test_other_bad_input_is_one_clear_error(board: Cli, args: list[str], message: str) -> None:
    refused(board, message, *args)
