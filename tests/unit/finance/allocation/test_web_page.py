"""The allocation page's HTML, served in-process (the browser test drives the same page in
Chromium where it is installed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.unit.finance.allocation.conftest import published_recurrent

from integrated_care.api.app import create_app
from integrated_care.finance.allocation.engine import AllocationLine
from integrated_care.web.finance.allocations import allocations_page
from integrated_care.workspace import Workspace


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("allocations-page")
    workspace = Workspace.at(folder / "workspace", f"sqlite:///{folder / 'ics.db'}")
    workspace.path.mkdir(parents=True, exist_ok=True)
    workspace.migrate()
    with TestClient(create_app(workspace)) as test_client:
        yield test_client
    workspace.engine.dispose()


def test_the_page_lists_every_icb_with_the_published_figure(client: TestClient) -> None:
    reply = client.get("/finance/allocations", params={"year": "2024/25", "stream": "core"})
    assert reply.status_code == 200
    html = reply.text
    assert html.count('data-icb="') == 42
    assert html.count('class="ics-allocation-chart__row"') == 42
    expected = f"{published_recurrent('2024/25', 'core')['QT1']:,}"
    row = re.search(r'data-icb="QT1">(.*?)</tr>', html, re.S)
    assert row is not None
    assert f'data-testid="recurrent">{expected}<' in row.group(1)
    assert 'data-testid="max-difference">£0k<' in html
    # Nothing is fetched from elsewhere: every absolute URL is this server or the SVG namespace.
    hosts = set(re.findall(r"https?://([^/\"']+)", html))
    assert hosts <= {"testserver", "www.w3.org"}, hosts


def test_streams_without_targets_have_no_chart(client: TestClient) -> None:
    html = client.get("/finance/allocations", params={"stream": "other_primary_care"}).text
    assert 'data-testid="dft-chart"' not in html
    assert html.count('data-icb="') == 42


@pytest.mark.parametrize("query", [{"year": "2030/31"}, {"stream": "dental"}])
def test_bad_choices_are_an_error_page(client: TestClient, query: dict[str, str]) -> None:
    reply = client.get("/finance/allocations", params=query)
    assert reply.status_code == 400
    assert "nhsuk" in reply.text


def test_chart_bars_are_drawn_to_scale() -> None:
    page = allocations_page("2023/24", "core")
    assert page.chart is not None
    bars = {bar.code: bar for bar in page.chart.bars}
    zero = float(page.chart.zero_x)
    lines: dict[str, AllocationLine] = {line.icb_ods_code: line for line in page.result.lines}
    # Surrey Heartlands is furthest above target (+8.86%) and Birmingham and Solihull
    # furthest below (-3.41%) in NHS England's 2023/24 core sheet.
    assert page.chart.bars[-1].code == "QXU"
    assert page.chart.bars[0].code == "QHL"
    ratio = float(bars["QXU"].before_width) / float(bars["QHL"].before_width)
    assert ratio == pytest.approx(0.08863364 / 0.03408690, rel=0.01)
    assert float(bars["QHL"].before_x) < zero == float(bars["QXU"].before_x)
    assert lines["QXU"].gap is not None
