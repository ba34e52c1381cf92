"""Build the packaged reference data from the shared open-data folder.

Reads the CSV and GeoJSON files described in ``<source>/*/SOURCE.md`` (ONS, MHCLG and NHS
England, Open Government Licence v3.0) and writes compact Parquet (zstd) and gzip GeoJSON
files into ``src/integrated_care/reference/data/``. Every published count and total stated
in the SOURCE.md files is checked on the way; any mismatch stops the build with a message,
so a changed upstream file can never slip silently into the package.

Usage: ``python tools/build_reference.py [SOURCE_DIR] [--out DIR]``.
The output is byte-for-byte reproducible for a given DuckDB version: rows are written in a
fixed order with one thread, and gzip headers carry no timestamp or file name.
"""

# All SQL here is built from this file's own constants, never from input: S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT / ".." / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "src" / "integrated_care" / "reference" / "data"

# Published figures from the SOURCE.md files; the build fails if the data disagree.
ENGLAND_CENSUS_2021 = 56_489_608
ENGLAND_GP_REGISTERED_DEC2025 = 63_936_682
EXTRACT_DATE = "2025-12-01"

SOURCES = {
    "icb": "geography/icb24.csv",
    "sicbl": "geography/sicbl24.csv",
    "lad": "geography/lad24.csv",
    "lad_icb": "geography/lad24_icb24_split.csv",
    "lad_sicbl": "geography/lad24_sicbl24_split.csv",
    "utla_icb": "geography/utla23_icb24_split.csv",
    "lsoa": "geography/lsoa21_sicbl24_icb24_lad24.csv",
    "imd": "imd/imd2025_lsoa21.csv",
    "census": "population/census2021_lsoa21_age6.csv",
    "prac": "gp_practices/gp_practices_dec2025.csv",
    "quin": "gp_practices/gp_practice_quinary_age_sex_dec2025.csv.gz",
    "pcn": "gp_practices/pcns_dec2025.csv",
    "imd_icb": "imd/imd2025_icb24_summary.csv",
    "imd_lad": "imd/imd2025_lad24_summary.csv",
}
SOURCE_ROWS = {
    "icb": 42, "sicbl": 106, "lad": 296, "lad_icb": 310, "lad_sicbl": 328, "utla_icb": 166,
    "lsoa": 33_755, "imd": 33_755, "census": 33_755, "prac": 6_196, "quin": 266_428,
    "pcn": 1_297, "imd_icb": 42, "imd_lad": 296,
}  # fmt: skip

# The LAD type follows from the GSS code prefix; the loader's LadType enum uses these values.
LAD_TYPES = {
    "E06": ("unitary", "Unitary authority"),
    "E07": ("non-metropolitan district", "Non-metropolitan district"),
    "E08": ("metropolitan district", "Metropolitan district"),
    "E09": ("London borough", "London borough"),
}

# Output file -> (SQL over the loaded source tables, expected row count).
# Column names here are the field names of the dataclasses in reference/models.py.
# Shares are recomputed from the integer populations rather than copied: the CSVs round
# them to 4 decimal places, which would misapportion large sums by up to 0.005%.
TABLES: dict[str, tuple[str, int]] = {
    "icbs.parquet": (
        """SELECT icb24_code AS gss_code, icb24_ods_code AS ods_code, icb24_name AS name,
                  icb24_short_name AS short_name, nhser_code AS region_code,
                  nhser_ods_code AS region_ods_code, nhser_name AS region_name,
                  n_sicbl24::INTEGER AS n_sub_icbs, n_lad24::INTEGER AS n_lads,
                  n_lsoa21::INTEGER AS n_lsoas, pop_census2021::INTEGER AS pop_census2021,
                  gp_registered_dec2025::INTEGER AS gp_registered_dec2025
           FROM icb ORDER BY gss_code""",
        42,
    ),
    "sub_icbs.parquet": (
        """SELECT sicbl24_code AS gss_code, sicbl24_ods_code AS ods_code, sicbl24_name AS name,
                  icb24_code AS icb_gss_code, icb24_ods_code AS icb_ods_code,
                  n_lsoa21::INTEGER AS n_lsoas, pop_census2021::INTEGER AS pop_census2021,
                  gp_registered_dec2025::INTEGER AS gp_registered_dec2025
           FROM sicbl ORDER BY gss_code""",
        106,
    ),
    "lads.parquet": (
        """SELECT l.lad24_code AS code, l.lad24_name AS name, t.lad_type,
                  utla23_code AS utla_code, utla23_name AS utla_name, rgn24_code AS region_code,
                  rgn24_name AS region_name, n_lsoa21::INTEGER AS n_lsoas,
                  pop_census2021::INTEGER AS pop_census2021,
                  main_icb24_code AS main_icb_gss_code, main_icb24_ods_code AS main_icb_ods_code,
                  (SELECT max(s.pop_census2021::DOUBLE) FROM lad_icb s
                   WHERE s.lad24_code = l.lad24_code) / pop_census2021::DOUBLE AS main_icb_share,
                  n_icb24::INTEGER AS n_icbs
           FROM lad l JOIN lad_types t ON left(l.lad24_code, 3) = t.prefix ORDER BY code""",
        296,
    ),
    "lad_icb_shares.parquet": (
        """SELECT lad24_code AS lad_code, icb24_code AS icb_gss_code,
                  n_lsoa21::INTEGER AS n_lsoas, pop_census2021::INTEGER AS pop_census2021,
                  pop_census2021::DOUBLE / sum(pop_census2021::DOUBLE)
                      OVER (PARTITION BY lad24_code) AS share_of_lad_pop,
                  pop_census2021::DOUBLE / sum(pop_census2021::DOUBLE)
                      OVER (PARTITION BY icb24_code) AS share_of_icb_pop,
                  is_main_icb::BOOLEAN AS is_main_icb
           FROM lad_icb ORDER BY lad_code, icb_gss_code""",
        310,
    ),
    "lad_sub_icb_shares.parquet": (
        """SELECT lad24_code AS lad_code, sicbl24_code AS sicbl_gss_code,
                  icb24_code AS icb_gss_code, n_lsoa21::INTEGER AS n_lsoas,
                  pop_census2021::INTEGER AS pop_census2021,
                  pop_census2021::DOUBLE / sum(pop_census2021::DOUBLE)
                      OVER (PARTITION BY lad24_code) AS share_of_lad_pop,
                  pop_census2021::DOUBLE / sum(pop_census2021::DOUBLE)
                      OVER (PARTITION BY sicbl24_code) AS share_of_sicbl_pop
           FROM lad_sicbl ORDER BY lad_code, sicbl_gss_code""",
        328,
    ),
    "utla_icb_shares.parquet": (
        """SELECT utla23_code AS utla_code, utla23_name AS utla_name, icb24_code AS icb_gss_code,
                  n_lsoa21::INTEGER AS n_lsoas, pop_census2021::INTEGER AS pop_census2021,
                  pop_census2021::DOUBLE / sum(pop_census2021::DOUBLE)
                      OVER (PARTITION BY utla23_code) AS share_of_utla_pop,
                  pop_census2021::DOUBLE / sum(pop_census2021::DOUBLE)
                      OVER (PARTITION BY icb24_code) AS share_of_icb_pop,
                  is_main_icb::BOOLEAN AS is_main_icb
           FROM utla_icb ORDER BY utla_code, icb_gss_code""",
        166,
    ),
    "lsoas.parquet": (
        """SELECT g.lsoa21_code AS code, g.lsoa21_name AS name, sicbl24_code AS sicbl_gss_code,
                  icb24_code AS icb_gss_code, lad24_code AS lad_code, utla23_code AS utla_code,
                  imd_decile::INTEGER AS imd_decile, imd_rank::INTEGER AS imd_rank,
                  imd_score::DOUBLE AS imd_score, total::INTEGER AS pop_census2021,
                  age_0_15::INTEGER AS age_0_15, age_16_24::INTEGER AS age_16_24,
                  age_25_34::INTEGER AS age_25_34, age_35_49::INTEGER AS age_35_49,
                  age_50_64::INTEGER AS age_50_64, age_65_plus::INTEGER AS age_65_plus
           FROM lsoa g JOIN imd USING (lsoa21_code) JOIN census USING (lsoa21_code)
           ORDER BY code""",
        33_755,
    ),
    "practices.parquet": (
        # NHS England codes "not in a PCN" as pcn_code 'U' / pcn_name 'Unallocated'; a NULL
        # says that without letting 'U' pass for a real PCN in joins and counts.
        """SELECT practice_code AS code, practice_name AS name, practice_postcode AS postcode,
                  nullif(pcn_code, 'U') AS pcn_code,
                  CASE WHEN pcn_code = 'U' THEN NULL ELSE pcn_name END AS pcn_name,
                  sicbl_code AS sicbl_gss_code, sicbl_ods_code, icb_code AS icb_gss_code,
                  icb_ods_code, sicbl_parent_icb_code AS sicbl_parent_icb_gss_code,
                  supplier_name AS supplier,
                  registered_patients::INTEGER AS registered_patients,
                  registered_male::INTEGER AS registered_male,
                  registered_female::INTEGER AS registered_female,
                  age_0_14::INTEGER AS age_0_14, age_15_64::INTEGER AS age_15_64,
                  age_65_74::INTEGER AS age_65_74, age_75_plus::INTEGER AS age_75_plus,
                  extract_date::DATE AS extract_date
           FROM prac ORDER BY code""",
        6_196,
    ),
    "practice_list_sizes.parquet": (
        # The ALL rows are dropped: they are sums of the bands (checked in check_sources).
        """SELECT practice_code, sex, age_group_5 AS age_band,
                  number_of_patients::INTEGER AS patients
           FROM quin WHERE sex <> 'ALL' AND age_group_5 <> 'ALL'
           ORDER BY practice_code, sex DESC,
                    regexp_extract(age_group_5, '^[0-9]+')::INTEGER""",
        6_196 * 2 * 20,
    ),
    "pcns.parquet": (
        """SELECT pcn_code AS code, pcn_name AS name, n_practices::INTEGER AS n_practices,
                  registered_patients::INTEGER AS registered_patients,
                  n_sicbl::INTEGER AS n_sub_icbs, sicbl_code AS sicbl_gss_code, sicbl_ods_code,
                  icb_code AS icb_gss_code, icb_ods_code
           FROM pcn ORDER BY code""",
        1_297,
    ),
}
# MHCLG's summaries have 58 columns; the product needs the overall IMD headline measures.
_SUMMARY = """SELECT {key}_code AS area_code, {key}_name AS area_name,
       imd_average_score::DOUBLE AS average_score,
       imd_rank_of_average_score::DOUBLE::INTEGER AS rank_of_average_score,
       imd_proportion_of_lsoas_in_most_deprived_10_percent_nationally::DOUBLE
           AS proportion_most_deprived_10pc,
       imd_rank_of_proportion_of_lsoas_in_most_deprived_10_percent_nationally::DOUBLE::INTEGER
           AS rank_of_proportion_most_deprived_10pc
FROM {table} ORDER BY area_code"""
TABLES["imd2025_icb_summary.parquet"] = (_SUMMARY.format(key="icb24", table="imd_icb"), 42)
TABLES["imd2025_lad_summary.parquet"] = (_SUMMARY.format(key="lad24", table="imd_lad"), 296)

# Boundary file -> (source file, code property, name property, table with the same codes).
BOUNDARIES = {
    "boundaries_icb24.geojson.gz": (
        "boundaries/icb24_from_lsoa21_bsc.geojson", "icb24_code", "icb24_name", "icb",
    ),
    "boundaries_sicbl24.geojson.gz": (
        "boundaries/sicbl24_from_lsoa21_bsc.geojson", "sicbl24_code", "sicbl24_name", "sicbl",
    ),
    "boundaries_lad24.geojson.gz": (
        "boundaries/lad24_buc_england.geojson", "lad24_code", "lad24_name", "lad",
    ),
}  # fmt: skip


class BuildError(Exception):
    """The source data disagree with what SOURCE.md publishes; nothing sensible to write."""


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    rows = con.execute(sql).fetchall()  # fetch everything: DuckDB 2 refuses unfinished results
    if len(rows) != 1 or len(rows[0]) != 1:
        raise BuildError(f"expected one value from: {sql}")
    return rows[0][0]


def expect(con: duckdb.DuckDBPyConnection, what: str, sql: str, expected: Any) -> None:
    """Run a one-value query and stop the build if it does not return ``expected``."""
    actual = scalar(con, sql)
    if actual != expected:
        raise BuildError(f"{what}: expected {expected!r}, found {actual!r}")


def load_sources(con: duckdb.DuckDBPyConnection, source: Path) -> None:
    # Everything is read as text and cast explicitly, so the CSV sniffer can never turn an
    # all-digit ODS code into a number and drop its leading zeros.
    for table, rel_path in SOURCES.items():
        path = source / rel_path
        if not path.is_file():
            raise BuildError(f"missing source file {path}")
        con.read_csv(str(path), all_varchar=True).create(table)
        expect(con, f"rows in {rel_path}", f"SELECT count(*) FROM {table}", SOURCE_ROWS[table])
    con.execute("CREATE TABLE lad_types (prefix VARCHAR, lad_type VARCHAR, source_label VARCHAR)")
    con.executemany(
        "INSERT INTO lad_types VALUES (?, ?, ?)", [(p, *v) for p, v in LAD_TYPES.items()]
    )


# The published facts from SOURCE.md, and the cross-file consistency they imply: each query
# returns one value that must equal the expected one.
# fmt: off
CHECKS: list[tuple[str, str, Any]] = [
    ("England Census 2021 (LSOAs)", "SELECT sum(total::INTEGER) FROM census",
     ENGLAND_CENSUS_2021),
    ("England Census 2021 (ICBs)", "SELECT sum(pop_census2021::INTEGER) FROM icb",
     ENGLAND_CENSUS_2021),
    ("England Census 2021 (LADs)", "SELECT sum(pop_census2021::INTEGER) FROM lad",
     ENGLAND_CENSUS_2021),
    ("LSOAs in lookup missing from IMD",
     "SELECT count(*) FROM lsoa ANTI JOIN imd USING (lsoa21_code)", 0),
    ("LSOAs in lookup missing from Census",
     "SELECT count(*) FROM lsoa ANTI JOIN census USING (lsoa21_code)", 0),
    ("distinct LSOA codes", "SELECT count(DISTINCT lsoa21_code) FROM lsoa", 33_755),
    ("IMD deciles outside 3,375-3,376 LSOAs",
     """SELECT count(*) FROM (SELECT imd_decile, count(*) AS n FROM imd GROUP BY 1)
        WHERE n NOT IN (3375, 3376)""", 0),
    ("IMD decile values", "SELECT count(DISTINCT imd_decile) FROM imd", 10),
    ("ICBs whose Census pop differs from their LSOAs",
     """SELECT count(*) FROM icb JOIN (SELECT icb24_code, sum(total::INTEGER) AS p
        FROM lsoa JOIN census USING (lsoa21_code) GROUP BY 1) USING (icb24_code)
        WHERE p <> pop_census2021::INTEGER""", 0),
    ("sub-ICBs whose Census pop differs from their LSOAs",
     """SELECT count(*) FROM sicbl JOIN (SELECT sicbl24_code, sum(total::INTEGER) AS p
        FROM lsoa JOIN census USING (lsoa21_code) GROUP BY 1) USING (sicbl24_code)
        WHERE p <> pop_census2021::INTEGER""", 0),
    ("LADs split across two ICBs", "SELECT count(*) FROM lad WHERE n_icb24::INTEGER > 1", 13),
    ("LADs whose lad_type disagrees with the code prefix",
     """SELECT count(*) FROM lad LEFT JOIN lad_types t ON left(lad24_code, 3) = t.prefix
        WHERE t.source_label IS DISTINCT FROM lad.lad_type""", 0),
    ("LADs without exactly one main ICB",
     """SELECT count(*) FROM (SELECT lad24_code, count(*) FILTER (WHERE is_main_icb::BOOLEAN)
        AS m FROM lad_icb GROUP BY 1) WHERE m <> 1""", 0),
    ("LADs whose main ICB is not the split's largest, or whose share is off",
     """SELECT count(*) FROM lad l JOIN lad_icb s ON s.lad24_code = l.lad24_code
        AND s.is_main_icb::BOOLEAN WHERE s.icb24_code <> l.main_icb24_code
        OR s.pop_census2021::INTEGER < (SELECT max(x.pop_census2021::INTEGER) FROM lad_icb x
                                        WHERE x.lad24_code = l.lad24_code)
        OR abs(s.pop_census2021::DOUBLE / l.pop_census2021::DOUBLE
               - l.main_icb24_share::DOUBLE) > 0.00005 + 1e-9""", 0),
    ("upper-tier authorities", "SELECT count(DISTINCT utla23_code) FROM utla_icb", 153),
    *(
        (f"{table}.{rounded} off its 4-dp rounding",
         f"""SELECT count(*) FROM (SELECT {rounded}::DOUBLE AS r, pop_census2021::DOUBLE /
             sum(pop_census2021::DOUBLE) OVER (PARTITION BY {key}) AS x FROM {table})
             WHERE abs(x - r) > 0.00005 + 1e-9""", 0)
        for table, key, rounded in (("lad_icb", "lad24_code", "share_of_lad_pop"),
                                    ("lad_icb", "icb24_code", "share_of_icb_pop"),
                                    ("lad_sicbl", "lad24_code", "share_of_lad_pop"),
                                    ("lad_sicbl", "sicbl24_code", "share_of_sicbl_pop"),
                                    ("utla_icb", "utla23_code", "share_of_utla_pop"),
                                    ("utla_icb", "icb24_code", "share_of_icb_pop"))
    ),
    # Practices, PCNs and list sizes (gp_practices/SOURCE.md).
    ("practices registered total", "SELECT sum(registered_patients::INTEGER) FROM prac",
     ENGLAND_GP_REGISTERED_DEC2025),
    ("practices not in a PCN", "SELECT count(*) FROM prac WHERE pcn_code = 'U'", 73),
    ("distinct practice codes", "SELECT count(DISTINCT practice_code) FROM prac", 6_196),
    ("practices with another extract date",
     f"SELECT count(*) FROM prac WHERE extract_date <> '{EXTRACT_DATE}'", 0),
    ("practices whose sexes or broad bands do not add up",
     """SELECT count(*) FROM prac WHERE registered_male::INTEGER + registered_female::INTEGER
        <> registered_patients::INTEGER OR age_0_14::INTEGER + age_15_64::INTEGER
        + age_65_74::INTEGER + age_75_plus::INTEGER <> registered_patients::INTEGER""", 0),
    ("ICBs whose GP registered total differs from their practices",
     """SELECT count(*) FROM icb JOIN (SELECT sicbl_parent_icb_code AS icb24_code,
        sum(registered_patients::INTEGER) AS r FROM prac GROUP BY 1) USING (icb24_code)
        WHERE r <> gp_registered_dec2025::INTEGER""", 0),
    ("practice ICB/sub-ICB codes outside the April 2024 lookup",
     """SELECT count(*) FROM prac WHERE icb_code NOT IN (SELECT icb24_code FROM icb)
        OR sicbl_code NOT IN (SELECT sicbl24_code FROM sicbl)""", 0),
    ("PCN codes in practices but not in pcns",
     """SELECT count(*) FROM prac WHERE pcn_code <> 'U'
        AND pcn_code NOT IN (SELECT pcn_code FROM pcn)""", 0),
    ("PCNs without practices", "SELECT count(*) FROM pcn ANTI JOIN prac USING (pcn_code)", 0),
    ("practices without exactly 40 sex/age bands plus 3 ALL rows",
     """SELECT count(*) FROM (SELECT practice_code,
        count(*) FILTER (WHERE sex <> 'ALL' AND age_group_5 <> 'ALL') AS bands, count(*) AS n
        FROM quin GROUP BY 1) WHERE bands <> 40 OR n <> 43""", 0),
    # The check the brief asks to fail loudly: male + female bands equal the practice total
    # (and the dropped ALL rows hold nothing the bands do not).
    ("practices whose quinary male + female bands differ from registered_patients",
     """SELECT count(*) FROM prac p FULL JOIN (SELECT practice_code,
        sum(number_of_patients::INTEGER) FILTER (WHERE sex IN ('MALE', 'FEMALE')
            AND age_group_5 <> 'ALL') AS bands,
        sum(number_of_patients::INTEGER) FILTER (WHERE sex = 'ALL') AS all_row,
        sum(number_of_patients::INTEGER) FILTER (WHERE sex = 'MALE' AND age_group_5 <> 'ALL')
            AS male
        FROM quin GROUP BY 1) q USING (practice_code)
        WHERE bands IS DISTINCT FROM p.registered_patients::INTEGER
           OR all_row IS DISTINCT FROM p.registered_patients::INTEGER
           OR male IS DISTINCT FROM p.registered_male::INTEGER""", 0),
    ("IMD summary ICB codes unknown",
     "SELECT count(*) FROM imd_icb ANTI JOIN icb USING (icb24_code)", 0),
    ("IMD summary LAD codes unknown",
     "SELECT count(*) FROM imd_lad ANTI JOIN lad USING (lad24_code)", 0),
]
# fmt: on


def check_sources(con: duckdb.DuckDBPyConnection) -> None:
    for what, sql, expected in CHECKS:
        expect(con, what, sql, expected)


def write_tables(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    for file, (sql, expected_rows) in TABLES.items():
        rel = con.sql(sql)
        rows = scalar(con, f"SELECT count(*) FROM ({sql})")
        if rows != expected_rows:
            raise BuildError(f"{file}: expected {expected_rows} rows, built {rows}")
        rel.write_parquet(str(out / file), compression="zstd")
        print(f"  {file:32} {rows:>8,} rows {(out / file).stat().st_size:>10,} bytes")


def write_boundaries(con: duckdb.DuckDBPyConnection, source: Path, out: Path) -> None:
    for file, (rel_path, code_key, name_key, table) in BOUNDARIES.items():
        collection: dict[str, Any] = json.loads((source / rel_path).read_text(encoding="utf-8"))
        codes = {code for (code,) in con.sql(f"SELECT {code_key} FROM {table}").fetchall()}
        found = [feature["properties"][code_key] for feature in collection["features"]]
        if sorted(found) != sorted(codes):
            raise BuildError(f"{rel_path}: feature codes do not match the {table} table")
        # A uniform `code` and `name` on every layer lets map code key features the same way.
        for feature in collection["features"]:
            props = feature["properties"]
            feature["properties"] = {"code": props[code_key], "name": props[name_key], **props}
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        buffer = io.BytesIO()
        # mtime=0 and no file name keep the .gz identical from one build to the next.
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9,
                           mtime=0) as gz:  # fmt: skip
            gz.write(text.encode("utf-8"))
        (out / file).write_bytes(buffer.getvalue())
        size = (out / file).stat().st_size
        print(f"  {file:32} {len(found):>8,} feats {size:>9,} bytes")


def build(source: Path, out: Path) -> None:
    con = duckdb.connect()
    con.execute("SET threads = 1")  # one writer thread: stable row order and file bytes
    load_sources(con, source)
    check_sources(con)
    out.mkdir(parents=True, exist_ok=True)
    write_tables(con, out)
    write_boundaries(con, source, out)
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"  total {total:,} bytes in {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        help="the shared data folder (default: ../shared/data from the repo)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output folder (default: the package's reference/data)",
    )
    args = parser.parse_args(argv)
    try:
        build(args.source.resolve(), args.out.resolve())
    except BuildError as exc:
        print(f"build_reference: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
