"""Validating the village polygons: codes, names, CRS, geometry (repaired with a warning)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from riskmap._errors import Problem
from riskmap.geo import AREA_LEVEL_LABEL_ID, AREA_LEVELS, WGS84, area_km2, overlapping_areas
from riskmap.io._parse import as_text, looks_like_bps, normalise_area_code
from riskmap.io._read import RawTable
from riskmap.io._tables import TableResult, _quality, map_columns, quarantine_frame

AREA_COLUMNS = ("village_code", "village_name", "subdistrict_code", "subdistrict_name")
AREA_REQUIRED = ("village_code", "village_name", "subdistrict_name")
#: Required columns of a file whose areas are above the village (kecamatan, kabupaten/kota,
#: province): the parent columns are then optional (derived from the codes when absent).
AREA_REQUIRED_ABOVE_VILLAGE = ("village_code", "village_name")
#: Columns the validated areas carry beside the contract's: the level of their codes and
#: their area in km2 (equal-area, see :func:`riskmap.geo.area_km2`).
AREA_EXTRA_COLUMNS = ("area_level", "area_km2")
AREA_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


def _polygonal(geom) -> Any:
    """The polygonal part of a geometry (None when there is none)."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon | MultiPolygon)]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if isinstance(merged, Polygon | MultiPolygon) and not merged.is_empty else None


def empty_areas() -> gpd.GeoDataFrame:
    """The validated areas table with no rows (contract columns, level, km2, geometry)."""
    cols = {c: pd.Series([], dtype=object) for c in (*AREA_COLUMNS, "area_level")}
    cols["area_km2"] = pd.Series([], dtype="float64")
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)


def areas_raw_cells(gdf: gpd.GeoDataFrame, file: str) -> RawTable:
    """The attribute table as text (geometry as WKT), one row per feature (row = feature no.)."""
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    cells = pd.DataFrame({c: [as_text(v) for v in gdf[c]] for c in cols}, dtype=object)
    cells["geometry"] = [
        "" if g is None else shapely.to_wkt(g, rounding_precision=6) for g in gdf.geometry
    ]
    if len(gdf) == 0:
        cells = pd.DataFrame({c: pd.Series([], dtype=object) for c in [*cols, "geometry"]})
    n = len(gdf)
    return RawTable(file=file, cells=cells.reset_index(drop=True), rows=list(range(1, n + 1)),
                    n_cells=[len(cols) + 1] * n, n_header=len(cols) + 1)


def _level_of_column(attrs: pd.DataFrame) -> tuple[str, dict[str, list[int]]]:
    """The level of the file's area codes (the most common) and the row indexes per level."""
    by_level: dict[str, list[int]] = {}
    if "village_code" not in attrs.columns:
        return "village", by_level
    for i, text in enumerate(attrs["village_code"]):
        try:
            _code, level, _changed = normalise_area_code(str(text))
        except ValueError:
            continue
        by_level.setdefault(level, []).append(i)
    if not by_level:
        return "village", by_level
    level = sorted(by_level, key=lambda lv: (-len(by_level[lv]), AREA_LEVELS.index(lv)))[0]
    return level, by_level


def _parent(code: str, level: str) -> tuple[str, str]:
    """The parent code of an area code and the Indonesian label of the parent's level."""
    parts = code.split(".")
    if len(parts) <= 1:
        return "", ""
    parent_level = AREA_LEVELS[AREA_LEVELS.index(level) - 1]
    return ".".join(parts[:-1]), AREA_LEVEL_LABEL_ID[parent_level]


def validate_areas(
    gdf: gpd.GeoDataFrame,
    file: str,
    *,
    mapping: dict[str, str] | None = None,
    region_code: str | None = None,
    overlap_tolerance_m2: float = 100.0,
    lang: str = "id",
) -> TableResult:
    """Validate area polygons; return the clean areas (EPSG:4326), quarantine and quality.

    The areas are desa/kelurahan (the contract) or, when every code is of one level above
    (kecamatan ``62.10.02``, kabupaten/kota ``62.10``, province ``62``), areas of that level;
    a file mixing levels is refused (``mixed_area_levels``). For areas above the village,
    ``subdistrict_code``/``subdistrict_name`` are optional and name the parent area when
    absent. The clean table adds ``area_level`` and ``area_km2``; polygons overlapping their
    neighbours by more than ``overlap_tolerance_m2`` are reported (``areas_overlap``).

    Parameters
    ----------
    gdf
        The features as read, in their own CRS (``None`` CRS is fatal: ``no_crs``).
    file
        The file name, for messages.
    mapping
        The ``columns:`` mapping of region.yaml for this file.
    region_code
        The region's Kemendagri code, to recognise BPS codes.
    lang
        Language of the texts.
    """
    raw = areas_raw_cells(gdf, file)
    headers = [c for c in raw.cells.columns if c != "geometry"]
    rename, warnings = map_columns(headers, "areas", file, mapping=mapping)
    present = set(rename.values())
    fatal: list[Problem] = []
    found = ", ".join(headers) or "-"
    level, rows_by_level = _level_of_column(raw.cells.rename(columns=rename))
    if len(rows_by_level) > 1:
        word = "rows" if lang == "en" else "baris"
        counts = ", ".join(
            f"{len(rows_by_level[lv])} "
            f"{lv if lang == 'en' else AREA_LEVEL_LABEL_ID[lv].lower()} ({word} "
            f"{_rows_text([raw.rows[i] for i in rows_by_level[lv]], limit=5)})"
            for lv in AREA_LEVELS if lv in rows_by_level)
        fatal.append(Problem.make("mixed_area_levels", file, column="village_code",
                                  levels=counts))
    required = AREA_REQUIRED if level == "village" else AREA_REQUIRED_ABOVE_VILLAGE
    for col in required:
        if col not in present:
            fatal.append(Problem.make("missing_column", file, column=col, found=found))
    if gdf.crs is None:
        fatal.append(Problem.make("no_crs", file))
    n = len(gdf)
    empty = empty_areas()
    if fatal:
        located = [replace(p, row=r) for r in raw.rows for p in fatal[:1]]
        return TableResult(empty, quarantine_frame(raw, dict(enumerate([[p] for p in located])),
                                                   lang),
                           _quality(n, 0, n, Counter(p.code for p in located), warnings, lang),
                           fatal, [], warnings)
    if not gdf.crs.equals(WGS84) and gdf.crs.to_epsg() != 4326:
        warnings.append(Problem.make("areas_reprojected", file, crs=gdf.crs.to_string()))
        gdf = gdf.to_crs(WGS84)
    attrs = raw.cells.rename(columns=rename)
    if level != "village":
        warnings.append(Problem.make("area_level_above_village", file, n=n,
                                     level=AREA_LEVEL_LABEL_ID[level]))
    if "subdistrict_code" not in present and level == "village":
        warnings.append(Problem.make("subdistrict_code_derived", file))
    problems: dict[int, list[Problem]] = {}
    first_seen: dict[str, int] = {}
    repaired: list[str] = []
    normalised = 0
    keep = []

    def add(i, code, column=None, value=None, **params):
        problems.setdefault(i, []).append(
            Problem.make(code, file, row=raw.rows[i], column=column, value=value, **params))

    for i in range(n):
        row = attrs.iloc[i]
        text = str(row.get("village_code", "")).strip()
        code = ""
        if not text:
            add(i, "missing_value", column="village_code",
                expected="62.10.02.1012")
        else:
            try:
                code, _level, changed = normalise_area_code(text)
                normalised += changed
            except ValueError:
                if looks_like_bps(text, region_code=region_code):
                    add(i, "bps_village_code", column="village_code", value=text,
                        example="62.10.02.1012")
                else:
                    add(i, "bad_village_code", column="village_code", value=text)
        if code:
            if code in first_seen:
                problems.setdefault(i, []).insert(0, Problem.make(
                    "duplicate_id", file, row=raw.rows[i], column="village_code", value=text,
                    first_row=raw.rows[first_seen[code]]))
            else:
                first_seen[code] = i
        name = str(row.get("village_name", "")).strip()
        if not name:
            add(i, "missing_value", column="village_name",
                expected="nama desa/kelurahan" if lang != "en" else "a village name")
        geom = gdf.geometry.iloc[i]
        if geom is None or geom.is_empty:
            add(i, "missing_geometry", column="geometry")
            fixed = None
        elif not isinstance(geom, Polygon | MultiPolygon) and _polygonal(geom) is None:
            add(i, "not_polygon", column="geometry", geom_type=geom.geom_type)
            fixed = None
        else:
            fixed = geom
            if not geom.is_valid or not isinstance(geom, Polygon | MultiPolygon):
                fixed = _polygonal(shapely.make_valid(geom))
                if fixed is None:
                    add(i, "missing_geometry", column="geometry")
                else:
                    repaired.append(code or text)
        sub_code = str(row.get("subdistrict_code", "")).strip()
        sub_name = str(row.get("subdistrict_name", "")).strip()
        if code and level == "village":
            sub_code = sub_code or ".".join(code.split(".")[:3])
        elif code:
            parent, parent_label = _parent(code, level)
            sub_code = sub_code or parent
            sub_name = sub_name or (f"{parent_label} {parent}" if parent else "")
        keep.append({
            "village_code": code,
            "village_name": name,
            "subdistrict_code": sub_code,
            "subdistrict_name": sub_name,
            "geometry": fixed,
        })
    accepted = [k for i, k in enumerate(keep) if i not in problems]
    reasons = Counter(problems[i][0].code for i in problems)
    if normalised:
        warnings.append(Problem.make("village_code_normalised", file, n=normalised))
    if repaired:
        shown = ", ".join(repaired[:10]) + (f" (+{len(repaired) - 10})" if len(repaired) > 10
                                            else "")
        warnings.append(Problem.make("geometry_repaired", file, n=len(repaired), codes=shown))
    if not accepted:
        areas = empty
    else:
        areas = gpd.GeoDataFrame(accepted, geometry="geometry", crs=WGS84)
        areas = areas[[*AREA_COLUMNS, "geometry"]].reset_index(drop=True)
        for c in AREA_COLUMNS:
            areas[c] = areas[c].astype(str).astype(object)
        areas.insert(len(AREA_COLUMNS), "area_level",
                     pd.Series([level] * len(areas), dtype=object))
        areas.insert(len(AREA_COLUMNS) + 1, "area_km2", area_km2(areas).round(6).to_numpy())
    if len(areas) > 1:
        overlaps = overlapping_areas(areas, tolerance_m2=overlap_tolerance_m2)
        if len(overlaps):
            warnings.append(_overlap_warning(overlaps, file))
    row_problems = [p for i in sorted(problems) for p in problems[i]]
    if n == 0 or not accepted:
        fatal.append(Problem.make("no_usable_rows", file, rows_read=n,
                                  stem=file.rsplit(".", 1)[0]))
    return TableResult(areas, quarantine_frame(raw, problems, lang),
                       _quality(n, len(accepted), len(problems), reasons, warnings, lang),
                       fatal, row_problems, warnings)


def _overlap_warning(overlaps: pd.DataFrame, file: str, *, limit: int = 20) -> Problem:
    """One warning naming the overlapping pairs (largest first) and their overlap in ha."""
    top = overlaps.sort_values(["overlap_m2", "code_a", "code_b"],
                               ascending=[False, True, True]).head(limit)
    pairs = "; ".join(
        f"{r.name_a} ({r.code_a}) / {r.name_b} ({r.code_b}) {r.overlap_m2 / 1e4:.2f} ha"
        for r in top.itertuples(index=False))
    if len(overlaps) > limit:
        pairs += f" (+{len(overlaps) - limit})"
    return Problem.make("areas_overlap", file, n=len(overlaps),
                        max_ha=f"{overlaps['overlap_m2'].max() / 1e4:.2f}", pairs=pairs)


def _rows_text(rows: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" (+{len(rows) - limit})" if len(rows) > limit else "")


def read_areas_file(path) -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoPackage (layer ``areas``, else the first) or Shapefile.

    Raises ``ValueError`` with the reader's message when the file cannot be read.
    """
    try:
        layer = None
        if str(path).lower().endswith(".gpkg"):
            import pyogrio

            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
            layer = "areas" if "areas" in names else names[0] if names else None
        return gpd.read_file(path, engine="pyogrio", layer=layer)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
        raise ValueError(f"{type(exc).__name__}: {exc}") from None
