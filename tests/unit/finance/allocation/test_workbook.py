"""A bad allocation file is refused with one error naming the file, the row and the column
and saying what was expected; nothing is computed from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.finance.allocation.conftest import allocation_path, csv_text, published_rows

from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.workbook import (
    REQUIRED_COLUMNS,
    parse_allocations,
    read_allocations,
)

HEADER = "allocation_year,stream,icb_ods_code,icb_name,baseline_k,fair_shares_target_k,base_growth"
GOOD = "2024/25,core,QT1,NHS Nottingham and Nottinghamshire ICB,2267700.5,2243531.5,0.0332"


def refused(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_allocations(text, "bad.csv")
    error = caught.value
    assert error.input_name == "bad.csv"
    assert error.expected
    assert error.message.startswith("bad.csv")
    assert "\n" not in error.message
    return error


def test_a_good_minimal_file_reads() -> None:
    data = parse_allocations(f"{HEADER}\n{GOOD}\n", "ok.csv")
    assert data.year == "2024/25"
    (row,) = data.rows
    assert (row.line, row.icb_ods_code, str(row.baseline_k)) == (2, "QT1", "2267700.5")
    assert row.published_recurrent_k is None


@pytest.mark.parametrize("column", REQUIRED_COLUMNS)
def test_each_missing_column_is_named(column: str) -> None:
    columns = HEADER.split(",")
    index = columns.index(column)
    header = ",".join(c for c in columns if c != column)
    row = ",".join(v for i, v in enumerate(GOOD.split(",")) if i != index)
    error = refused(f"{header}\n{row}\n")
    assert f"column '{column}'" in error.message
    assert "row 1" in error.message


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (GOOD.replace("2267700.5", "12x"), "baseline_k", "'12x' is not a number"),
        (GOOD.replace("2267700.5", "NaN"), "baseline_k", "'NaN' is not a number"),
        (GOOD.replace("2267700.5", "-5"), "baseline_k", "baseline_k is -5"),
        (GOOD.replace("2243531.5", ""), "fair_shares_target_k", "is empty"),
        (GOOD.replace("0.0332", "four per cent"), "base_growth", "not a number"),
        (GOOD.replace(",core,", ",dental,"), "stream", "unknown stream 'dental'"),
        (GOOD.replace("QT1", "Q-T1"), "icb_ods_code", "not an ICB ODS code"),
        (GOOD.replace("2024/25", "2024"), "allocation_year", "not a financial year"),
    ],
)
def test_malformed_values_are_named_by_row_and_column(cells: str, column: str, words: str) -> None:
    error = refused(f"{HEADER}\n{GOOD.replace('QT1', 'QHM')}\n{cells}\n")
    assert f"row 3, column '{column}'" in error.message
    assert words in error.message


def test_duplicate_icb_and_stream_rows_are_refused() -> None:
    error = refused(f"{HEADER}\n{GOOD}\n{GOOD}\n")
    assert "QT1 core appears twice (rows 2 and 3)" in error.message


def test_mixed_years_are_refused() -> None:
    other = GOOD.replace("2024/25", "2023/24").replace("QT1", "QHM")
    error = refused(f"{HEADER}\n{GOOD}\n{other}\n")
    assert "row 3, column 'allocation_year'" in error.message


def test_empty_and_header_only_files_are_refused() -> None:
    assert "empty" in refused("").message
    assert "no rows" in refused(f"{HEADER}\n").message


def test_extra_cells_are_refused() -> None:
    assert "more cells than the header" in refused(f"{HEADER}\n{GOOD},surplus\n").message


def test_read_allocations_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read_allocations(tmp_path / "absent.csv")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text(f"\ufeff{HEADER}\n{GOOD}\n", encoding="utf-8")
    assert read_allocations(path).rows[0].icb_ods_code == "QT1"


def test_the_published_file_reads_whole() -> None:
    data = read_allocations(allocation_path("2024/25"))
    assert len(data.rows) == len(published_rows("2024/25")) == 168
    assert data.streams() == ["core", "pmc", "other_primary_care", "rca"]
    assert csv_text(list(published_rows("2024/25")))  # the helper round-trips the rows
