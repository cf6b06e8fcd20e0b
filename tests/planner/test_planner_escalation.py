"""The Sispamkota ladder at each KPU office: steps, units and minutes from known distances."""

from __future__ import annotations

import json

import pytest
from planner_ctx import ctx

from riskmap.planner import escalation

UNITS = [("POLRES-A", "polres", 0.0, 0.0, 100), ("POLRES-B", "polres", 60000.0, 0.0, 80),
         ("PS-1", "polsek", 3000.0, 4000.0, 8), ("PS-2", "polsek", 50000.0, 0.0, 8)]
VENUES = [{"venue_id": "KPU-A", "kind": "kpu_office", "x": 0.0, "y": 12000.0,
           "expected_crowd": 300, "name": "Kantor KPU A"},
          {"venue_id": "KPU-B", "kind": "kpu_office", "x": 57000.0, "y": 0.0,
           "expected_crowd": 100, "name": "Kantor KPU B"},
          {"venue_id": "PPK-1", "kind": "ppk_office", "x": 1000.0, "y": 0.0}]


def ann_ctx(**alloc):
    return ctx(stage="announcement", start="2024-03-20", end="2024-03-21", budget=120,
               venue_rows=VENUES, unit_rows=UNITS, allocation=alloc)


def test_ladder_steps_units_and_minutes_from_known_distances():
    steps = escalation.ladder(ann_ctx(escalation={"dalmas_platoon": 28}))
    a = [s for s in steps if s["venue_id"] == "KPU-A"]
    assert [s["step"] for s in a] == escalation.STEPS
    assert [s["order"] for s in a] == [1, 2, 3, 4, 5, 6]
    by = {s["step"]: s for s in a}
    # 60 km/h, detour 1: PS-1 is 3 km east 8 km south of KPU-A -> hypot = 8.544 km
    assert by["polsek_negotiation"]["unit_id"] == "PS-1"
    assert by["polsek_negotiation"]["minutes_to_site"] == pytest.approx(8.5)
    assert by["polres_reinforcement"]["unit_id"] == "POLRES-A"
    assert by["polres_reinforcement"]["minutes_to_site"] == pytest.approx(12.0 + 10)
    assert by["dalmas_platoon"]["personnel"] == 28
    assert by["dalmas_platoon"]["minutes_to_site"] == pytest.approx(12.0 + 20)
    assert by["water_cannon"]["minutes_to_site"] == pytest.approx(12.0 + 30)
    assert by["guard"]["minutes_to_site"] == 0.0 and by["guard"]["personnel"] == 6
    assert by["phh_brimob"]["personnel"] == 0 and by["phh_brimob"]["minutes_to_site"] is None
    assert "Negosiasi oleh Polsek PS-1" in by["polsek_negotiation"]["label"]
    # KPU-B: its own Polres and Polsek (several Polres in one region)
    b = {s["step"]: s for s in steps if s["venue_id"] == "KPU-B"}
    assert b["polres_reinforcement"]["unit_id"] == "POLRES-B"
    assert b["polsek_negotiation"]["unit_id"] == "PS-2"
    assert b["polres_reinforcement"]["minutes_to_site"] == pytest.approx(3.0 + 10)
    assert not any(s["venue_id"] == "PPK-1" for s in steps)


def test_entry_point_gives_plan_json_ready_ladder_and_standby():
    ts = escalation.escalation_ladder(ann_ctx())
    assert ts.tasks.empty
    json.dumps(ts.info)  # plan.json-ready
    assert ts.info["escalation_standby"] == {"POLRES-A": 54, "POLRES-B": 54}
    with_guards = escalation.escalation_ladder(ann_ctx(), with_guards=True)
    assert sorted(with_guards.tasks.site_id.unique()) == ["KPU-A", "KPU-B"]
    assert (with_guards.tasks.task == "venue_guard").all()
    assert len(with_guards.tasks) == 4  # two offices, two days
    frame = escalation.ladder_frame(ts.info["escalation"])
    assert frame["order"].tolist()[:6] == [1, 2, 3, 4, 5, 6]


def test_no_kpu_office_gives_no_ladder():
    c = ctx(stage="announcement", start="2024-03-20", end="2024-03-21", unit_rows=UNITS)
    assert escalation.ladder(c) == []
    assert escalation.escalation_ladder(c).info["escalation"] == []
