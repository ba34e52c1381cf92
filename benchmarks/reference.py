"""Reference data: cold load of each packaged dataset, and of all of them.

"Cold" means a fresh ``ReferenceData(data_dir)`` instance (its own DuckDB connection and
empty caches), never the process-wide ``ReferenceData.packaged()`` one. The files themselves
are in the operating system's page cache after the first repetition.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib.resources import files
from typing import Any

from benchmarks.common import Config, Result, repeat, say, summarised, unavailable
from integrated_care.reference.catalogue import DATASETS
from integrated_care.reference.loader import ReferenceData

AREA = "reference"

Loader = Callable[[ReferenceData], Any]

LOADERS: dict[str, Loader] = {
    "icbs": lambda r: r.icbs(),
    "sub_icbs": lambda r: r.sub_icbs(),
    "lads": lambda r: r.lads(),
    "lad_icb_shares": lambda r: r.lad_icb_shares(),
    "lad_sub_icb_shares": lambda r: r.lad_sub_icb_shares(),
    "utla_icb_shares": lambda r: r.utla_icb_shares(),
    "lsoas": lambda r: r.lsoas(),
    "practices": lambda r: r.practices(),
    "list_sizes": lambda r: r.list_sizes([p.code for p in r.practices()]),
    "pcns": lambda r: r.pcns(),
    "icb_deprivation": lambda r: r.icb_deprivation(),
    "lad_deprivation": lambda r: r.lad_deprivation(),
    "icb_boundaries": lambda r: r.boundaries("icb"),
    "sicbl_boundaries": lambda r: r.boundaries("sicbl"),
    "lad_boundaries": lambda r: r.boundaries("lad"),
}

# Loaded (untimed) on the fresh instance before the timed load, because the timed call needs
# them: list sizes are fetched by practice code, which resolves codes through the practices.
PREREQUISITES: dict[str, tuple[str, ...]] = {"list_sizes": ("practices",)}


def _rows(value: Any) -> int:
    if isinstance(value, dict):
        return len(value.get("features", ()))
    return len(value)


def run(config: Config) -> list[Result]:
    data_dir = files("integrated_care.reference").joinpath("data")
    repetitions = 3 if config.quick else 7
    results: list[Result] = []
    for info in DATASETS:
        name = f"reference.{info.name}"
        measures = f"cold load of {info.file} ({info.title}) into a fresh ReferenceData"
        loader = LOADERS.get(info.name)
        if loader is None:
            results.append(unavailable(name, AREA, measures, "no loader known to the benchmark"))
            continue
        samples: list[float] = []
        rows = 0
        for _ in range(repetitions):
            fresh = ReferenceData(data_dir)
            for prerequisite in PREREQUISITES.get(info.name, ()):
                LOADERS[prerequisite](fresh)
            start = time.perf_counter()
            value = loader(fresh)
            samples.append(time.perf_counter() - start)
            rows = _rows(value)
        unit = "features/s" if info.file.endswith(".geojson.gz") else "rows/s"
        note = "after loading practices (untimed)" if info.name in PREREQUISITES else None
        results.append(
            summarised(
                name,
                AREA,
                measures,
                samples,
                items=rows,
                unit=unit,
                note=note,
                extra={"rows": rows, "file": info.file},
            )
        )
        say(f"  {name}: {rows} rows, best {min(samples) * 1000:.1f} ms")

    def load_all() -> None:
        fresh = ReferenceData(data_dir)
        for info in DATASETS:
            loader = LOADERS.get(info.name)
            if loader is not None:
                loader(fresh)

    samples = repeat(load_all, repetitions)
    results.append(
        summarised(
            "reference.all",
            AREA,
            f"cold load of every packaged dataset ({len(DATASETS)}) into one fresh ReferenceData",
            samples,
            items=len(DATASETS),
            unit="datasets/s",
        )
    )
    say(f"  reference.all: best {min(samples):.3f} s")
    return results
