"""The server-rendered web UI: thin handlers that build page data (``views``) and render it.

Every page is public and read-only, and the structure pages take ``?as_of=YYYY-MM-DD``. The
only forms that change anything are sign-in, sign-out and, on a proposal's page, the vote
forms (cast one's own vote; open or close a vote): each a POST carrying the CSRF token.
Handlers are plain ``def`` so FastAPI runs them in its thread pool: database and
reference-data reads block. Errors are raised as ``IcsError``; the application's handler
renders them with ``errors.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from integrated_care.access import Permission, require
from integrated_care.api.deps import TOKEN_COOKIE, UowDep, WorkspaceDep
from integrated_care.api.routers.governance_common import SignedUowDep
from integrated_care.errors import AuthError, InvalidInput
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import users
from integrated_care.web.views import (
    about,
    governance,
    governance_forms,
    governance_meetings,
    governance_register,
    membership,
    overview,
    pcns,
    places,
    session,
)
from integrated_care.web.views.common import AsOf, link, parse_as_of, render
from integrated_care.workspace import Workspace

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


# -- governance and the public register (views.governance*) ---------------------------------


@router.get("/governance", response_class=HTMLResponse)
def governance_page(
    request: Request, uow: UowDep, workspace: WorkspaceDep, as_of: str | None = None
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    day = parse_as_of(as_of)
    page = governance.index(uow, workspace.system, day)
    crumbs = _crumbs(day, ("Overview", "/"))
    context = {"page": page, "page_title": "Governance", "breadcrumbs": crumbs}
    return render(request, "governance_index.html", context, as_of=day)


@router.get("/governance/bodies/{code}", response_class=HTMLResponse)
def governance_body_page(
    request: Request, code: str, uow: UowDep, workspace: WorkspaceDep, as_of: str | None = None
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    day = parse_as_of(as_of)
    page = governance.body_page(uow, workspace.system, code, day)
    crumbs = _crumbs(day, ("Overview", "/"), ("Governance", "/governance"))
    context = {"page": page, "page_title": page.name, "breadcrumbs": crumbs}
    return render(request, "body.html", context, as_of=day)


@router.get("/governance/meetings/{meeting_id}", response_class=HTMLResponse)
def governance_meeting_page(
    request: Request, meeting_id: int, uow: UowDep, workspace: WorkspaceDep
) -> Response:
    actor = session.actor(request)
    page, private = governance_meetings.meeting_page(uow, workspace.system, meeting_id, actor)
    governance_forms.audit_private(uow, workspace.system, actor, private, request.url.path)
    crumbs = _crumbs(None, ("Governance", "/governance"), (page.body_name, page.body_href))
    context = {"page": page, "page_title": page.title, "breadcrumbs": crumbs}
    return render(request, "meeting.html", context)


@router.get("/governance/proposals/{proposal_id}", response_class=HTMLResponse)
def governance_proposal_page(
    request: Request,
    proposal_id: int,
    uow: UowDep,
    workspace: WorkspaceDep,
    done: str | None = None,
) -> Response:
    return _proposal(request, uow, workspace, proposal_id, done=done)


def _proposal(
    request: Request,
    uow: UnitOfWork,
    workspace: Workspace,
    proposal_id: int,
    *,
    done: str | None = None,
    error: str | None = None,
) -> Response:
    actor = session.actor(request)
    page, private = governance_meetings.proposal_page(uow, workspace.system, proposal_id, actor)
    governance_forms.audit_private(uow, workspace.system, actor, private, request.url.path)
    crumbs = _crumbs(
        None, ("Governance", "/governance"), (f"Meeting: {page.meeting_title}", page.meeting_href)
    )
    context = {
        "page": page,
        "page_title": ("Error: " if error else "") + page.title,
        "breadcrumbs": crumbs,
        "done": governance_forms.DONE.get(done or ""),
        "error": error,
    }
    return render(request, "proposal.html", context, status_code=400 if error else 200)


@router.post("/governance/proposals/{proposal_id}/{action}")
def governance_proposal_action(
    request: Request,
    proposal_id: int,
    action: str,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
    csrf_token: Annotated[str, Form()] = "",
    choice: Annotated[str, Form()] = "",
) -> Response:
    session.check_csrf(request, csrf_token)
    actor = session.actor(request)
    try:
        done = governance_forms.act(uow, workspace, proposal_id, action, choice, actor=actor)
    except InvalidInput as exc:
        if exc.input_name != "choice":
            raise
        # Nothing chosen: the same page again, the problem shown on the form.
        return _proposal(request, uow, workspace, proposal_id, error=exc.message)
    uow.commit()
    return RedirectResponse(f"/governance/proposals/{proposal_id}?done={done}", status_code=303)


@router.get("/governance/consultations/{code}", response_class=HTMLResponse)
def governance_consultation_page(
    request: Request, code: str, uow: UowDep, workspace: WorkspaceDep
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    page = governance_register.consultation_page(uow, workspace.system, code)
    crumbs = _crumbs(None, ("Overview", "/"), ("Governance", "/governance"))
    context = {"page": page, "page_title": page.title, "breadcrumbs": crumbs}
    return render(request, "consultation.html", context)


@router.get("/register", response_class=HTMLResponse)
def register_page(
    request: Request, uow: UowDep, workspace: WorkspaceDep, start: int | None = None
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    page = governance_forms.register(uow, workspace, start)
    crumbs = _crumbs(None, ("Overview", "/"))
    context = {"page": page, "page_title": "Public decision register", "breadcrumbs": crumbs}
    return render(request, "register.html", context)
