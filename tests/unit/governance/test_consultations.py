"""Consultations: the pure rules and report, then the service on SQLite and PostgreSQL.

Every refused request leaves every table's row count unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, IcsError, InvalidInput, NotFound
from integrated_care.governance.consultations import (
    Consultation,
    Question,
    Respondent,
    Response,
    Stance,
    build_report,
    check_new,
    check_response_date,
    latest,
    next_version,
    number_questions,
    parse_stance,
    report_to_dict,
    report_to_markdown,
)
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import consultations as service
from integrated_care.services import workflows
from integrated_care.services.structure import init_system
from integrated_care.workspace import Workspace

OPENS, CLOSES = date(2025, 1, 6), date(2025, 2, 14)
DURING = date(2025, 1, 20)
CITY, COUNTY = "E06000018", "E10000024"


def consultation(**changes: object) -> Consultation:
    base: dict[str, object] = {
        "code": "place-plans-2025",
        "title": "Place plans 2025",
        "owner_code": "QT1",
        "owner_name": "NHS Nottingham and Nottinghamshire ICB",
        "opens": OPENS,
        "closes": CLOSES,
        "questions": (Question(1, "Do you agree?"), Question(2, "And this?")),
    }
    return Consultation(**(base | changes))  # type: ignore[arg-type]


# -- pure rules ----------------------------------------------------------------------------


def test_stances_are_parsed_case_insensitively_and_unknown_ones_refused() -> None:
    assert parse_stance(" Agree ") is Stance.AGREE
    with pytest.raises(InvalidInput) as err:
        parse_stance("strongly agree")
    assert err.value.input_name == "stance"
    assert "agree, disagree, neutral" in (err.value.expected or "")


@pytest.mark.parametrize(
    ("changes", "input_name"),
    [
        ({"closes": date(2025, 1, 1)}, "closes"),
        ({"title": "  "}, "title"),
        ({"code": "Has Spaces"}, "code"),
        ({"questions": (Question(1, "Q?"), Question(2, " "))}, "question"),
        ({"questions": (Question(1, "Q?"), Question(2, "q?"))}, "question"),
    ],
)
def test_a_malformed_consultation_is_refused_naming_the_input(
    changes: dict[str, object], input_name: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        check_new(consultation(**changes))
    assert err.value.input_name == input_name


def test_questions_are_numbered_after_the_last_one() -> None:
    added = number_questions((Question(1, "a"), Question(2, "b")), [" c ", "d"])
    assert added == [Question(3, "c"), Question(4, "d")]


def test_an_unknown_question_number_names_the_numbers_there_are() -> None:
    with pytest.raises(NotFound) as err:
        consultation().question(5)
    assert "'5'" in err.value.message
    assert "numbers: 1, 2" in (err.value.expected or "")


def test_responses_are_accepted_from_opening_to_closing_day_inclusive() -> None:
    c = consultation()
    check_response_date(c, OPENS)
    check_response_date(c, CLOSES)
    with pytest.raises(InvalidInput, match="closed on 2025-02-14"):
        check_response_date(c, date(2025, 2, 15))
    with pytest.raises(InvalidInput, match="opens on 2025-01-06"):
        check_response_date(c, date(2025, 1, 5))


def _r(org: str, q: int, version: int, stance: Stance, text: str = "") -> Response:
    return Response(org, q, version, stance, text, DURING)


def test_a_revision_is_the_next_version_and_the_latest_version_counts() -> None:
    history = [_r(CITY, 1, 1, Stance.AGREE), _r(CITY, 1, 2, Stance.DISAGREE)]
    assert next_version(history, CITY, 1) == 3
    assert next_version(history, CITY, 2) == 1
    assert next_version(history, COUNTY, 1) == 1
    assert latest(history)[(CITY, 1)].stance is Stance.DISAGREE


def test_the_report_counts_each_organisation_once_per_question_under_its_latest_stance() -> None:
    respondents = [
        Respondent(CITY, "Nottingham City Council", "unitary authority"),
        Respondent(COUNTY, "Nottinghamshire County Council", "county council"),
        Respondent("E07000071", "Colchester Borough Council", "district council", True),
    ]
    history = [
        _r(CITY, 1, 1, Stance.AGREE, "yes"),
        _r(COUNTY, 1, 1, Stance.AGREE, "yes, in principle"),
        _r(CITY, 1, 2, Stance.DISAGREE, "on reflection, no"),
        _r("E07000071", 1, 1, Stance.NEUTRAL),
        _r(COUNTY, 2, 1, Stance.NEUTRAL, "not clear"),
    ]
    report = build_report(consultation(), respondents, history)
    q1, q2 = report.questions
    assert {s: q1.counts[s] for s in Stance} == {
        Stance.AGREE: 1,
        Stance.DISAGREE: 1,
        Stance.NEUTRAL: 1,
    }
    assert q1.respondents[Stance.DISAGREE] == ("Nottingham City Council",)
    assert [line.version for line in q1.lines if line.organisation_code == CITY] == [2]
    assert q2.counts[Stance.NEUTRAL] == 1
    assert q2.not_answered == ("Colchester Borough Council", "Nottingham City Council")
    data = report_to_dict(report)
    assert json.loads(json.dumps(data)) == data
    assert data["questions"][0]["counts"] == {"agree": 1, "disagree": 1, "neutral": 1}
    assert data["respondents"][0]["name"] == "Colchester Borough Council"


def test_the_markdown_report_escapes_what_would_break_its_tables() -> None:
    respondents = [Respondent(CITY, "City | Council", "unitary authority")]
    history = [_r(CITY, 1, 1, Stance.AGREE, "*yes* | [link](x)")]
    md = report_to_markdown(build_report(consultation(), respondents, history))
    assert "| agree | 1 | City \\| Council |" in md
    assert "\\*yes\\* \\| \\[link\\](x)" in md
    assert md.startswith("# Place plans 2025\n")
    assert "## Question 2" in md


# -- the service, on both backends ---------------------------------------------------------


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
            for t in sorted(inspect(connection).get_table_names())
        }


@pytest.fixture
def qt1(workspace: Workspace) -> Workspace:
    with workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR, with_default_places=False)
        service.create(
            uow,
            "QT1",
            code="place-plans-2025",
            title="Place plans 2025",
            owner="QT1",
            opens=OPENS,
            closes=CLOSES,
            questions=["Do you agree with the place plans?", "Should places hold budgets?"],
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    return workspace


def attempt(ws: Workspace, call: Callable[[UnitOfWork], object]) -> None:
    """Run ``call`` in a unit of work and commit, as a front door does."""
    with ws.uow() as uow:
        call(uow)
        uow.commit()


def respond(ws: Workspace, actor: Actor = LOCAL_OPERATOR, **kwargs: object) -> Response:
    args: dict[str, object] = {
        "organisation": CITY,
        "question": 1,
        "stance": "agree",
        "text": "Yes.",
        "today": DURING,
    } | kwargs
    with ws.uow() as uow:
        made = service.respond(uow, "QT1", "place-plans-2025", actor=actor, **args)  # type: ignore[arg-type]
        uow.commit()
    return made


def test_a_response_is_recorded_with_the_register_and_revisions_keep_history(
    qt1: Workspace,
) -> None:
    before = count_rows(qt1.engine)
    respond(qt1)
    after_one = count_rows(qt1.engine)
    assert after_one["consultation_responses"] == before["consultation_responses"] + 1
    assert after_one["consultation_respondents"] == 1
    changed = {t for t in after_one if after_one[t] != before[t]}
    assert changed - {"consultation_responses", "consultation_respondents", "audit_log"}, (
        "the register gained an entry"
    )
    second = respond(qt1, stance="disagree", text="On reflection, no.")
    assert second.version == 2
    with qt1.uow() as uow:
        report = service.report(uow, "QT1", "place-plans-2025")
        history = service.history(uow, "QT1", "place-plans-2025")
        register_entries = uow.session.execute(
            text("SELECT register_entry FROM consultation_responses ORDER BY id")
        ).scalars()
        entries = list(register_entries)
    assert [r.version for r in history] == [1, 2]
    q1 = report.questions[0]
    assert q1.counts[Stance.DISAGREE] == 1
    assert q1.counts[Stance.AGREE] == 0
    assert q1.lines[0].text == "On reflection, no."
    assert all(e is not None for e in entries)
    assert entries[0] != entries[1]


def test_a_partner_responds_for_its_own_organisation(qt1: Workspace) -> None:
    partner = Actor("city-officer", Role.PARTNER, CITY)
    made = respond(qt1, partner, today=DURING)
    assert made.organisation_code == CITY
    assert made.responded_on == DURING


def test_an_outside_organisation_responds_with_its_name_and_kind(qt1: Workspace) -> None:
    external = service.ExternalOrganisation(
        "E07000071", "Colchester Borough Council", "district council", gss_code="E07000071"
    )
    respond(qt1, organisation="E07000071", external=external, stance="neutral")
    with qt1.uow() as uow:
        (who,) = service.report(uow, "QT1", "place-plans-2025").respondents
    assert who.external
    assert who.gss_code == "E07000071"
    assert who.kind == "district council"


BAD: list[tuple[str, dict[str, object], type[IcsError], str]] = [
    ("after close", {"today": date(2025, 2, 15)}, InvalidInput, "closed on 2025-02-14"),
    ("backdated after close", {"on": date(2025, 3, 1), "today": date(2025, 3, 2)}, InvalidInput,
     "too late"),
    ("before opening", {"today": date(2025, 1, 1)}, InvalidInput, "opens on 2025-01-06"),
    ("in the future", {"on": date(2025, 2, 1)}, InvalidInput, "future"),
    ("unknown question", {"question": 7}, NotFound, "Unknown question number '7'"),
    ("unknown stance", {"stance": "maybe"}, InvalidInput, "Unknown stance 'maybe'"),
    ("unknown organisation", {"organisation": "E07000071"}, NotFound, "E07000071"),
    ("bad outside kind", {"organisation": "X1", "external": service.ExternalOrganisation(
        "X1", "X", "parish council")}, InvalidInput, "Unknown organisation kind"),
    ("unknown consultation", {"code": "nope"}, NotFound, "Unknown consultation 'nope'"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "kwargs", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_response_is_refused_and_writes_nothing(
    qt1: Workspace, label: str, kwargs: dict[str, object], error: type[IcsError], message: str
) -> None:
    respond(qt1)  # an earlier response, so a refusal must not disturb existing rows either
    before = count_rows(qt1.engine)
    kwargs = dict(kwargs)  # the parameters are shared between the backends: do not mutate
    code = str(kwargs.pop("code", "place-plans-2025"))
    args: dict[str, object] = {
        "organisation": CITY,
        "question": 1,
        "stance": "agree",
        "today": DURING,
    } | kwargs
    with pytest.raises(error, match=message):
        attempt(qt1, lambda uow: service.respond(uow, "QT1", code, actor=LOCAL_OPERATOR, **args))  # type: ignore[arg-type]
    assert count_rows(qt1.engine) == before, label


@pytest.mark.parametrize(
    ("actor", "kwargs", "message"),
    [
        (Actor("county-officer", Role.PARTNER, COUNTY), {}, "may not respond for"),
        (Actor("nobody", Role.PARTNER, None), {}, "with no organisation"),
        (Actor("city-officer", Role.PARTNER, CITY), {"on": OPENS}, "responds as of today"),
        (Actor("member-of-public", Role.PUBLIC), {}, "may not respond to a consultation"),
        (Actor("analyst", Role.ANALYST), {}, "may not respond to a consultation"),
    ],
)
def test_a_user_may_not_respond_for_another_organisation_and_nothing_is_written(
    qt1: Workspace, actor: Actor, kwargs: dict[str, object], message: str
) -> None:
    before = count_rows(qt1.engine)
    with pytest.raises(Forbidden, match=message):
        respond(qt1, actor, **kwargs)
    assert count_rows(qt1.engine) == before


def test_questions_are_fixed_once_a_response_is_in(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        added = service.add_questions(
            uow, "QT1", "place-plans-2025", ["A third?"], actor=LOCAL_OPERATOR
        )
        uow.commit()
    assert [q.number for q in added] == [3]
    respond(qt1)
    before = count_rows(qt1.engine)
    with pytest.raises(Conflict, match="has responses"), qt1.uow() as uow:
        service.add_questions(uow, "QT1", "place-plans-2025", ["A fourth?"], actor=LOCAL_OPERATOR)
    assert count_rows(qt1.engine) == before


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"code": "place-plans-2025"}, Conflict, "already exists"),
        ({"owner": "nobody"}, NotFound, "Unknown owner 'nobody'"),
        ({"closes": date(2024, 12, 1)}, InvalidInput, "closes \\(2024-12-01\\) before"),
    ],
)
def test_a_bad_consultation_is_refused_and_writes_nothing(
    qt1: Workspace, kwargs: dict[str, object], error: type[IcsError], message: str
) -> None:
    args: dict[str, object] = {
        "code": "another",
        "title": "Another",
        "owner": "QT1",
        "opens": OPENS,
        "closes": CLOSES,
        "questions": ["Q?"],
    } | kwargs
    before = count_rows(qt1.engine)
    with pytest.raises(error, match=message), qt1.uow() as uow:
        service.create(uow, "QT1", actor=LOCAL_OPERATOR, **args)  # type: ignore[arg-type]
    assert count_rows(qt1.engine) == before


def test_an_outside_owner_needs_its_name(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        made = service.create(
            uow, "QT1", code="nhse", title="T", owner="nhse", owner_name="NHS England",
            opens=OPENS, closes=CLOSES, actor=LOCAL_OPERATOR,
        )  # fmt: skip
    assert (made.owner_code, made.owner_name) == ("nhse", "NHS England")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE consultation_responses SET stance = 'disagree'",
        "DELETE FROM consultation_responses",
        "UPDATE plan_steps SET statement = 'rewritten'",
        "DELETE FROM plan_steps",
    ],
)
def test_the_database_refuses_to_rewrite_responses_and_plan_steps(
    qt1: Workspace, statement: str
) -> None:
    respond(qt1)
    with qt1.uow() as uow:
        plan = workflows.create_plan(uow, "QT1", kind="jfp", year=2025, actor=LOCAL_OPERATOR)
        workflows.record_opinion(
            uow, "QT1", plan.code, hwb=CITY, statement="Fine.", actor=LOCAL_OPERATOR
        )
        uow.commit()
    before = count_rows(qt1.engine)
    with pytest.raises(DBAPIError, match="append-only"), qt1.engine.begin() as connection:
        connection.execute(text(statement))
    assert count_rows(qt1.engine) == before


@pytest.mark.parametrize(
    ("owner", "name"),
    [
        ("ics-partnership", "Nottingham and Nottinghamshire Integrated Care Partnership"),
        (COUNTY, "Nottinghamshire County Council"),
    ],
)
def test_an_owner_can_be_a_body_or_an_organisation_of_the_system(
    qt1: Workspace, owner: str, name: str
) -> None:
    with qt1.uow() as uow:
        made = service.create(
            uow, "QT1", code="owned", title="T", owner=owner, opens=OPENS, closes=CLOSES,
            actor=LOCAL_OPERATOR,
        )  # fmt: skip
    assert (made.owner_code, made.owner_name) == (owner, name)
