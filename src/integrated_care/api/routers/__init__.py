"""One router per domain; ``register_routers`` is the single list of them."""

from __future__ import annotations

from fastapi import FastAPI


def register_routers(app: FastAPI) -> None:
    # Imported here so that adding a domain is one line in one place.
    from integrated_care.api.routers import (
        auth,
        consultations,
        finance_allocations,
        finance_ledger,
        finance_partnerships,
        finance_pot,
        governance,
        governance_meetings,
        membership,
        plans,
        reference,
        register,
        structure,
    )
    from integrated_care.web import routes as web_routes
    from integrated_care.web.finance import allocations as web_finance_allocations
    from integrated_care.web.finance import partnerships as web_finance_partnerships
    from integrated_care.web.finance import pot as web_finance_pot

    for module in (auth, reference, structure, membership):
        app.include_router(module.router, prefix="/api/v1")
    for module in (governance, governance_meetings, register, consultations, plans):
        app.include_router(module.router, prefix="/api/v1")
    for module in (finance_allocations, finance_ledger, finance_pot, finance_partnerships):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(web_routes.router)
    for web_module in (web_finance_allocations, web_finance_pot, web_finance_partnerships):
        app.include_router(web_module.router)
