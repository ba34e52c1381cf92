"""The web UI in a real browser: Debian's Chromium driven by Playwright, against uvicorn.

Checks what a person sees and does (headings, the map, the places table, clicking through
to a place) and that the pages fetch nothing from outside this machine and log no errors.
Uses the system Chromium; never ``playwright install``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pytest
from tests.integration.browser.harness import BROWSER_MARKS, Watch, served, watched_page

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.services.structure import init_system, load_model
from integrated_care.structure.tree import NO_PCN_CODE, build_tree
from integrated_care.workspace import Workspace

if TYPE_CHECKING:
    from playwright.sync_api import Page

ICB_NAME = "NHS Nottingham and Nottinghamshire Integrated Care Board"
CITY = "E06000018"

pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is missing")


@dataclass
class Site:
    url: str
    city_pcns: list[str]
    city_registered: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workspace = Workspace.at(tmp_path_factory.mktemp("browser") / "workspace")
    workspace.path.mkdir(parents=True)
    workspace.migrate()
    with workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.commit()
    workspace.save_settings("QT1")
    with workspace.uow() as uow:
        city = next(n for n in build_tree(load_model(uow, "QT1"), date.today()).children
                    if n.code == CITY)  # fmt: skip

    with served(workspace) as url:
        yield Site(
            url,
            [p.name for p in city.children if p.code != NO_PCN_CODE],
            city.registered,
        )


@pytest.fixture
def browser_page(site: Site) -> Iterator[tuple[Page, Watch]]:
    with watched_page() as watched:
        yield watched


def test_overview_then_click_a_place_on_the_map(
    site: Site, browser_page: tuple[Page, Watch]
) -> None:
    page, _ = browser_page
    expect = sync_api.expect
    page.goto(site.url + "/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(ICB_NAME)
    # The map is one image to assistive technology, named by its <title>.
    the_map = page.get_by_role("img", name=re.compile(r"^Places of NHS Nottingham"))
    expect(the_map).to_be_visible()
    expect(page.locator("svg.ics-map path.area")).to_have_count(2)
    table = page.get_by_role("table", name=re.compile(r"^Places on "))
    expect(table).to_be_visible()
    expect(table.get_by_role("link", name="Nottingham", exact=True)).to_be_visible()
    expect(table.get_by_role("link", name="Nottinghamshire", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Primary care network (neighbourhood) boundaries are not published")
    ).to_be_visible()

    # A person clicks the city on the map.
    page.locator(f'svg.ics-map a[href="/places/{CITY}"] path.area').click()

    expect(page).to_have_url(f"{site.url}/places/{CITY}")
    expect(
        page.get_by_role("heading", level=1, name="Place – Nottingham", exact=True)
    ).to_be_visible()
    expect(page.get_by_test_id("registered")).to_have_text(f"{site.city_registered:,}")
    assert site.city_pcns
    for name in site.city_pcns:
        expect(page.get_by_role("link", name=name, exact=True).first).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile(r"^Deprivation in the districts"))
    ).to_be_visible()


def test_changing_the_date_shows_the_system_then(
    site: Site, browser_page: tuple[Page, Watch]
) -> None:
    page, _ = browser_page
    expect = sync_api.expect
    page.goto(site.url + "/places")
    page.get_by_label("Show the system as it was on").fill("2020-01-01")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(f"{site.url}/places?as_of=2020-01-01")
    table = page.get_by_role("table", name="Places on 1 January 2020")
    expect(table).to_be_visible()
    # The default places start on 1 July 2022, when ICBs were established: on this date every
    # practice is "Not in any place", and the places are listed as not yet in force.
    expect(table.get_by_role("link")).to_have_count(0)
    expect(table).to_contain_text("Not in any place")
    expect(
        page.get_by_role("heading", name="Places not in force on 1 January 2020")
    ).to_be_visible()
