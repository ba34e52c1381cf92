"""The one Jinja2 environment for the web UI, with the filters the templates use.

Templates are found through ``importlib.resources`` so the UI works from an installed wheel
as well as from a source checkout. Autoescaping is on for every template: names of places
and organisations come from the database and must never be read as markup.
"""

from __future__ import annotations

from datetime import date
from importlib import resources

from fastapi.templating import Jinja2Templates

from integrated_care.web.maps import format_number

TEMPLATES_DIR = resources.files("integrated_care.web") / "templates"


def thousands(value: float | None) -> str:
    """1148453 -> '1,148,453'; None -> an en dash, so an empty cell still reads as 'none'."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return format_number(value)
    return f"{int(value):,}"


def long_date(value: date | None) -> str:
    """2022-07-01 -> '1 July 2022', the GOV.UK and NHS.UK style; None -> 'open'."""
    if value is None:
        return "open"
    return f"{value.day} {value:%B %Y}"


def percent(value: float | None, places: int = 1) -> str:
    """0.2457 -> '24.6%'."""
    if value is None:
        return "–"
    return f"{value * 100:.{places}f}%"


def score(value: float | None) -> str:
    """IMD scores to one decimal place, as MHCLG's summaries are usually quoted."""
    if value is None:
        return "–"
    return f"{value:.1f}"


def ordinal(value: int) -> str:
    """12 -> '12th', for ranks ('12th most deprived of 42')."""
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters.update(
    thousands=thousands, long_date=long_date, percent=percent, score=score, ordinal=ordinal
)
