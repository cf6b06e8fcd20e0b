"""Every task module copes with thin inputs (no risk columns, no units, no villages)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
from planner_ctx import CRS, ctx

from riskmap.planner import campaign, escalation, escorts, guards, patrols
from riskmap.planner.core import TASK_COLUMNS

VENUES = [{"venue_id": "KPU", "kind": "kpu_office", "x": 0.0, "y": 0.0},
          {"venue_id": "GUDANG", "kind": "logistics_warehouse", "x": 100.0, "y": 0.0},
          {"venue_id": "PPK", "kind": "ppk_office", "x": 3000.0, "y": 0.0},
          {"venue_id": "VV", "kind": "vvip_visit", "x": 2000.0, "y": 500.0},
          {"venue_id": "K", "kind": "campaign_site", "x": 500.0, "y": 500.0}]
ENTRY = [campaign.campaign_tasks, patrols.patrol_tasks, escorts.escort_tasks,
         guards.venue_guard_tasks, escalation.escalation_ladder]


def thin(stage, **changes):
    c = ctx(stage=stage, start="2024-02-11", end="2024-02-12", venue_rows=VENUES,
            tps_rows=[{"tps_id": "T1", "village_code": "V0", "x": 10.0, "y": 10.0}],
            unit_rows=[("POLRES", "polres", 0.0, 0.0, 50), ("PS", "polsek", 2500.0, 0.0, 5)])
    return dataclasses.replace(c, **changes)


@pytest.mark.parametrize("stage", ["campaign", "quiet_period", "recapitulation",
                                   "announcement"])
@pytest.mark.parametrize("case", ["no_risk_columns", "no_villages", "no_units"])
def test_modules_run_on_thin_inputs(stage, case):
    c = thin(stage)
    if case == "no_risk_columns":
        c = dataclasses.replace(c, areas=c.areas[["village_code", "geometry"]])
    elif case == "no_villages":
        c = dataclasses.replace(c, areas=gpd.GeoDataFrame(
            {"village_code": []}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS))
    else:
        c = dataclasses.replace(c, units=c.units.iloc[0:0])
    for f in ENTRY:
        ts = f(c)
        assert list(ts.tasks.columns[:len(TASK_COLUMNS)]) == TASK_COLUMNS
        if len(ts.tasks):
            assert (ts.tasks["personnel"] >= 1).all()
            assert ts.tasks["task_id"].is_unique
