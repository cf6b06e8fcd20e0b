"""The optional ``routes.geojson`` of a region: roads, rivers and trails with their speeds.

When a region folder holds ``routes.geojson`` (or ``routes.gpkg``), reach times are computed on
that network (see :mod:`riskmap.reach`); otherwise straight-line distance times a detour factor.
Columns: ``kind`` (``road``, ``river``, ``trail``), optional ``speed_kmh`` (> 0). Geometries are
lines (LineString or MultiLineString) in any CRS with a definition (GeoJSON: WGS84).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from riskmap._errors import RegionInputError
from riskmap.geo import WGS84

ROUTE_KINDS = ("road", "river", "trail")
ROUTE_NAMES = ("routes.geojson", "routes.gpkg")


def find_routes(region_dir: Path) -> Path | None:
    """Return the region's routes file, or None when it has none."""
    for name in ROUTE_NAMES:
        path = Path(region_dir) / name
        if path.is_file():
            return path
    return None


def empty_routes() -> gpd.GeoDataFrame:
    """An empty routes table with the expected columns."""
    return gpd.GeoDataFrame(
        {"kind": pd.Series(dtype=str), "speed_kmh": pd.Series(dtype=float)},
        geometry=gpd.GeoSeries([], crs=WGS84),
        crs=WGS84,
    )


def route_problems(routes: gpd.GeoDataFrame, *, file: str) -> list[str]:
    """Every problem of a routes table, one line each in Bahasa Indonesia (features 1-based)."""
    problems = []
    if routes.crs is None:
        problems.append(
            f"{file}: tidak ada sistem koordinat (CRS); simpan ulang dengan CRS (GeoJSON: WGS84)"
        )
    if "kind" not in routes.columns:
        problems.append(
            f"{file}: kolom 'kind' tidak ada; seharusnya salah satu dari {', '.join(ROUTE_KINDS)}"
        )
        return problems
    for i, (kind, geom) in enumerate(zip(routes["kind"], routes.geometry, strict=True), start=1):
        if geom is None or geom.is_empty or geom.geom_type not in ("LineString", "MultiLineString"):
            gtype = "kosong" if geom is None or geom.is_empty else geom.geom_type
            problems.append(
                f"{file}: fitur {i}, geometri: {gtype}; seharusnya garis "
                "(LineString atau MultiLineString)"
            )
        if str(kind) not in ROUTE_KINDS:
            problems.append(
                f"{file}: fitur {i}, kolom kind: '{kind}'; seharusnya salah satu dari "
                f"{', '.join(ROUTE_KINDS)}"
            )
    if "speed_kmh" in routes.columns:
        speed = pd.to_numeric(routes["speed_kmh"], errors="coerce")
        bad = routes["speed_kmh"].notna() & ~(speed > 0)
        for i in bad[bad].index:
            problems.append(
                f"{file}: fitur {i + 1}, kolom speed_kmh: "
                f"'{routes['speed_kmh'][i]}'; seharusnya angka di atas 0 (km/jam) atau kosong"
            )
    return problems


def read_routes(path: Path | None) -> gpd.GeoDataFrame:
    """Read and check a routes file (WGS84 out); raise RegionInputError listing every problem."""
    if path is None:
        return empty_routes()
    try:
        routes = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same problem to the user
        msg = f"{path.name}: tidak dapat dibaca sebagai berkas GIS ({exc})"
        raise RegionInputError(msg) from None
    routes = routes.reset_index(drop=True)
    problems = route_problems(routes, file=path.name)
    if problems:
        raise RegionInputError("Berkas rute tidak dapat dipakai:\n- " + "\n- ".join(problems))
    if "speed_kmh" not in routes.columns:
        routes["speed_kmh"] = float("nan")
    routes["speed_kmh"] = pd.to_numeric(routes["speed_kmh"], errors="coerce")
    return routes[["kind", "speed_kmh", "geometry"]].to_crs(WGS84)
