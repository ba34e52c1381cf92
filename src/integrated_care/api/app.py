"""The FastAPI application: REST API under /api/v1, the web UI at /, static files."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from integrated_care import __version__
from integrated_care.errors import IcsError
from integrated_care.workspace import Workspace


def create_app(workspace: Workspace) -> FastAPI:
    app = FastAPI(
        title="integrated-care",
        version=__version__,
        description="REST API of an English NHS Integrated Care System: structure, "
        "places, PCNs, practices and partnership membership.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.workspace = workspace
    static = resources.files("integrated_care.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    from integrated_care.api.routers import register_routers

    register_routers(app)

    @app.exception_handler(IcsError)
    async def ics_error(request: Request, exc: IcsError) -> Response:
        if not request.url.path.startswith("/api/"):
            from integrated_care.web.errors import render_error

            return render_error(request, exc.status_code, exc.message)
        return JSONResponse(status_code=exc.status_code, content=exc.to_dict())

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own 422s get the same body as every other error: one clear message.
        error = validation_message(exc)
        if not request.url.path.startswith("/api/"):
            from integrated_care.web.errors import render_error

            return render_error(request, 422, error.message)
        return JSONResponse(status_code=422, content=error.to_dict())

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # Unknown API paths and methods answer in the common shape; elsewhere, an error page.
        if not request.url.path.startswith("/api/"):
            from integrated_care.web.errors import http_error_page

            return await http_error_page(request, exc)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        body = {"error": code, "message": str(exc.detail), "input": "path", "expected": None}
        return JSONResponse(status_code=exc.status_code, content=body, headers=exc.headers)

    return app


_LOCATIONS = {
    "query": "query parameter",
    "path": "path parameter",
    "body": "field",
    "header": "header",
    "cookie": "cookie",
}


def validation_message(exc: RequestValidationError) -> IcsError:
    """The first problem of a request that failed validation, naming the input at fault."""
    errors = list(exc.errors())
    if not errors:
        return IcsError("The request is malformed.", input_name="request")
    first = errors[0]
    loc = list(first.get("loc", ())) or ["body"]
    where, path = loc[0], loc[1:]
    name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    label = _LOCATIONS.get(str(where), str(where))
    ctx = first.get("ctx") or {}
    kind = first.get("type", "")
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    expected: str | None
    if kind == "json_invalid":
        message, name = f"The request body is not valid JSON ({msg}).", "body"
        expected = "a JSON object"
    elif kind == "missing":
        message = f"Missing {label} '{name}'." if name else "The request body is missing."
        expected = "a value" if name else "a JSON object"
    else:
        message = f"Invalid {label} '{name}': {msg}." if name else f"Invalid request body: {msg}."
        expected = str(ctx["expected"]) if "expected" in ctx else None
    if len(errors) > 1:
        message += f" ({len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} after this.)"
    return IcsError(message, input_name=name or "body", expected=expected)
