"""The single pot in a real browser: the public see NHS England's allocations; the demo admin
signs in and sees the Sankey of the 2025/26 pot, its table of flows, the four places and a
place's budget against actual. Debian's Chromium driven by Playwright against uvicorn
serving a demo workspace built here. Nothing may leave 127.0.0.1; no browser errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from tests.integration.browser.harness import BROWSER_MARKS, Watch, served, watched_page

from integrated_care.demo.build import CREDENTIALS_FILE, build_demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is missing")
PLACES = ("Bassetlaw", "Mid Nottinghamshire", "Nottingham City", "South Nottinghamshire")


@dataclass
class Site:
    url: str
    password: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workspace = build_demo(tmp_path_factory.mktemp("finance-browser") / "demo")
    lines = (workspace.path / CREDENTIALS_FILE).read_text(encoding="utf-8").splitlines()
    password = lines[1].partition(": ")[2]  # the first user written is demo-admin
    assert lines[0] == "username: demo-admin"
    with served(workspace) as url:
        yield Site(url, password)


@pytest.fixture
def browser_page() -> Iterator[tuple[Page, Watch]]:
    with watched_page() as watched:
        yield watched


def test_the_public_see_the_allocations_only(site: Site, browser_page: tuple[Page, Watch]) -> None:
    page, _ = browser_page
    expect = sync_api.expect
    page.goto(site.url + "/finance?year=2025/26")
    expect(page.get_by_role("heading", level=1)).to_contain_text("The single pot")
    expect(page.get_by_test_id("pot-total")).to_contain_text("£3,324,300,000.00")
    expect(page.get_by_test_id("sign-in-hint")).to_be_visible()
    expect(page.locator("svg.ics-sankey")).to_have_count(0)


def test_the_sankey_renders_for_a_signed_in_reader(
    site: Site, browser_page: tuple[Page, Watch]
) -> None:
    page, _ = browser_page
    expect = sync_api.expect
    page.goto(site.url + "/sign-in")
    page.get_by_label("Username").fill("demo-admin")
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("demo-admin (")).to_be_visible()

    page.get_by_role("link", name="Finance", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The single pot")
    sankey = page.locator("[data-testid=sankey] svg.ics-sankey")
    expect(sankey).to_be_visible()
    box = sankey.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert box["height"] > 200
    bands = sankey.locator("path")
    assert bands.count() >= 10
    assert sankey.locator("title").first.text_content() == "Flow of the 2025/26 single pot"
    labels = " ".join(sankey.locator("text").all_text_contents())
    for name in ("ICB core services", "ICB single pot", *PLACES):
        assert name in labels, name
    # Every band is drawn with a real size on the screen.
    for i in range(bands.count()):
        band = bands.nth(i).bounding_box()
        assert band is not None
        assert band["width"] > 0

    page.get_by_text("The flows as a table").click()
    expect(page.get_by_test_id("flows-table")).to_contain_text("ICB single pot")
    places = page.get_by_test_id("places-table")
    for name in PLACES:
        expect(places).to_contain_text(name)

    places.get_by_role("link", name="Bassetlaw").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bassetlaw")
    expect(page.get_by_test_id("budget-table")).to_contain_text("Community services")
    expect(page.get_by_test_id("need-table")).to_contain_text("Health inequalities")
    expect(page.get_by_test_id("postings-table")).to_contain_text("bassetlaw-partnership")
