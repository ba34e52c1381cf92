"""The allocation page in a real browser: NHS England's 2024/25 allocations recomputed for
all 42 ICBs, the distance-from-target chart drawn server-side as SVG, and the year and stream
chosen through the form. Debian's Chromium driven by Playwright against uvicorn; nothing the
page fetches may leave 127.0.0.1 and the browser must log no errors."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.browser.harness import BROWSER_MARKS, served, watched_page

from integrated_care.workspace import Workspace

pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is missing")
ALLOCATIONS = Path("/work/shared/data/allocations")


def published(year: str, stream: str, code: str) -> str:
    """NHS England's published recurrent allocation, formatted as the page shows it."""
    path = ALLOCATIONS / f"icb_allocations_{year.replace('/', '_')}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["stream"], row["icb_ods_code"]) == (stream, code):
                return f"{int(row['recurrent_allocation_k']):,}"
    raise AssertionError(f"{code} {stream} not in {path}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("allocations-browser")
    workspace = Workspace.at(folder / "workspace", f"sqlite:///{folder / 'ics.db'}")
    workspace.path.mkdir(parents=True, exist_ok=True)
    workspace.migrate()
    with served(workspace) as url:
        yield url


def test_the_allocation_page_shows_every_icb_and_the_chart(site: str) -> None:
    with watched_page() as (page, _watch):
        page.goto(f"{site}/finance/allocations?year=2024/25&stream=core")
        assert page.locator("h1").inner_text().strip().endswith("ICB core services")
        rows = page.locator("[data-testid=allocation-table] tbody tr")
        assert rows.count() == 42
        qt1 = page.locator("tr[data-icb=QT1]")
        assert qt1.locator("[data-testid=recurrent]").inner_text() == published(
            "2024/25", "core", "QT1"
        )
        assert qt1.locator("[data-testid=difference]").inner_text() == "0"
        assert page.locator("[data-testid=max-difference]").inner_text() == "£0k"
        chart = page.locator("svg[data-testid=dft-chart]")
        assert chart.is_visible()
        assert chart.locator("g.ics-allocation-chart__row").count() == 42
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 300


def test_the_form_switches_year_and_stream(site: str) -> None:
    with watched_page() as (page, _watch):
        page.goto(f"{site}/finance/allocations")
        page.select_option("#year", "2023/24")
        page.select_option("#stream", "pmc")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**stream=pmc**")
        assert "Primary medical care" in page.locator("h1").inner_text()
        recurrent = page.locator("tr[data-icb=QRV] [data-testid=recurrent]").inner_text()
        assert recurrent == published("2023/24", "pmc", "QRV")
        assert page.locator("[data-testid=allocation-table] tbody tr").count() == 42
