"""The packaged fixture: NHS England and NHS Improvement's "Integrating care" consultation
(November 2020), its four questions as quoted in the seeds, and the answers of Colchester
Borough Council and Nottinghamshire County Council as their published reports give them.

Each expectation below quotes the sentence of the council's report that determines the
stance. The quotes are checked against the fixture's evidence and, where the seed reports
are present (``/work/shared/context/seeds``), against the reports' text itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict
from integrated_care.governance.consultations import Stance, report_to_dict, report_to_markdown
from integrated_care.services import consultations as service
from integrated_care.workspace import Workspace

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "context" / "seeds"
COLCHESTER_REPORT = "003_3f9b240a0b9ac3f0.txt"  # Colchester BC, 17 December 2020
NOTTS_REPORT = "004_08cf97d2c7aaec8c.txt"  # Nottinghamshire CC committee, 8 February 2021
COLCHESTER, NOTTS = "E07000071", "E10000024"

# The questions as Colchester's report quotes them (para 1.3), verbatim.
QUESTIONS = {
    1: "Do you agree that giving ICSs a statutory footing from 2022, alongside other "
    "legislative proposals, provides the right foundation for the NHS over the next decade?",
    2: "Do you agree that option 2 offers a model that provides greater incentive for "
    "collaboration",
    3: "Do you agree that, other than mandatory participation of NHS bodies and Local "
    "Authorities, membership should be sufficiently permissive to allow systems to shape "
    "their own governance arrangements to best suit their populations needs?",
    4: "Do you agree, subject to appropriate safeguards and where appropriate, that services "
    "currently commissioned by NHSE should be either transferred or delegated to ICS bodies?",
}

# (organisation, question, stance, the sentence of its report that determines the stance)
EXPECTATIONS = [
    # Colchester, para 2.2: supports ICSs being mandatory (with caveats about place).
    (COLCHESTER, 1, Stance.AGREE,
     "Colchester Borough Council supports making ICSs mandatory in all areas."),
    # Para 2.3.
    (COLCHESTER, 2, Stance.DISAGREE,
     "We disagree that Option 2 provides a model that offers greater incentive for "
     "collaboration."),
    # Para 2.4 (adding a concern about second-tier councils).
    (COLCHESTER, 3, Stance.AGREE,
     "Our experience locally leads us to support the proposal to allow systems to shape their "
     "own governance arrangements, beyond the mandatory participation of NHS bodies and local "
     "authorities, to best suit population needs."),
    # Para 2.5 (asking for further devolution to place).
    (COLCHESTER, 4, Stance.AGREE,
     "We strongly support the move to delegate commissioning from NHSE to ICS level"),
    # Nottinghamshire, para 38 (judgement reserved on the detail of the legislation).
    (NOTTS, 1, Stance.AGREE,
     "The County Council is very supportive of the proposal to place ICSs on a statutory "
     "footing and shares the view put forward by ADASS."),
    # Para 39: no view on the options, whose implications it cannot yet assess -> neutral.
    (NOTTS, 2, Stance.NEUTRAL,
     "The consultation document is not clear on delivery and how the objectives will be "
     "realised through the two options proposed."),
    # Para 40: membership left to local determination, neither endorsed nor opposed; paras
    # 41-42 back statutory HWB involvement and sign-off -> ambiguous, neutral.
    (NOTTS, 3, Stance.NEUTRAL,
     "The paper implies this would be for local determination."),
    # Para 35: supports delegating budget and decision making linked to place (inferred).
    (NOTTS, 4, Stance.AGREE,
     "The County Council supports the principle of collaboration and system working in the "
     "commissioning and delivery of health services as well as the principle of subsidiarity "
     "where delegation of budget and decision making is linked to place and population."),
]  # fmt: skip


def normalise(value: str) -> str:
    """Whitespace collapsed and Markdown emphasis dropped, as the seeds are converted PDFs."""
    return " ".join(value.replace("*", "").split())


@cache
def seed_text(name: str) -> str | None:
    path = SEEDS / name
    return normalise(path.read_text(encoding="utf-8")) if path.exists() else None


def answer(data: dict[str, Any], org: str, question: int) -> dict[str, Any]:
    respondent = next(r for r in data["respondents"] if r["code"] == org)
    found: dict[str, Any] = next(a for a in respondent["answers"] if a["question"] == question)
    return found


def test_the_fixture_asks_the_four_questions_exactly_as_quoted() -> None:
    data = service.fixture_data()
    assert {q["number"]: q["text"] for q in data["questions"]} == QUESTIONS
    c = data["consultation"]
    assert (c["opens"], c["closes"]) == ("2020-11-26", "2021-01-08")
    colchester = seed_text(COLCHESTER_REPORT)
    if colchester is None:
        pytest.skip(f"seed reports not present at {SEEDS}")
    for question in QUESTIONS.values():
        assert normalise(question) in colchester
    notts = seed_text(NOTTS_REPORT)
    assert notts is not None
    assert "by Friday 8th January 2021" in notts.replace("<sup>th</sup>", "th")


@pytest.mark.parametrize(
    ("org", "question", "stance", "source"),
    EXPECTATIONS,
    ids=[f"{o}-Q{q}-{s.value}" for o, q, s, _ in EXPECTATIONS],
)
def test_each_councils_stance_follows_its_published_report(
    org: str, question: int, stance: Stance, source: str
) -> None:
    got = answer(service.fixture_data(), org, question)
    assert got["stance"] == stance.value
    assert normalise(source) in normalise(got["evidence"])
    assert got["text"].strip()
    assert got["reason"].strip()
    if stance is Stance.NEUTRAL:
        assert got["basis"] in ("not answered", "ambiguous")
    report = seed_text(COLCHESTER_REPORT if org == COLCHESTER else NOTTS_REPORT)
    if report is None:
        pytest.skip(f"seed reports not present at {SEEDS}")
    assert normalise(source) in report


def test_every_answer_in_the_fixture_has_an_expectation() -> None:
    data = service.fixture_data()
    pairs = {(r["code"], a["question"]) for r in data["respondents"] for a in r["answers"]}
    assert pairs == {(o, q) for o, q, _, _ in EXPECTATIONS}


# -- loading it into a workspace, on both backends ----------------------------------------


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
            for t in sorted(inspect(connection).get_table_names())
        }


@pytest.fixture
def loaded(system: Callable[..., Workspace]) -> Workspace:
    ws = system("QT1", default_places=False)
    with ws.uow() as uow:
        service.load_fixture(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.commit()
    return ws


def test_loading_records_colchester_as_an_outside_district_council(loaded: Workspace) -> None:
    with loaded.uow() as uow:
        report = service.report(uow, "QT1", "nhse-integrating-care-2020")
    by_code = {r.organisation_code: r for r in report.respondents}
    colchester, notts = by_code[COLCHESTER], by_code[NOTTS]
    assert (colchester.name, colchester.kind, colchester.gss_code) == (
        "Colchester Borough Council",
        "district council",
        "E07000071",
    )
    assert colchester.external
    assert not notts.external  # Nottinghamshire County Council is an organisation of QT1
    assert notts.kind == "county council"
    assert report.consultation.owner_name == "NHS England and NHS Improvement"


def test_the_aggregated_report_of_the_two_councils(loaded: Workspace) -> None:
    with loaded.uow() as uow:
        report = service.report(uow, "QT1", "nhse-integrating-care-2020")
    counts = {q.number: {s.value: q.counts[s] for s in Stance} for q in report.questions}
    assert counts == {
        1: {"agree": 2, "disagree": 0, "neutral": 0},
        2: {"agree": 0, "disagree": 1, "neutral": 1},
        3: {"agree": 1, "disagree": 0, "neutral": 1},
        4: {"agree": 2, "disagree": 0, "neutral": 0},
    }
    q2 = report.questions[1]
    assert q2.respondents[Stance.DISAGREE] == ("Colchester Borough Council",)
    assert q2.respondents[Stance.NEUTRAL] == ("Nottinghamshire County Council",)
    data = report_to_dict(report)
    assert data["questions"][0]["text"] == QUESTIONS[1]
    markdown = report_to_markdown(report)
    assert "| disagree | 1 | Colchester Borough Council |" in markdown
    assert markdown.count("## Question") == 4


def test_each_response_is_in_the_register(loaded: Workspace) -> None:
    with loaded.engine.connect() as connection:
        entries = connection.execute(
            text("SELECT register_entry FROM consultation_responses ORDER BY id")
        ).scalars()
        found = list(entries)
    assert len(found) == 8
    assert None not in found
    assert len(set(found)) == 8


def test_loading_twice_is_refused_and_writes_nothing(loaded: Workspace) -> None:
    before = count_rows(loaded.engine)
    with (
        pytest.raises(Conflict, match="nhse-integrating-care-2020 already exists"),
        loaded.uow() as uow,
    ):
        service.load_fixture(uow, "QT1", actor=LOCAL_OPERATOR)
    assert count_rows(loaded.engine) == before
