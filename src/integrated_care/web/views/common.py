"""What every page shares: the date it shows, links that keep that date, and rendering.

Every page answers "on which date?": ``?as_of=YYYY-MM-DD`` or, without it, today. Links
between pages carry an explicit date on, so a person looking at 2023 stays in 2023.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from integrated_care.errors import InvalidInput
from integrated_care.web.templating import templates
from integrated_care.web.views import session

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class AsOf:
    day: date
    explicit: bool  # given in the query string, so links carry it on

    @property
    def param(self) -> str | None:
        return self.day.isoformat() if self.explicit else None


def parse_as_of(raw: str | None, today: date | None = None) -> AsOf:
    """The date a page shows; a malformed date is the person's error, said plainly."""
    if raw is None or not raw.strip():
        return AsOf(today or date.today(), explicit=False)
    text = raw.strip()
    # date.fromisoformat also takes '20250401' and week dates; only the documented form is
    # accepted so that links and bookmarks have one spelling.
    try:
        if not _ISO_DAY.match(text):
            raise ValueError(text)
        return AsOf(date.fromisoformat(text), explicit=True)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date this service understands. Use the form YYYY-MM-DD, "
            "for example 2025-04-01.",
            input_name="as_of",
            expected="a date as YYYY-MM-DD",
        ) from None


def link(path: str, as_of: AsOf | None = None, **params: str | None) -> str:
    """``path`` with the query string that keeps the page's date and any other choices."""
    query = {k: v for k, v in params.items() if v}
    if as_of is not None and as_of.param:
        query["as_of"] = as_of.param
    return path + ("?" + urlencode(query) if query else "")


def code_path(prefix: str, code: str) -> str:
    """``/places/E06000018``: codes are quoted in case a person defined one with odd text."""
    return f"{prefix}/{quote(code, safe='')}"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    as_of: AsOf | None = None,
) -> HTMLResponse:
    """A page in the site's shell: the viewer, the CSRF token and date-keeping links."""

    def page_link(path: str, **params: str | None) -> str:
        return link(path, as_of, **params)

    full: dict[str, Any] = {
        "page_title": None,
        "breadcrumbs": [],
        "current_user": session.viewer(request),
        "csrf_token": session.csrf_token(request),
        "csp_nonce": None,
        "as_of": as_of,
        "link": page_link,
        **context,
    }
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    # Pages differ by who is signed in; shared caches must not hand one person's page to another.
    response.headers["Cache-Control"] = "no-store"
    session.keep_csrf_cookie(request, response)
    return response
