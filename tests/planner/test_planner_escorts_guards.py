"""Logistics and ballot-box escorts, and the guards of the counting offices."""

from __future__ import annotations

import pandas as pd
import pytest
from planner_ctx import X0, Y0, ctx
from shapely.geometry import Point

from riskmap.planner import escorts, guards
from riskmap.planner.core import MOVEMENT_COLUMNS, TASK_COLUMNS

UNITS = [("POLRES", "polres", 0.0, 0.0, 100), ("PS-W", "polsek", -6000.0, 0.0, 8),
         ("PS-E", "polsek", 6000.0, 0.0, 8)]
VENUES = [{"venue_id": "GUDANG", "kind": "logistics_warehouse", "x": 0.0, "y": 500.0,
           "expected_crowd": 50},
          {"venue_id": "KPU", "kind": "kpu_office", "x": 0.0, "y": -500.0,
           "expected_crowd": 300},
          {"venue_id": "PPK-W", "kind": "ppk_office", "x": -6000.0, "y": 600.0,
           "expected_crowd": 60},
          {"venue_id": "PPK-E", "kind": "ppk_office", "x": 9000.0, "y": 0.0,
           "expected_crowd": 250}]
VILLAGES = [{"village_code": c, "village_name": f"Desa {c}", "x": x, "y": 0.0,
             "risk_class": k, "risk_score": s}
            for c, x, k, s in [("W1", -7000.0, "kurang_rawan", 10), ("W2", -5000.0, "rawan", 60),
                               ("C0", 0.0, "kurang_rawan", 5), ("E1", 9000.0, "sangat_rawan", 95),
                               ("E2", 12000.0, "kurang_rawan", 20)]]
TPS = [{"tps_id": f"T{c}{k}", "village_code": c, "x": v["x"] + 100.0 * k, "y": 0.0}
       for v in VILLAGES for c in [v["village_code"]] for k in (-1, 1)]


def stage_ctx(stage, start, end, **alloc):
    return ctx(stage=stage, start=start, end=end, budget=200, venue_rows=VENUES,
               unit_rows=UNITS, village_rows=VILLAGES, tps_rows=TPS, allocation=alloc)


def test_logistics_escort_runs_from_the_warehouse_to_every_ppk_on_the_last_quiet_day():
    ts = escorts.escort_tasks(stage_ctx("quiet_period", "2024-02-11", "2024-02-13",
                                        escort={"village_leg": False}))
    t = ts.tasks
    assert list(t.columns[:len(TASK_COLUMNS)]) == TASK_COLUMNS
    assert t["task_id"].tolist() == ["ESC-LOG-PPK-E-2024-02-13", "ESC-LOG-PPK-W-2024-02-13"]
    assert (t.task == "escort").all() and (t.personnel == 4).all()
    assert (t.unit_id == "POLRES").all()
    assert list(ts.movements.columns) == [*MOVEMENT_COLUMNS, "geometry"]
    ends = {r.task_id: Point(r.geometry.coords[-1]) for r in ts.movements.itertuples()}
    assert ends["ESC-LOG-PPK-E-2024-02-13"].distance(Point(X0 + 9000, Y0)) < 1e-6
    start = Point(ts.movements.geometry.iloc[0].coords[0])
    assert start.distance(Point(X0, Y0 + 500)) < 1e-6  # the warehouse
    # 9000 m east, 500 m south: straight km at 60 km/h with detour 1
    e = ts.movements.set_index("task_id").loc["ESC-LOG-PPK-E-2024-02-13"]
    assert e.minutes == pytest.approx(round((9000**2 + 500**2) ** 0.5 / 1000, 1))


def test_logistics_go_on_from_each_ppk_to_its_villages():
    c = stage_ctx("quiet_period", "2024-02-11", "2024-02-13", escort={"villages_per_escort": 2})
    ts = escorts.escort_tasks(c)
    dist = ts.tasks[ts.tasks.task_id.str.startswith("ESC-DIST-")]
    # PPK-W serves W1, W2, C0 (two escorts), PPK-E serves E1, E2 (one), all on the last day
    assert sorted(dist.task_id) == ["ESC-DIST-PPK-E-1-2024-02-13", "ESC-DIST-PPK-W-1-2024-02-13",
                                    "ESC-DIST-PPK-W-2-2024-02-13"]
    lines = ts.movements.set_index("task_id").geometry
    # from the PPK office, nearest village first, the farthest last
    e = lines["ESC-DIST-PPK-E-1-2024-02-13"]
    assert Point(e.coords[0]).distance(Point(X0 + 9000, Y0)) < 1e-6
    assert Point(e.coords[-1]).distance(Point(X0 + 12000, Y0)) < 1e-6
    assert (dist.personnel == 2).all() and (dist.unit_id == "PS-E").sum() == 1


def test_ballot_boxes_go_village_to_ppk_then_ppk_to_kpu_after_counting():
    c = stage_ctx("recapitulation", "2024-02-15", "2024-03-20",
                  escort={"villages_per_escort": 1, "ballot_days": 2}, guard={"ppk_days": 4})
    ts = escorts.escort_tasks(c)
    t = ts.tasks.set_index("task_id")
    box = t[t.index.str.startswith("ESC-BOX-")]
    assert len(box) == 5  # one per village with TPS
    assert set(box.date) == {"2024-02-15", "2024-02-16"}
    # W1, W2 go to PPK-W (nearest), C0 too (6 km vs 9 km), E1 and E2 to PPK-E
    assert sorted(box.site_id.value_counts().items()) == [("PPK-E", 2), ("PPK-W", 3)]
    kpu = t[t.index.str.startswith("ESC-KPU-")]
    assert kpu.index.tolist() == ["ESC-KPU-PPK-E-2024-02-18", "ESC-KPU-PPK-W-2024-02-18"]
    assert (kpu.site_id == "KPU").all()
    for line in ts.movements[ts.movements.task_id.str.startswith("ESC-KPU")].geometry:
        assert Point(line.coords[-1]).distance(Point(X0, Y0 - 500)) < 1e-6
    assert set(ts.movements.task_id) == set(ts.tasks.task_id)


def test_grouped_ballot_escorts_collect_neighbouring_villages():
    c = stage_ctx("recapitulation", "2024-02-15", "2024-03-20",
                  escort={"villages_per_escort": 2, "ballot_days": 1})
    t = escorts.escort_tasks(c).tasks
    box = t[t.task_id.str.startswith("ESC-BOX-")]
    assert len(box) == 3 and (box.date == "2024-02-15").all()  # PPK-W: 2 + 1, PPK-E: 2
    assert box.description.str.contains("Desa E2, Desa E1").any()  # farthest first


def test_recapitulation_guards_ppk_for_its_counting_days_and_kpu_all_window():
    c = stage_ctx("recapitulation", "2024-02-15", "2024-02-24", guard={"ppk_days": 3})
    t = guards.venue_guard_tasks(c).tasks
    per_site = t.groupby("site_id")["date"].agg(["count", "min", "max"])
    assert per_site.loc["PPK-W"].tolist() == [3, "2024-02-15", "2024-02-17"]
    assert per_site.loc["KPU", "count"] == 10 and per_site.loc["GUDANG", "count"] == 10
    size = t.drop_duplicates("site_id").set_index("site_id")["personnel"]
    # 2 per 100: KPU 300 -> 6; PPK-E 250 in a sangat rawan village -> ceil(5 x 1.5) = 8
    assert size["KPU"] == 6 and size["PPK-E"] == 8 and size["PPK-W"] == 2
    units = t.drop_duplicates("site_id").set_index("site_id")["unit_id"]
    assert units["PPK-W"] == "PS-W" and units["KPU"] == "POLRES"
    assert (t.task == "venue_guard").all() and (t.site_kind == "venue").all()


def test_announcement_guards_every_kpu_office():
    c = stage_ctx("announcement", "2024-03-20", "2024-03-22")
    t = guards.venue_guard_tasks(c).tasks
    assert t["task_id"].tolist() == [f"GRD-KPU-2024-03-2{d}" for d in (0, 1, 2)]
    assert (t.site_id == "KPU").all()


def test_no_offices_give_no_escorts_or_guards():
    c = ctx(stage="recapitulation", start="2024-02-15", end="2024-02-16")
    assert escorts.escort_tasks(c).tasks.empty and guards.venue_guard_tasks(c).tasks.empty
    assert escorts.escort_tasks(stage_ctx("campaign", "2024-01-01", "2024-01-02")).tasks.empty


def test_two_calls_give_identical_frames():
    c = stage_ctx("recapitulation", "2024-02-15", "2024-03-20")
    a, b = escorts.escort_tasks(c), escorts.escort_tasks(c)
    pd.testing.assert_frame_equal(a.tasks, b.tasks)
    assert a.movements.to_json() == b.movements.to_json() and a.info == b.info


def test_a_river_village_ballot_escort_travels_by_river():
    rows = [dict(t, hard_to_reach=t["village_code"] == "E2") for t in TPS]
    c = ctx(stage="recapitulation", start="2024-02-15", end="2024-02-20", budget=200,
            venue_rows=VENUES, unit_rows=UNITS, village_rows=VILLAGES, tps_rows=rows,
            allocation={"escort": {"villages_per_escort": 1}})
    t = escorts.escort_tasks(c).tasks.set_index("site_id")
    box = t[t.task_id.str.startswith("ESC-BOX-")]
    e2 = box[box.description.str.contains("Desa E2")].iloc[0]
    # 3 km by river (detour 2 at 12 km/h) = 30 min; by road it would be 3 min
    assert e2.minutes == pytest.approx(30.0)
