"""Read and check the tidy allocation file (one row per ICB and stream, money in £ thousand).

The layout is that of ``icb_allocations_<year>.csv`` (see the data's SOURCE.md): baselines,
fair-shares targets and growth rates are inputs; convergence, recurrent allocation and
post-convergence distance from target are NHS England's published outputs. The engine never
reads an output as an input: published figures are kept only to show the difference.

Every problem is refused with one error that names the file, the row (its line number in the
file, the header being line 1) and the column, and says what was expected. Values are read as
``Decimal`` from their text, so nothing passes through a binary float.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from integrated_care.errors import InvalidInput

STREAMS = ("core", "pmc", "other_primary_care", "rca")
REQUIRED_COLUMNS = (
    "allocation_year",
    "stream",
    "icb_ods_code",
    "icb_name",
    "baseline_k",
    "fair_shares_target_k",
    "base_growth",
)
# Inputs every row of these streams must carry (rca rows carry only the published allowance).
_NEEDED = {
    "core": ("baseline_k", "fair_shares_target_k"),
    "pmc": ("baseline_k", "fair_shares_target_k"),
    "other_primary_care": ("baseline_k",),
    "rca": (),
}
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_ODS = re.compile(r"^[A-Z0-9]{3}$")


@dataclass(frozen=True, slots=True)
class AllocationRow:
    line: int  # line number in the file (header = 1)
    stream: str
    icb_ods_code: str
    icb_name: str
    region_code: str | None  # NHS England region (Y..), when the file has it
    region_name: str | None
    baseline_k: Decimal | None
    target_k: Decimal | None  # fair-shares target, in the baseline year's terms
    base_growth: Decimal | None
    # NHS England's published outputs, when present: for comparison only, never inputs.
    published_convergence: Decimal | None
    published_recurrent_k: Decimal | None
    published_post_distance: Decimal | None


@dataclass(frozen=True, slots=True)
class AllocationFile:
    name: str  # how the file is named in messages
    year: str  # '2024/25'
    rows: tuple[AllocationRow, ...]

    def stream(self, stream: str) -> list[AllocationRow]:
        return [row for row in self.rows if row.stream == stream]

    def streams(self) -> list[str]:
        present = {row.stream for row in self.rows}
        return [s for s in STREAMS if s in present]


def _refuse(name: str, line: int | None, column: str | None, problem: str, expected: str) -> None:
    where = name if line is None else f"{name}, row {line}"
    if column:
        where += f", column '{column}'"
    raise InvalidInput(f"{where}: {problem}", input_name=name, expected=expected)


def _number(name: str, line: int, column: str, text: str) -> Decimal | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        _refuse(
            name, line, column, f"'{cleaned}' is not a number.", "a decimal number, e.g. 1234.5"
        )
    return value


def parse_allocations(text: str, name: str) -> AllocationFile:
    """Check and read the tidy CSV ``text``; ``name`` is used in every error message."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [column.strip() for column in reader.fieldnames or []]
    if not header:
        _refuse(name, None, None, "the file is empty.", "a CSV header line and one row per ICB")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        _refuse(
            name,
            1,
            missing[0],
            f"the header has no '{missing[0]}' column.",
            "the columns of icb_allocations_<year>.csv: " + ", ".join(REQUIRED_COLUMNS),
        )
    reader.fieldnames = header
    rows: list[AllocationRow] = []
    seen: dict[tuple[str, str], int] = {}
    year: str | None = None
    for record in reader:
        line = reader.line_num
        if None in record:  # more cells than header columns
            _refuse(
                name, line, None, "the row has more cells than the header.", "one cell per column"
            )
        cells: Mapping[str, str] = {key: (value or "") for key, value in record.items()}
        row_year = cells["allocation_year"].strip()
        if not _YEAR.match(row_year):
            _refuse(
                name,
                line,
                "allocation_year",
                f"'{row_year}' is not a financial year.",
                "e.g. 2024/25",
            )
        if year is None:
            year = row_year
        elif row_year != year:
            _refuse(
                name,
                line,
                "allocation_year",
                f"'{row_year}' differs from the first row's {year}.",
                "one allocation year per file",
            )
        stream = cells["stream"].strip()
        if stream not in STREAMS:
            _refuse(name, line, "stream", f"unknown stream '{stream}'.", " or ".join(STREAMS))
        code = cells["icb_ods_code"].strip().upper()
        if not _ODS.match(code):
            _refuse(name, line, "icb_ods_code", f"'{code}' is not an ICB ODS code.", "e.g. QT1")
        if (stream, code) in seen:
            _refuse(
                name,
                line,
                "icb_ods_code",
                f"{code} {stream} appears twice (rows {seen[(stream, code)]} and {line}).",
                "one row per ICB and stream",
            )
        seen[(stream, code)] = line
        values = {
            column: _number(name, line, column, cells.get(column, ""))
            for column in (
                "baseline_k",
                "fair_shares_target_k",
                "base_growth",
                "convergence",
                "recurrent_allocation_k",
                "post_convergence_distance_from_target",
            )
        }
        for column in _NEEDED[stream]:
            value = values[column]
            if value is None or value <= 0:
                shown = cells.get(column, "").strip() or "empty"
                _refuse(
                    name,
                    line,
                    column,
                    f"{code} {stream} {column} is {shown}.",
                    "an amount in £k above zero",
                )
        region = cells.get("nhser_ods_code", "").strip() or None
        rows.append(
            AllocationRow(
                line=line,
                stream=stream,
                icb_ods_code=code,
                icb_name=cells["icb_name"].strip() or code,
                region_code=region,
                region_name=cells.get("nhser_name", "").strip() or None,
                baseline_k=values["baseline_k"],
                target_k=values["fair_shares_target_k"],
                base_growth=values["base_growth"],
                published_convergence=values["convergence"],
                published_recurrent_k=values["recurrent_allocation_k"],
                published_post_distance=values["post_convergence_distance_from_target"],
            )
        )
    if year is None:
        _refuse(
            name, None, None, "the file has a header but no rows.", "one row per ICB and stream"
        )
    assert year is not None
    return AllocationFile(name=name, year=year, rows=tuple(rows))


def read_allocations(path: Path) -> AllocationFile:
    """Read the tidy allocation CSV at ``path`` (UTF-8, with or without a byte-order mark)."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(
            f"{path}: no such file.", input_name=name, expected="a tidy allocation CSV"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"{path}: cannot be read ({error.__class__.__name__}).",
            input_name=name,
            expected="a UTF-8 CSV file",
        ) from None
    return parse_allocations(text, name)


def packaged_allocations(year: str) -> AllocationFile:
    """NHS England's published file for ``year`` ('2024/25'), as packaged with the project."""
    from importlib.resources import files

    match = _YEAR.match(year)
    file = f"icb_allocations_{year.replace('/', '_')}.csv"
    resource = files("integrated_care.reference").joinpath("data", file)
    if not match or not resource.is_file():
        raise InvalidInput(
            f"No published allocations are packaged for {year}.",
            input_name="year",
            expected=" or ".join(packaged_years()),
        )
    return parse_allocations(resource.read_text(encoding="utf-8-sig"), file)


def packaged_years() -> Sequence[str]:
    from importlib.resources import files

    data = files("integrated_care.reference").joinpath("data")
    found = []
    for entry in data.iterdir():
        match = re.match(r"^icb_allocations_(\d{4})_(\d{2})\.csv$", entry.name)
        if match:
            found.append(f"{match.group(1)}/{match.group(2)}")
    return sorted(found)
