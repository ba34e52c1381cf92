"""Shared fixtures: NHS England's published tidy allocation files, read raw (csv module), so
that expected values come from the publication and never from the code under test."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

ALLOCATIONS = Path("/work/shared/data/allocations")
YEARS = {"2023/24": "icb_allocations_2023_24.csv", "2024/25": "icb_allocations_2024_25.csv"}


def allocation_path(year: str) -> Path:
    path = ALLOCATIONS / YEARS[year]
    if not path.exists():
        pytest.skip(f"published data not found at {path}")
    return path


@cache
def published_rows(year: str) -> tuple[dict[str, str], ...]:
    with allocation_path(year).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def published_recurrent(year: str, stream: str) -> dict[str, Decimal]:
    """ICB ODS code -> NHS England's published recurrent allocation (£k)."""
    return {
        row["icb_ods_code"]: Decimal(row["recurrent_allocation_k"])
        for row in published_rows(year)
        if row["stream"] == stream
    }


def csv_text(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    """Rows back to CSV text (only ``columns``, in that order, when given)."""
    import io

    header = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
