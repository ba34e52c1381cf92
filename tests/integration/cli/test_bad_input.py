"""Bad input through the ``ics`` command line: one clear message, a non-zero exit, no change.

Every refused command must exit non-zero without a traceback, print one error naming the
input and a line saying what was expected, and leave every table's row count as it was
(the audit log included: a refused write is not a write).

The ``cli`` and ``qt1`` fixtures (conftest.py) run each test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from integrated_care.cli.main import app

Cli = Any  # conftest.Cli: a callable command line bound to one workspace


def flat(text: str) -> str:
    """Output with line wrapping undone (Rich wraps long messages to the terminal width)."""
    return " ".join(text.split())


def assert_refused(result: Result, *fragments: str) -> None:
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # no traceback
    assert "Traceback" not in result.output
    err = flat(result.stderr)
    assert err.count("Error:") == 1, err
    assert "Expected:" in err, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def refused_without_change(cli: Cli, args: list[str], *fragments: str) -> None:
    before = cli.row_counts()
    assert before, "the workspace should hold a system"
    assert_refused(cli(*args), *fragments)
    assert cli.row_counts() == before


def join(cli: Cli, org: str, on: str, *extra: str) -> None:
    result = cli("members", "join", org, "--effective", on, *extra)
    assert result.exit_code == 0, result.output


# -- init ---------------------------------------------------------------------------------


def test_an_unknown_icb_is_refused_with_the_closest_codes_and_nothing_is_made(cli: Cli) -> None:
    before = cli.row_counts()
    result = cli("init", "--icb", "QT9")
    assert_refused(result, "Unknown ICB 'QT9'.", "Did you mean:", "QT1", "an ICB ODS code")
    assert not cli.path.exists()
    assert cli.row_counts() == before


def test_initialising_a_workspace_twice_is_refused_and_changes_nothing(qt1: Cli) -> None:
    refused_without_change(qt1, ["init", "--icb", "QT1"], "is already a workspace for QT1")


def test_a_malformed_start_date_for_default_places_is_refused_and_nothing_is_made(
    cli: Cli,
) -> None:
    result = cli("init", "--icb", "QT1", "--places-from", "2022-13-01")
    assert_refused(result, "Malformed date '2022-13-01' for --places-from", "YYYY-MM-DD")
    assert not cli.path.exists()
    assert cli.row_counts() == {}


def test_initialising_into_a_file_is_refused_and_the_file_is_left_alone(
    cli: Cli, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a workspace", encoding="utf-8")
    for target in (notes, notes / "workspace"):
        result = cli("init", "--icb", "QT1", workspace=target)
        assert_refused(result, "workspace", "Expected:")
        assert "".join(str(notes).split()) in "".join(result.stderr.split())
    assert notes.read_text(encoding="utf-8") == "not a workspace"
    assert cli.row_counts() == {}


# -- places -------------------------------------------------------------------------------


def define(*extra: str) -> list[str]:
    return ["places", "define", "city", "--name", "Nottingham City", *extra]


def test_an_unknown_practice_is_refused_naming_it(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        define("--effective", "2023-04-01", "--practice", "C84999"),
        "Unknown GP practice 'C84999'.",
        "Did you mean:",
    )


def test_a_practice_of_another_icb_is_refused_naming_that_icb(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        define("--effective", "2023-04-01", "--practice", "C84001", "--practice", "A81001"),
        "Practice A81001 belongs to NHS North East and North Cumbria Integrated Care Board",
        "Expected: practices of this ICB",
    )


def test_an_unknown_pcn_is_refused_naming_it(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        define("--effective", "2023-04-01", "--pcn", "U78529"),
        "Unknown PCN 'U78529'.",
        "U78528",
    )


def test_a_place_code_already_in_force_is_refused(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        [
            "places",
            "define",
            "E06000018",
            "--name",
            "Nottingham again",
            "--effective",
            "2023-04-01",
            "--pcn",
            "U78528",
        ],
        "Place 'E06000018' already exists for 2022-07-01 to open",
        "a code not already in use",
    )


def test_an_invalid_place_code_is_refused(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        [
            "places",
            "define",
            "nottingham city",
            "--name",
            "City",
            "--effective",
            "2023-04-01",
            "--pcn",
            "U78528",
        ],
        "Place code 'nottingham city' is not valid.",
        "letters, digits",
    )


def test_a_malformed_effective_date_for_a_place_is_refused(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        define("--effective", "1 April 2023", "--pcn", "U78528"),
        "Malformed date '1 April 2023' for --effective",
        "YYYY-MM-DD",
    )


def test_retiring_a_place_not_in_force_is_refused(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        ["places", "reconfigure", "--effective", "2023-04-01", "--retire", "E06000019"],
        "Unknown place in force on 2023-04-01 'E06000019'.",
        "E06000018",
    )


def test_a_reconfiguration_file_that_cannot_be_read_is_refused(qt1: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "new-places.json"
    broken.write_text('[{"code": "city", "name": ', encoding="utf-8")
    refused_without_change(
        qt1,
        ["places", "reconfigure", "--effective", "2023-04-01", "--new", str(broken)],
        "Cannot read places file",
        "a JSON list of places",
    )


def test_a_reconfiguration_with_a_bad_place_in_its_file_changes_nothing(
    qt1: Cli, tmp_path: Path
) -> None:
    places = tmp_path / "new-places.json"
    places.write_text(
        json.dumps(
            [
                {"code": "E06000018", "name": "Nottingham City", "pcns": ["U78528"]},
                {"code": "south", "name": "South Notts", "practices": ["A81001"]},
            ]
        ),
        encoding="utf-8",
    )
    refused_without_change(
        qt1,
        [
            "places",
            "reconfigure",
            "--effective",
            "2023-04-01",
            "--retire",
            "E06000018",
            "--new",
            str(places),
        ],
        "Practice A81001 belongs to NHS North East and North Cumbria Integrated Care Board",
    )


# -- membership ---------------------------------------------------------------------------


def test_suspending_a_non_member_is_refused(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        ["members", "suspend", "E06000018", "--effective", "2018-12-01", "--reason", "oversight"],
        "Cannot suspend:",
        "is not a member, so it cannot be suspended",
        "Expected: join",
    )


def test_rejoining_without_a_suspension_is_refused(qt1: Cli) -> None:
    join(qt1, "E06000018", "2018-04-01")
    refused_without_change(
        qt1,
        ["members", "rejoin", "E06000018", "--effective", "2019-04-17"],
        "Cannot rejoin:",
        "is a member and not suspended",
        "Expected: suspend or withdraw",
    )


def test_withdrawing_twice_is_refused(qt1: Cli) -> None:
    join(qt1, "E06000018", "2018-04-01")
    result = qt1("members", "withdraw", "E06000018", "--effective", "2019-01-01")
    assert result.exit_code == 0, result.output
    refused_without_change(
        qt1,
        ["members", "withdraw", "E06000018", "--effective", "2019-06-01"],
        "Cannot withdraw:",
        "has already withdrawn",
        "Expected: join",
    )


def test_a_suspension_planned_to_end_before_it_starts_is_refused(qt1: Cli) -> None:
    join(qt1, "E06000018", "2018-04-01")
    refused_without_change(
        qt1,
        [
            "members",
            "suspend",
            "E06000018",
            "--effective",
            "2018-12-01",
            "--reason",
            "lack of democratic oversight",
            "--planned-end",
            "2018-06-01",
        ],
        "The planned end of the suspension (2018-06-01) is not after it starts (2018-12-01).",
        "Expected: a date after the effective date",
    )


def test_a_membership_change_dated_before_the_last_one_is_refused(qt1: Cli) -> None:
    join(qt1, "E06000018", "2018-04-01")
    refused_without_change(
        qt1,
        [
            "members",
            "suspend",
            "E06000018",
            "--effective",
            "2018-03-01",
            "--reason",
            "lack of democratic oversight",
        ],
        "takes effect on 2018-03-01, which is not after the last recorded change "
        "(join on 2018-04-01)",
        "Expected: a date after 2018-04-01",
    )


def test_a_suspension_without_a_real_reason_is_refused(qt1: Cli) -> None:
    join(qt1, "E06000018", "2018-04-01")
    refused_without_change(
        qt1,
        ["members", "suspend", "E06000018", "--effective", "2018-12-01", "--reason", "   "],
        "A suspension needs a reason.",
        "the reason the organisation gave",
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--effective", "2019-02-30"),
        ("--effective", "17/04/2019"),
        ("--effective", "yesterday"),
        ("--planned-end", "2019-6-1x"),
    ],
)
def test_a_malformed_membership_date_is_refused_naming_the_option(
    qt1: Cli, option: str, value: str
) -> None:
    args = {"--effective": "2018-12-01", "--planned-end": "2019-06-01"} | {option: value}
    refused_without_change(
        qt1,
        [
            "members",
            "suspend",
            "E06000018",
            "--reason",
            "lack of democratic oversight",
            *(part for pair in args.items() for part in pair),
        ],
        f"Malformed date '{value}' for {option}",
        "a calendar date as YYYY-MM-DD",
    )


def test_an_unknown_organisation_is_refused_with_the_closest_codes_suggested(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        ["members", "join", "E06000019", "--effective", "2018-04-01"],
        "Unknown organisation 'E06000019'.",
        "E06000018",
    )


def test_an_unknown_partnership_body_is_refused_with_the_closest_codes_suggested(
    qt1: Cli,
) -> None:
    refused_without_change(
        qt1,
        ["members", "join", "E06000018", "--effective", "2018-04-01", "--body", "ics-partner"],
        "Unknown partnership body 'ics-partner'.",
        "ics-partnership",
    )


@pytest.mark.parametrize("code", ["[/x]", "[bold]E06000018"], ids=["closing-tag", "open-tag"])
def test_input_that_looks_like_terminal_markup_is_echoed_as_typed(qt1: Cli, code: str) -> None:
    refused_without_change(
        qt1,
        ["members", "join", code, "--effective", "2018-04-01"],
        f"Unknown organisation '{code}'.",
    )


def test_a_malformed_as_of_date_is_refused(qt1: Cli) -> None:
    refused_without_change(
        qt1,
        ["structure", "show", "--as-of", "2024-02-30"],
        "Malformed date '2024-02-30' for --as-of",
    )


# -- unreadable workspaces ----------------------------------------------------------------


def test_a_missing_workspace_folder_is_refused_and_not_created(qt1: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-workspace"
    before = qt1.row_counts()
    result = qt1("structure", "show", workspace=missing)
    assert_refused(result, "No workspace at", "ics init --icb")
    assert str(missing) in "".join(result.stderr.split())
    assert not missing.exists()
    assert qt1.row_counts() == before


def test_a_folder_without_settings_is_refused_and_left_empty(qt1: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    before = qt1.row_counts()
    result = qt1("members", "join", "E06000018", "--effective", "2018-04-01", workspace=empty)
    assert_refused(result, "is not an initialised workspace (no workspace.json)", "ics init")
    assert list(empty.iterdir()) == []
    assert qt1.row_counts() == before


@pytest.mark.parametrize(
    "content",
    ['{"system": ', "[]", '{"icb": "QT1"}', "\x00\x01binary"],
    ids=["truncated", "list", "no-system", "binary"],
)
def test_a_corrupt_settings_file_is_refused_and_left_as_it_was(
    qt1: Cli, tmp_path: Path, content: str
) -> None:
    folder = tmp_path / "corrupt"
    folder.mkdir()
    settings = folder / "workspace.json"
    settings.write_text(content, encoding="utf-8")
    before = qt1.row_counts()
    result = qt1("places", "list", workspace=folder)
    assert_refused(result, "workspace.json", "cannot be read", "a readable workspace.json")
    assert sorted(p.name for p in folder.iterdir()) == ["workspace.json"]
    assert settings.read_text(encoding="utf-8") == content
    assert qt1.row_counts() == before


def test_a_workspace_given_as_a_file_is_refused(qt1: Cli, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("not a workspace", encoding="utf-8")
    assert_refused(qt1("places", "list", workspace=not_a_folder), "is not a readable folder")


def test_an_unusable_database_url_is_refused_naming_the_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["init", "--icb", "QT1", "--workspace", str(tmp_path / "ws")],
        env={"ICS_DATABASE_URL": "nosuchdb://somewhere"},
    )
    assert_refused(result, "Cannot use database URL", "sqlite:///")
    assert not (tmp_path / "ws").exists()


# -- partner organisations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ["RX1", "--name", "   ", "--kind", "NHS trust"],
            ("The name of organisation RX1 is blank.", "a name of 1 to 200 characters"),
        ),
        (
            ["RX1", "--name", "N" * 201, "--kind", "NHS trust"],
            ("The name of organisation RX1 is too long.",),
        ),
        (
            ["healthwatch nottingham", "--name", "Healthwatch", "--kind", "Healthwatch"],
            ("Organisation code 'healthwatch nottingham' is not valid.", "letters, digits"),
        ),
        (
            ["x" * 41, "--name", "Somebody", "--kind", "Healthwatch"],
            ("is not valid.", "1-40 letters"),
        ),
        (
            ["RX1", "--name", "Nottingham University Hospitals", "--kind", "hospital"],
            ("Unknown organisation kind 'hospital'.", "NHS foundation trust"),
        ),
        (
            ["E06000018", "--name", "Nottingham City Council", "--kind", "unitary authority"],
            ("An organisation with code E06000018 is already in the system.",),
        ),
    ],
    ids=["blank-name", "long-name", "space-in-code", "long-code", "unknown-kind", "duplicate"],
)
def test_a_bad_partner_organisation_is_refused(
    qt1: Cli, args: list[str], fragments: tuple[str, ...]
) -> None:
    refused_without_change(qt1, ["orgs", "add", *args], *fragments)
