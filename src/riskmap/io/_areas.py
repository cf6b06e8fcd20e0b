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
from riskmap.geo import WGS84
from riskmap.io._parse import as_text, looks_like_bps, normalise_village_code
from riskmap.io._read import RawTable
from riskmap.io._tables import TableResult, _quality, map_columns, quarantine_frame

AREA_COLUMNS = ("village_code", "village_name", "subdistrict_code", "subdistrict_name")
AREA_REQUIRED = ("village_code", "village_name", "subdistrict_name")
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


def validate_areas(
    gdf: gpd.GeoDataFrame,
    file: str,
    *,
    mapping: dict[str, str] | None = None,
    region_code: str | None = None,
    lang: str = "id",
) -> TableResult:
    """Validate village polygons; return the clean areas (EPSG:4326), quarantine and quality.

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
    for col in AREA_REQUIRED:
        if col not in present:
            fatal.append(Problem.make("missing_column", file, column=col, found=found))
    if gdf.crs is None:
        fatal.append(Problem.make("no_crs", file))
    n = len(gdf)
    empty = gpd.GeoDataFrame({c: pd.Series([], dtype=object) for c in AREA_COLUMNS},
                             geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
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
    if "subdistrict_code" not in present:
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
                code, changed = normalise_village_code(text)
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
        if not sub_code and code:
            sub_code = ".".join(code.split(".")[:3])
        keep.append({
            "village_code": code,
            "village_name": name,
            "subdistrict_code": sub_code,
            "subdistrict_name": str(row.get("subdistrict_name", "")).strip(),
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
    areas = (gpd.GeoDataFrame(accepted, geometry="geometry", crs=WGS84) if accepted else empty)
    areas = areas[[*AREA_COLUMNS, "geometry"]].reset_index(drop=True)
    for c in AREA_COLUMNS:
        areas[c] = areas[c].astype(str).astype(object)
    row_problems = [p for i in sorted(problems) for p in problems[i]]
    if n == 0 or not accepted:
        fatal.append(Problem.make("no_usable_rows", file, rows_read=n,
                                  stem=file.rsplit(".", 1)[0]))
    return TableResult(areas, quarantine_frame(raw, problems, lang),
                       _quality(n, len(accepted), len(problems), reasons, warnings, lang),
                       fatal, row_problems, warnings)


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
