"""The map's layers as plain, JSON-ready data built from the stage's tables.

Every function here is pure: tables in, lists/dicts of numbers and strings out. The page's
script draws them; it inserts every string as text (never as HTML), so the values need no
escaping here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from riskmap.geo import WGS84, utm_crs_for
from riskmap.maps.strings import CLASS_ORDER, format_date_id

_TRUE = {"true", "1", "yes", "ya", "y", "t"}


# ---------------------------------------------------------------------------- small coercions
def _text(value: object) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _num(value: object, *, decimals: int | None = None) -> float | None:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(out):
        return None
    if decimals is not None:
        out = round(out, decimals)
        if decimals == 0:
            return int(out)
    return out


def _flag(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return _text(value).lower() in _TRUE


def _col(frame: pd.DataFrame, name: str, default: object = "") -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _round_geometry(geom, decimals: int):
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def _geojson_coords(geom) -> dict:
    return shapely.geometry.mapping(geom)


# ---------------------------------------------------------------------------- boundaries
def simplify_areas(
    areas: gpd.GeoDataFrame, *, tolerance_m: float, decimals: int
) -> gpd.GeoDataFrame:
    """Return ``areas`` in WGS84 with shared borders simplified together and coordinates rounded.

    Parameters
    ----------
    areas
        Village polygons (any CRS) with ``village_code`` and ``subdistrict_code`` columns.
    tolerance_m
        Simplification tolerance in metres (in the region's UTM zone); 0 keeps every vertex.
    decimals
        Decimal places kept in the degree coordinates (5 is about one metre).
    """
    out = areas[[c for c in areas.columns if c != areas.geometry.name] + [areas.geometry.name]]
    out = out.reset_index(drop=True).copy()
    geoms = out.geometry.make_valid() if not out.geometry.is_valid.all() else out.geometry
    if tolerance_m > 0 and len(out):
        utm = utm_crs_for(out)
        projected = gpd.GeoSeries(geoms, crs=out.crs).to_crs(utm)
        try:
            simple = shapely.coverage_simplify(projected.values, tolerance_m)
        except Exception:  # not a clean coverage: simplify each polygon on its own
            simple = shapely.simplify(projected.values, tolerance_m, preserve_topology=True)
        geoms = gpd.GeoSeries(simple, crs=utm).to_crs(WGS84)
    else:
        geoms = gpd.GeoSeries(geoms, crs=out.crs).to_crs(WGS84)
    out = gpd.GeoDataFrame(out.drop(columns=out.geometry.name), geometry=geoms.values, crs=WGS84)
    out["geometry"] = [_round_geometry(g, decimals) for g in out.geometry]
    return out


def boundaries_from_areas(
    areas: gpd.GeoDataFrame, *, decimals: int
) -> dict[str, list[dict]]:
    """Return the basemap drawn from the region's own boundaries.

    Returns
    -------
    dict
        ``region``: the kabupaten outline (GeoJSON geometries); ``subdistricts``: one item per
        kecamatan with its outline and label point; ``villages``: one label point per village.
    """
    geo = areas.to_crs(WGS84)
    region = shapely.union_all(geo.geometry.values)
    out: dict[str, list[dict]] = {
        "region": [_geojson_coords(_round_geometry(region.boundary, decimals))],
        "subdistricts": [],
        "villages": [],
    }
    for code, group in geo.groupby("subdistrict_code", sort=True):
        shape = shapely.union_all(group.geometry.values)
        label = shape.point_on_surface() if not shape.is_empty else None
        out["subdistricts"].append({
            "code": _text(code),
            "name": _text(group["subdistrict_name"].iloc[0]),
            "outline": _geojson_coords(_round_geometry(shape.boundary, decimals)),
            "label": [round(label.y, decimals), round(label.x, decimals)] if label else None,
        })
    for row in geo.sort_values("village_code").itertuples(index=False):
        if row.geometry is None or row.geometry.is_empty:
            continue
        point = row.geometry.point_on_surface()
        out["villages"].append({
            "code": _text(row.village_code),
            "name": _text(row.village_name),
            "label": [round(point.y, decimals), round(point.x, decimals)],
        })
    return out


# ---------------------------------------------------------------------------- villages
def class_changes(
    area_risk: pd.DataFrame, previous_area_risk: pd.DataFrame | None
) -> dict[str, str]:
    """Return ``{village_code: previous_class}`` for villages whose risk class rose.

    Examples
    --------
    >>> now = pd.DataFrame({"village_code": ["a", "b"], "risk_class": ["rawan", "rawan"]})
    >>> before = pd.DataFrame({"village_code": ["a", "b"],
    ...                        "risk_class": ["kurang_rawan", "sangat_rawan"]})
    >>> class_changes(now, before)
    {'a': 'kurang_rawan'}
    """
    if previous_area_risk is None or len(previous_area_risk) == 0:
        return {}
    rank = {c: i for i, c in enumerate(CLASS_ORDER)}
    before = {
        _text(code): _text(cls)
        for code, cls in zip(
            previous_area_risk["village_code"], previous_area_risk["risk_class"], strict=True
        )
    }
    rose = {}
    for code, cls in zip(area_risk["village_code"], area_risk["risk_class"], strict=True):
        code, cls = _text(code), _text(cls)
        old = before.get(code)
        if old in rank and cls in rank and rank[cls] > rank[old]:
            rose[code] = old
    return dict(sorted(rose.items()))


def _factors(value: object) -> list[str]:
    return [part.strip() for part in _text(value).split(";") if part.strip()]


def villages_layer(
    areas: gpd.GeoDataFrame,
    area_risk: pd.DataFrame,
    *,
    previous_area_risk: pd.DataFrame | None,
) -> dict:
    """Return the village choropleth as a GeoJSON FeatureCollection (WGS84).

    Each feature's properties: ``code``, ``name``, ``sub`` (kecamatan), ``score``, ``cls``,
    ``expected``, ``factors`` (list), ``prev`` (previous class or ``""``), ``rose`` (bool).
    Villages without a risk row keep ``cls`` empty (drawn grey, "no data").
    """
    risk = area_risk.copy()
    risk["village_code"] = risk["village_code"].map(_text)
    risk = risk.drop_duplicates("village_code").set_index("village_code")
    previous: dict[str, str] = {}
    if previous_area_risk is not None and len(previous_area_risk):
        previous = {
            _text(c): _text(k)
            for c, k in zip(
                previous_area_risk["village_code"], previous_area_risk["risk_class"], strict=True
            )
        }
    rose = class_changes(area_risk, previous_area_risk)
    features = []
    geo = areas.to_crs(WGS84)
    for row in geo.sort_values("village_code").itertuples(index=False):
        code = _text(row.village_code)
        has = code in risk.index
        r = risk.loc[code] if has else None
        features.append({
            "type": "Feature",
            "geometry": _geojson_coords(row.geometry),
            "properties": {
                "code": code,
                "name": _text(row.village_name),
                "sub": _text(row.subdistrict_name),
                "score": _num(r["risk_score"], decimals=1) if has else None,
                "cls": _text(r["risk_class"]) if has else "",
                "expected": _num(r["expected_incidents"], decimals=2) if has else None,
                "factors": _factors(r["top_factors"]) if has and "top_factors" in r else [],
                "prev": previous.get(code, ""),
                "rose": code in rose,
            },
        })
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------- points
def _reach_index(reach: pd.DataFrame | None, kind: str) -> dict[str, dict]:
    if reach is None or len(reach) == 0 or "target_id" not in reach.columns:
        return {}
    kinds = _col(reach, "target_kind").map(lambda v: _text(v).lower())
    sub = reach[kinds == kind]
    out = {}
    for row in sub.itertuples(index=False):
        d = row._asdict()
        out[_text(d.get("target_id"))] = {
            "polsek": _text(d.get("nearest_polsek_name")),
            "polsek_min": _num(d.get("polsek_minutes"), decimals=0),
            "polres_min": _num(d.get("polres_minutes"), decimals=0),
            "beyond": _flag(d.get("beyond_limit")),
        }
    return out


def tps_layer(
    tps_risk: pd.DataFrame, *, reach: pd.DataFrame | None, decimals: int
) -> list[dict]:
    """Return one item per TPS: id, village, position, voters, score, class, post, reach."""
    reach_by_id = _reach_index(reach, "tps")
    items = []
    hard = _col(tps_risk, "hard_to_reach", False)
    expected = _col(tps_risk, "expected_incidents", None)
    factors = _col(tps_risk, "top_factors")
    for i, row in enumerate(tps_risk.itertuples(index=False)):
        lat, lon = _num(row.lat), _num(row.lon)
        if lat is None or lon is None:
            continue
        tps_id = _text(row.tps_id)
        item = {
            "id": tps_id,
            "village": _text(row.village_code),
            "lat": round(lat, decimals),
            "lon": round(lon, decimals),
            "voters": _num(row.voters, decimals=0),
            "score": _num(row.risk_score, decimals=1),
            "cls": _text(row.risk_class),
            "post": _text(row.post_id),
            "hard": _flag(hard.iloc[i]),
        }
        if _factors(factors.iloc[i]):
            item["factors"] = _factors(factors.iloc[i])
        exp = _num(expected.iloc[i], decimals=2)
        if exp is not None:
            item["expected"] = exp
        if tps_id in reach_by_id:
            item["reach"] = reach_by_id[tps_id]
        items.append(item)
    return sorted(items, key=lambda t: t["id"])


def _iso_date(value: object) -> str:
    if not _text(value):
        return ""
    try:
        return pd.Timestamp(value).date().isoformat()
    except (ValueError, TypeError):
        return ""


def _split_ids(value: object) -> list[str]:
    return [p.strip() for p in _text(value).split(";") if p.strip()]


def posts_layer(posts: pd.DataFrame, tps_risk: pd.DataFrame, *, decimals: int) -> list[dict]:
    """Return one item per posting point with its officers and the TPS it covers.

    The covered TPS come from ``posts.covered_tps_ids`` when present, else from the TPS whose
    ``post_id`` names the post. Optional columns used when present: ``name``,
    ``covered_venue_ids`` (``";"``-joined), ``reserve_personnel`` (officers held in reserve
    there).
    """
    by_post: dict[str, list[str]] = {}
    for tps_id, post_id in zip(tps_risk["tps_id"], tps_risk["post_id"], strict=True):
        if _text(post_id):
            by_post.setdefault(_text(post_id), []).append(_text(tps_id))
    ids_col = _col(posts, "covered_tps_ids")
    venue_col = _col(posts, "covered_venue_ids")
    name_col = _col(posts, "name")
    reserve_col = _col(posts, "reserve_personnel", None)
    items = []
    for i, row in enumerate(posts.itertuples(index=False)):
        lat, lon = _num(row.lat), _num(row.lon)
        if lat is None or lon is None:
            continue
        post_id = _text(row.post_id)
        covered = _split_ids(ids_col.iloc[i]) or sorted(by_post.get(post_id, []))
        items.append({
            "id": post_id,
            "name": _text(name_col.iloc[i]),
            "lat": round(lat, decimals),
            "lon": round(lon, decimals),
            "personnel": _num(row.personnel, decimals=0) or 0,
            "site_kind": _text(row.site_kind),
            "site_id": _text(row.site_id),
            "covered_tps": _num(row.covered_tps, decimals=0),
            "covered_weight": _num(row.covered_weight, decimals=2),
            "radius_km": _num(row.radius_km, decimals=3),
            "tps_ids": covered,
            "venue_ids": _split_ids(venue_col.iloc[i]),
            "reserve": _num(reserve_col.iloc[i], decimals=0) or 0,
        })
    return sorted(items, key=lambda p: p["id"])


def venues_layer(
    venues: pd.DataFrame, *, reach: pd.DataFrame | None, decimals: int
) -> list[dict]:
    """Return one item per active venue: id, kind, name, position, dates, crowd, reach.

    ``start``/``end`` are Indonesian dates for the reader, ``from``/``to`` the ISO dates the
    page's date picker compares (``""`` when the venue has no date).
    """
    reach_by_id = _reach_index(reach, "venue")
    start, end, crowd = _col(venues, "start"), _col(venues, "end"), _col(venues, "expected_crowd")
    items = []
    for i, row in enumerate(venues.itertuples(index=False)):
        lat, lon = _num(row.lat), _num(row.lon)
        if lat is None or lon is None:
            continue
        item = {
            "id": _text(row.venue_id),
            "kind": _text(row.kind),
            "name": _text(row.name),
            "lat": round(lat, decimals),
            "lon": round(lon, decimals),
            "start": format_date_id(start.iloc[i]),
            "end": format_date_id(end.iloc[i]),
            "from": _iso_date(start.iloc[i]),
            "to": _iso_date(end.iloc[i]),
            "crowd": _num(crowd.iloc[i], decimals=0),
        }
        if item["id"] in reach_by_id:
            item["reach"] = reach_by_id[item["id"]]
        items.append(item)
    return sorted(items, key=lambda v: v["id"])


def incidents_layer(
    incidents: pd.DataFrame, *, as_of: str, history_days: int | None, decimals: int
) -> list[dict]:
    """Return the incidents dated before ``as_of`` (and within ``history_days`` of it).

    Items: id, date (Indonesian), iso date, kind, severity (1-3), position, description;
    sorted by date then id.
    """
    if len(incidents) == 0:
        return []
    dates = pd.to_datetime(_col(incidents, "date"), errors="coerce")
    cutoff = pd.Timestamp(as_of)
    keep = dates < cutoff
    if history_days is not None:
        keep &= dates >= cutoff - pd.Timedelta(days=int(history_days))
    severity = _col(incidents, "severity", 1)
    description = _col(incidents, "description")
    items = []
    for i in np.flatnonzero(keep.to_numpy()):
        row = incidents.iloc[i]
        lat, lon = _num(row["lat"]), _num(row["lon"])
        if lat is None or lon is None:
            continue
        sev = _num(severity.iloc[i], decimals=0)
        items.append({
            "id": _text(row["incident_id"]),
            "iso": dates.iloc[i].date().isoformat(),
            "date": format_date_id(dates.iloc[i]),
            "kind": _text(row["kind"]),
            "sev": int(min(max(sev if sev is not None else 1, 1), 3)),
            "lat": round(lat, decimals),
            "lon": round(lon, decimals),
            "desc": _text(description.iloc[i]),
        })
    return sorted(items, key=lambda x: (x["iso"], x["id"]))


def units_layer(units: pd.DataFrame, *, decimals: int) -> list[dict]:
    """Return one item per police unit: id, kind, name, position, personnel."""
    items = []
    for row in units.itertuples(index=False):
        lat, lon = _num(row.lat), _num(row.lon)
        if lat is None or lon is None:
            continue
        items.append({
            "id": _text(row.unit_id),
            "kind": _text(row.kind),
            "name": _text(row.name),
            "lat": round(lat, decimals),
            "lon": round(lon, decimals),
            "personnel": _num(row.personnel, decimals=0),
        })
    rank = {"polres": 0, "polsek": 1, "pos": 2}
    return sorted(items, key=lambda u: (rank.get(u["kind"], 3), u["id"]))


def reach_layer(
    reach: pd.DataFrame | None,
    *,
    tps: Iterable[dict],
    venues: Iterable[dict],
    units: Iterable[dict],
) -> list[dict]:
    """Return the targets beyond the travel-time limit, each with a line to its nearest Polsek.

    Items: kind (``tps``/``venue``), id, name, position, minutes to the nearest Polsek and to the
    Polres, the Polsek's name and position (``None`` when the name matches no unit).
    """
    if reach is None or len(reach) == 0:
        return []
    polsek_at = {u["name"]: (u["lat"], u["lon"]) for u in units if u["kind"] == "polsek"}
    items = []
    for kind, targets in (("tps", tps), ("venue", venues)):
        for t in targets:
            info = t.get("reach")
            if not info or not info["beyond"]:
                continue
            items.append({
                "kind": kind,
                "id": t["id"],
                "name": t.get("name", ""),
                "lat": t["lat"],
                "lon": t["lon"],
                "polsek": info["polsek"],
                "polsek_min": info["polsek_min"],
                "polres_min": info["polres_min"],
                "polsek_at": polsek_at.get(info["polsek"]),
            })
    return items
