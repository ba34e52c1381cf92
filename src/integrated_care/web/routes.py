"""The server-rendered web UI: thin handlers that build page data (``views``) and render it.

Every page is public, read-only and takes ``?as_of=YYYY-MM-DD``. Handlers are plain ``def``
so FastAPI runs them in its thread pool: database and reference-data reads block. Errors
are raised as ``IcsError``; the application's handler renders them with ``errors.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from integrated_care.access import Permission, require
from integrated_care.api.deps import TOKEN_COOKIE, UowDep, WorkspaceDep
from integrated_care.errors import AuthError
from integrated_care.services import users
from integrated_care.web.views import about, membership, overview, pcns, places, session
from integrated_care.web.views.common import AsOf, link, parse_as_of, render

router = APIRouter(include_in_schema=False)


def _crumbs(as_of: AsOf | None, *pairs: tuple[str, str]) -> list[dict[str, str]]:
    """Breadcrumbs that keep the page's chosen date."""
    return [{"text": text, "href": link(href, as_of)} for text, href in pairs]


@router.get("/", response_class=HTMLResponse)
def overview_page(
    request: Request,
    uow: UowDep,
    workspace: WorkspaceDep,
    as_of: str | None = None,
    colour: str | None = None,
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    day = parse_as_of(as_of)
    page = overview.overview(uow, workspace.system, day, colour)
    return render(request, "overview.html", {"page": page, "page_title": "Overview"}, as_of=day)


@router.get("/places", response_class=HTMLResponse)
def places_page(
    request: Request, uow: UowDep, workspace: WorkspaceDep, as_of: str | None = None
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    day = parse_as_of(as_of)
    page = places.places_list(uow, workspace.system, day)
    crumbs = _crumbs(day, ("Overview", "/"))
    return render(
        request,
        "places.html",
        {"page": page, "page_title": "Places", "breadcrumbs": crumbs},
        as_of=day,
    )


@router.get("/places/{code}", response_class=HTMLResponse)
def place_page(
    request: Request, code: str, uow: UowDep, workspace: WorkspaceDep, as_of: str | None = None
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    day = parse_as_of(as_of)
    page = places.place_page(uow, workspace.system, code, day)
    crumbs = _crumbs(day, ("Overview", "/"), ("Places", "/places"))
    return render(
        request,
        "place.html",
        {"page": page, "page_title": page.name, "breadcrumbs": crumbs},
        as_of=day,
    )


@router.get("/pcns/{code}", response_class=HTMLResponse)
def pcn_page(
    request: Request, code: str, uow: UowDep, workspace: WorkspaceDep, as_of: str | None = None
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    day = parse_as_of(as_of)
    page = pcns.pcn_page(uow, workspace.system, code, day)
    crumbs = _crumbs(day, ("Overview", "/"), ("Places", "/places"))
    return render(
        request,
        "pcn.html",
        {"page": page, "page_title": page.name, "breadcrumbs": crumbs},
        as_of=day,
    )


@router.get("/membership", response_class=HTMLResponse)
def membership_page(
    request: Request,
    uow: UowDep,
    workspace: WorkspaceDep,
    as_of: str | None = None,
    body: str | None = None,
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    day = parse_as_of(as_of)
    page = membership.membership_page(uow, workspace.system, day, body)
    crumbs = _crumbs(day, ("Overview", "/"))
    return render(
        request,
        "membership.html",
        {"page": page, "page_title": "Partnership membership", "breadcrumbs": crumbs},
        as_of=day,
    )


@router.get("/about/data", response_class=HTMLResponse)
def about_data_page(request: Request) -> Response:
    page = about.about_data()
    crumbs = _crumbs(None, ("Overview", "/"))
    return render(
        request,
        "about_data.html",
        {"page": page, "page_title": "About the data", "breadcrumbs": crumbs},
    )


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> Response:
    return render(request, "sign_in.html", {"page_title": "Sign in", "error": None})


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    uow: UowDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    session.check_csrf(request, csrf_token)
    error: str | None = None
    if not username.strip() or not password:
        error = "Enter your username and password."
    else:
        try:
            token = users.issue_token(uow, username.strip(), password)
        except AuthError as exc:
            error = exc.message
        else:
            uow.commit()
            # 303: the browser follows with a GET, so reloading the overview never re-posts.
            response = RedirectResponse("/", status_code=303)
            session.set_token_cookie(request, response, token)
            return response
    return render(
        request,
        "sign_in.html",
        {"page_title": "Sign in", "error": error, "username": username},
        status_code=401 if username.strip() and password else 400,
    )


@router.post("/sign-out")
def sign_out(request: Request, uow: UowDep, csrf_token: Annotated[str, Form()] = "") -> Response:
    session.check_csrf(request, csrf_token)
    token = request.cookies.get(TOKEN_COOKIE)
    if token:
        users.revoke_token(uow, token)
        uow.commit()
    response = RedirectResponse("/", status_code=303)
    session.clear_token_cookie(request, response)
    return response
