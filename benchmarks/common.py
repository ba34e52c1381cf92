"""Shared pieces: the result record, timing and summary helpers, PostgreSQL schemas."""

from __future__ import annotations

import math
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get(
    "ICS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

OK = "ok"
UNAVAILABLE = "unavailable"
SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Config:
    """What a benchmark area needs to know about the run."""

    quick: bool
    seed: int = 20220701
    postgres_url: str = POSTGRES_URL


@dataclass
class Result:
    """One benchmark's outcome. Times are seconds; ``n`` is the number of timed samples."""

    name: str
    area: str
    measures: str
    n: int = 0
    best_s: float | None = None
    median_s: float | None = None
    p95_s: float | None = None
    max_s: float | None = None
    throughput: float | None = None
    throughput_unit: str | None = None
    status: str = OK
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(**data)


def percentile(samples: list[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q <= 100) of a non-empty list."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarised(
    name: str,
    area: str,
    measures: str,
    samples: list[float],
    *,
    items: int | None = None,
    unit: str | None = None,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
    tails: bool = False,
) -> Result:
    """A result from timed samples; throughput = ``items`` per sample / best sample time.

    ``tails`` adds p95 and max (used for latency distributions such as requests or events).
    """
    best = min(samples)
    result = Result(
        name,
        area,
        measures,
        n=len(samples),
        best_s=best,
        median_s=statistics.median(samples),
        note=note,
        extra=dict(extra or {}),
    )
    if tails:
        result.p95_s = percentile(samples, 95)
        result.max_s = max(samples)
    if items is not None and unit is not None and best > 0:
        result.throughput = items / best
        result.throughput_unit = unit
    return result


def unavailable(name: str, area: str, measures: str, reason: str) -> Result:
    return Result(name, area, measures, status=UNAVAILABLE, note=reason)


def skipped(name: str, area: str, measures: str, reason: str) -> Result:
    return Result(name, area, measures, status=SKIPPED, note=reason)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def repeat(fn: Callable[[], object], times: int, *, warmup: int = 0) -> list[float]:
    """Run ``fn`` ``warmup`` times untimed, then ``times`` times timed."""
    for _ in range(warmup):
        fn()
    return [timed(fn) for _ in range(times)]


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 1024, 1)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"ics-bench-{prefix}-") as name:
        yield Path(name)


@cache
def postgres_unreachable(url: str) -> str | None:
    """None if PostgreSQL answers at ``url``, else why not (printed as the skip reason)."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}"
    return None


def postgres_version(url: str) -> str | None:
    if postgres_unreachable(url):
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
    finally:
        engine.dispose()
    return str(version)


# Makes the database URL for one workspace (None = the workspace's own SQLite file) and
# cleans it up on exit.
UrlFactory = Callable[[], AbstractContextManager[str | None]]


@contextmanager
def sqlite_url() -> Iterator[None]:
    """The URL factory for SQLite: the workspace folder holds the database (nothing to do)."""
    yield None


class PostgresSchemas:
    """Makes a fresh schema per use and drops it afterwards, like tests/conftest.py."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._admin = create_engine(url, isolation_level="AUTOCOMMIT")

    @contextmanager
    def schema(self) -> Iterator[str]:
        """A database URL whose search_path is a new, empty schema (dropped on exit)."""
        name = f"bench_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        try:
            yield f"{self.url}?options=-csearch_path%3D{name}"
        finally:
            with self._admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))

    def close(self) -> None:
        self._admin.dispose()
