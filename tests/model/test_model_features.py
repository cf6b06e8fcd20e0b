"""Features as of a window's start, on the tiny 3 x 3 region with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PAST, centre, make_areas, make_incidents, make_tps, make_units, make_venues
from shapely.geometry import Point

from riskmap.features import (
    feature_settings,
    features_as_of,
    incident_counts,
    prepare_region,
    villages_of_points,
    window_days,
)

START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-31")


def region_with(items):
    return prepare_region(make_areas(), make_tps(), make_venues(), make_incidents(items),
                          make_units())


def feats(region, *, stage="campaign", start=START, end=END, past=(), **cfg):
    return features_as_of(region, stage=stage, start=start, end=end, past_windows=past,
                          settings=feature_settings(cfg))


def test_villages_of_points_inside_and_nearest():
    import geopandas as gpd

    areas = make_areas()
    cx, cy = centre(3)
    pts = gpd.GeoDataFrame(geometry=[Point(*centre(7)), Point(cx + 5000, cy)], crs=areas.crs)
    assert villages_of_points(areas, pts).tolist() == [6, 2]


def test_decay_uses_half_life_and_severity_and_ignores_start_day():
    r = region_with([(1, "2023-01-01", "clash", 1), (1, "2023-12-31", "riot", 3),
                     (1, "2024-01-01", "riot", 3), (2, "2023-07-03", "vote_buying", 2)])
    f = feats(r).village
    # 365 days old, severity 1 -> 0.5; 1 day old severity 3 -> 2 * 0.5**(1/365); start day ignored
    assert f.loc[0, "inc_unrest"] == pytest.approx(0.5 + 2.0 * 0.5 ** (1 / 365))
    assert f.loc[1, "inc_pressure"] == pytest.approx(1.5 * 0.5 ** (182 / 365))
    assert f.loc[0, "inc_pressure"] == 0.0
    assert f.loc[0, "inc_recent"] == 1.0
    assert f.loc[0, "n_unrest"] == 2.0


def test_same_stage_and_past_elections_histories():
    items = [(1, "2014-03-20", "clash", 1), (1, "2014-04-09", "clash", 1),
             (1, "2018-10-01", "clash", 1), (1, "2018-10-02", "clash", 1),
             (1, "2018-10-03", "clash", 1), (4, "2016-01-01", "other", 1)]
    f = feats(region_with(items), past=PAST[:4]).village
    assert f.loc[0, "same_stage"] == pytest.approx((1 + 3) / 2)   # campaign windows 2014, 2019
    assert f.loc[0, "past_elections"] == pytest.approx((2 + 3) / 2)
    assert f.loc[3, "past_elections"] == 0.0                      # outside every window


def test_near_repeat_kernel_value():
    cx, cy = centre(5)
    r = region_with([])
    # one incident 300 m east of village 5's first TPS, 28 days before the start
    inc = make_incidents([(5, "2023-12-04", "clash", 1)])
    inc["geometry"] = [Point(cx + 300, cy)]
    r = prepare_region(make_areas(), make_tps(), make_venues(), inc, make_units())
    f = feats(r)
    t = f.tps.set_index("tps_id")
    expected_first = 1 / ((1 + 300 / 400) * (1 + 28 / 56))
    expected_second = 1 / ((1 + 200 / 400) * (1 + 28 / 56))
    assert t.loc["T51", "near_repeat"] == pytest.approx(expected_first)
    assert t.loc["T52", "near_repeat"] == pytest.approx(expected_second)
    assert f.village.loc[4, "near_repeat"] == pytest.approx((expected_first + expected_second) / 2)


def test_venue_exposure_active_kinds_and_overlap():
    r = region_with([])
    f = feats(r, stage="campaign")
    v = f.village
    # campaign site (crowd 1000, weight 1) active 2 of 31 days, inside village 1
    assert v.loc[0, "venue"] == pytest.approx(1.0 * 2 / 31 + 0.0, rel=1e-9)
    # the KPU office does not matter in the campaign: village 5 only sees the site 707 m away
    assert v.loc[4, "venue"] == pytest.approx(np.exp(-np.hypot(500, 500) / 500) * 2 / 31)
    rec = feats(r, stage="recapitulation", start=pd.Timestamp("2024-02-15"),
                end=pd.Timestamp("2024-03-20")).village
    assert rec.loc[4, "venue"] == pytest.approx(0.3)              # KPU inside village 5
    assert rec.loc[0, "venue"] < 0.3 * np.exp(-1)                 # 1 km away at least
    assert f.venue_active.tolist() == [True, True]
    later = feats(r, start=pd.Timestamp("2024-01-05"), end=pd.Timestamp("2024-01-10"))
    assert later.venue_active.tolist() == [True, False]
    assert later.village.loc[0, "venue"] == 0.0


def test_static_features():
    f = feats(region_with([])).village
    assert f["area_km2"].tolist() == pytest.approx([1.0] * 9)
    assert f.loc[2, "voters"] == 231 + 232
    assert f.loc[8, "hard_to_reach"] == 1.0
    assert f.loc[4, "police_km"] == pytest.approx(0.0)
    assert f.loc[0, "police_km"] == pytest.approx(np.hypot(1, 1))
    assert f.loc[2, "close_contest"] == pytest.approx(0.95)
    assert f.loc[0, "close_contest"] == pytest.approx(0.95)     # regional mean where unknown


def test_incident_counts_and_cut():
    r = region_with([(1, "2024-01-01", "clash", 1), (1, "2024-01-31", "clash", 1),
                     (2, "2024-02-01", "clash", 1)])
    assert incident_counts(r, START, END).tolist()[:2] == [2.0, 0.0]
    assert incident_counts(r, START, END, before="2024-01-31").tolist()[0] == 1.0
    assert window_days(START, END) == 31
    assert window_days(START, START) == 1


def test_venue_pairs_are_the_pairs_within_the_distance_computed_once_and_read_only():
    import shapely

    from riskmap.features import _VENUE_PAIRS, venue_pairs

    geoms = np.array([shapely.box(0, 0, 100, 100), shapely.box(200, 0, 300, 100)])
    tps_xy = np.array([[50.0, 50.0], [250.0, 50.0], [150.0, 50.0]])
    vxy = np.array([[50.0, 50.0], [400.0, 50.0]])
    _VENUE_PAIRS.clear()
    vil, tps = venue_pairs(geoms, tps_xy, vxy, 300.0)
    # villages: 0 inside, distance to the polygon; the pair 300 m apart is kept (<=)
    assert list(zip(vil.place, vil.venue, vil.metres, strict=True)) == [
        (0, 0, 0.0), (0, 1, 300.0), (1, 0, 150.0), (1, 1, 100.0)]
    # TPS: a TPS on the venue itself (0 m) is a pair; 350 m is beyond the distance
    assert list(zip(tps.place, tps.venue, tps.metres, strict=True)) == [
        (0, 0, 0.0), (1, 0, 200.0), (1, 1, 150.0), (2, 0, 100.0), (2, 1, 250.0)]
    dense = tps.matrix(tps.metres + 1.0).toarray()
    np.testing.assert_allclose(dense, [[1.0, 0.0], [201.0, 151.0], [101.0, 251.0]])
    again = venue_pairs(geoms, tps_xy.copy(), vxy.copy(), 300.0)
    assert again[1] is tps and len(_VENUE_PAIRS) == 1  # the same region: not recomputed
    with pytest.raises(ValueError):
        tps.metres[0] = 1.0  # nobody can change them for the next stage
    moved = venue_pairs(geoms, tps_xy + 1.0, vxy, 300.0)
    assert moved[1] is not tps and len(_VENUE_PAIRS) == 2
    np.testing.assert_allclose(moved[1].metres[:1], [np.hypot(1, 1)])
    for shift in range(2, 6):       # only the last few regions are kept
        venue_pairs(geoms, tps_xy + shift, vxy, 300.0)
    assert len(_VENUE_PAIRS) == 4 and venue_pairs(geoms, tps_xy, vxy, 300.0)[1] is not tps


def test_venue_pairs_match_a_dense_distance_matrix():
    import shapely

    from riskmap.features import venue_pairs

    rng = np.random.default_rng(7)
    centres = rng.uniform(0, 20_000, size=(30, 2))
    geoms = shapely.buffer(shapely.points(centres), rng.uniform(200, 1500, 30))
    tps_xy = rng.uniform(0, 20_000, size=(400, 2))
    vxy = rng.uniform(0, 20_000, size=(60, 2))
    vil, tps = venue_pairs(geoms, tps_xy, vxy, 3000.0)
    dense_t = np.hypot(tps_xy[:, None, 0] - vxy[None, :, 0], tps_xy[:, None, 1] - vxy[None, :, 1])
    dense_v = shapely.distance(geoms[:, None], shapely.points(vxy)[None, :])
    for pairs, dense in ((tps, dense_t), (vil, dense_v)):
        near = dense <= 3000.0
        assert len(pairs.metres) == near.sum() > 0
        got = np.full(dense.shape, np.inf)
        got[pairs.place, pairs.venue] = pairs.metres
        np.testing.assert_allclose(got[near], dense[near], rtol=1e-12)
        assert np.isinf(got[~near]).all()


def test_row_argmax_and_venue_shares_of_a_sparse_exposure():
    from scipy import sparse

    from riskmap.model import row_argmax, venue_shares

    dense = np.array([[0.0, 2.0, 2.0, 1.0],   # a tie: the first column
                      [0.0, 0.0, 0.0, 0.0],   # nothing: -1
                      [3.0, 0.0, 0.0, 5.0]])
    m = sparse.csr_array(dense)
    assert row_argmax(m).tolist() == [1, -1, 3]
    part = np.array([10.0, 7.0, 8.0])
    # each village's part split over its venues by exposure; an unexposed village gives nothing
    expected = (part[[0, 2], None] * dense[[0, 2]] / dense[[0, 2]].sum(axis=1)[:, None]).sum(0)
    np.testing.assert_allclose(venue_shares(m, part), expected)
    assert venue_shares(m, part).sum() == pytest.approx(18.0)


def test_first_of_each_group_by_its_order_keys():
    from riskmap.model import first_of_each

    group = np.array([2, 0, 2, 0, 1])
    value = np.array([5.0, 7.0, 2.0, 7.0, 1.0])
    column = np.array([0, 3, 2, 1, 4])
    # group 0: a tie on the value goes to the lower column (index 3); group 2: the smaller value
    assert first_of_each(group, value, column).tolist() == [3, 4, 2]
    assert first_of_each(group, -value, column).tolist() == [3, 4, 0]
    assert first_of_each(np.zeros(0, int), np.zeros(0)).tolist() == []
