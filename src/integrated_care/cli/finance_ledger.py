"""(placeholder: filled in by the finance work)"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this part's commands (or sub-groups) to ``ics finance``."""
