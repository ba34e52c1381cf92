"""The FastAPI application: REST API under /api/v1, the web UI at /, static files."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

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

    return app
