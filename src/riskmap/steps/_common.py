"""Shared plumbing of the pipeline steps: arguments, logging, the ingest hand-over files.

Each step is a small command (``python -m riskmap.steps.<rule>``) that reads its inputs, calls
one function of the package and writes its outputs atomically. A bad input stops it with the
readable message on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from riskmap.config import ConfigError
from riskmap.geo import WGS84, points_from_lonlat
from riskmap.io import atomic_path

log = logging.getLogger("riskmap")

# Fixed GeoPackage timestamps so that the same inputs give the same bytes.
pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})

TABLES = ("tps", "venues", "incidents", "units")
DATE_COLUMNS = {"venues": ("start", "end"), "incidents": ("date",)}
STRING_COLUMNS = {
    "tps": ("tps_id", "village_code"),
    "venues": ("venue_id", "kind", "name"),
    "incidents": ("incident_id", "kind", "description"),
    "units": ("unit_id", "kind", "name"),
}


#: CPU seconds of the named parts of the step running now (:func:`timed_part`); a region job
#: (:mod:`riskmap.steps.run_region`) clears it before each step and writes it to ``steps.tsv``.
PART_SECONDS: dict[str, float] = {}


@contextmanager
def timed_part(name: str) -> Iterator[None]:
    """Add the CPU seconds spent in the ``with`` block to :data:`PART_SECONDS` ``[name]``."""
    c0 = time.process_time()
    try:
        yield
    finally:
        PART_SECONDS[name] = PART_SECONDS.get(name, 0.0) + time.process_time() - c0


def step_parser(description: str) -> argparse.ArgumentParser:
    """Return an argument parser with the options every stage step shares."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--work", type=Path, required=True, help="the workflow's _work folder")
    parser.add_argument("--out", type=Path, required=True, help="the stage's output folder")
    parser.add_argument("--params", default="{}", help="the config sections, as JSON")
    parser.add_argument("--log", type=Path, default=None)
    return parser


def run_step(main: Callable[[argparse.Namespace], None], args: argparse.Namespace) -> int:
    """Run ``main(args)`` logging to ``args.log``; input errors end with a message, status 1."""
    from riskmap._errors import RegionInputError

    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if getattr(args, "log", None):
        Path(args.log).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(args.log, mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        handlers=handlers,
        force=True,
    )
    try:
        main(args)
    except (RegionInputError, ConfigError) as exc:
        log.error("%s", exc)
        return 1
    return 0


def params_from(args: argparse.Namespace) -> dict[str, Any]:
    """Return the JSON config sections passed by the rule."""
    return json.loads(args.params)


# --------------------------------------------------------------------------------------------
# Writing outputs (atomically, deterministically)
# --------------------------------------------------------------------------------------------


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as sorted, indented JSON (the same data always gives the same bytes)."""
    text = json.dumps(_jsonable(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV with ``\\n`` line ends."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n")


def write_gpkg(frame: gpd.GeoDataFrame, path: Path, *, layer: str) -> None:
    """Write a GeoPackage layer (fixed timestamps, so byte-stable for the same data)."""
    with atomic_path(path) as tmp:
        frame.to_file(tmp, driver="GPKG", layer=layer, engine="pyogrio")


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a GeoJSON FeatureCollection in WGS84 with sorted keys."""
    geo = frame.to_crs(WGS84)
    data = json.loads(geo.to_json(drop_id=True, to_wgs84=False))
    data.pop("crs", None)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(
            json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# The ingest hand-over: validated tables the later steps read
# --------------------------------------------------------------------------------------------


@dataclass
class WorkTables:
    """The validated region as the ingest step left it for the stage steps."""

    meta: dict[str, Any]
    areas: gpd.GeoDataFrame
    tps: pd.DataFrame
    venues: pd.DataFrame
    incidents: pd.DataFrame
    units: pd.DataFrame

    @property
    def crs(self) -> str:
        return self.meta["utm_crs"]

    def stage_window(self, stage: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        s = self.meta["region"]["stages"][stage]
        return pd.Timestamp(s["start"]), pd.Timestamp(s["end"])

    def routes_utm(self, work: Path) -> gpd.GeoDataFrame | None:
        """The region's routes (roads, rivers, trails) in UTM, or None when it has none."""
        if not self.meta.get("routes", {}).get("features"):
            return None
        routes = gpd.read_file(Path(work) / "ingest" / "routes.geojson", engine="pyogrio")
        return routes.set_crs(WGS84, allow_override=True).to_crs(self.crs)

    def utm(self, name: str) -> gpd.GeoDataFrame:
        """Return a table (or the areas) projected to the region's UTM zone."""
        if name == "areas":
            return self.areas.to_crs(self.crs)
        return points_from_lonlat(getattr(self, name), crs=self.crs)

    def copy(self) -> WorkTables:
        """A deep copy: the caller may change its tables without touching this one."""
        return WorkTables(
            meta=deepcopy(self.meta),
            areas=self.areas.copy(),
            tps=self.tps.copy(),
            venues=self.venues.copy(),
            incidents=self.incidents.copy(),
            units=self.units.copy(),
        )


#: The last hand-over read in this process, keyed on its folder and the files' content: a
#: region job runs its 20 stage steps in one process, and they all read the same files.
_WORK_CACHE: dict[tuple[str, str], WorkTables] = {}


def work_files(folder: Path) -> list[Path]:
    """The ingest hand-over files :func:`read_work` reads, in a fixed order."""
    return [folder / "region.json", folder / "areas.gpkg"] + [
        folder / f"{name}.csv" for name in TABLES
    ]


def content_digest(paths: list[Path]) -> str:
    """The sha256 of the files' names and bytes, in order (same content, same digest)."""
    digest = hashlib.sha256()
    for path in paths:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def read_work(work: Path) -> WorkTables:
    """Read the ingest step's hand-over files from ``work/ingest``.

    The tables are parsed once per process for the same files (same folder, same bytes);
    each call gets its own copy.
    """
    folder = Path(work) / "ingest"
    try:
        key = (str(folder.resolve()), content_digest(work_files(folder)))
    except OSError:  # a file missing: reading it below says which
        return _read_work_files(folder)
    cached = _WORK_CACHE.get(key)
    if cached is None:
        cached = _read_work_files(folder)
        _WORK_CACHE.clear()  # one region at a time: keep only the latest
        _WORK_CACHE[key] = cached
    return cached.copy()


def _read_work_files(folder: Path) -> WorkTables:
    meta = json.loads((folder / "region.json").read_text(encoding="utf-8"))
    areas = gpd.read_file(folder / "areas.gpkg", engine="pyogrio")
    areas["village_code"] = areas["village_code"].astype(str)
    tables = {}
    for name in TABLES:
        frame = pd.read_csv(
            folder / f"{name}.csv",
            dtype={c: str for c in STRING_COLUMNS[name]},
            keep_default_na=False,
            na_values=[""],
        )
        for col in STRING_COLUMNS[name]:
            if col in frame:
                frame[col] = frame[col].fillna("").astype(str)
        for col in DATE_COLUMNS.get(name, ()):
            frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
        tables[name] = frame
    tps = tables["tps"]
    for col in ("hard_to_reach", "special"):
        tps[col] = tps[col].astype(str).str.lower().isin(["true", "1"])
    return WorkTables(meta=meta, areas=areas, **tables)


def active_venues(venues: pd.DataFrame, venue_scores: pd.DataFrame) -> pd.DataFrame:
    """The venues the model found active in the stage window, with its expected incidents.

    The window rule (dates overlap the stage; no dates: always active) lives in
    :func:`riskmap.features.active_venues_mask`; the score step lists exactly those venues.
    """
    scores = venue_scores[["venue_id", "expected_incidents"]]
    out = venues.merge(scores, on="venue_id", how="inner", validate="1:1")
    return out.sort_values("venue_id").reset_index(drop=True)


def read_venue_scores(work: Path, stage: str) -> pd.DataFrame:
    """The score step's active venues of a stage (venue_id, expected_incidents)."""
    return pd.read_csv(Path(work) / stage / "venue_scores.csv", dtype={"venue_id": str})
