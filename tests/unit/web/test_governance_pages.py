"""The governance pages and the public register page over the N&N ICB board, on SQLite and
PostgreSQL: what the public sees (no sign-in), what a signed-in board member sees and does
(the vote form, with CSRF), and the register's verification status computed on each load."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.api.app import create_app
from integrated_care.governance.fixtures import nottingham_icb_board
from integrated_care.governance.model import Choice, Classification, DecisionType
from integrated_care.services import consultations, governance_queries, users
from integrated_care.services.governance import meetings, scenario, voting
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.services.structure import init_system
from integrated_care.workspace import Workspace

PASSWORD = "correct-horse-battery"
MEMBER, SECRETARY = "city-member", "secretary"


@dataclass
class Site:
    client: TestClient
    ws: Workspace
    meeting: int
    proposals: dict[str, int]


@pytest.fixture
def site(workspace: Workspace) -> Iterator[Site]:
    """The board: items 5 and 6 decided, a third proposal (item 7) open, nothing else voted."""
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=9, minute=30, microsecond=0)
    data = nottingham_icb_board(
        meeting_starts_at=start, agenda_published_at=start - timedelta(days=8)
    )
    with workspace.uow() as uow:
        attach_signer(uow, signer_for(workspace))
        init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        users.add_user(uow, MEMBER, PASSWORD, "partner", actor=LOCAL_OPERATOR)
        users.add_user(uow, SECRETARY, PASSWORD, "board_secretary", actor=LOCAL_OPERATOR)
        result = scenario.build(
            uow, "QT1", data, actor=LOCAL_OPERATOR, users={"partner-city": MEMBER}
        )
        consultations.load_fixture(uow, "QT1", actor=LOCAL_OPERATOR)
        governance_queries.sign_tree_head(uow, "QT1", signer_for(workspace), actor=LOCAL_OPERATOR)
        uow.commit()
    workspace.save_settings("QT1")
    with TestClient(create_app(workspace)) as client:
        yield Site(client, workspace, result.meeting_id, dict(result.proposals))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, f"{path} has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str) -> None:
    token = csrf(client, "/sign-in")
    reply = client.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert reply.status_code == 303


def test_the_governance_page_lists_bodies_meetings_and_consultations(site: Site) -> None:
    page = site.client.get("/governance")
    assert page.status_code == 200
    body = text_of(page.text)
    assert "NHS Nottingham and Nottinghamshire ICB board" in body
    assert "Meets every rule" in body
    assert f'href="/governance/meetings/{site.meeting}"' in page.text
    assert "Integrating care: next steps" in body
    assert 'href="/governance"' in page.text
    assert 'href="/register"' in page.text


def test_the_body_page_states_each_unmet_composition_rule(site: Site) -> None:
    page = text_of(site.client.get("/governance/bodies/icb-board").text)
    assert "Meets every rule" in page
    assert "Councillor A (illustrative)" in page
    assert "Partner member: Nottingham City Council" in page
    assert "Employed by Nottingham University Hospitals NHS Trust" in page  # a declaration
    before = site.client.get("/governance/bodies/icb-board?as_of=2025-01-01")
    assert before.status_code == 200
    warning = re.search(r'data-testid="composition">(.*?)</div>', before.text, flags=re.S)
    assert warning
    rules = re.findall(r"<li>(.*?)</li>", warning.group(1), flags=re.S)
    assert len(rules) > 5
    assert all("(" in r for r in rules)  # each with its source and citation
    assert "Local rule" in text_of(warning.group(1))
    assert site.client.get("/governance/bodies/no-such-body").status_code == 404


def test_the_meeting_page_withholds_the_private_item_from_the_public(site: Site) -> None:
    page = site.client.get(f"/governance/meetings/{site.meeting}")
    assert page.status_code == 200
    agenda = text_of(
        re.search(r'data-testid="agenda">(.*?)</table>', page.text, flags=re.S).group(1)
    )
    assert "Private item" in agenda
    assert "Schedule 12A paragraph 3" in agenda
    assert "will be published after" in agenda
    assert "Estates" not in page.text
    assert "lease" not in page.text.lower()
    body = text_of(page.text)
    assert "Present (13)" in body
    assert "Apologies (1)" in body
    assert "Not carried: unanimity" in body
    assert "Carried: simple majority" in body
    assert "Provider Selection Regime 2023" in body
    sign_in(site.client, MEMBER)
    assert (
        "Estates: lease negotiation" in site.client.get(f"/governance/meetings/{site.meeting}").text
    )
    assert site.client.get("/governance/meetings/999").status_code == 404


def test_the_proposal_page_shows_the_rule_applied_and_each_vote(site: Site) -> None:
    policy = text_of(site.client.get(f"/governance/proposals/{site.proposals['5']}").text)
    assert "May result in privatisation or outsourcing" in policy
    assert "Unanimity (weak: no vote against), required for proposals that may result" in policy
    assert "version 1" in policy
    assert "Nottingham City Council (Councillor A (illustrative)) voted against" in policy
    assert re.search(r"Councillor A \(illustrative\) .*? Against", policy)
    award = site.client.get(f"/governance/proposals/{site.proposals['6']}").text
    note = re.search(r'data-testid="psr-note">(.*?)</div>', award, flags=re.S)
    assert note
    assert "was not applied" in text_of(note.group(1))
    assert "Recused" in text_of(award)
    assert "Your vote" not in award  # nobody signed in


def test_a_member_votes_with_the_form_and_a_secretary_closes_the_vote(site: Site) -> None:
    client = site.client
    proposal = _open_proposal(site)
    path = f"/governance/proposals/{proposal}"
    assert "Record my vote" not in client.get(path).text
    sign_in(client, MEMBER)
    page = client.get(path).text
    assert "Record my vote" in page
    assert "You vote as Partner member: Nottingham City Council" in text_of(page)
    refused = client.post(f"{path}/vote", data={"csrf_token": "forged", "choice": "for"})
    assert refused.status_code == 400
    token = csrf(client, path)
    empty = client.post(f"{path}/vote", data={"csrf_token": token})
    assert empty.status_code == 400
    assert "Choose how you vote." in empty.text
    assert "nhsuk-error-summary" in empty.text
    assert "Record my vote" in empty.text  # the form again, with the problem shown on it
    done = client.post(
        f"{path}/vote", data={"csrf_token": token, "choice": "against"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{path}?done=vote"
    after = text_of(client.get(done.headers["location"]).text)
    assert "Your vote has been recorded." in after
    assert "You voted Against" in after
    assert "Record my vote" not in after
    again = client.post(f"{path}/vote", data={"csrf_token": token, "choice": "for"})
    assert again.status_code == 409
    assert client.post(f"{path}/close", data={"csrf_token": token}).status_code == 403
    sign_in(client, SECRETARY)
    token = csrf(client, path)
    closed = client.post(f"{path}/close", data={"csrf_token": token}, follow_redirects=False)
    assert closed.status_code == 303
    outcome = text_of(client.get(closed.headers["location"]).text)
    assert "The vote has closed." in outcome
    assert "Carried: simple majority of votes cast" in outcome
    register = text_of(client.get("/register").text)
    assert re.search(r"Verified: \d+ entries, tree head signed at", register)
    assert (
        "Councillor A (illustrative) (Partner member: Nottingham City Council): against" in register
    )


def _open_proposal(site: Site) -> int:
    """A new public item 7 on a later meeting of the board, published, everyone present and
    its vote open: the member's vote decides nothing alone under a simple majority."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    with site.ws.uow() as uow:
        attach_signer(uow, signer_for(site.ws))
        m = meetings.create_meeting(uow, "QT1", "icb-board", start, "Online", actor=LOCAL_OPERATOR)
        spec = meetings.ItemSpec(
            "7",
            "Winter plan",
            proposal=meetings.ProposalSpec(
                "Approve the winter plan", "That ...", Classification(DecisionType.PLAN_APPROVAL)
            ),
        )
        meetings.add_item(uow, "QT1", m.meeting_id, spec, actor=LOCAL_OPERATOR)
        meetings.publish_agenda(uow, "QT1", m.meeting_id, actor=LOCAL_OPERATOR)
        seats = [
            "chair",
            "ceo",
            "dof",
            "nem-audit",
            "partner-pms",
            "partner-city",
            "partner-county",
        ]
        meetings.record_attendance(
            uow, "QT1", m.meeting_id, seats, present=True, actor=LOCAL_OPERATOR
        )
        proposal = voting.proposal_for_item(uow, "QT1", m.meeting_id, "7")
        voting.open_vote(uow, "QT1", proposal, actor=LOCAL_OPERATOR)
        for seat in ("chair", "ceo", "dof", "nem-audit"):
            voting.cast_vote(uow, "QT1", proposal, seat, Choice.FOR, actor=LOCAL_OPERATOR)
        uow.commit()
    return proposal


def test_the_register_page_verifies_the_stored_log(site: Site) -> None:
    page = site.client.get("/register")
    assert page.status_code == 200
    status = text_of(
        re.search(r'data-testid="verification">(.*?)</div>', page.text, flags=re.S).group(1)
    )
    assert re.search(r"Verified: \d+ entries, tree head signed at \d+ \w+ \d{4}, \d\d:\d\d", status)
    assert 'href="/api/v1/register/export"' in page.text
    assert 'href="/api/v1/register/public-key"' in page.text
    assert signer_for(site.ws).public_key_b64 in page.text
    pages, html = 1, page.text
    while "Private item: a sealed commitment" not in text_of(html):  # walk to older entries
        older = re.search(r'href="(/register\?start=\d+)">Older entries', html)
        assert older, "no private entry on any page of the register"
        html, pages = site.client.get(older.group(1)).text, pages + 1
    assert pages > 1
    with site.ws.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER register_entries_no_delete"))
        else:
            connection.execute(
                text("DROP TRIGGER register_entries_append_only ON register_entries")
            )
        connection.execute(text("DELETE FROM register_entries WHERE seq = 1"))
    tampered = text_of(site.client.get("/register").text)
    assert "Verification failed" in tampered
    assert "entry seq 1 is missing" in tampered


def test_the_consultation_page_shows_each_question_with_the_report(site: Site) -> None:
    page = site.client.get("/governance/consultations/nhse-integrating-care-2020")
    assert page.status_code == 200
    body = text_of(page.text)
    assert "Consultation by NHS England and NHS Improvement" in body
    for number in (1, 2, 3, 4):
        assert f"Question {number}" in body
    assert "Agree: 2 Disagree: 0 Neutral: 0" in body
    assert "Colchester Borough Council (outside this system)" in body
    assert site.client.get("/governance/consultations/nope").status_code == 404
