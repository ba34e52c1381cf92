"""The web UI's pages over a real QT1 system, on SQLite and PostgreSQL.

Expected numbers are computed from the published source files in the shared data folder
(NHS England's practice list, ONS's ICB and district tables, MHCLG's IMD summary), not from
the application, so a page that added up wrongly would fail here.
"""

from __future__ import annotations

import csv
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.api.app import create_app
from integrated_care.errors import AuthError
from integrated_care.services import membership, users
from integrated_care.services.structure import init_system
from integrated_care.structure.membership import Action
from integrated_care.workspace import Workspace

DATA = Path("/work/shared/data")
ICB_ODS, ICB_GSS = "QT1", "E54000060"
ICB_NAME = "NHS Nottingham and Nottinghamshire Integrated Care Board"
CITY, COUNTY = "E06000018", "E10000024"  # the default places: one per upper-tier council
SVG = "{http://www.w3.org/2000/svg}"
PASSWORD = "correct-horse-battery"


def published(path: str) -> list[dict[str, str]]:
    file = DATA / path
    if not file.exists():
        pytest.skip(f"published source {file} is not available on this machine")
    with file.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def qt1_practices() -> list[dict[str, str]]:
    """NHS England's December 2025 practices whose commissioning ICB is QT1."""
    rows = published("gp_practices/gp_practices_dec2025.csv")
    return [r for r in rows if r["icb_ods_code"] == ICB_ODS]


def thousands(n: int) -> str:
    return f"{n:,}"


@pytest.fixture
def client(workspace: Workspace) -> Iterator[TestClient]:
    with workspace.uow() as uow:
        init_system(uow, ICB_ODS, actor=LOCAL_OPERATOR)
        users.add_user(uow, "jsmith", PASSWORD, "board_secretary", actor=LOCAL_OPERATOR)
        uow.commit()
    workspace.save_settings(ICB_ODS)
    with TestClient(create_app(workspace)) as test_client:
        yield test_client


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def headings(html: str) -> list[str]:
    return [text_of(h) for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, flags=re.S)]


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    assert match, "page has no h1"
    return text_of(match.group(1))


def the_map(html: str, css: str = "ics-map") -> ET.Element:
    match = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="' + css + r'".*?</svg>',
                      html, flags=re.S)  # fmt: skip
    assert match, "page has no map"
    return ET.fromstring(match.group(0))  # noqa: S314  (our own server's SVG, not untrusted)


def csrf(client: TestClient, path: str = "/sign-in") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "form has no CSRF token"
    return match.group(1)


# -- overview ------------------------------------------------------------------------------


def test_overview_shows_the_system_with_published_numbers(client: TestClient) -> None:
    practices = qt1_practices()
    icb = next(r for r in published("geography/icb24.csv") if r["icb24_ods_code"] == ICB_ODS)
    imd = next(r for r in published("imd/imd2025_icb24_summary.csv") if r["icb24_code"] == ICB_GSS)
    lads = [r for r in published("geography/lad24_icb24_split.csv") if r["icb24_code"] == ICB_GSS]
    utlas = [r for r in published("geography/utla23_icb24_split.csv") if r["icb24_code"] == ICB_GSS]

    page = client.get("/")

    assert page.status_code == 200
    html = page.text
    assert ICB_NAME in h1(html)
    assert icb["pop_census2021"] == "1148453"
    assert 'data-testid="resident"><strong>1,148,453</strong>' in html
    registered = sum(int(r["registered_patients"]) for r in practices)
    assert f'data-testid="registered"><strong>{thousands(registered)}</strong>' in html
    pcns = {r["pcn_code"] for r in practices if r["pcn_code"] != "U"}
    councils = len(utlas) + sum(1 for r in lads if r["lad24_code"].startswith("E07"))
    for count, label in [
        (len(utlas), "places"),
        (len(pcns), "primary care networks"),
        (len(practices), "GP practices"),
        (councils, "councils"),
    ]:
        assert f'<span class="ics-stats__value">{count}</span> {label}' in html
    score = f"{float(imd['imd_average_score']):.1f}"
    rank = int(float(imd["imd_rank_of_average_score"]))
    assert f"<strong>{score}</strong>" in html
    assert f"the {rank}th most deprived of 42 ICBs" in html
    assert headings(html)[:4] == [
        f"Integrated care system – {ICB_NAME}",
        "At a glance",
        "Population",
        "Deprivation",
    ]
    assert "network (neighbourhood) boundaries are not published in the reference data" in html


def test_overview_map_has_one_linked_path_per_place(client: TestClient) -> None:
    html = client.get("/").text
    svg = the_map(html)

    assert svg.find(f"{SVG}title") is not None
    assert svg.find(f"{SVG}desc") is not None
    areas = svg.findall(f".//{SVG}path[@class='area']")
    assert sorted(a.get("data-id", "") for a in areas) == [CITY, COUNTY]
    links = {a.get("href") for a in svg.iter(f"{SVG}a")}
    assert links == {f"/places/{CITY}", f"/places/{COUNTY}"}
    # The two sub-ICB locations (02Q Bassetlaw, 52R Nottingham and Nottinghamshire).
    assert len(svg.findall(f".//{SVG}path[@class='outline']")) == 2
    # The places table links each place too.
    table = re.search(r'data-testid="places-table".*?</table>', html, flags=re.S)
    assert table
    assert f'href="/places/{CITY}"' in table.group(0)


def test_map_colour_and_date_are_chosen_by_query_string(client: TestClient) -> None:
    by_population = client.get("/?colour=population&as_of=2024-01-01")
    assert by_population.status_code == 200
    svg = the_map(by_population.text)
    legend = svg.find(f".//{SVG}text[@class='legend-title']")
    assert legend is not None
    assert legend.text == "Registered patients"
    # An explicit date carries on through links, and the date form keeps the colour.
    assert f'href="/places/{CITY}?as_of=2024-01-01"' in by_population.text
    assert '<input type="hidden" name="colour" value="population">' in by_population.text

    assert client.get("/?colour=rainbow").status_code == 400


def test_before_the_default_places_start_there_are_none(client: TestClient) -> None:
    html = client.get("/?as_of=2020-01-01").text
    assert '<span class="ics-stats__value">0</span> places' in html
    assert "No place on 1 January 2020 has an area that can be drawn." in html
    # Every practice is still counted, under "Not in any place", so the totals add up.
    unplaced = re.search(r"Not in any place</th>.*?</tr>", html, flags=re.S)
    assert unplaced
    assert f">{len(qt1_practices())}<" in unplaced.group(0)
    page = client.get(f"/places/{CITY}?as_of=2020-01-01").text
    assert "Not in force on 1 January 2020" in page


# -- places and PCNs -------------------------------------------------------------------------


def test_places_list_links_every_place(client: TestClient) -> None:
    page = client.get("/places")
    assert page.status_code == 200
    assert h1(page.text).endswith("Places")
    assert '<caption class="nhsuk-table__caption">Places on ' in page.text
    for code, name in [(CITY, "Nottingham"), (COUNTY, "Nottinghamshire")]:
        assert f'<a href="/places/{code}">{name}</a>' in page.text


def test_place_page_shows_population_districts_pcns_and_practices(client: TestClient) -> None:
    lad = next(r for r in published("geography/lad24.csv") if r["lad24_code"] == CITY)
    imd = next(r for r in published("imd/imd2025_lad24_summary.csv") if r["lad24_code"] == CITY)

    page = client.get(f"/places/{CITY}")

    assert page.status_code == 200
    html = page.text
    assert h1(html) == "Place – Nottingham"
    # Nottingham is one whole district inside QT1: its residents are the district's.
    assert f'data-testid="resident">{thousands(int(lad["pop_census2021"]))}<' in html
    assert f"{float(imd['imd_average_score']):.1f}" in html
    table = re.search(r'data-testid="practices-table".*?</table>', html, flags=re.S)
    assert table
    sizes = [int(n.replace(",", "")) for n in re.findall(r'ics-num">([\d,]+)<', table.group(0))]
    assert f'data-testid="registered">{thousands(sum(sizes))}<' in html
    listed = set(re.findall(r"C\d{5}|Y\d{5}", table.group(0)))
    by_code = {r["practice_code"]: r for r in qt1_practices()}
    for code in listed:  # every list size shown is NHS England's
        assert thousands(int(by_code[code]["registered_patients"])) in table.group(0)
    assert "/pcns/U" in html
    districts = the_map(html)
    assert [p.get("data-id") for p in districts.findall(f".//{SVG}path")] == [CITY]
    assert "Nottingham place partnership" in html
    assert "Versions of Nottingham" in html


def test_pcn_page_lists_its_practices_place_and_sub_icb(client: TestClient) -> None:
    rows = [r for r in qt1_practices() if r["pcn_code"] == "U06437"]  # Byron PCN, Hucknall

    page = client.get("/pcns/U06437")

    assert page.status_code == 200
    assert h1(page.text) == f"Primary care network – {rows[0]['pcn_name']}"
    for row in rows:
        assert row["practice_code"] in page.text
        assert thousands(int(row["registered_patients"])) in page.text
    total = sum(int(r["registered_patients"]) for r in rows)
    assert f'data-testid="registered">{thousands(total)}<' in page.text
    assert rows[0]["sicbl_name"] in page.text
    assert f'href="/places/{COUNTY}"' in page.text


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/places/NOWHERE", 404, "Unknown place &#39;NOWHERE&#39;."),
        ("/pcns/U00000", 404, "Unknown PCN &#39;U00000&#39;."),
        ("/membership?body=nope", 404, "Unknown partnership body"),
        ("/?as_of=2025-13-01", 400, "is not a date this service understands"),
        ("/places?as_of=yesterday", 400, "Use the form YYYY-MM-DD"),
        (f"/places/{CITY}?as_of=20250101", 400, "Use the form YYYY-MM-DD"),
        ("/placez", 404, "There is no page at this address."),
        ("/sign-out", 405, "This address cannot be used that way."),
    ],
)
def test_bad_requests_render_the_error_page(
    client: TestClient, path: str, status: int, text: str
) -> None:
    page = client.get(path)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert 'class="nhsuk-error-summary"' in page.text
    assert text in page.text


def test_a_missing_static_file_is_a_plain_404(client: TestClient) -> None:
    missing = client.get("/static/nothing-here.css")
    assert missing.status_code == 404
    assert not missing.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/places",
        f"/places/{CITY}",
        "/pcns/U06437",
        "/membership",
        "/about/data",
        "/sign-in",
        "/places/NOWHERE",
    ],
)
def test_pages_are_structured_for_assistive_technology(client: TestClient, path: str) -> None:
    html = client.get(path).text
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", html)]
    assert levels.count(1) == 1, "one h1 per page"
    assert levels[0] == 1, "the h1 comes first"
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading level skipped: h{before} then h{after}"
    assert html.count("<table") == html.count("<caption"), "every table has a caption"
    for svg in re.findall(r"<svg[^>]*class=\"ics-map\".*?</svg>", html, flags=re.S):
        assert 'role="img"' in svg
        assert "<title" in svg
        assert "<desc" in svg


# -- membership and data ---------------------------------------------------------------------


def test_membership_page_tags_suspended_members_and_shows_history(
    client: TestClient, workspace: Workspace
) -> None:
    with workspace.uow() as uow:
        for org in (CITY, COUNTY):
            membership.record(uow, ICB_ODS, body_code="ics-partnership", org_code=org,
                              action=Action.JOIN, effective=date(2022, 7, 1),
                              conditions=("Unanimous voting on outsourcing",),
                              actor=LOCAL_OPERATOR)  # fmt: skip
        membership.record(uow, ICB_ODS, body_code="ics-partnership", org_code=CITY,
                          action=Action.SUSPEND, effective=date(2023, 1, 1),
                          reason="Lack of democratic oversight", planned_end=date(2023, 6, 1),
                          actor=LOCAL_OPERATOR)  # fmt: skip
        uow.commit()

    during = client.get("/membership?as_of=2023-03-01").text
    suspended = re.search(r'<tr class="nhsuk-table__row ics-row--suspended">.*?</tr>', during,
                          flags=re.S)  # fmt: skip
    assert suspended
    row = suspended.group(0)
    assert "Nottingham Council" in row
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">Suspended</strong>' in row
    assert "Lack of democratic oversight" in row
    assert "Unanimous voting on outsourcing" in row
    assert "1 membership is suspended on this date." in during
    history = re.search(r'data-testid="history-table".*?</table>', during, flags=re.S)
    assert history
    assert history.group(0).count('<td class="nhsuk-table__cell ics-date">') == 3

    before = client.get("/membership?as_of=2022-01-01&body=ics-partnership").text
    assert "No memberships are recorded on 1 January 2022." in before
    place_body = client.get(f"/membership?body={COUNTY}-partnership").text
    assert "No membership changes have been recorded for this body." in place_body


def test_about_data_lists_datasets_and_the_licence(client: TestClient) -> None:
    page = client.get("/about/data")
    assert page.status_code == 200
    html = page.text
    assert h1(html) == "About the data"
    assert "Open Government Licence v3.0" in html
    assert "GP practices with registered list sizes" in html
    assert ">6,196<" in html
    assert ">33,755<" in html
    assert "<h2>Attribution for the packaged reference data</h2>" in html


# -- signing in and out ----------------------------------------------------------------------


def test_wrong_password_shows_an_error_and_sets_no_cookie(client: TestClient) -> None:
    token = csrf(client)
    page = client.post(
        "/sign-in", data={"username": "jsmith", "password": "not-the-password", "csrf_token": token}
    )
    assert page.status_code == 401
    assert "Wrong username or password." in page.text
    assert "ics_token" not in page.headers.get("set-cookie", "")
    assert "ics_token" not in client.cookies


def test_sign_in_then_sign_out(client: TestClient, workspace: Workspace) -> None:
    token = csrf(client)
    signed_in = client.post(
        "/sign-in",
        data={"username": "jsmith", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"
    cookie = signed_in.headers["set-cookie"]
    assert "ics_token=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    bearer = client.cookies["ics_token"]

    home = client.get("/").text
    assert "jsmith (board secretary)" in home
    assert "Sign out" in home

    refused = client.post("/sign-out", data={"csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 400  # a forged form cannot sign anyone out
    signed_out = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert signed_out.status_code == 303
    assert 'ics_token=""' in signed_out.headers["set-cookie"]
    assert "Sign in" in client.get("/").text
    with workspace.uow() as uow, pytest.raises(AuthError):
        users.actor_for_token(uow, bearer)  # revoked, not just forgotten by the browser


def test_sign_in_without_the_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/sign-in")
    page = client.post("/sign-in", data={"username": "jsmith", "password": PASSWORD})
    assert page.status_code == 400
    assert "ics_token" not in client.cookies
