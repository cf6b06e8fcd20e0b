"""Reading and validating a region folder (the contract's input), and writing outputs atomically.

:func:`load_region` reads every file, collects every problem and either returns a
:class:`RegionData` (unusable rows quarantined, with their reasons) or raises
:class:`~riskmap._errors.RegionInputError` listing every fatal problem.
:func:`inspect_region` does the same without raising (for ``riskmap check``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from riskmap._errors import Problem, RegionInputError
from riskmap.config import section_defaults
from riskmap.io._areas import (
    AREA_COLUMNS,
    AREA_SUFFIXES,
    empty_areas,
    read_areas_file,
    validate_areas,
)
from riskmap.io._atomic import atomic_path, atomic_write_bytes, atomic_write_text
from riskmap.io._meta import read_meta
from riskmap.io._read import TABLE_SUFFIXES, read_table_file
from riskmap.io._tables import COLUMNS, Space, empty_table, quarantine_frame, validate_table

__all__ = [
    "INGEST_DEFAULTS",
    "RegionData",
    "RegionInputError",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "inspect_region",
    "load_region",
    "region_space",
    "write_quarantine",
]

TABLES = ("tps", "venues", "incidents", "units")
OPTIONAL_TABLES = ("venues", "incidents", "units")
#: Defaults of the ``ingest:`` section, from its schema (the single source of defaults).
INGEST_DEFAULTS: dict = section_defaults("ingest")
_SHP_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")


@dataclass
class RegionData:
    """A validated region folder: clean tables, quarantine, quality report, files read."""

    meta: dict[str, Any]
    areas: gpd.GeoDataFrame
    tps: pd.DataFrame
    venues: pd.DataFrame
    incidents: pd.DataFrame
    units: pd.DataFrame
    quality: dict[str, dict[str, Any]]
    quarantine: dict[str, pd.DataFrame]
    input_files: dict[str, Path]
    problems: list[Problem] = field(default_factory=list)  # row problems and warnings
    fatal: list[Problem] = field(default_factory=list)  # empty for a usable region


def ingest_options(ingest: dict[str, Any] | None) -> dict[str, Any]:
    """The ``ingest:`` config section completed with :data:`INGEST_DEFAULTS`."""
    opts = dict(INGEST_DEFAULTS)
    opts.update(ingest or {})
    return opts


def _find(folder: Path, stem: str, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.stem.lower() == stem and p.suffix.lower() in suffixes
                  and not p.name.startswith((".", "~$")))


def _mapping_for(columns: dict[str, Any], file: str, stem: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in (stem, f"{stem}.csv", f"{stem}.xlsx", file):
        value = columns.get(key)
        if isinstance(value, dict):
            out.update({str(k): str(v) for k, v in value.items()})
    return out


def inspect_region(region_dir: str | Path, *, ingest: dict[str, Any] | None = None) -> RegionData:
    """Read and validate a region folder without raising: fatal problems are in ``.fatal``.

    Parameters
    ----------
    region_dir
        The region folder.
    ingest
        The ``ingest:`` config section (``None`` for the defaults, :data:`INGEST_DEFAULTS`).
    """
    opts = ingest_options(ingest)
    lang = opts["language"]
    folder = Path(region_dir).resolve()
    fatal: list[Problem] = []
    problems: list[Problem] = []
    quality: dict[str, dict[str, Any]] = {}
    quarantine: dict[str, pd.DataFrame] = {}
    input_files: dict[str, Path] = {}

    meta_path = folder / "region.yaml"
    meta: dict[str, Any] = {}
    if meta_path.is_file():
        input_files["region.yaml"] = meta_path
        meta, meta_problems = read_meta(meta_path, lang=lang)
        fatal.extend(meta_problems)
    else:
        fatal.append(Problem.make("missing_file", "region.yaml",
                                  expected="region.yaml (name, code, personnel, stages)"))
    columns = meta.get("columns") or {}
    fatal.extend(_check_column_mapping(columns))
    region_code = str(meta.get("code")) if meta.get("code") else None

    # ---- areas
    space: Space | None = None
    areas = empty_areas()
    found = _find(folder, "areas", AREA_SUFFIXES)
    if not found:
        fatal.append(Problem.make("missing_file", "areas.geojson",
                                  expected="areas.geojson, areas.gpkg or areas.shp"))
        quarantine["areas.geojson"] = quarantine_frame(None, {}, lang, columns=AREA_COLUMNS)
    elif len(found) > 1:
        fatal.append(Problem.make("ambiguous_file", found[0].name,
                                  found=", ".join(p.name for p in found)))
        quarantine[found[0].name] = quarantine_frame(None, {}, lang, columns=AREA_COLUMNS)
    else:
        path = found[0]
        input_files[path.name] = path
        if path.suffix.lower() == ".shp":
            for side in _SHP_SIDECARS:
                for p in _find(folder, "areas", (side,)):
                    input_files[p.name] = p
        try:
            gdf = read_areas_file(path)
        except ValueError as exc:
            fatal.append(Problem.make("unreadable_file", path.name, detail=str(exc),
                                      expected="GeoJSON, GeoPackage or Shapefile"))
            quarantine[path.name] = quarantine_frame(None, {}, lang, columns=AREA_COLUMNS)
        else:
            res = validate_areas(gdf, path.name, mapping=_mapping_for(columns, path.name,
                                                                      "areas"),
                                 region_code=region_code,
                                 overlap_tolerance_m2=float(opts["overlap_tolerance_m2"]),
                                 lang=lang)
            fatal.extend(res.fatal)
            problems.extend(res.row_problems + res.warnings)
            quality[path.name] = res.quality
            quarantine[path.name] = res.quarantine
            if not res.fatal:
                areas = res.table
                space = Space(areas=areas, crs=_utm(areas),
                              buffer_m=float(opts["region_buffer_m"]), region_code=region_code)

    # ---- point tables
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        tables[name] = empty_table(name)
        found = _find(folder, name, TABLE_SUFFIXES)
        default_file = f"{name}.csv"
        if not found:
            if name in OPTIONAL_TABLES:
                w = Problem.make("optional_file_absent", default_file)
                problems.append(w)
                quality[default_file] = {
                    "rows_read": 0, "accepted": 0, "quarantined": 0, "reasons": {},
                    "warnings": [_warning_text(w, lang)], "missing": "optional file absent",
                }
            else:
                fatal.append(Problem.make("missing_file", default_file,
                                          expected=f"{name}.csv or {name}.xlsx"))
            quarantine[default_file] = quarantine_frame(None, {}, lang, columns=COLUMNS[name])
            continue
        if len(found) > 1:
            fatal.append(Problem.make("ambiguous_file", found[0].name,
                                      found=", ".join(p.name for p in found)))
            quarantine[default_file] = quarantine_frame(None, {}, lang, columns=COLUMNS[name])
            continue
        path = found[0]
        input_files[path.name] = path
        try:
            raw = read_table_file(path)
        except ValueError as exc:
            fatal.append(Problem.make("unreadable_file", path.name, detail=str(exc),
                                      expected="CSV UTF-8 or XLSX"))
            quarantine[path.name] = quarantine_frame(None, {}, lang, columns=COLUMNS[name])
            continue
        res = validate_table(
            raw, name, space=space, mapping=_mapping_for(columns, path.name, name),
            date_order=opts["date_order"],
            fix_swapped=bool(meta.get("fix_swapped_coordinates", False)),
            trust_tps_location=meta.get("trust_tps_location", "village_code"),
            region_code=region_code, lang=lang,
        )
        fatal.extend(res.fatal)
        problems.extend(res.row_problems + res.warnings)
        quality[path.name] = res.quality
        quarantine[path.name] = res.quarantine
        tables[name] = res.table

    return RegionData(
        meta=meta, areas=areas, quality=dict(sorted(quality.items())),
        quarantine=dict(sorted(quarantine.items())),
        input_files=dict(sorted(input_files.items())), problems=problems, fatal=fatal,
        **tables,
    )


def _check_column_mapping(columns: dict[str, Any]) -> list[Problem]:
    """Problems of region.yaml's ``columns:`` mapping: unknown files or target columns."""
    from riskmap.io._tables import ALIASES

    problems = []
    for key, mapping in sorted(columns.items()):
        stem = str(key).rsplit(".", 1)[0].lower() if "." in str(key) else str(key).lower()
        if stem not in COLUMNS:
            problems.append(Problem.make(
                "bad_region_yaml", "region.yaml", column=f"columns.{key}", value=key,
                detail="unknown file", expected=", ".join(f"{t}.csv" for t in COLUMNS),
                hint="-"))
            continue
        allowed = set(COLUMNS[stem]) | set(ALIASES[stem])
        for theirs, target in sorted(mapping.items()):
            if target not in allowed:
                problems.append(Problem.make(
                    "bad_region_yaml", "region.yaml", column=f"columns.{key}.{theirs}",
                    value=target, detail="unknown column", expected=", ".join(sorted(allowed)),
                    hint="-"))
    return problems


def _warning_text(w: Problem, lang: str) -> str:
    from riskmap._errors import reason_text

    return f"{w.code}: {reason_text(w, lang=lang)}"


def _utm(areas: gpd.GeoDataFrame):
    from riskmap.geo import utm_crs_for

    return utm_crs_for(areas)


def region_space(region_dir: str | Path, *, buffer_m: float = 1000.0,
                 lang: str = "id") -> Space:
    """The validated areas of a region folder as a :class:`Space` (for importers' clipping).

    Raises :class:`RegionInputError` when the areas cannot be used.
    """
    folder = Path(region_dir)
    found = _find(folder, "areas", AREA_SUFFIXES)
    if len(found) != 1:
        problem = (Problem.make("missing_file", "areas.geojson",
                                expected="areas.geojson, areas.gpkg or areas.shp") if not found
                   else Problem.make("ambiguous_file", found[0].name,
                                     found=", ".join(p.name for p in found)))
        raise RegionInputError([problem], lang=lang)
    try:
        gdf = read_areas_file(found[0])
    except ValueError as exc:
        raise RegionInputError([Problem.make("unreadable_file", found[0].name, detail=str(exc),
                                             expected="GeoJSON, GeoPackage or Shapefile")],
                               lang=lang) from None
    res = validate_areas(gdf, found[0].name, lang=lang)
    if res.fatal:
        raise RegionInputError(res.fatal, lang=lang)
    return Space(areas=res.table, crs=_utm(res.table), buffer_m=buffer_m)


def load_region(region_dir: str | Path, *, ingest: dict[str, Any] | None = None) -> RegionData:
    """Read and validate a region folder in the contract's format.

    Parameters
    ----------
    region_dir
        The region folder (region.yaml, areas, tps, and optionally venues, incidents, units).
    ingest
        The ``ingest:`` config section, or ``None`` for the defaults (:data:`INGEST_DEFAULTS`):
        ``region_buffer_m`` (points farther than this from the areas are outside the region),
        ``date_order`` (``auto``, ``day_first``, ``month_first``) and ``language`` of the
        messages (``id`` or ``en``).

    Returns
    -------
    RegionData
        Clean tables; rejected rows in ``quarantine`` with their reasons; ``quality`` counts
        per input file (rows read = accepted + quarantined).

    Raises
    ------
    RegionInputError
        When the folder cannot be used (missing file or column, unreadable file, no usable
        rows, areas without CRS, region.yaml not matching its schema); the message lists
        every such problem with file, row, column, value, what was expected and a hint.
    """
    region = inspect_region(region_dir, ingest=ingest)
    if region.fatal:
        raise RegionInputError(region.fatal, lang=ingest_options(ingest)["language"])
    return region


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def quarantine_texts(region: RegionData) -> dict[str, str]:
    """The text of ``quality.json`` and of each ``quarantine/<table>.csv``, by relative path.

    The quarantine files are for people (the analyst opens them to fix the rows): written as
    human-facing tables (:func:`riskmap.spreadsheet.human_csv_text`), so a rejected cell such
    as ``=HYPERLINK(...)`` is shown, not evaluated. The bytes depend only on the region's
    content: sorted keys, ``\\n`` line ends.
    """
    from riskmap.spreadsheet import human_csv_text

    texts = {"quality.json": json.dumps(region.quality, indent=2, sort_keys=True,
                                        ensure_ascii=False) + "\n"}
    for name, frame in region.quarantine.items():
        texts[f"quarantine/{_stem(name)}.csv"] = human_csv_text(frame)
    return texts


def write_quarantine(region: RegionData, out_dir: str | Path, *more_dirs: str | Path) -> None:
    """Write ``quality.json`` and ``quarantine/<table>.csv`` (always, with header) into
    ``out_dir`` and each of ``more_dirs`` (every stage's folder gets the same files, made
    once); see :func:`quarantine_texts`."""
    texts = quarantine_texts(region)
    for out in (out_dir, *more_dirs):
        for relative, text in texts.items():
            atomic_write_text(Path(out) / relative, text)
