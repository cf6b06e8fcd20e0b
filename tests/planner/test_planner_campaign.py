"""Campaign schedule: events by day, budget cuts lowest risk first, VVIP escort routes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planner_ctx import CRS, X0, Y0, ctx
from shapely.geometry import LineString, Point

from riskmap.planner import campaign
from riskmap.planner.core import MOVEMENT_COLUMNS, TASK_COLUMNS, personnel_by_date
from riskmap.reach import graph_from_routes

UNITS = [("POLRES", "polres", 0.0, 0.0, 100), ("PS-E", "polsek", 8000.0, 0.0, 5)]
VILLAGES = [{"village_code": f"V{i}", "village_name": f"Desa {i}", "x": 1000.0 * i, "y": 0.0,
             "risk_score": float(s), "risk_class": c}
            for i, (s, c) in enumerate([(10, "kurang_rawan"), (80, "sangat_rawan"),
                                        (50, "rawan"), (20, "kurang_rawan"),
                                        (60, "rawan"), (5, "kurang_rawan")])]


def campaign_ctx(venue_rows, budget=100, **kw):
    return ctx(stage="campaign", start="2024-01-01", end="2024-01-03", budget=budget,
               venue_rows=venue_rows, unit_rows=UNITS, village_rows=VILLAGES,
               allocation={"reserve_share": 0.0, **kw.pop("allocation", {})}, **kw)


def test_events_appear_on_their_dates_and_undated_party_offices_every_day():
    c = campaign_ctx([
        {"venue_id": "K1", "kind": "campaign_site", "x": 0.0, "y": 0.0, "start": "2024-01-02",
         "end": "2024-01-02", "expected_crowd": 500},
        {"venue_id": "P1", "kind": "party_office", "x": 2000.0, "y": 0.0, "expected_crowd": 40},
        {"venue_id": "KPU", "kind": "kpu_office", "x": 0.0, "y": 0.0},
    ])
    ts = campaign.plan_campaign(c)
    assert list(ts.tasks.columns[:len(TASK_COLUMNS)]) == TASK_COLUMNS
    by = ts.tasks.groupby("date")["site_id"].apply(list).to_dict()
    assert by == {"2024-01-01": ["P1"], "2024-01-02": ["K1", "P1"], "2024-01-03": ["P1"]}
    k1 = ts.tasks[ts.tasks.site_id == "K1"].iloc[0]
    assert k1.personnel == 10  # 2 per 100 x 500, kurang rawan village
    p1 = ts.tasks[ts.tasks.site_id == "P1"].iloc[0]
    assert p1.personnel == 2  # 40 people x 2/100 x 1.25 = 1 -> at least a team of 2
    assert p1.unit_id == "POLRES"


def test_day_over_budget_cuts_the_lowest_risk_event_first():
    rows = [{"venue_id": v, "kind": "campaign_site", "x": 0.0, "y": 0.0, "start": "2024-01-01",
             "end": "2024-01-01", "expected_crowd": 500, "expected_incidents": r}
            for v, r in (("LOW", 0.1), ("MID", 0.5), ("HIGH", 0.9))]
    ts = campaign.plan_campaign(campaign_ctx(rows, budget=24))
    got = ts.tasks.set_index("site_id")["personnel"].to_dict()
    assert got == {"HIGH": 10, "MID": 10, "LOW": 4}
    over = ts.info["campaign"]["days_over_budget"]
    assert over == [{"date": "2024-01-01", "requested": 30, "budget": 24, "shortfall": 6,
                     "dropped": []}]
    ts = campaign.plan_campaign(campaign_ctx(rows, budget=16))
    assert ts.tasks.set_index("site_id")["personnel"].to_dict() == \
        {"HIGH": 10, "MID": 5, "LOW": 1}
    ts = campaign.plan_campaign(campaign_ctx(rows, budget=2))
    assert ts.tasks.set_index("site_id")["personnel"].to_dict() == {"HIGH": 1, "MID": 1}
    assert ts.info["campaign"]["days_over_budget"][0]["dropped"] == ["CAMP-LOW-2024-01-01"]


def test_vvip_escort_line_runs_from_the_polres_and_ends_at_the_venue():
    c = campaign_ctx([{"venue_id": "VVIP1", "kind": "vvip_visit", "x": 5000.0, "y": 0.0,
                       "start": "2024-01-02", "end": "2024-01-03", "name": "Kunjungan Menteri",
                       "expected_crowd": 300}],
                     allocation={"campaign": {"guard_points": 2, "segment_m": 1000}})
    ts = campaign.plan_campaign(c)
    esc = ts.tasks[ts.tasks.task == "escort"]
    assert esc["task_id"].tolist() == ["ESC-VVIP-VVIP1-2024-01-02", "ESC-VVIP-VVIP1-2024-01-03"]
    assert (esc.site_id == "VVIP1").all() and (esc.unit_id == "POLRES").all()
    assert list(ts.movements.columns) == [*MOVEMENT_COLUMNS, "geometry"]
    assert set(ts.movements.task_id) == set(esc.task_id)
    for line in ts.movements.geometry:
        assert Point(line.coords[-1]).distance(Point(X0 + 5000, Y0)) < 1e-6
        assert Point(line.coords[0]).distance(Point(X0, Y0)) < 1e-6
    assert ts.movements.minutes.iloc[0] == pytest.approx(5.0)  # 5 km at 60 km/h
    # the route crosses V0..V5; guard points at the two riskiest: V1 (80) and V4 (60)
    info = ts.info["campaign"]["vvip_escorts"][0]
    assert [v["village_code"] for v in info["villages"]] == ["V0", "V1", "V2", "V3", "V4", "V5"]
    guards = ts.tasks[(ts.tasks.site_kind == "other") & (ts.tasks.date == "2024-01-02")]
    assert guards["site_id"].tolist() == ["RUTE-VVIP1-1", "RUTE-VVIP1-2"]
    assert guards["description"].str.contains("Desa 1 \\(sangat rawan\\)").iloc[0]
    assert guards["description"].str.contains("Desa 4 \\(rawan\\)").iloc[1]
    assert "melintasi desa: Desa 0 (kurang rawan), Desa 1 (sangat rawan)" in \
        esc.description.iloc[0]


def test_vvip_escort_follows_the_route_network_from_a_configured_arrival_point():
    road = gpd.GeoDataFrame({"kind": ["road"]}, geometry=[LineString(
        [(X0 - 3000, Y0), (X0 - 3000, Y0 + 2000), (X0 + 5000, Y0 + 2000), (X0 + 5000, Y0)])],
        crs=CRS)
    g = graph_from_routes(road, speeds_kmh={"road": 60.0, "river": 12.0, "trail": 6.0})
    c = campaign_ctx([{"venue_id": "BANDARA", "kind": "other", "x": -3000.0, "y": 0.0},
                      {"venue_id": "VVIP1", "kind": "vvip_visit", "x": 5000.0, "y": 0.0,
                       "start": "2024-01-01", "end": "2024-01-01"}], graph=g,
                     allocation={"campaign": {"arrival": "BANDARA"}})
    ts = campaign.plan_campaign(c)
    line = ts.movements.geometry.iloc[0]
    assert line.coords[0] == (X0 - 3000, Y0) and line.coords[-1] == (X0 + 5000, Y0)
    assert (X0 + 5000, Y0 + 2000) in list(line.coords)
    assert ts.movements.minutes.iloc[0] == pytest.approx(12.0)  # 12 km of road at 60 km/h
    assert ts.info["campaign"]["vvip_escorts"][0]["from"] == "BANDARA"


def test_no_events_gives_an_empty_schedule():
    ts = campaign.plan_campaign(campaign_ctx([{"venue_id": "KPU", "kind": "kpu_office",
                                               "x": 0.0, "y": 0.0}]))
    assert ts.tasks.empty and ts.movements.empty
    assert ts.info["campaign"]["days_over_budget"] == []


@settings(max_examples=25, deadline=None)
@given(crowds=st.lists(st.integers(0, 3000), min_size=1, max_size=8),
       days=st.lists(st.integers(0, 2), min_size=8, max_size=8),
       budget=st.integers(0, 60))
def test_every_date_stays_within_the_budget(crowds, days, budget):
    rows = [{"venue_id": f"E{i}", "kind": "vvip_visit" if i == 0 else "campaign_site",
             "x": 700.0 * i, "y": 0.0, "start": f"2024-01-0{1 + days[i]}",
             "end": f"2024-01-0{1 + days[i]}", "expected_crowd": c,
             "expected_incidents": c / 1000} for i, c in enumerate(crowds)]
    ts = campaign.plan_campaign(campaign_ctx(rows, budget=budget))
    per_day = personnel_by_date(ts.tasks, campaign_ctx(rows).dates())
    assert (per_day <= budget).all()
    assert (ts.tasks["personnel"] >= 1).all() if len(ts.tasks) else True
    need = {o["date"]: o["shortfall"] for o in ts.info["campaign"]["days_over_budget"]}
    requested = ts.tasks.groupby("date")["requested"].sum() if len(ts.tasks) else pd.Series()
    for d, s in need.items():
        assert s > 0 and requested.get(d, 0) + s >= budget


def test_two_calls_give_identical_frames():
    rows = [{"venue_id": f"E{i}", "kind": ["vvip_visit", "campaign_site", "party_office"][i % 3],
             "x": 900.0 * i, "y": 300.0 * i, "start": "2024-01-01", "end": "2024-01-03",
             "expected_crowd": 100 * i} for i in range(6)]
    a = campaign.plan_campaign(campaign_ctx(rows, budget=30))
    b = campaign.plan_campaign(campaign_ctx(rows, budget=30))
    pd.testing.assert_frame_equal(a.tasks, b.tasks)
    assert a.movements.to_json() == b.movements.to_json()
    assert a.info == b.info
    assert np.isfinite(a.tasks[["lat", "lon"]].to_numpy(float)).all()


def test_event_sizing_follows_the_staffing_section_unless_the_campaign_section_says():
    rows = [{"venue_id": "K1", "kind": "campaign_site", "x": 0.0, "y": 0.0,
             "start": "2024-01-01", "end": "2024-01-01", "expected_crowd": 500}]
    staffing = {"staffing": {"venue_officers_per_100_crowd": 3, "venue_min_officers": 4}}
    ts = campaign.plan_campaign(campaign_ctx(rows, allocation=staffing))
    assert ts.tasks["personnel"].tolist() == [15]
    own = {**staffing, "campaign": {"officers_per_100_crowd": 1}}
    assert campaign.plan_campaign(campaign_ctx(rows, allocation=own)).tasks["personnel"] \
        .tolist() == [5]
