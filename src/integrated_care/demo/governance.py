"""The governance part of the demo: the N&N ICB board, its latest meeting, a consultation.

Built through the services (``services.governance.scenario`` for the board), so every step
is validated and reaches the public decision register as a user's would:

* the ICB board of ``governance.fixtures`` (chair, chief executive, finance, medical and
  nursing directors, two non-executives, partner members for the trusts, primary medical
  services and both councils, a Director of Public Health and Healthwatch without a vote)
  deciding under the packaged Nottingham rule set;
* its latest meeting (09:30 today, or yesterday if the demo is built before 10:30), the
  agenda published eight days before: item 5, a commissioning
  policy that may result in outsourcing, **not carried** because the Nottingham City Council
  partner member voted against (unanimity); item 6, a contract award under the Provider
  Selection Regime, **carried** by an ordinary majority (the unanimity rule is refused for an
  award) with the Nottingham University Hospitals member recused by their declared interest;
  item 7, the winter plan, **still open**: everyone present has voted except the City
  Council's member, who can sign in as ``demo-board-member`` and vote; item 9, taken in
  private under Schedule 12A, published a year after the meeting;
* NHS England's 2020 "Integrating care" consultation, answered as Colchester Borough Council
  and Nottinghamshire County Council answered it;
* a signed tree head over the whole register (the membership history replayed before included).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.governance.fixtures import ItemFixture, nottingham_icb_board
from integrated_care.governance.model import Choice, Classification, DecisionType
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import consultations
from integrated_care.services import governance_queries as queries
from integrated_care.services import users as user_service
from integrated_care.services.governance import scenario, voting
from integrated_care.services.governance.common import UK
from integrated_care.services.governance.views import DecisionView
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.workspace import Workspace

BOARD_MEMBER = "demo-board-member"  # the Nottingham City Council partner member's login
SECRETARY = "demo-secretary"  # the board secretary: opens and closes votes
MEMBER_SEAT = "partner-city"
CITY = "E06000018"
OPEN_ITEM = "7"


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    password: str
    role: str
    note: str


@dataclass(frozen=True, slots=True)
class GovernanceDemo:
    meeting_id: int
    proposals: dict[str, int]  # item number -> proposal id
    decisions: dict[str, DecisionView]
    open_proposal: int
    users: tuple[DemoUser, ...]
    register_size: int


def _winter_plan(votes: dict[str, Choice]) -> ItemFixture:
    return ItemFixture(
        OPEN_ITEM,
        "Urgent and emergency care: winter plan",
        proposal_title="Approve the system winter plan for urgent and emergency care",
        proposal_text="That the board approves the Nottingham and Nottinghamshire winter plan "
        "for urgent and emergency care, including the additional community beds and the "
        "extended opening of the urgent treatment centres from December to March.",
        classification=Classification(DecisionType.PLAN_APPROVAL),
        topics=("urgent and emergency care",),
        votes=votes,
    )


def meeting_time(now: datetime) -> datetime:
    """The latest board meeting: at 09:30 (UK time) on the latest day when that is at least an
    hour before ``now``; never on 29 February (the private item is published the same day a
    year later)."""
    day = now.astimezone(UK).date()
    while True:
        start = datetime.combine(day, time(9, 30), tzinfo=UK)
        if start <= now - timedelta(hours=1) and (day.month, day.day) != (2, 29):
            return start.astimezone(UTC)
        day -= timedelta(days=1)


def build_governance(
    uow: UnitOfWork, workspace: Workspace, passwords: dict[str, str], now: datetime | None = None
) -> GovernanceDemo:
    """Add the governance demo in the caller's unit of work (which commits)."""
    system = workspace.system
    attach_signer(uow, signer_for(workspace))
    people = (
        DemoUser(
            BOARD_MEMBER,
            passwords[BOARD_MEMBER],
            "partner",
            "Nottingham City Council's partner member on the ICB board: votes on item "
            f"{OPEN_ITEM} of the latest board meeting",
        ),
        DemoUser(
            SECRETARY,
            passwords[SECRETARY],
            "board_secretary",
            "the board secretary: opens and closes votes",
        ),
    )
    for person in people:
        organisation = CITY if person.username == BOARD_MEMBER else None
        user_service.add_user(
            uow,
            person.username,
            person.password,
            person.role,
            actor=LOCAL_OPERATOR,
            organisation_code=organisation,
        )
    start = meeting_time(now or datetime.now(UTC))
    base = nottingham_icb_board(
        meeting_starts_at=start, agenda_published_at=start - timedelta(days=8, hours=-2)
    )
    present = [s for s in base.seats if s.voting and s.seat_id not in base.apologies]
    winter = {s.seat_id: Choice.FOR for s in present if s.seat_id != MEMBER_SEAT}
    data = replace(base, items=(*base.items[:2], _winter_plan(winter), *base.items[2:]))
    result = scenario.build(
        uow, system, data, actor=LOCAL_OPERATOR, decide=False, users={MEMBER_SEAT: BOARD_MEMBER}
    )
    for minutes, item in enumerate(data.items):
        proposal = result.proposals.get(item.number)
        if proposal is None:
            continue
        at = start + timedelta(minutes=10 + 15 * minutes)
        voting.open_vote(uow, system, proposal, actor=LOCAL_OPERATOR, at=at)
        for seat, choice in item.votes.items():
            voting.cast_vote(uow, system, proposal, seat, choice, actor=LOCAL_OPERATOR, at=at)
        if item.number != OPEN_ITEM:
            result.decisions[item.number] = voting.close_vote(
                uow, system, proposal, actor=LOCAL_OPERATOR, at=at + timedelta(minutes=5)
            )
    consultations.load_fixture(uow, system, actor=LOCAL_OPERATOR)
    head = queries.sign_tree_head(uow, system, signer_for(workspace), actor=LOCAL_OPERATOR)
    return GovernanceDemo(
        result.meeting_id,
        dict(result.proposals),
        dict(result.decisions),
        result.proposals[OPEN_ITEM],
        people,
        head.tree_size,
    )


def credentials_text(demo: GovernanceDemo) -> str:
    """The demo users' part of the credentials file."""
    return "".join(
        f"\nusername: {u.username}\npassword: {u.password}\nrole: {u.role} ({u.note})\n"
        for u in demo.users
    )
