"""Governance in a real browser: a board member of the demo records their vote through the
form, the board secretary closes the vote, and the decision appears in the public register,
which the register page verifies. Debian's Chromium driven by Playwright, against uvicorn
serving a demo workspace built here (never ``playwright install``).

Nothing the pages fetch may leave 127.0.0.1, and the browser must log no errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.integration.browser.harness import BROWSER_MARKS, Watch, served, watched_page

from integrated_care.demo.build import CREDENTIALS_FILE, build_demo
from integrated_care.demo.governance import BOARD_MEMBER, OPEN_ITEM, SECRETARY

if TYPE_CHECKING:
    from playwright.sync_api import Page

OPEN_PROPOSAL = "Approve the system winter plan for urgent and emergency care"

pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is missing")


@dataclass
class Site:
    url: str
    passwords: dict[str, str]


def read_credentials(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    username = None
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(": ")
        if key == "username":
            username = value
        elif key == "password" and username is not None:
            found[username] = value
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workspace = build_demo(tmp_path_factory.mktemp("governance-browser") / "demo")
    passwords = read_credentials(workspace.path / CREDENTIALS_FILE)
    with served(workspace) as url:
        yield Site(url, passwords)


@pytest.fixture
def browser_page(site: Site) -> Iterator[tuple[Page, Watch]]:
    with watched_page() as watched:
        yield watched


def sign_in(page: Page, site: Site, username: str) -> None:
    page.goto(site.url + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(site.passwords[username])
    page.get_by_role("button", name="Sign in").click()
    sync_api.expect(page.get_by_text(f"{username} (")).to_be_visible()


def tally(page: Page, column: str) -> int:
    """A count from the proposal page's tally table, by its column heading."""
    table = page.get_by_test_id("tally")
    headings = [h.strip() for h in table.locator("th").all_inner_texts()]
    cells = table.locator("tbody td").all_inner_texts()
    return int(cells[headings.index(column)].replace(",", ""))


def test_a_board_member_votes_and_the_decision_reaches_the_verified_register(
    site: Site, browser_page: tuple[Page, Watch]
) -> None:
    page, _ = browser_page
    expect = sync_api.expect

    # The City Council's partner member signs in and finds the open proposal.
    sign_in(page, site, BOARD_MEMBER)
    page.get_by_role("link", name="Governance", exact=True).click()
    page.get_by_test_id("meetings-table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ICB board")
    page.get_by_role("link", name=OPEN_PROPOSAL).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_PROPOSAL)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"item {OPEN_ITEM}")
    expect(page.get_by_text("Open for voting").first).to_be_visible()
    expect(page.get_by_test_id("rule")).to_contain_text("Simple majority of votes cast")
    votes_for = tally(page, "For")
    proposal_url = page.url

    # They record their own vote through the form.
    form = page.get_by_test_id("vote-form")
    expect(form).to_contain_text("Partner member: Nottingham City Council")
    form.get_by_label("For", exact=True).check()
    form.get_by_role("button", name="Record my vote").click()
    expect(page.get_by_text("Your vote has been recorded.")).to_be_visible()
    expect(page.get_by_test_id("your-vote")).to_contain_text("You voted For")
    assert tally(page, "For") == votes_for + 1
    expect(page.get_by_test_id("votes")).to_contain_text("Councillor A (illustrative)")
    expect(page.get_by_test_id("vote-form")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    # The board secretary closes the vote: the outcome is recorded under the rule.
    sign_in(page, site, SECRETARY)
    page.goto(proposal_url)
    page.get_by_role("button", name="Close the vote and record the decision").click()
    expect(page.get_by_text("The vote has closed.")).to_be_visible()
    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_contain_text(f"Carried: simple majority of votes cast ({votes_for + 1} for")
    expect(page.get_by_test_id("ballots")).to_contain_text("Councillor A (illustrative)")
    proposal_id = proposal_url.rstrip("/").rsplit("/", 1)[-1]

    # The public register shows the decision and verifies against the public key.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Register", exact=True).click()
    verification = page.get_by_test_id("verification")
    expect(verification).to_contain_text("Verified")
    expect(verification).to_contain_text(re.compile(r"Verified: \d+ entries, tree head signed at"))
    entries = page.get_by_test_id("entries")
    newest = entries.locator("tbody tr").first
    expect(newest).to_contain_text("Decision")
    expect(newest).to_contain_text(f"Proposal {proposal_id}: Carried")
    expect(entries).to_contain_text(
        f"Councillor A (illustrative) (Partner member: Nottingham City Council): for on "
        f"proposal {proposal_id}."
    )
