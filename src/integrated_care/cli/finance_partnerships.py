"""``ics finance pools | bcf | contributions``: section 75 pooled budgets, Better Care Fund
plans and partner contributions to ICS running costs (one module per group)."""

from __future__ import annotations

import typer

from integrated_care.cli import finance_bcf, finance_contributions, finance_pools


def register(app: typer.Typer) -> None:
    """Add the pools, BCF and contributions groups to ``ics finance``."""
    app.add_typer(finance_pools.app, name="pools")
    app.add_typer(finance_bcf.app, name="bcf")
    app.add_typer(finance_contributions.app, name="contributions")
