"""One router per domain; ``register_routers`` is the single list of them."""

from __future__ import annotations

from fastapi import FastAPI


def register_routers(app: FastAPI) -> None:
    # Imported here so that adding a domain is one line in one place.
    from integrated_care.api.routers import (
        auth,
        consultations,
        governance,
        governance_meetings,
        membership,
        plans,
        reference,
        register,
        structure,
    )
    from integrated_care.web import routes as web_routes

    for module in (auth, reference, structure, membership):
        app.include_router(module.router, prefix="/api/v1")
    for module in (governance, governance_meetings, register, consultations, plans):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(web_routes.router)
