"""Cross-body workflows in Nottingham and Nottinghamshire, on SQLite and PostgreSQL.

- The joint forward plan for 2025/26 needs the opinion of both HWBs (Nottingham City and
  Nottinghamshire) before the ICB approves it (s.14Z52 NHS Act 2006): an opinion, not a
  sign-off, and the plan carries each HWB's statement.
- The City's Better Care Fund plan needs the ICB's and the City HWB's sign-off; nobody else's.
- A local gate: "the City HWB agrees the place plan before ICB approval".

Every refusal leaves every table's row count unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, IcsError, InvalidInput, NotFound
from integrated_care.governance.model import BodyKind
from integrated_care.governance.workflows import PlanKind, PlanStatus, StepKind
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import workflows as service
from integrated_care.services.governance.bodies import BodySpec, create_body
from integrated_care.workspace import Workspace

CITY, COUNTY, ICB = "E06000018", "E10000024", "QT1"
TODAY = date(2025, 3, 31)
JFP = "jfp-2025-26"
BCF = "bcf-E06000018-2025-26"


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
            for t in sorted(inspect(connection).get_table_names())
        }


def run(ws: Workspace, call: Callable[[UnitOfWork], object]) -> object:
    with ws.uow() as uow:
        result = call(uow)
        uow.commit()
    return result


def refused(ws: Workspace, call: Callable[[UnitOfWork], object], error: type[IcsError]) -> str:
    """The message of the refusal; asserts that nothing was written."""
    before = count_rows(ws.engine)
    with pytest.raises(error) as err:
        run(ws, call)
    assert count_rows(ws.engine) == before
    return err.value.message


@pytest.fixture
def qt1(system: Callable[..., Workspace]) -> Workspace:
    ws = system("QT1")
    run(
        ws,
        lambda uow: service.create_plan(uow, ICB, kind="jfp", year="2025/26", actor=LOCAL_OPERATOR),
    )
    run(
        ws,
        lambda uow: service.create_plan(
            uow, ICB, kind="bcf", year="2025/26", area=CITY, actor=LOCAL_OPERATOR
        ),
    )
    return ws


def opinion(
    hwb: str, on: date = date(2025, 3, 10), statement: str = ""
) -> Callable[[UnitOfWork], object]:
    words = statement or f"The draft takes proper account of the {hwb} JLHWS."
    return lambda uow: service.record_opinion(
        uow, ICB, JFP, hwb=hwb, statement=words, on=on, actor=LOCAL_OPERATOR, today=TODAY
    )


def approve(plan: str, on: date = date(2025, 3, 28)) -> Callable[[UnitOfWork], object]:
    return lambda uow: service.approve(
        uow, ICB, plan, on=on, decision_ref="42", actor=LOCAL_OPERATOR, today=TODAY
    )


def signoff(party: str) -> Callable[[UnitOfWork], object]:
    return lambda uow: service.record_signoff(
        uow, ICB, BCF, party=party, on=date(2025, 3, 20), actor=LOCAL_OPERATOR, today=TODAY
    )


def status(ws: Workspace, plan: str) -> PlanStatus:
    with ws.uow() as uow:
        return service.status(uow, ICB, plan)


def register_entries(ws: Workspace, plan: str) -> list[tuple[str, int | None]]:
    with ws.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT s.step, s.register_entry FROM plan_steps s JOIN plans p "
                "ON p.id = s.plan_id WHERE p.code = :code ORDER BY s.id"
            ),
            {"code": plan},
        )
        return [(r[0], r[1]) for r in rows]


def test_the_jfp_consults_one_hwb_per_upper_tier_council(qt1: Workspace) -> None:
    plan = status(qt1, JFP).plan
    assert [h.code for h in plan.hwbs] == [COUNTY, CITY]  # districts have no HWB
    assert plan.kind is PlanKind.JOINT_FORWARD_PLAN
    assert plan.icb.code == ICB


def test_the_jfp_is_approved_only_once_every_hwb_has_given_its_opinion(qt1: Workspace) -> None:
    message = refused(qt1, approve(JFP), InvalidInput)
    assert "Nottingham Health and Wellbeing Board (E06000018)" in message
    assert "Nottinghamshire Health and Wellbeing Board (E10000024)" in message
    run(qt1, opinion(CITY))
    message = refused(qt1, approve(JFP), InvalidInput)
    assert "no opinion recorded from Nottinghamshire Health and Wellbeing Board" in message
    assert CITY not in message
    run(qt1, opinion(COUNTY, statement="Takes account of the JLHWS; more on prevention."))
    run(qt1, approve(JFP))
    st = status(qt1, JFP)
    assert st.state == "approved"
    assert st.approval is not None
    assert st.approval.decision_ref == "42"
    assert {s.party.code: s.statement for s in st.hwb_statements}[COUNTY] == (
        "Takes account of the JLHWS; more on prevention."
    )
    steps = register_entries(qt1, JFP)
    assert [s for s, _ in steps] == ["hwb opinion", "hwb opinion", "approval"]
    assert all(e is not None for _, e in steps)
    assert refused(qt1, opinion(CITY), Conflict).endswith("nothing more can be recorded on it.")


def test_a_revised_opinion_supersedes_the_first_and_both_are_kept(qt1: Workspace) -> None:
    run(qt1, opinion(CITY, statement="First."))
    run(qt1, opinion(CITY, on=date(2025, 3, 12), statement="Revised."))
    (statement,) = status(qt1, JFP).hwb_statements
    assert statement.statement == "Revised."
    with qt1.uow() as uow:
        kinds = [s.kind for s in service.steps(uow, ICB, JFP)]
    assert kinds == [StepKind.HWB_OPINION, StepKind.HWB_OPINION]


def test_the_bcf_plan_needs_the_icb_and_the_city_hwb(qt1: Workspace) -> None:
    assert "E10000024" in refused(qt1, signoff(COUNTY), InvalidInput)  # a third body
    assert "Unknown party" in refused(qt1, signoff("E07000099"), NotFound)
    run(qt1, signoff(ICB))
    message = refused(qt1, approve(BCF), InvalidInput)
    assert "no sign-off recorded from Nottingham Health and Wellbeing Board" in message
    assert "already recorded its sign-off" in refused(qt1, signoff(ICB), Conflict)
    run(qt1, signoff(CITY))
    run(qt1, approve(BCF))
    assert status(qt1, BCF).state == "approved"
    assert [s for s, _ in register_entries(qt1, BCF)] == ["sign-off", "sign-off", "approval"]


def test_a_local_gate_requires_the_city_hwb_to_agree_the_city_place_plan(qt1: Workspace) -> None:
    run(qt1, lambda uow: service.configure_gate(
        uow, ICB, plan_kind="place", party=CITY, area=CITY,
        description="the City HWB agrees the place plan before ICB approval",
        actor=LOCAL_OPERATOR,
    ))  # fmt: skip
    for area in (CITY, COUNTY):
        run(qt1, lambda uow, a=area: service.create_plan(  # type: ignore[misc]
            uow, ICB, kind="place", year=2025, area=a, actor=LOCAL_OPERATOR
        ))  # fmt: skip
    city_plan, county_plan = f"place-{CITY}-2025-26", f"place-{COUNTY}-2025-26"
    run(qt1, approve(county_plan))  # no gate for the County's place plan
    message = refused(qt1, approve(city_plan), InvalidInput)
    assert "no local agreement recorded from Nottingham Health and Wellbeing Board" in message
    assert "not a party to the local agreement" in refused(
        qt1,
        lambda uow: service.record_local_agreement(
            uow, ICB, city_plan, party=COUNTY, actor=LOCAL_OPERATOR, today=TODAY
        ),
        InvalidInput,
    )
    run(qt1, lambda uow: service.record_local_agreement(
        uow, ICB, city_plan, party=CITY, statement="Agreed at the HWB on 19 March.",
        on=date(2025, 3, 19), actor=LOCAL_OPERATOR, today=TODAY,
    ))  # fmt: skip
    run(qt1, approve(city_plan))
    st = status(qt1, city_plan)
    assert st.state == "approved"
    assert st.hwb_statements == ()  # a local agreement is not the statutory opinion
    assert [s for s, _ in register_entries(qt1, city_plan)] == ["local agreement", "approval"]


def test_explicitly_configured_hwbs(system: Callable[..., Workspace]) -> None:
    ws = system("QT1", default_places=False)
    plan = run(ws, lambda uow: service.create_plan(
        uow, ICB, kind="jfp", year="2026/27", hwbs=[CITY], actor=LOCAL_OPERATOR
    ))  # fmt: skip
    assert [h.code for h in plan.hwbs] == [CITY]  # type: ignore[attr-defined]
    assert "Unknown upper-tier council" in refused(
        ws,
        lambda uow: service.create_plan(
            uow, ICB, kind="jfp", year="2027", hwbs=["E07000170"], actor=LOCAL_OPERATOR
        ),
        NotFound,
    )


BAD_PLANS: list[tuple[dict[str, object], type[IcsError], str]] = [
    ({"kind": "jfp", "year": "2025/26"}, Conflict, "already a joint forward plan for 2025/26"),
    ({"kind": "bcf", "year": "2026", "area": CITY, "code": JFP}, Conflict, "code jfp-2025-26"),
    ({"kind": "jfp", "year": "2026", "area": CITY}, InvalidInput, "takes no --area"),
    ({"kind": "bcf", "year": "2026"}, InvalidInput, "needs its area"),
    ({"kind": "bcf", "year": "2026", "area": "E07000170"}, NotFound, "upper-tier council"),
    ({"kind": "place", "year": "2026", "area": "nowhere"}, NotFound, "Unknown place"),
    ({"kind": "strategy", "year": "2026"}, InvalidInput, "Unknown plan kind"),
    ({"kind": "jfp", "year": "26/27"}, InvalidInput, "Malformed financial year"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_PLANS)
def test_a_bad_plan_is_refused_and_writes_nothing(
    qt1: Workspace, kwargs: dict[str, object], error: type[IcsError], message: str
) -> None:
    got = refused(
        qt1,
        lambda uow: service.create_plan(uow, ICB, actor=LOCAL_OPERATOR, **kwargs),  # type: ignore[arg-type]
        error,
    )
    assert message in got


def test_steps_may_not_be_dated_in_the_future_or_before_what_they_rest_on(qt1: Workspace) -> None:
    assert "future" in refused(qt1, opinion(CITY, on=date(2025, 4, 2)), InvalidInput)
    run(qt1, opinion(CITY))
    run(qt1, opinion(COUNTY))
    assert "would precede" in refused(qt1, approve(JFP, on=date(2025, 3, 1)), InvalidInput)


@pytest.mark.parametrize("role", [Role.PARTNER, Role.PUBLIC, Role.ANALYST, Role.FINANCE])
def test_only_secretaries_and_admins_record_plan_steps(qt1: Workspace, role: Role) -> None:
    actor = Actor("someone", role, CITY)
    message = refused(
        qt1,
        lambda uow: service.record_opinion(
            uow, ICB, JFP, hwb=CITY, statement="x", actor=actor, today=TODAY
        ),
        Forbidden,
    )
    assert "record plan opinions" in message
    secretary = Actor("secretary", Role.BOARD_SECRETARY)
    run(qt1, lambda uow: service.record_opinion(
        uow, ICB, JFP, hwb=CITY, statement="x", actor=secretary, today=TODAY
    ))  # fmt: skip


def test_a_gate_party_can_be_a_governance_body(qt1: Workspace) -> None:
    spec = BodySpec("city-place-board", "Nottingham City place partnership board",
                    BodyKind.PLACE_PARTNERSHIP_BOARD, place_code=CITY)  # fmt: skip
    run(qt1, lambda uow: create_body(uow, ICB, spec, actor=LOCAL_OPERATOR))
    gate = run(qt1, lambda uow: service.configure_gate(
        uow, ICB, plan_kind="place", party="city-place-board", area=CITY,
        description="the place partnership board agrees the place plan", actor=LOCAL_OPERATOR,
    ))  # fmt: skip
    assert gate.party.name == "Nottingham City place partnership board"  # type: ignore[attr-defined]
    run(qt1, lambda uow: service.create_plan(
        uow, ICB, kind="place", year=2025, area=CITY, actor=LOCAL_OPERATOR
    ))  # fmt: skip
    message = refused(qt1, approve(f"place-{CITY}-2025-26"), InvalidInput)
    assert "Nottingham City place partnership board (city-place-board)" in message
