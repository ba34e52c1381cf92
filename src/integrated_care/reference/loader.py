"""Typed, cached access to the packaged reference data (see ``catalogue.py``).

``ReferenceData.packaged()`` is the usual entry point: one shared instance per process,
reading the Parquet and GeoJSON files shipped in ``integrated_care/reference/data``.
Each table is read once, on first use, through an in-memory DuckDB connection (the
package has no pyarrow or pandas), then kept as a tuple of frozen records.

Filters named ``icb_gss`` accept any way of naming an ICB that ``icb()`` resolves (ONS
code, ODS code or name), so a caller holding ``QT1`` need not look up ``E54000060`` first.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import threading
import weakref
from collections.abc import Callable, Iterable
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import duckdb

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.reference.catalogue import DATASETS, DatasetInfo, dataset
from integrated_care.reference.models import (
    AreaDeprivation,
    Icb,
    LadIcbShare,
    LadSubIcbShare,
    LadType,
    ListSizeBand,
    LocalAuthorityDistrict,
    Lsoa,
    Pcn,
    Practice,
    SubIcbLocation,
    UtlaIcbShare,
)

BoundaryKind = Literal["icb", "sicbl", "lad"]
_BOUNDARY_DATASETS: dict[str, str] = {
    "icb": "icb_boundaries",
    "sicbl": "sicbl_boundaries",
    "lad": "lad_boundaries",
}
_ICB_EXPECTED = "an ICB ODS code (e.g. QT1), ONS code (e.g. E54000060) or name"

T = TypeVar("T")
R = TypeVar("R")


def _name_key(text: str) -> str:
    """Fold the ways people write an organisation name onto one lookup key.

    "NHS Nottingham & Nottinghamshire ICB", "Nottingham and Nottinghamshire" and the
    official "NHS Nottingham and Nottinghamshire Integrated Care Board" all become
    "nottingham and nottinghamshire".
    """
    key = " ".join(text.lower().replace("&", " and ").split())
    key = re.sub(r"^nhs ", "", key)
    return re.sub(r" (integrated care board|icb)$", "", key)


class ReferenceData:
    """England's ICS reference data: ICBs, places, practices, PCNs, deprivation, boundaries."""

    _packaged: ReferenceData | None = None
    _packaged_lock = threading.Lock()

    def __init__(self, data_dir: Path | Traversable) -> None:
        self._dir = data_dir
        # One lock guards the DuckDB connection (not safe for concurrent use) and the caches,
        # so web workers sharing the packaged instance never load a table twice.
        self._lock = threading.RLock()
        self._cache: dict[str, Any] = {}
        self._paths: dict[str, Path] = {}
        self._extracted = contextlib.ExitStack()
        # Files extracted from a zipped install are temporary; remove them with the instance
        # or at interpreter exit. (A finalizer on the stack, not on self, so self can die.)
        weakref.finalize(self, self._extracted.close)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._bands: dict[str, tuple[ListSizeBand, ...]] = {}

    @classmethod
    def packaged(cls) -> ReferenceData:
        """The process-wide instance over the data shipped inside the package."""
        with cls._packaged_lock:
            if cls._packaged is None:
                cls._packaged = cls(files("integrated_care.reference").joinpath("data"))
            return cls._packaged

    # -- plumbing -------------------------------------------------------------------------

    def _path(self, file: str) -> Path:
        """A real file path for DuckDB, extracting from a zip install only if need be."""
        if file not in self._paths:
            resource = self._dir / file
            if isinstance(resource, Path):
                self._paths[file] = resource
            else:
                self._paths[file] = self._extracted.enter_context(as_file(resource))
        return self._paths[file]

    def _query(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._con is None:
                self._con = duckdb.connect()
            rows: list[tuple[Any, ...]] = self._con.execute(sql, params).fetchall()
            return rows

    def _cached(self, key: str, build: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = build()
            return cast(T, self._cache[key])

    def _table(self, name: str, make: Callable[..., R], columns: Iterable[str]) -> tuple[R, ...]:
        """Every row of a packaged table as records, in file order, read once."""

        def build() -> tuple[R, ...]:
            # The column list is our own dataclass field names, never user input.
            sql = f"SELECT {', '.join(columns)} FROM read_parquet(?)"  # noqa: S608
            return tuple(make(*row) for row in self._query(sql, [str(self._file(name))]))

        return self._cached(name, build)

    def _file(self, name: str) -> Path:
        return self._path(dataset(name).file)

    def _lookup(self, items: tuple[R, ...], value: str, what: str, input_name: str,
                keys: Callable[[R], tuple[str, ...]]) -> R:  # fmt: skip
        """The item one of whose keys matches ``value`` case-insensitively, via a cached index."""

        def build() -> dict[str, R]:
            return {_name_key(k): item for item in items for k in keys(item)}

        index = self._cached(f"index:{input_name}", build)
        found = index.get(_name_key(value))
        if found is None:
            candidates = [k for item in items for k in keys(item)]
            raise NotFound(what, value, input_name=input_name, candidates=candidates)
        return found

    def _in_icb(self, items: tuple[R, ...], icb_gss: str | None,
                key: Callable[[R], str]) -> tuple[R, ...]:  # fmt: skip
        if icb_gss is None:
            return items
        gss = self.icb(icb_gss).gss_code
        return tuple(item for item in items if key(item) == gss)

    # -- ICBs and sub-ICB locations ---------------------------------------------------------

    def icbs(self) -> tuple[Icb, ...]:
        """The 42 ICBs (April 2024), ordered by ONS code."""
        return self._table("icbs", Icb, _fields(Icb))

    def icb(self, code_or_name: str) -> Icb:
        """The ICB with this ODS code, ONS code or full or short name (any case)."""
        index = self._cached("icb_index", self._icb_index)
        found = index.get(_name_key(code_or_name))
        if found is None:
            candidates = [s for i in self.icbs() for s in (i.ods_code, i.gss_code, i.short_name)]
            raise NotFound("ICB", code_or_name, input_name="icb", candidates=candidates,
                           expected=_ICB_EXPECTED)  # fmt: skip
        return found

    def _icb_index(self) -> dict[str, Icb]:
        index: dict[str, Icb] = {}
        for icb in self.icbs():
            for alias in (icb.ods_code, icb.gss_code, icb.name, icb.short_name):
                index[_name_key(alias)] = icb
        return index

    def sub_icbs(self, icb_gss: str | None = None) -> tuple[SubIcbLocation, ...]:
        """Sub-ICB locations, all 106 or those of one ICB."""
        items = self._table("sub_icbs", SubIcbLocation, _fields(SubIcbLocation))
        return self._in_icb(items, icb_gss, lambda s: s.icb_gss_code)

    def sub_icb(self, code_or_name: str) -> SubIcbLocation:
        """The sub-ICB location with this ONS code (E38…), ODS code (e.g. 52R) or name."""
        return self._lookup(self.sub_icbs(), code_or_name, "sub-ICB location", "sub_icb",
                            lambda s: (s.gss_code, s.ods_code, s.name))  # fmt: skip

    # -- local authorities ---------------------------------------------------------------

    def lads(self) -> tuple[LocalAuthorityDistrict, ...]:
        """The 296 English local authority districts (2024), ordered by code."""

        def make(code: str, name: str, lad_type: str, *rest: Any) -> LocalAuthorityDistrict:
            return LocalAuthorityDistrict(code, name, LadType(lad_type), *rest)

        return self._table("lads", make, _fields(LocalAuthorityDistrict))

    def lad(self, code_or_name: str) -> LocalAuthorityDistrict:
        """The LAD with this ONS code (E06…–E09…) or name (any case)."""
        return self._lookup(self.lads(), code_or_name, "local authority district", "lad",
                            lambda d: (d.code, d.name))  # fmt: skip

    def lad_icb_shares(self, icb_gss: str | None = None) -> tuple[LadIcbShare, ...]:
        """How each LAD's Census 2021 residents split across ICBs (310 rows in all)."""
        items = self._table("lad_icb_shares", LadIcbShare, _fields(LadIcbShare))
        return self._in_icb(items, icb_gss, lambda s: s.icb_gss_code)

    def lad_sub_icb_shares(self, icb_gss: str | None = None) -> tuple[LadSubIcbShare, ...]:
        """How each LAD's Census 2021 residents split across sub-ICB locations."""
        items = self._table("lad_sub_icb_shares", LadSubIcbShare, _fields(LadSubIcbShare))
        return self._in_icb(items, icb_gss, lambda s: s.icb_gss_code)

    def utla_icb_shares(self, icb_gss: str | None = None) -> tuple[UtlaIcbShare, ...]:
        """How each upper-tier authority's residents split across ICBs (166 rows in all)."""
        items = self._table("utla_icb_shares", UtlaIcbShare, _fields(UtlaIcbShare))
        return self._in_icb(items, icb_gss, lambda s: s.icb_gss_code)

    # -- small areas --------------------------------------------------------------------

    def lsoas(self, icb_gss: str | None = None) -> tuple[Lsoa, ...]:
        """LSOAs 2021 with IMD 2025 and Census 2021 residents, all 33,755 or one ICB's."""
        items = self._table("lsoas", Lsoa, _fields(Lsoa))
        return self._in_icb(items, icb_gss, lambda s: s.icb_gss_code)

    # -- primary care ----------------------------------------------------------------------

    def practices(self, icb_gss: str | None = None) -> tuple[Practice, ...]:
        """GP practices on 1 Dec 2025; filtered by NHS England's commissioning ICB."""
        items = self._table("practices", Practice, _fields(Practice))
        return self._in_icb(items, icb_gss, lambda p: p.icb_gss_code)

    def practice(self, code: str) -> Practice:
        """The practice with this ODS code (e.g. C84001), any case."""
        return self._lookup(self.practices(), code, "GP practice", "practice", lambda p: (p.code,))

    def pcns(self, icb_gss: str | None = None) -> tuple[Pcn, ...]:
        """PCNs on 1 Dec 2025; filtered by the ICB holding most of a PCN's patients."""
        items = self._table("pcns", Pcn, _fields(Pcn))
        return self._in_icb(items, icb_gss, lambda p: p.icb_gss_code)

    def pcn(self, code: str) -> Pcn:
        """The PCN with this ODS code (e.g. U12345), any case."""
        return self._lookup(self.pcns(), code, "PCN", "pcn", lambda p: (p.code,))

    def list_sizes(self, practice_codes: Iterable[str]) -> tuple[ListSizeBand, ...]:
        """Registered patients by sex and quinary age band for these practices.

        Ordered by the codes as given, then MALE before FEMALE, then youngest band first;
        40 rows per practice. Unknown codes raise ``NotFound``.
        """
        codes = list(dict.fromkeys(self.practice(code).code for code in practice_codes))
        with self._lock:
            # The full table is 250k rows; fetch only the practices not already held.
            missing = [code for code in codes if code not in self._bands]
            if missing:
                self._load_bands(missing)
            return tuple(band for code in codes for band in self._bands[code])

    def _load_bands(self, codes: list[str]) -> None:
        rows = self._query(
            f"SELECT {', '.join(_fields(ListSizeBand))} FROM read_parquet(?) "  # noqa: S608
            "WHERE practice_code IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY practice_code, sex DESC, regexp_extract(age_band, '^[0-9]+')::INTEGER",
            [str(self._file("list_sizes")), codes],
        )
        grouped: dict[str, list[ListSizeBand]] = {code: [] for code in codes}
        for row in rows:
            grouped[row[0]].append(ListSizeBand(*row))
        self._bands.update((code, tuple(bands)) for code, bands in grouped.items())

    # -- deprivation and boundaries ----------------------------------------------------------

    def icb_deprivation(self) -> tuple[AreaDeprivation, ...]:
        """MHCLG's IMD 2025 summary for each of the 42 ICBs (rank 1 = most deprived)."""
        return self._table("icb_deprivation", AreaDeprivation, _fields(AreaDeprivation))

    def lad_deprivation(self) -> tuple[AreaDeprivation, ...]:
        """MHCLG's IMD 2025 summary for each of the 296 LADs (rank 1 = most deprived)."""
        return self._table("lad_deprivation", AreaDeprivation, _fields(AreaDeprivation))

    def boundaries(self, kind: BoundaryKind) -> dict[str, Any]:
        """A GeoJSON FeatureCollection (WGS84) with ``code`` and ``name`` on every feature.

        Each call returns a fresh object, so callers may add properties (e.g. for a
        choropleth) without changing what the next caller sees.
        """
        name = _BOUNDARY_DATASETS.get(kind)
        if name is None:
            raise InvalidInput(f"Unknown boundary kind '{kind}'.", input_name="kind",
                               expected=" or ".join(_BOUNDARY_DATASETS))  # fmt: skip
        text = self._cached(name, lambda: gzip.decompress(self._file(name).read_bytes()).decode())
        collection: dict[str, Any] = json.loads(text)
        return collection

    # -- catalogue --------------------------------------------------------------------------

    def info(self) -> list[tuple[DatasetInfo, int]]:
        """Each packaged dataset with the number of rows (or features) actually shipped."""
        result: list[tuple[DatasetInfo, int]] = []
        for info in DATASETS:
            if info.file.endswith(".parquet"):
                sql = "SELECT count(*) FROM read_parquet(?)"
                count = int(self._query(sql, [str(self._path(info.file))])[0][0])
            elif info.file.endswith(".csv"):
                sql = "SELECT count(*) FROM read_csv(?, all_varchar = true, header = true)"
                count = int(self._query(sql, [str(self._path(info.file))])[0][0])
            else:
                kind = next(k for k, v in _BOUNDARY_DATASETS.items() if v == info.name)
                count = len(self.boundaries(cast(BoundaryKind, kind))["features"])
            result.append((info, count))
        return result


def _fields(record: type[Any]) -> tuple[str, ...]:
    return tuple(record.__dataclass_fields__)
