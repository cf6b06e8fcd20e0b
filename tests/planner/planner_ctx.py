"""Tiny hand-built stage contexts for the task-module tests (metres in a UTM CRS)."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from riskmap.planner.core import StageContext

CRS = "EPSG:32749"
TERRAIN = {"road": {"detour": 1.0, "speed_kmh": 60.0}, "river": {"detour": 2.0, "speed_kmh": 12.0}}
REACH = {"terrain": TERRAIN, "connector_speed_kmh": 6.0, "max_minutes": 60}
X0, Y0 = 500_000.0, 9_850_000.0


def pts(rows: list[dict], crs: str = CRS) -> gpd.GeoDataFrame:
    """Points from dicts with ``x``/``y`` offsets (metres from X0/Y0) and attribute columns."""
    frame = pd.DataFrame([{k: v for k, v in r.items() if k not in ("x", "y")} for r in rows])
    geom = gpd.points_from_xy([X0 + r["x"] for r in rows], [Y0 + r["y"] for r in rows])
    return gpd.GeoDataFrame(frame, geometry=geom, crs=crs)


def units(rows: list[tuple]) -> gpd.GeoDataFrame:
    """Units from ``(unit_id, kind, x, y, personnel)``."""
    return pts([{"unit_id": u, "kind": k, "name": f"{k.title()} {u}", "personnel": p,
                 "x": x, "y": y} for u, k, x, y, p in rows])


def venues(rows: list[dict]) -> gpd.GeoDataFrame:
    """Venues from dicts (venue_id, kind, x, y, optional start/end/expected_crowd/...)."""
    base = {"name": "", "start": pd.NaT, "end": pd.NaT, "expected_crowd": 100.0,
            "expected_incidents": 0.1}
    out = pts([{**base, "name": r.get("venue_id", ""), **r} for r in rows]) if rows else \
        gpd.GeoDataFrame({"venue_id": [], "kind": [], "name": [], "start": [], "end": [],
                          "expected_crowd": [], "expected_incidents": []},
                         geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    for col in ("start", "end"):
        out[col] = pd.to_datetime(out[col])
    return out


def villages(rows: list[dict], size: float = 1000.0) -> gpd.GeoDataFrame:
    """Square villages centred at ``x``/``y`` with their attributes."""
    base = {"village_name": "", "subdistrict_code": "01", "subdistrict_name": "Satu",
            "risk_score": 0.0, "risk_class": "kurang_rawan", "expected_incidents": 0.0}
    recs = [{**base, "village_name": r["village_code"], **{k: v for k, v in r.items()
                                                          if k not in ("x", "y")}}
            for r in rows]
    geoms = [box(X0 + r["x"] - size / 2, Y0 + r["y"] - size / 2, X0 + r["x"] + size / 2,
                 Y0 + r["y"] + size / 2) for r in rows]
    return gpd.GeoDataFrame(pd.DataFrame(recs), geometry=geoms, crs=CRS)


def tps(rows: list[dict]) -> gpd.GeoDataFrame:
    """TPS from dicts (tps_id, village_code, x, y, ...)."""
    base = {"voters": 200, "hard_to_reach": False, "special": False, "risk_score": 0.0,
            "risk_class": "kurang_rawan", "expected_incidents": 0.0}
    if not rows:
        return gpd.GeoDataFrame({k: [] for k in ["tps_id", "village_code", *base]},
                                geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    return pts([{**base, **r} for r in rows])


def ctx(*, stage: str = "quiet_period", start: str = "2024-02-11", end: str = "2024-02-13",
        budget: int = 100, tps_rows=None, venue_rows=None, unit_rows=None, village_rows=None,
        graph=None, allocation=None, reach=None) -> StageContext:
    """A stage context of hand-built tables (defaults: empty TPS/venues, one Polres)."""
    return StageContext(
        stage=stage, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end),
        budget=budget, crs=CRS, tps=tps(tps_rows or []), venues=venues(venue_rows or []),
        units=units(unit_rows or [("POLRES", "polres", 0.0, 0.0, 50)]),
        areas=villages(village_rows or [{"village_code": "V0", "x": 0.0, "y": 0.0}]),
        graph=graph, allocation=allocation or {}, reach=reach or REACH)
