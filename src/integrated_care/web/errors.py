"""Errors on web pages: the NHS.UK error summary in the site's shell, with a 4xx/5xx status.

The application's ``IcsError`` handler calls ``render_error`` for every path outside
``/api/``, so a page handler only has to raise (``NotFound`` for an unknown place code,
``InvalidInput`` for a malformed date) and the person sees a page, not JSON. Starlette's own
errors (an address with no page) come through ``http_error_page``.
"""

from __future__ import annotations

import logging
from html import escape
from http import HTTPStatus

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from integrated_care.web.views.common import render

log = logging.getLogger(__name__)

# Starlette's details are bare status phrases ("Not Found"); say what happened instead.
_PLAIN_MESSAGES = {
    404: "There is no page at this address. If you typed it, check it; if you followed a "
    "link, start again from the overview.",
    405: "This address cannot be used that way.",
}


def render_error(request: Request, status_code: int, message: str) -> Response:
    try:
        return render(
            request,
            "error.html",
            {"status_code": status_code, "message": message, "page_title": "Error"},
            status_code=status_code,
        )
    except Exception:
        # The error page must never fail in turn (e.g. the database is what went wrong and
        # the header cannot look up who is signed in): fall back to plain, escaped text.
        log.exception("could not render the error page")
        body = f"<!DOCTYPE html><title>Error</title><p>{escape(message)}</p>"
        return HTMLResponse(body, status_code=status_code)


async def http_error_page(request: Request, exc: HTTPException) -> Response:
    """An HTTP error outside the API as a page; a missing static file stays a plain 404."""
    if request.url.path.startswith("/static/"):
        return await http_exception_handler(request, exc)
    message = str(exc.detail)
    if message == HTTPStatus(exc.status_code).phrase:
        message = _PLAIN_MESSAGES.get(exc.status_code, message)
    # Rendering reads the database (who is signed in): keep it off the event loop.
    response = await run_in_threadpool(render_error, request, exc.status_code, message)
    response.headers.update(exc.headers or {})
    return response
