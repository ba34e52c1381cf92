"""What the ``ics`` command line prints: reference info, the tree, validation, history.

Expected figures are read from the published CSVs in the shared data folder.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from integrated_care.cli.main import app

Cli = Any  # conftest.Cli: a callable command line bound to one workspace
DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
CITY_PCNS = ["U78528", "U44561", "U63129"]  # Aspire, Bestwood and Sherwood, Bulwell
REASON = "lack of democratic oversight"
CONDITION = "unanimous voting on proposals that may result in privatisation or outsourcing"


@cache
def rows(relative: str) -> tuple[dict[str, str], ...]:
    with (DATA / relative).open(newline="", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def qt1_practices() -> dict[str, int]:
    return {
        r["practice_code"]: int(r["registered_patients"])
        for r in rows("gp_practices/gp_practices_dec2025.csv")
        if r["icb_ods_code"] == "QT1"
    }


def flat(text: str) -> str:
    """Output with line wrapping undone (Rich wraps to the terminal width, 80 in tests)."""
    return " ".join(text.split())


def words(text: str) -> set[str]:
    """The words of a printed table: cells wrap, so look for short words, not phrases."""
    return set(text.replace("│", " ").replace("┃", " ").split())


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


# -- ics init and ics reference info ------------------------------------------------------


def test_init_json_reports_the_published_practices_and_registered_total(cli: Cli) -> None:
    summary = json.loads(ok(cli("init", "--icb", "QT1", "--json")))
    practices = qt1_practices()
    assert summary["system_code"] == "QT1"
    assert summary["gss_code"] == "E54000060"
    assert summary["practices"] == len(practices)
    assert summary["registered_population"] == sum(practices.values())
    assert summary["workspace"] == str(cli.path)
    assert (cli.path / "workspace.json").exists()


def test_init_prints_a_one_paragraph_summary(cli: Cli) -> None:
    text = flat(ok(cli("init", "--icb", "Nottingham and Nottinghamshire")))
    practices = qt1_practices()
    assert "Initialised NHS Nottingham and Nottinghamshire Integrated Care Board (QT1" in text
    assert f"{len(practices)} practices ({sum(practices.values()):,} registered patients)" in text


def test_reference_info_lists_each_dataset_with_its_published_row_count() -> None:
    result = CliRunner().invoke(app, ["reference", "info", "--json"])
    datasets = {d["name"]: d for d in json.loads(ok(result))}
    assert datasets["icbs"]["rows"] == len(rows("geography/icb24.csv"))
    assert datasets["sub_icbs"]["rows"] == len(rows("geography/sicbl24.csv"))
    assert datasets["lads"]["rows"] == len(rows("geography/lad24.csv"))
    assert datasets["lsoas"]["rows"] == len(rows("geography/lsoa21_sicbl24_icb24_lad24.csv"))
    assert datasets["practices"]["rows"] == len(rows("gp_practices/gp_practices_dec2025.csv"))
    assert datasets["pcns"]["rows"] == len(rows("gp_practices/pcns_dec2025.csv"))
    assert all(d["licence"] == "Open Government Licence v3.0" for d in datasets.values())


def test_reference_info_prints_a_table_with_the_counts() -> None:
    text = ok(CliRunner().invoke(app, ["reference", "info"]))
    assert f"{len(rows('gp_practices/gp_practices_dec2025.csv')):,}" in text
    assert "Open Government Licence v3.0" in text


# -- ics structure show -------------------------------------------------------------------


def test_structure_show_json_holds_the_icbs_registered_total_and_its_default_places(
    qt1: Cli,
) -> None:
    data = json.loads(ok(qt1("structure", "show", "--as-of", "2024-01-01", "--json")))
    practices = qt1_practices()
    assert data["as_of"] == "2024-01-01"
    system = data["system"]
    assert system["code"] == "QT1"
    assert system["registered_population"] == sum(practices.values())
    places = {p["code"]: p for p in system["children"]}
    utlas = {
        r["utla23_code"]
        for r in rows("geography/utla23_icb24_split.csv")
        if r["icb24_code"] == "E54000060"
    }
    assert set(places) == utlas
    assert sum(p["registered_population"] for p in places.values()) == sum(practices.values())
    leaves = [
        pr["code"] for p in places.values() for pcn in p["children"] for pr in pcn["children"]
    ]
    assert sorted(leaves) == sorted(practices)


def test_structure_show_as_of_a_day_before_the_places_puts_every_practice_outside_them(
    qt1: Cli,
) -> None:
    data = json.loads(ok(qt1("structure", "show", "--as-of", "2022-06-30", "--json")))
    [unplaced] = data["system"]["children"]
    assert unplaced["code"] == "unplaced"
    assert unplaced["registered_population"] == sum(qt1_practices().values())


def test_structure_show_prints_the_tree_down_to_the_level_asked_for(qt1: Cli) -> None:
    text = flat(ok(qt1("structure", "show", "--as-of", "2024-01-01", "--depth", "place")))
    assert "Structure on 2024-01-01" in text
    assert "NHS Nottingham and Nottinghamshire Integrated Care Board" in text
    assert "Nottinghamshire E10000024" in text
    assert "U78528" not in text  # PCNs are below the depth asked for


def test_structure_show_refuses_an_unknown_depth(qt1: Cli) -> None:
    result = qt1("structure", "show", "--depth", "county")
    assert result.exit_code == 2
    assert "--depth" in result.output


# -- ics structure validate -----------------------------------------------------------------


def test_structure_validate_json_reports_registered_and_resident_per_place(qt1: Cli) -> None:
    report = json.loads(ok(qt1("structure", "validate", "--as-of", "2024-01-01", "--json")))
    assert report["ok"] is True
    assert report["as_of"] == "2024-01-01"
    residents = {
        r["utla23_code"]: int(r["pop_census2021"])
        for r in rows("geography/utla23_icb24_split.csv")
        if r["icb24_code"] == "E54000060"
    }
    places = {p["code"]: p for p in report["places"]}
    assert {c: p["resident_population"] for c, p in places.items()} == residents
    assert sum(p["registered_population"] for p in places.values()) == sum(qt1_practices().values())
    assert all(f["severity"] != "error" for f in report["findings"])


def test_structure_validate_exits_1_when_a_practice_is_in_two_places(qt1: Cli) -> None:
    ok(
        qt1(
            "places", "define", "city-core", "--name", "City core",
            "--effective", "2023-04-01", "--practice", "C84001",
        )
    )  # fmt: skip
    result = qt1("structure", "validate", "--as-of", "2024-01-01", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    [twice] = [f for f in report["findings"] if f["check"] == "practice_in_two_places"]
    assert twice["subject"] == "C84001"
    assert twice["severity"] == "error"


def test_structure_validate_prints_counts_and_findings(qt1: Cli) -> None:
    text = flat(ok(qt1("structure", "validate", "--as-of", "2024-01-01")))
    icb = "NHS Nottingham and Nottinghamshire Integrated Care Board"
    assert f"Validation of {icb} on 2024-01-01: 0 errors" in text
    assert "Registered and resident population per place" in text


# -- ics members history --------------------------------------------------------------------


def nottingham_episode(cli: Cli) -> None:
    ok(cli("members", "join", "E06000018", "--effective", "2018-04-01"))
    ok(cli("members", "join", "E10000024", "--effective", "2018-04-01"))
    ok(
        cli(
            "members", "suspend", "E06000018", "--effective", "2018-12-01",
            "--reason", REASON, "--planned-end", "2019-06-01",
        )
    )  # fmt: skip
    ok(cli("members", "rejoin", "E06000018", "--effective", "2019-04-17", "--condition", CONDITION))


def test_members_history_json_lists_every_change_and_the_state_on_the_date(qt1: Cli) -> None:
    nottingham_episode(qt1)
    data = json.loads(ok(qt1("members", "history", "E06000018", "--as-of", "2019-03-01", "--json")))
    assert data["as_of"] == "2019-03-01"
    assert [(e["action"], e["effective"]) for e in data["events"]] == [
        ("join", "2018-04-01"),
        ("suspend", "2018-12-01"),
        ("rejoin", "2019-04-17"),
    ]
    assert data["events"][1]["reason"] == REASON
    assert data["events"][1]["planned_end"] == "2019-06-01"
    assert data["events"][2]["conditions"] == [CONDITION]
    [state] = data["state"]
    assert state["status"] == "suspended"
    assert state["reason"] == REASON
    assert state["planned_end"] == "2019-06-01"


def test_members_history_json_shows_the_condition_after_the_rejoin(qt1: Cli) -> None:
    nottingham_episode(qt1)
    data = json.loads(ok(qt1("members", "history", "--as-of", "2020-01-01", "--json")))
    states = {s["organisation"]: s for s in data["state"]}
    assert states["E06000018"]["status"] == "member"
    assert states["E06000018"]["since"] == "2019-04-17"
    assert states["E06000018"]["conditions"] == [CONDITION]
    assert states["E10000024"]["status"] == "member"
    assert states["E10000024"]["since"] == "2018-04-01"


def test_members_history_prints_the_changes_and_the_state_in_words(qt1: Cli) -> None:
    nottingham_episode(qt1)
    text = ok(qt1("members", "history", "E06000018", "--as-of", "2019-03-01"))
    assert "Membership history" in text
    assert "State on 2019-03-01" in text
    assert {"2018-04-01", "2018-12-01", "2019-04-17", "2019-06-01", "suspend"} <= words(text)


def test_reasons_and_names_with_square_brackets_are_printed_as_typed(qt1: Cli) -> None:
    ok(qt1("members", "join", "E06000018", "--effective", "2018-04-01"))
    reason = "see minute [/x] of [bold]the board"
    ok(qt1("members", "suspend", "E06000018", "--effective", "2018-12-01", "--reason", reason))
    text = ok(qt1("members", "history", "--as-of", "2019-01-01"))
    assert {"[/x]", "[bold]the"} <= words(text)
    ok(
        qt1(
            "places", "define", "city", "--name", "City [core] [/x]",
            "--effective", "2023-04-01", "--pcn", "U78528",
        )
    )  # fmt: skip
    listing = ok(qt1("places", "list", "--as-of", "2024-01-01"))
    assert {"[core]", "[/x]"} <= words(listing)
    tree = "".join(
        ok(qt1("structure", "show", "--as-of", "2024-01-01", "--depth", "place")).split()
    )
    assert "City[core][/x]" in tree


# -- ics places list --------------------------------------------------------------------------


def reconfigure_city(cli: Cli, tmp_path: Path) -> None:
    new = tmp_path / "new-places.json"
    new.write_text(
        json.dumps([{"code": "nottingham-city", "name": "Nottingham City", "pcns": CITY_PCNS}]),
        encoding="utf-8",
    )
    ok(
        cli(
            "places", "reconfigure", "--effective", "2024-04-01",
            "--retire", "E06000018", "--new", str(new),
        )
    )  # fmt: skip


def test_places_list_history_shows_every_version_with_its_dates(qt1: Cli, tmp_path: Path) -> None:
    reconfigure_city(qt1, tmp_path)
    versions = json.loads(ok(qt1("places", "list", "--history", "--json")))
    assert sorted((v["code"], v["from"], v["to"]) for v in versions) == [
        ("E06000018", "2022-07-01", "2024-04-01"),
        ("E10000024", "2022-07-01", None),
        ("nottingham-city", "2024-04-01", None),
    ]
    text = ok(qt1("places", "list", "--history"))
    assert "Place history" in text
    assert {"E06000018", "E10000024", "2022-07-01", "2024-04-01"} <= words(text)


def test_places_list_on_a_date_shows_only_the_places_then_in_force(
    qt1: Cli, tmp_path: Path
) -> None:
    reconfigure_city(qt1, tmp_path)
    before = json.loads(ok(qt1("places", "list", "--as-of", "2024-03-31", "--json")))
    after = json.loads(ok(qt1("places", "list", "--as-of", "2024-04-01", "--json")))
    assert sorted(p["code"] for p in before) == ["E06000018", "E10000024"]
    assert sorted(p["code"] for p in after) == ["E10000024", "nottingham-city"]
    city = next(p for p in after if p["code"] == "nottingham-city")
    expected = {
        r["practice_code"]
        for r in rows("gp_practices/gp_practices_dec2025.csv")
        if r["icb_ods_code"] == "QT1" and r["pcn_code"] in CITY_PCNS
    }
    assert set(city["practices"]) == expected


# -- ics orgs ---------------------------------------------------------------------------------


def test_a_partner_without_an_ods_code_is_added_under_its_own_code(qt1: Cli) -> None:
    # A Healthwatch has no ODS code: its code is the platform's own, up to 40 characters.
    code = "healthwatch-nottingham-and-notts"
    ok(qt1("orgs", "add", code, "--name", "Healthwatch [Notts]", "--kind", "Healthwatch"))
    orgs = {o["code"]: o for o in json.loads(ok(qt1("orgs", "list", "--json")))}
    assert orgs[code]["name"] == "Healthwatch [Notts]"
    assert orgs[code]["kind"] == "Healthwatch"
    assert orgs[code]["ods_code"] is None
    assert "[Notts]" in words(ok(qt1("orgs", "list")))


def test_an_nhs_trust_is_added_with_its_ods_code(qt1: Cli) -> None:
    ok(
        qt1(
            "orgs", "add", "RX1", "--name", "Nottingham University Hospitals", "--kind", "NHS trust"
        )
    )
    orgs = {o["code"]: o for o in json.loads(ok(qt1("orgs", "list", "--json")))}
    assert orgs["RX1"]["ods_code"] == "RX1"
    ok(qt1("members", "join", "RX1", "--effective", "2022-07-01"))
