"""Coordinate helpers: every distance in riskmap is in metres in the region's own UTM zone."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
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


UTM_ZONE_WIDTH_DEG = 6.0
"""Longitude width of a UTM zone: a region wider than this is measured in an equal-area CRS."""


def equal_area_crs(areas: gpd.GeoDataFrame) -> CRS:
    """A CRS in which areas of ``areas`` are measured without distortion worth noting.

    A region within one UTM zone's width (6 degrees of longitude, every kabupaten and most
    provinces) keeps its UTM zone (:func:`utm_crs_for`, where the scale error is below 0.1 %).
    A wider region (a Polda across zones, the whole country) gets a Lambert azimuthal
    equal-area projection centred on the region, which preserves area everywhere (one UTM zone
    for all of Indonesia would inflate km2 by up to 19 % at the edges).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> wide = gpd.GeoDataFrame(geometry=[box(95.0, -11.0, 141.0, 6.0)], crs=WGS84)
    >>> equal_area_crs(wide).coordinate_operation.method_name
    'Lambert Azimuthal Equal Area'
    >>> small = gpd.GeoDataFrame(geometry=[box(113.5, -1.5, 114.2, -0.8)], crs=WGS84)
    >>> equal_area_crs(small).to_epsg()
    32749
    """
    geo = areas.to_crs(WGS84)
    minx, miny, maxx, maxy = geo.total_bounds
    if maxx - minx <= UTM_ZONE_WIDTH_DEG:
        return utm_crs_from_lonlat((minx + maxx) / 2.0, (miny + maxy) / 2.0)
    lon0, lat0 = round((minx + maxx) / 2.0, 4), round((miny + maxy) / 2.0, 4)
    return CRS.from_proj4(f"+proj=laea +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 "
                          "+datum=WGS84 +units=m +no_defs")


def area_km2(areas: gpd.GeoDataFrame) -> pd.Series:
    """The area of each polygon of ``areas`` in km2, measured in :func:`equal_area_crs`.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> one = gpd.GeoDataFrame(geometry=[box(113.85, -1.11, 113.87, -1.09)], crs=WGS84)
    >>> round(float(area_km2(one).iloc[0]), 2)
    4.93
    """
    if len(areas) == 0:
        return pd.Series([], dtype="float64", index=areas.index)
    projected = areas.geometry.to_crs(equal_area_crs(areas))
    return pd.Series(projected.area.to_numpy() / 1e6, index=areas.index, dtype="float64")


def overlapping_areas(areas: gpd.GeoDataFrame, *, tolerance_m2: float = 100.0) -> pd.DataFrame:
    """Pairs of polygons that overlap by more than ``tolerance_m2`` square metres.

    Candidate pairs come from an STR-tree of the polygons (only neighbours are intersected),
    so thousands of villages take well under a second. The overlap is measured in
    :func:`equal_area_crs`.

    Returns
    -------
    pandas.DataFrame
        ``code_a``, ``name_a``, ``code_b``, ``name_b``, ``overlap_m2`` (``code_a`` < ``code_b``),
        sorted by the codes.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"village_code": ["A", "B", "C"],
    ...                           "village_name": ["a", "b", "c"]},
    ...                          geometry=[box(0, 0, 0.02, 0.02), box(0.019, 0, 0.04, 0.02),
    ...                                    box(0.04, 0, 0.06, 0.02)], crs=WGS84)
    >>> overlapping_areas(areas)[["code_a", "code_b"]].values.tolist()
    [['A', 'B']]
    """
    cols = ["code_a", "name_a", "code_b", "name_b", "overlap_m2"]
    if len(areas) < 2:
        return pd.DataFrame({c: [] for c in cols})
    projected = areas.geometry.to_crs(equal_area_crs(areas)).to_numpy()
    tree = shapely.STRtree(projected)
    left, right = tree.query(projected, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    overlap = shapely.area(shapely.intersection(projected[left], projected[right]))
    big = overlap > tolerance_m2
    codes = areas["village_code"].astype(str).to_numpy()
    names = (areas["village_name"].astype(str).to_numpy() if "village_name" in areas
             else codes)
    a, b = left[big], right[big]
    swap = codes[a] > codes[b]
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    out = pd.DataFrame({"code_a": codes[a], "name_a": names[a], "code_b": codes[b],
                        "name_b": names[b], "overlap_m2": overlap[big]})
    return out.sort_values(["code_a", "code_b"], kind="stable").reset_index(drop=True)


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
