"""Who is looking at a page, and the CSRF token that protects the web UI's forms.

The signed-in state is the API's own bearer token, kept in the ``ics_token`` cookie
(HttpOnly, so page scripts cannot read it; SameSite=Lax, so other sites cannot send it with
a form POST). Forms that change state also carry a CSRF token by the double-submit pattern:
a random value in the ``ics_csrf`` cookie must equal the one in the form. Another site can
make a browser send our cookies but cannot read them to copy the value into its form.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response

from integrated_care.access import ANONYMOUS, Actor
from integrated_care.api.deps import TOKEN_COOKIE
from integrated_care.errors import IcsError, InvalidInput
from integrated_care.services import users
from integrated_care.workspace import Workspace

CSRF_COOKIE = "ics_csrf"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person as the header shows them."""

    actor: Actor

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def role(self) -> str:
        return self.actor.role.value.replace("_", " ")

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.role})"


def _workspace(request: Request) -> Workspace:
    workspace = request.app.state.workspace
    assert isinstance(workspace, Workspace)
    return workspace


def actor(request: Request) -> Actor:
    """The actor behind the token cookie; anyone without a valid one is the public.

    A stale or revoked cookie must not lock a person out of public pages, so it counts as
    no sign-in rather than an error. Computed once per request.
    """
    cached = getattr(request.state, "ics_actor", None)
    if isinstance(cached, Actor):
        return cached
    found = ANONYMOUS
    token = request.cookies.get(TOKEN_COOKIE)
    if token:
        try:
            with _workspace(request).uow() as uow:
                found = users.actor_for_token(uow, token)
        except IcsError:
            found = ANONYMOUS
    request.state.ics_actor = found
    return found


def viewer(request: Request) -> Viewer | None:
    who = actor(request)
    return None if who is ANONYMOUS else Viewer(who)


def csrf_token(request: Request) -> str:
    """This browser's CSRF token: the cookie's value, or a new one set on the response."""
    token = getattr(request.state, "ics_csrf", None)
    if isinstance(token, str):
        return token
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.ics_csrf = token
    return token


def keep_csrf_cookie(request: Request, response: Response) -> None:
    """Send the CSRF cookie if this request made a new token."""
    token = getattr(request.state, "ics_csrf", None)
    if isinstance(token, str) and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,  # the server writes the token into its own forms; no script needs it
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )


def check_csrf(request: Request, submitted: str) -> None:
    """Refuse a form whose token does not match this browser's cookie."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise InvalidInput(
            "The form could not be checked (it may have expired). Go back, reload the page "
            "and try again.",
            input_name=CSRF_FIELD,
            expected="the token from the form on this site",
        )


def set_token_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        max_age=int(users.TOKEN_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_token_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        TOKEN_COOKIE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
