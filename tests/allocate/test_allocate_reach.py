"""Reach to help: straight-line estimates and exact times on a tiny hand-built network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from riskmap.planner.plan import plan_stage
from riskmap.reach import REACH_COLUMNS, graph_from_routes, network_reach, reach_table

CRS = "EPSG:32749"
TERRAIN = {"road": {"detour": 1.5, "speed_kmh": 30.0}, "river": {"detour": 2.0, "speed_kmh": 10.0}}
SPEEDS = {"road": 40.0, "river": 12.0, "trail": 8.0}


def points(rows, id_col, **cols) -> gpd.GeoDataFrame:
    df = pd.DataFrame([{id_col: r[0], **{k: r[i + 3] for i, k in enumerate(cols)}}
                       for r in rows])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([r[1] for r in rows],
                                                             [r[2] for r in rows]), crs=CRS)


def units(rows):
    df = pd.DataFrame([{"unit_id": r[0], "kind": r[1], "name": r[2], "personnel": 5}
                       for r in rows])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([r[3] for r in rows],
                                                             [r[4] for r in rows]), crs=CRS)


def targets(rows):
    df = pd.DataFrame({"target_kind": [r[0] for r in rows], "target_id": [r[1] for r in rows]})
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([r[2] for r in rows],
                                                             [r[3] for r in rows]), crs=CRS)


# The network (metres, origin arbitrary in the UTM zone):
#   road  (100, 0) - (5100, 0) - (10100, 0)   10 km at its own 40 km/h   -> 15 min
#   river (10100, 0) - (10100, 6000)           6 km at the river default 12 km/h -> 30 min
#   an isolated trail far away
# Polsek P at (0, 0): 100 m connector to the road (4 km/h: 1.5 min).
# Polsek Q at (10100, 10000): straight-line nearest to T, but 4 km of connector (60 min).
# Polres R at (10100, -200): 200 m connector (3 min) to the river mouth.
# TPS T at (10100, 6060): 60 m connector from the river's end (0.9 min).
OX, OY = 400_000.0, 9_850_000.0


def network() -> gpd.GeoDataFrame:
    lines = [
        LineString([(OX + 100, OY), (OX + 5100, OY), (OX + 10100, OY)]),
        LineString([(OX + 10100, OY), (OX + 10100, OY + 6000)]),
        LineString([(OX + 50_000, OY), (OX + 51_000, OY)]),
    ]
    return gpd.GeoDataFrame({"kind": ["road", "river", "trail"],
                             "speed_kmh": [40.0, np.nan, np.nan]}, geometry=lines, crs=CRS)


UNITS = [("P", "polsek", "Polsek P", OX, OY), ("Q", "polsek", "Polsek Q", OX + 10100, OY + 10000),
         ("R", "polres", "Polres R", OX + 10100, OY - 200)]


def test_graph_from_routes_joins_shared_vertices_and_uses_speeds():
    g = graph_from_routes(network(), speeds_kmh=SPEEDS, snap_m=1.0)
    assert g.number_of_nodes() == 6
    assert g.number_of_edges() == 4
    mouth = (int(OX + 10100), int(OY))
    assert g.degree[mouth] == 2  # road end and river start are one node
    river = g.edges[mouth, (int(OX + 10100), int(OY + 6000))]
    assert river["km"] == pytest.approx(6.0) and river["minutes"] == pytest.approx(30.0)
    road = g.edges[(int(OX + 100), int(OY)), (int(OX + 5100), int(OY))]
    assert road["minutes"] == pytest.approx(7.5)


def test_network_reach_times_are_exact():
    g = graph_from_routes(network(), speeds_kmh=SPEEDS)
    sources = np.array([[OX, OY], [OX + 10100, OY + 10000]])
    tgt = np.array([[OX + 10100, OY + 6060]])
    idx, km, minutes = network_reach(g, tgt, sources, connector_speed_kmh=4.0)
    assert idx.tolist() == [0]  # P by the network although Q is closer in a straight line
    assert minutes[0] == pytest.approx(1.5 + 15.0 + 30.0 + 0.9)
    assert km[0] == pytest.approx(0.1 + 10.0 + 6.0 + 0.06)


def test_reach_table_with_network_and_fallback_to_straight_line():
    tg = targets([("tps", "T", OX + 10100, OY + 6060), ("tps", "ISO", OX + 50_500, OY + 10)])
    g = graph_from_routes(network(), speeds_kmh=SPEEDS)
    out = reach_table(tg, units(UNITS), terrain=["river", "road"], terrain_settings=TERRAIN,
                      max_minutes=45.0, graph=g, connector_speed_kmh=4.0)
    assert list(out.columns) == REACH_COLUMNS
    t = out.iloc[0]
    assert t["method"] == "network"
    assert t["nearest_polsek_id"] == "P" and t["nearest_polsek_name"] == "Polsek P"
    assert t["polsek_minutes"] == pytest.approx(47.4)
    assert t["polsek_travel_km"] == pytest.approx(16.16)
    assert t["polsek_km"] == pytest.approx(np.hypot(10100, 6060) / 1000, abs=1e-3)
    assert t["polres_minutes"] == pytest.approx(3.0 + 30.0 + 0.9)
    assert t["polres_travel_km"] == pytest.approx(0.2 + 6.0 + 0.06)
    assert bool(t["beyond_limit"]) is True  # 47.4 > 45
    # the isolated target joins a piece of network no unit reaches: straight-line estimate
    iso = out.iloc[1]
    assert iso["method"] == "straight"
    d_p = np.hypot(50_500, 10) / 1000
    d_q = np.hypot(40_400, 9990) / 1000
    assert iso["nearest_polsek_id"] == ("P" if d_p < d_q else "Q")
    assert iso["polsek_travel_km"] == pytest.approx(round(min(d_p, d_q) * 1.5, 3))
    assert iso["polsek_minutes"] == pytest.approx(round(min(d_p, d_q) * 1.5 / 30 * 60, 1))


def test_straight_line_reach_by_terrain():
    tg = targets([("tps", "A", OX + 3000, OY), ("tps", "B", OX, OY + 3000),
                  ("venue", "V", OX + 600, OY + 800)])
    u = units([("P", "polsek", "Polsek P", OX, OY), ("R", "polres", "Polres R", OX + 30_000, OY)])
    out = reach_table(tg, u, terrain=["road", "river", "road"], terrain_settings=TERRAIN,
                      max_minutes=30.0)
    assert out["method"].tolist() == ["straight"] * 3
    assert out["polsek_km"].tolist() == [3.0, 3.0, 1.0]
    assert out["polsek_travel_km"].tolist() == [4.5, 6.0, 1.5]
    assert out["polsek_minutes"].tolist() == [9.0, 36.0, 3.0]  # 4.5 km at 30; 6 km at 10
    assert out["polres_km"].tolist() == [27.0, pytest.approx(30.1496, abs=1e-3),
                                         pytest.approx(29.411, abs=1e-3)]
    assert out["beyond_limit"].tolist() == [False, True, False]
    assert out["target_kind"].tolist() == ["tps", "tps", "venue"]


def test_plan_stage_uses_routes_for_reach():
    tps = points([("T", OX + 10100, OY + 6060, True, "kurang_rawan", 1.0)], "tps_id",
                 hard_to_reach=None, risk_class=None, expected_incidents=None)
    tps["village_code"] = "99.01.01.2001"
    tps["voters"] = 100
    venues = gpd.GeoDataFrame({"venue_id": [], "kind": [], "name": [], "expected_crowd": [],
                               "expected_incidents": []}, geometry=[], crs=CRS)
    reach_cfg = {"terrain": TERRAIN, "max_minutes": 50}
    with_routes = plan_stage(tps, venues, units(UNITS), stage="voting", budget=4,
                             reach=reach_cfg, routes=network())
    r = with_routes.reach.iloc[0]
    assert r["method"] == "network" and r["polsek_minutes"] == pytest.approx(47.4)
    assert bool(r["beyond_limit"]) is False
    assert with_routes.plan_info["reach"]["method"] == "network"
    straight = plan_stage(tps, venues, units(UNITS), stage="voting", budget=4, reach=reach_cfg)
    s = straight.reach.iloc[0]
    # hard to reach: river terrain, straight-line nearest Polsek Q at 3.94 km
    assert s["method"] == "straight" and s["nearest_polsek_id"] == "Q"
    assert s["polsek_minutes"] == pytest.approx(3.94 * 2.0 / 10.0 * 60, abs=0.05)
