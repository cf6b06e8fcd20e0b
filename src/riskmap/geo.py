"""Coordinate helpers: every distance in riskmap is in metres in the region's own UTM zone."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

WGS84 = "EPSG:4326"


def utm_crs_from_lonlat(lon: float, lat: float) -> CRS:
    """Return the WGS84 UTM zone CRS that contains the point (north or south of the equator).

    Examples
    --------
    >>> utm_crs_from_lonlat(113.87, -1.10).to_epsg()
    32749
    >>> utm_crs_from_lonlat(109.3, 0.02).to_epsg()
    32649
    """
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    epsg = (32600 if lat >= 0 else 32700) + zone
    return CRS.from_epsg(epsg)


def utm_crs_for(areas: gpd.GeoDataFrame) -> CRS:
    """Return the UTM CRS of the centroid of the union of ``areas`` (given in any geographic CRS).

    A region that straddles the equator gets the hemisphere of its centroid; UTM coordinates
    stay continuous across the equator within one zone because the false northing only shifts
    them, so distances remain correct.
    """
    geo = areas.to_crs(WGS84)
    minx, miny, maxx, maxy = geo.total_bounds
    return utm_crs_from_lonlat((minx + maxx) / 2.0, (miny + maxy) / 2.0)


def points_from_lonlat(frame: pd.DataFrame, *, crs: CRS | str | None = None) -> gpd.GeoDataFrame:
    """Turn a table with ``lon``/``lat`` columns into points (projected to ``crs`` if given)."""
    gdf = gpd.GeoDataFrame(
        frame.copy(),
        geometry=gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float)),
        crs=WGS84,
    )
    return gdf.to_crs(crs) if crs is not None else gdf


AREA_LEVELS = ("province", "regency", "district", "village")
"""Kemendagri code levels: ``62``, ``62.10``, ``62.10.02``, ``62.10.02.1012``."""

AREA_LEVEL_LABEL_ID = {
    "province": "Provinsi",
    "regency": "Kabupaten/Kota",
    "district": "Kecamatan",
    "village": "Desa/Kelurahan",
}
"""How a map or report names an area of each level, in Bahasa Indonesia."""


def area_level_of(code: str) -> str:
    """The administrative level of a dotted Kemendagri area code.

    Examples
    --------
    >>> area_level_of("62.10")
    'regency'
    >>> area_level_of("62.10.02.1012")
    'village'
    >>> area_level_of("62")
    'province'
    """
    parts = str(code).strip().split(".")
    return AREA_LEVELS[min(max(len(parts), 1), len(AREA_LEVELS)) - 1]


def area_level_of_codes(codes: pd.Series | list[str]) -> str:
    """The level of a set of area codes: the most common level (``village`` when empty).

    Examples
    --------
    >>> area_level_of_codes(["62.10", "62.11", "62.71"])
    'regency'
    """
    levels = pd.Series([area_level_of(c) for c in codes], dtype=object)
    if levels.empty:
        return "village"
    counts = levels.value_counts()
    return str(sorted(counts.index, key=lambda lv: (-counts[lv], AREA_LEVELS.index(lv)))[0])
