"""Travel between sites: terrain estimates and exact network times on hand-built cases."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from planner_ctx import CRS, X0, Y0, ctx
from shapely.geometry import LineString

from riskmap.planner import travel
from riskmap.reach import graph_from_routes

SPEEDS = {"road": 60.0, "river": 12.0, "trail": 6.0}


def line_network() -> gpd.GeoDataFrame:
    """A road east along y=0 (0 -> 10 km) and a river north from its end (10 km)."""
    return gpd.GeoDataFrame(
        {"kind": ["road", "river"]},
        geometry=[LineString([(X0, Y0), (X0 + 5000, Y0), (X0 + 10000, Y0)]),
                  LineString([(X0 + 10000, Y0), (X0 + 10000, Y0 + 10000)])], crs=CRS)


def test_terrain_matrix_is_straight_times_detour_at_speed_by_the_slower_end():
    c = ctx()
    a = np.array([[X0, Y0]])
    b = np.array([[X0 + 6000, Y0 + 8000], [X0 + 3000, Y0 + 4000]])
    tr = travel.travel_matrix(c, a, b, to_terrain=["road", "river"])
    # 10 km road at 60 km/h, detour 1 -> 10 min; 5 km river x2 at 12 km/h -> 50 min
    np.testing.assert_allclose(tr.km, [[10.0, 10.0]])
    np.testing.assert_allclose(tr.minutes, [[10.0, 50.0]])
    assert not tr.network.any()


def test_network_matrix_follows_the_shortest_path_with_walking_connectors():
    g = graph_from_routes(line_network(), speeds_kmh=SPEEDS)
    c = ctx(graph=g)
    # from 100 m south of the start (walk 0.1 km at 6 km/h = 1 min) to 200 m east of the
    # river's top (walk 2 min): road 10 km at 60 (10 min) + river 10 km at 12 (50 min)
    tr = travel.travel_matrix(c, np.array([[X0, Y0 - 100]]),
                              np.array([[X0 + 10200, Y0 + 10000]]))
    assert tr.network.all()
    np.testing.assert_allclose(tr.minutes, [[1 + 10 + 50 + 2]])
    np.testing.assert_allclose(tr.km, [[0.1 + 20 + 0.2]])


def test_pairs_and_nearest_agree_with_the_matrix():
    g = graph_from_routes(line_network(), speeds_kmh=SPEEDS)
    c = ctx(graph=g)
    rng = np.random.default_rng(3)
    a = rng.uniform([X0, Y0], [X0 + 10000, Y0 + 10000], size=(7, 2))
    b = rng.uniform([X0, Y0], [X0 + 10000, Y0 + 10000], size=(5, 2))
    full = travel.travel_matrix(c, a, b)
    pairs = travel.travel_pairs(c, a[[0, 3]], b[[1, 4]])
    np.testing.assert_allclose(pairs.minutes, full.minutes[[0, 3], [1, 4]])
    idx, near = travel.travel_nearest(c, a, b, 2, candidates=7)
    assert idx.shape == (5, 2)
    for j in range(5):
        best = np.argsort(full.minutes[:, j], kind="stable")[:2]
        np.testing.assert_allclose(near.minutes[j], full.minutes[best, j])


def test_path_starts_and_ends_at_the_points_and_follows_the_network():
    g = graph_from_routes(line_network(), speeds_kmh=SPEEDS)
    c = ctx(graph=g)
    a, b = (X0, Y0 - 100), (X0 + 10200, Y0 + 10000)
    p = travel.travel_path(c, a, b)
    assert p.method == "network"
    coords = list(p.line.coords)
    assert coords[0] == a and coords[-1] == b
    assert (X0 + 10000, Y0) in coords  # through the river mouth
    assert p.minutes == pytest.approx(63.0)
    assert p.line.length / 1000 == pytest.approx(p.km, rel=1e-6)


def test_path_without_network_is_the_straight_segment():
    p = travel.travel_path(ctx(), (X0, Y0), (X0 + 3000, Y0 + 4000), b_terrain="river")
    assert p.method == "straight" and list(p.line.coords)[-1] == (X0 + 3000, Y0 + 4000)
    assert p.minutes == pytest.approx(5 * 2 / 12 * 60)


def test_unreachable_pairs_fall_back_to_the_terrain_estimate():
    island = gpd.GeoDataFrame({"kind": ["road", "road"]}, geometry=[
        LineString([(X0, Y0), (X0 + 1000, Y0)]),
        LineString([(X0 + 50000, Y0), (X0 + 51000, Y0)])], crs=CRS)
    c = ctx(graph=graph_from_routes(island, speeds_kmh=SPEEDS))
    tr = travel.travel_matrix(c, np.array([[X0, Y0]]), np.array([[X0 + 51000, Y0]]))
    assert not tr.network.any()
    assert tr.minutes[0, 0] == pytest.approx(51.0)


def test_nearest_unit_prefers_travel_time_and_the_polsek():
    c = ctx(unit_rows=[("POLRES", "polres", 0.0, 0.0, 50), ("PS-B", "polsek", 9000.0, 0.0, 5),
                       ("PS-A", "polsek", -9000.0, 0.0, 5)])
    idx, tr = travel.nearest_unit(c, np.array([[X0 + 1000, Y0], [X0 - 1000, Y0],
                                               [X0, Y0 + 9000]]))
    ids = c.units["unit_id"].to_numpy()[idx]
    assert ids.tolist() == ["PS-B", "PS-A", "PS-A"]  # a tie goes to the smaller id
    np.testing.assert_allclose(tr.minutes[:2], [8.0, 8.0])


def test_terrain_of_marks_hard_to_reach_tps_as_river():
    assert travel.terrain_of(pd.DataFrame({"hard_to_reach": [False, True]})) == ["road", "river"]
    assert travel.terrain_of(pd.DataFrame({"x": [1]})) == ["road"]


def test_many_points_stay_sparse_and_deterministic():
    c = ctx()
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 50000, size=(3000, 2))
    b = rng.uniform(0, 50000, size=(4000, 2))
    i1, t1 = travel.travel_nearest(c, a, b, 4)
    i2, t2 = travel.travel_nearest(c, a, b, 4)
    assert i1.shape == (4000, 4)
    assert np.array_equal(i1, i2) and np.array_equal(t1.minutes, t2.minutes)
    assert (np.diff(t1.minutes, axis=1) >= 0).all()


def grid_routes(n: int = 12, step: float = 1000.0) -> gpd.GeoDataFrame:
    """A road grid of n x n vertices (rows roads, columns trails)."""
    rows = [LineString([(X0, Y0 + i * step), (X0 + (n - 1) * step, Y0 + i * step)])
            for i in range(n)]
    cols = [LineString([(X0 + i * step, Y0), (X0 + i * step, Y0 + (n - 1) * step)])
            for i in range(n)]
    lines = []
    for ln in rows + cols:  # split at every crossing so the grid is connected
        (x1, y1), (x2, y2) = ln.coords
        pts = [(x1 + (x2 - x1) * t / (n - 1), y1 + (y2 - y1) * t / (n - 1)) for t in range(n)]
        lines.append(LineString(pts))
    kinds = ["road"] * n + ["trail"] * n
    return gpd.GeoDataFrame({"kind": kinds}, geometry=lines, crs=CRS)


def test_network_minutes_agree_with_reach_in_chunks(monkeypatch):
    from riskmap.reach import network_reach

    g = graph_from_routes(grid_routes(), speeds_kmh=SPEEDS)
    c = ctx(graph=g)
    rng = np.random.default_rng(7)
    a = rng.uniform([X0, Y0], [X0 + 11000, Y0 + 11000], size=(9, 2))
    b = rng.uniform([X0, Y0], [X0 + 11000, Y0 + 11000], size=(40, 2))
    monkeypatch.setattr(travel, "SOURCE_CHUNK", 3)
    tr = travel.travel_matrix(c, a, b)
    src, km, minutes = network_reach(g, b, a, connector_speed_kmh=6.0)
    np.testing.assert_allclose(tr.minutes.min(axis=0), minutes, rtol=1e-9)
    np.testing.assert_array_equal(np.argmin(tr.minutes, axis=0), src)
    np.testing.assert_allclose(tr.km[src, np.arange(40)], km, rtol=1e-9)
    # the reverse direction runs from the other side: same values
    np.testing.assert_allclose(travel.travel_matrix(c, b, a).minutes, tr.minutes.T, rtol=1e-9)
