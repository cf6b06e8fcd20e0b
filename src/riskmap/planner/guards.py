"""Venue guards of the counting stages: PPK and KPU offices and the logistics warehouse.

Recapitulation: a guard at every PPK office for the days it counts (the first ``ppk_days``
days of the window) and at every KPU office and logistics warehouse for the whole window.
Announcement: a guard at every KPU office. A guard's size follows the expected crowd and the
risk class of the office's village (the same rule as a campaign event:
:func:`riskmap.planner.campaign.event_officers`), at least ``min_officers``; it comes from
the nearest Polsek (PPK offices) or the nearest Polres (KPU offices, warehouses).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from riskmap.planner import travel
from riskmap.planner.campaign import (
    CLASS_LABEL,
    event_officers,
    staffing_defaults,
    village_class,
)
from riskmap.planner.core import TASK_COLUMNS, StageContext, TaskSet, empty_taskset

DEFAULTS: dict[str, Any] = {
    "ppk_days": 5,
    "officers_per_100_crowd": 2.0,
    "min_officers": 2,
    "default_crowd": 100,
    "class_factor": {"kurang_rawan": 1.0, "rawan": 1.25, "sangat_rawan": 1.5},
    "recapitulation": {"ppk_office": "ppk_days", "kpu_office": "window",
                       "logistics_warehouse": "window"},
    "announcement": {"kpu_office": "window"},
    "unit_kinds": {"ppk_office": ["polsek"], "kpu_office": ["polres"],
                   "logistics_warehouse": ["polres"]},
}
"""Settings (``allocation.guard``): days a PPK office counts, guard sizing (per 100 crowd,
minimum, class factors), which venue kinds get a guard in each stage and for how long
(``window`` or ``ppk_days``), and the unit kinds each guard comes from."""

KIND_LABEL = {"ppk_office": "Kantor PPK", "kpu_office": "Kantor KPU",
              "logistics_warehouse": "Gudang logistik"}


def settings(ctx: StageContext) -> dict[str, Any]:
    """The guard settings: :data:`DEFAULTS`, the venue sizing of ``allocation.staffing``,
    then ``ctx.allocation["guard"]``."""
    return {**DEFAULTS, **staffing_defaults(ctx), **dict(ctx.allocation.get("guard", {}) or {})}


def guard_dates(ctx: StageContext, span: str, ppk_days: int) -> list[dt.date]:
    """Days a guard stands: the whole window, or its first ``ppk_days`` days."""
    days = ctx.dates()
    return days if span == "window" else days[:max(int(ppk_days), 0)]


def guard_size(ctx: StageContext, venues: pd.DataFrame, cfg: Mapping[str, Any]
               ) -> tuple[np.ndarray, list[str]]:
    """Officers of each venue's guard and the risk class of its village."""
    pts = travel.xy(venues)
    pos = travel.village_at(ctx.areas, pts)
    klass = [village_class(ctx.areas, p) for p in pos]
    crowd = pd.to_numeric(venues["expected_crowd"], errors="coerce").to_numpy(float) \
        if "expected_crowd" in venues else np.full(len(venues), np.nan)
    size = np.array([event_officers(c, k, cfg) for c, k in zip(crowd, klass, strict=True)],
                    dtype=int)
    return size, klass


def plan_guards(ctx: StageContext, kinds: Mapping[str, str] | None = None,
                prefix: str = "GRD") -> TaskSet:
    """``venue_guard`` rows ``<prefix>-<venue_id>-<date>`` for the stage's guarded venues.

    Parameters
    ----------
    ctx : StageContext
        The stage.
    kinds : mapping, optional
        ``{venue kind: "window" | "ppk_days"}``; default the stage's entry of the settings.
    prefix : str
        Task id prefix.
    """
    cfg = settings(ctx)
    kinds = dict(cfg.get(ctx.stage, {}) or {}) if kinds is None else dict(kinds)
    venues = ctx.venues
    if len(venues):
        venues = venues[venues["kind"].astype(str).isin(list(kinds))]
        venues = venues.sort_values("venue_id", kind="stable").reset_index(drop=True)
    if len(venues) == 0 or not ctx.dates():
        return empty_taskset(ctx.crs, guard={"venues": 0})
    size, klass = guard_size(ctx, venues, cfg)
    pts = travel.xy(venues)
    lon, lat = travel.to_lonlat(ctx.crs, pts)
    unit_of = guard_units(ctx, venues, pts, cfg["unit_kinds"])
    rows = []
    for i, v in enumerate(venues.itertuples(index=False)):
        kind = str(v.kind)
        name = str(getattr(v, "name", v.venue_id))
        for day in guard_dates(ctx, kinds[kind], int(cfg["ppk_days"])):
            rows.append({
                "task_id": f"{prefix}-{v.venue_id}-{day.isoformat()}", "date": day.isoformat(),
                "task": "venue_guard", "post_id": "", "personnel": int(size[i]),
                "unit_id": unit_of[i], "site_kind": "venue", "site_id": str(v.venue_id),
                "lat": float(lat[i]), "lon": float(lon[i]),
                "description": (f"Pos jaga {KIND_LABEL.get(kind, kind)}: {name} "
                                f"(desa {CLASS_LABEL.get(klass[i], klass[i])})")})
    if not rows:
        return empty_taskset(ctx.crs, guard={"venues": int(len(venues))})
    tasks = pd.DataFrame(rows).sort_values(["date", "task_id"], kind="stable")
    tasks = tasks.reset_index(drop=True)[TASK_COLUMNS]
    info = {"venues": int(len(venues)),
            "personnel_by_venue": {str(v): int(s) for v, s in
                                   zip(venues["venue_id"], size, strict=True)}}
    return TaskSet(tasks=tasks, movements=empty_taskset(ctx.crs).movements,
                   info={"guard": info})


def guard_units(ctx: StageContext, venues: pd.DataFrame, pts: np.ndarray,
                 unit_kinds: Mapping[str, Sequence[str]]) -> list[str]:
    """The unit each venue's guard comes from (nearest of the kind's unit kinds)."""
    out = [""] * len(venues)
    if len(ctx.units) == 0:
        return out
    ids = ctx.units["unit_id"].astype(str).to_numpy()
    kinds = venues["kind"].astype(str).to_numpy()
    for kind in sorted(set(kinds)):
        sel = np.nonzero(kinds == kind)[0]
        idx, _ = travel.nearest_unit(ctx, pts[sel],
                                     kinds=tuple(unit_kinds.get(kind, ["polsek"])))
        for s, u in zip(sel, idx, strict=True):
            out[s] = str(ids[u]) if u >= 0 else ""
    return out


def venue_guard_tasks(ctx: StageContext) -> TaskSet:
    """The planner's entry point: the stage's venue guards (recapitulation, announcement)."""
    return plan_guards(ctx)
