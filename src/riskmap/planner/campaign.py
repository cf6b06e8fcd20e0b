"""Campaign: a security schedule by day, and the escort of every VVIP visit.

For every date of the window the events active that day (campaign sites, party offices,
VVIP visits; an undated party office every day) get a guard sized by their crowd and the
risk class of their village, drawn from the nearest unit that still has officers that day.
A VVIP visit also gets an escort on each date of the visit along the route from its
arrival point (the nearest Polres, or a configured venue or unit) to the venue, with guard
points on the riskiest stretches of the route.

A day whose tasks ask for more officers than the day's budget is flagged with its shortfall:
the lowest-priority tasks are cut first (kind order, then risk, crowd, id), down to
``min_keep`` officers each, and only when every task is at ``min_keep`` the lowest are
dropped (recorded in ``info``). So every date's personnel is at most the budget.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString
from shapely.ops import substring

from riskmap.planner import travel
from riskmap.planner.core import (
    MOVEMENT_COLUMNS,
    TASK_COLUMNS,
    StageContext,
    TaskSet,
    empty_taskset,
)

DEFAULTS: dict[str, Any] = {
    "kinds": ["campaign_site", "party_office", "vvip_visit"],
    "officers_per_100_crowd": 2.0,
    "min_officers": 2,
    "default_crowd": 100,
    "class_factor": {"kurang_rawan": 1.0, "rawan": 1.25, "sangat_rawan": 1.5},
    "reduce_order": ["party_office", "campaign_site", "vvip_visit"],
    "min_keep": 1,
    "budget_share": None,
    "escort_personnel": 6,
    "arrival": None,
    "guard_points": 2,
    "guard_personnel": 2,
    "segment_m": 1000.0,
}
"""Settings (``allocation.campaign``; ``officers_per_100_crowd`` and ``min_officers`` default
to ``allocation.staffing``'s venue sizing when given). ``budget_share``: share of the stage
budget the schedule may use each day (None: ``1 - allocation.reserve_share``). ``arrival``:
the ``venue_id`` or ``unit_id`` a VVIP escort starts from (None: the nearest Polres)."""

CLASS_LABEL = {"kurang_rawan": "kurang rawan", "rawan": "rawan", "sangat_rawan": "sangat rawan"}
KIND_LABEL = {"campaign_site": "kampanye", "party_office": "posko partai",
              "vvip_visit": "kunjungan VVIP"}


def staffing_defaults(ctx: StageContext) -> dict[str, Any]:
    """Event sizing from ``allocation.staffing`` (``venue_officers_per_100_crowd``,
    ``venue_min_officers``) when the stage's config gives it: one rule for every venue."""
    staffing = dict(ctx.allocation.get("staffing", {}) or {})
    out: dict[str, Any] = {}
    if "venue_officers_per_100_crowd" in staffing:
        out["officers_per_100_crowd"] = float(staffing["venue_officers_per_100_crowd"])
    if "venue_min_officers" in staffing:
        out["min_officers"] = int(staffing["venue_min_officers"])
    return out


def settings(ctx: StageContext) -> dict[str, Any]:
    """The campaign settings: :data:`DEFAULTS`, the venue sizing of ``allocation.staffing``,
    then ``ctx.allocation["campaign"]``."""
    return {**DEFAULTS, **staffing_defaults(ctx),
            **dict(ctx.allocation.get("campaign", {}) or {})}


def day_budget(ctx: StageContext, cfg: Mapping[str, Any]) -> int:
    """Officers the schedule may use on one day (the budget minus the Polres reserve share)."""
    share = cfg.get("budget_share")
    if share is None:
        share = 1.0 - float(ctx.allocation.get("reserve_share", 0.2))
    return max(int(math.floor(ctx.budget * float(share) + 1e-9)), 0)


def active_on(venues: pd.DataFrame, day: dt.date) -> np.ndarray:
    """Mask of the venues active on ``day`` (an open bound never excludes).

    Examples
    --------
    >>> v = pd.DataFrame({"start": pd.to_datetime(["2024-01-02", None]),
    ...                   "end": pd.to_datetime(["2024-01-03", None])})
    >>> active_on(v, dt.date(2024, 1, 1)).tolist(), active_on(v, dt.date(2024, 1, 3)).tolist()
    ([False, True], [True, True])
    """
    ts = pd.Timestamp(day)
    start = pd.to_datetime(venues["start"]) if "start" in venues else pd.Series(pd.NaT)
    end = pd.to_datetime(venues["end"]) if "end" in venues else pd.Series(pd.NaT)
    ok = (start.isna() | (start.dt.normalize() <= ts)) & (end.isna() | (end.dt.normalize() >= ts))
    return ok.to_numpy(bool)


def event_officers(crowd: float, klass: str, cfg: Mapping[str, Any]) -> int:
    """Officers for one event: ``per 100 crowd x crowd / 100 x class factor``, at least a team.

    Examples
    --------
    >>> event_officers(500, "rawan", DEFAULTS)
    13
    >>> event_officers(20, "kurang_rawan", DEFAULTS)
    2
    """
    if crowd is None or not np.isfinite(crowd) or crowd < 0:
        crowd = float(cfg["default_crowd"])
    factor = float(dict(cfg["class_factor"]).get(klass, 1.0))
    need = math.ceil(float(cfg["officers_per_100_crowd"]) * crowd / 100.0 * factor - 1e-9)
    return max(int(need), int(cfg["min_officers"]), 1)


@dataclass
class _Item:
    task_id: str
    task: str
    venue_pos: int
    rank: tuple
    requested: int
    personnel: int
    site_kind: str
    site_id: str
    xy: tuple[float, float]
    description: str
    line: LineString | None = None
    minutes: float = float("nan")


def fit_budget(requests: list[int], ranks: list[tuple], budget: int, min_keep: int
               ) -> tuple[list[int], list[int]]:
    """Cut requests to fit a budget, lowest rank first; returns (personnel, dropped positions).

    Each request is first cut down to ``min_keep`` (lowest rank first); when that is not
    enough the lowest-ranked requests are dropped whole (their personnel becomes 0).

    Examples
    --------
    >>> fit_budget([10, 10, 4], [(2,), (1,), (0,)], 15, 1)
    ([10, 4, 1], [])
    >>> fit_budget([3, 3, 3], [(2,), (1,), (0,)], 2, 1)
    ([1, 1, 0], [2])
    """
    out = [int(r) for r in requests]
    order = sorted(range(len(out)), key=lambda i: ranks[i])
    over = sum(out) - int(budget)
    for i in order:
        if over <= 0:
            break
        cut = min(over, max(out[i] - min_keep, 0))
        out[i] -= cut
        over -= cut
    dropped: list[int] = []
    for i in order:
        if over <= 0:
            break
        over -= out[i]
        out[i] = 0
        dropped.append(i)
    return out, dropped


def crossed_villages(areas: gpd.GeoDataFrame, line: LineString) -> list[int]:
    """Row positions of the villages a line crosses, in the order it enters them."""
    if len(areas) == 0 or line is None or line.is_empty:
        return []
    hits = areas.sindex.query(line, predicate="intersects")
    pos = []
    for h in sorted(int(i) for i in hits):
        piece = areas.geometry.iloc[h].intersection(line)
        if piece.is_empty:
            continue
        pos.append((line.project(piece.representative_point()), h))
    return [h for _, h in sorted(pos)]


def guard_points(areas: gpd.GeoDataFrame, line: LineString, *, n: int, segment_m: float
                 ) -> list[tuple[tuple[float, float], int]]:
    """Midpoints of the ``n`` riskiest stretches of a route, one per village, in route order.

    The route is cut into stretches of ``segment_m``; a stretch's risk is the ``risk_score``
    of the village at its midpoint. Returns ``[((x, y), village position)]``.
    """
    if n <= 0 or len(areas) == 0 or line is None or line.length <= 0:
        return []
    k = max(int(math.ceil(line.length / float(segment_m))), 1)
    cuts = np.linspace(0.0, line.length, k + 1)
    mids = [substring(line, a, b).interpolate(0.5, normalized=True)
            for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    mxy = np.array([(p.x, p.y) for p in mids])
    where = travel.village_at(areas, mxy)
    risk = (pd.to_numeric(areas["risk_score"], errors="coerce").fillna(0.0).to_numpy(float)
            if "risk_score" in areas else np.zeros(len(areas)))
    order = sorted(range(k), key=lambda i: (-risk[where[i]] if where[i] >= 0 else 0.0, i))
    chosen: list[int] = []
    seen: set[int] = set()
    for i in order:
        if where[i] < 0 or where[i] in seen:
            continue
        seen.add(int(where[i]))
        chosen.append(i)
        if len(chosen) == n:
            break
    return [((float(mxy[i, 0]), float(mxy[i, 1])), int(where[i])) for i in sorted(chosen)]


def _arrival(ctx: StageContext, cfg: Mapping[str, Any], venue_xy: np.ndarray
             ) -> tuple[str, str, np.ndarray]:
    """Where a VVIP escort starts: (id, name, xy)."""
    arrival = cfg.get("arrival")
    if arrival:
        for table, col in ((ctx.venues, "venue_id"), (ctx.units, "unit_id")):
            if len(table) and col in table:
                hit = table[table[col].astype(str) == str(arrival)]
                if len(hit):
                    row = hit.iloc[0]
                    return str(arrival), str(row.get("name", arrival)), travel.xy(hit.iloc[:1])[0]
    if len(ctx.units) == 0:
        return "", "", venue_xy
    idx, _ = travel.nearest_unit(ctx, venue_xy[None], kinds=("polres",))
    row = ctx.units.iloc[int(idx[0])]
    return str(row["unit_id"]), str(row.get("name", row["unit_id"])), \
        travel.xy(ctx.units.iloc[[int(idx[0])]])[0]


def village_class(areas: pd.DataFrame, pos: int) -> str:
    """Risk class of the village at row ``pos`` (``kurang_rawan`` when unknown or -1)."""
    if pos < 0 or "risk_class" not in areas:
        return "kurang_rawan"
    value = areas["risk_class"].iloc[pos]
    return str(value) if isinstance(value, str) and value else "kurang_rawan"


def _village_label(areas: gpd.GeoDataFrame, pos: int) -> str:
    row = areas.iloc[pos]
    name = str(row.get("village_name", "") or row.get("village_code", ""))
    return f"{name} ({CLASS_LABEL.get(village_class(areas, pos), '-')})"


def plan_campaign(ctx: StageContext, budget: int | None = None) -> TaskSet:
    """The campaign schedule: venue guards per event and day, VVIP escorts and route guards.

    Parameters
    ----------
    ctx : StageContext
        The campaign stage (any stage with campaign-kind venues works).
    budget : int, optional
        Officers the schedule may use each day (default :func:`day_budget`).

    Returns
    -------
    TaskSet
        ``venue_guard`` rows (``CAMP-<venue_id>-<date>``, and ``GRD-VVIP-<venue_id>-<date>-<n>``
        on the route, site_kind ``other``), ``escort`` rows (``ESC-VVIP-<venue_id>-<date>``)
        with their lines (ending at the venue), extra column ``requested``; ``info["campaign"]``
        with the days over budget, their shortfall and the dropped tasks.
    """
    cfg = settings(ctx)
    cap = day_budget(ctx, cfg) if budget is None else max(int(budget), 0)
    venues = ctx.venues
    kinds = [str(k) for k in cfg["kinds"]]
    if len(venues):
        venues = venues[venues["kind"].astype(str).isin(kinds)]
        venues = venues.sort_values("venue_id", kind="stable").reset_index(drop=True)
    if len(venues) == 0 or not ctx.dates():
        return empty_taskset(ctx.crs, campaign=_summary(ctx, cap, [], [], {}))
    vxy = travel.xy(venues)
    vpos = travel.village_at(ctx.areas, vxy)
    klass = [village_class(ctx.areas, p) for p in vpos]
    crowd = _column(venues, "expected_crowd", np.nan)
    risk = np.nan_to_num(_column(venues, "expected_incidents", 0.0))
    order = {k: i for i, k in enumerate(cfg["reduce_order"])}
    kind = venues["kind"].astype(str).to_numpy()
    names = venues["name"].astype(str).to_numpy() if "name" in venues else kind
    ids = venues["venue_id"].astype(str).to_numpy()

    escorts = _vvip_routes(ctx, cfg, venues, vxy)
    unit_xy = travel.xy(ctx.units)
    unit_min = travel.travel_matrix(ctx, unit_xy, vxy).minutes if len(ctx.units) else None

    rows: list[dict] = []
    lines: list[dict] = []
    over: list[dict] = []
    for day in ctx.dates():
        d = day.isoformat()
        items: list[_Item] = []
        for i in np.nonzero(active_on(venues, day))[0]:
            base_rank = (order.get(kind[i], len(order)), float(risk[i]),
                         float(crowd[i]) if np.isfinite(crowd[i]) else 0.0)
            n = event_officers(crowd[i], klass[i], cfg)
            crowd_txt = int(crowd[i]) if np.isfinite(crowd[i]) else int(cfg["default_crowd"])
            items.append(_Item(
                f"CAMP-{ids[i]}-{d}", "venue_guard", int(i), (*base_rank, 0, ids[i]), n, n,
                "venue", ids[i], tuple(vxy[i]),
                f"Pengamanan {KIND_LABEL.get(kind[i], kind[i])}: {names[i]} (perkiraan massa "
                f"{crowd_txt}, desa {CLASS_LABEL.get(klass[i], klass[i])})"))
            if ids[i] in escorts:
                e = escorts[ids[i]]
                items.append(_Item(
                    f"ESC-VVIP-{ids[i]}-{d}", "escort", int(i), (*base_rank, 1, ids[i]),
                    int(cfg["escort_personnel"]), int(cfg["escort_personnel"]), "venue", ids[i],
                    tuple(vxy[i]), e["description"], e["line"], e["minutes"]))
                for n_pt, (pxy, p_village) in enumerate(e["points"], start=1):
                    items.append(_Item(
                        f"GRD-VVIP-{ids[i]}-{d}-{n_pt}", "venue_guard", int(i),
                        (*base_rank, 2, f"{ids[i]}-{n_pt}"), int(cfg["guard_personnel"]),
                        int(cfg["guard_personnel"]), "other", f"RUTE-{ids[i]}-{n_pt}", pxy,
                        f"Pos jaga rute VVIP {names[i]} di desa "
                        f"{_village_label(ctx.areas, p_village)}"))
        if not items:
            continue
        got, dropped = fit_budget([it.requested for it in items], [it.rank for it in items],
                                  cap, int(cfg["min_keep"]))
        requested = sum(it.requested for it in items)
        if requested > cap:
            over.append({"date": d, "requested": requested, "budget": cap,
                         "shortfall": requested - cap,
                         "dropped": [items[j].task_id for j in dropped]})
        used = _unit_capacity(ctx)
        for j in sorted(range(len(items)), key=lambda j: items[j].rank, reverse=True):
            it = items[j]
            it.personnel = got[j]
            if it.personnel <= 0:
                continue
            unit = _pick_unit(ctx, unit_min, it.venue_pos, it.personnel, used)
            rows.append(_row(it, d, unit))
            if it.line is not None:
                lines.append({"task_id": it.task_id, "task": it.task, "date": d,
                              "personnel": it.personnel, "minutes": round(it.minutes, 1),
                              "geometry": it.line})
    info = _summary(ctx, cap, rows, over, escorts)
    if not rows:
        return empty_taskset(ctx.crs, campaign=info)
    tasks = pd.DataFrame(rows)
    tasks["lon"], tasks["lat"] = travel.to_lonlat(ctx.crs, tasks[["x", "y"]].to_numpy(float))
    tasks = tasks.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)
    tasks = tasks[[*TASK_COLUMNS, "requested"]]
    if lines:
        mv = gpd.GeoDataFrame(pd.DataFrame(lines), geometry="geometry", crs=ctx.crs)
        mv = mv.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)
        mv = mv[[*MOVEMENT_COLUMNS, "geometry"]]
    else:
        mv = empty_taskset(ctx.crs).movements
    return TaskSet(tasks=tasks, movements=mv, info={"campaign": info})


def _unit_capacity(ctx: StageContext) -> dict[int, int]:
    if len(ctx.units) == 0 or "personnel" not in ctx.units:
        return {}
    pers = pd.to_numeric(ctx.units["personnel"], errors="coerce").fillna(0).astype(int)
    return {i: int(p) for i, p in enumerate(pers)}


def _pick_unit(ctx: StageContext, unit_min: np.ndarray | None, venue_pos: int, need: int,
               left: dict[int, int]) -> str:
    """The nearest unit with ``need`` officers left that day (else the nearest Polres)."""
    if unit_min is None:
        return ""
    ids = ctx.units["unit_id"].astype(str).to_numpy()
    order = sorted(range(len(ids)), key=lambda u: (unit_min[u, venue_pos], ids[u]))
    for u in order:
        if left.get(u, 0) >= need:
            left[u] -= need
            return str(ids[u])
    kinds = ctx.units["kind"].astype(str).to_numpy()
    for u in order:
        if kinds[u] == "polres":
            left[u] = left.get(u, 0) - need
            return str(ids[u])
    return str(ids[order[0]])


def _row(it: _Item, d: str, unit: str) -> dict:
    return {"task_id": it.task_id, "date": d, "task": it.task, "post_id": "",
            "personnel": int(it.personnel), "unit_id": unit, "site_kind": it.site_kind,
            "site_id": it.site_id, "x": it.xy[0], "y": it.xy[1],
            "description": it.description, "requested": int(it.requested)}


def _column(frame: pd.DataFrame, col: str, default: float) -> np.ndarray:
    if col not in frame:
        return np.full(len(frame), default)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(float)


def _vvip_routes(ctx: StageContext, cfg: Mapping[str, Any], venues: gpd.GeoDataFrame,
                 vxy: np.ndarray) -> dict[str, dict]:
    """The escort route of each VVIP visit: line, minutes, villages crossed, guard points."""
    out: dict[str, dict] = {}
    for i in np.nonzero(venues["kind"].astype(str).to_numpy() == "vvip_visit")[0]:
        vid = str(venues["venue_id"].iloc[i])
        from_id, from_name, from_xy = _arrival(ctx, cfg, vxy[i])
        path = travel.travel_path(ctx, from_xy, vxy[i])
        crossed = crossed_villages(ctx.areas, path.line)
        points = guard_points(ctx.areas, path.line, n=int(cfg["guard_points"]),
                              segment_m=float(cfg["segment_m"]))
        labels = [_village_label(ctx.areas, p) for p in crossed]
        name = str(venues["name"].iloc[i]) if "name" in venues else vid
        desc = (f"Pengawalan VVIP {name}: rute {from_name or 'titik kedatangan'} - lokasi "
                f"({path.km:.1f} km, {path.minutes:.0f} menit"
                f"{', jaringan jalan' if path.method == 'network' else ''}); melintasi desa: "
                f"{', '.join(labels) if labels else '-'}")
        out[vid] = {"line": path.line, "minutes": path.minutes, "km": path.km,
                    "from": from_id, "points": points, "description": desc,
                    "villages": [{"village_code": str(ctx.areas.iloc[p]["village_code"]),
                                  "risk_class": village_class(ctx.areas, p)}
                                 for p in crossed]}
    return out


def _summary(ctx: StageContext, cap: int, rows: list[dict], over: list[dict],
             escorts: Mapping[str, dict]) -> dict[str, Any]:
    per_day: dict[str, int] = {}
    for r in rows:
        per_day[r["date"]] = per_day.get(r["date"], 0) + int(r["personnel"])
    peak = max(sorted(per_day.items()), key=lambda kv: kv[1]) if per_day else (None, 0)
    return {
        "day_budget": int(cap),
        "days": len(ctx.dates()),
        "days_with_events": len(per_day),
        "peak_date": peak[0],
        "peak_personnel": int(peak[1]),
        "days_over_budget": over,
        "vvip_escorts": [{"venue_id": vid, "from": e["from"], "km": round(e["km"], 2),
                          "minutes": round(e["minutes"], 1), "villages": e["villages"],
                          "guard_points": len(e["points"])}
                         for vid, e in sorted(escorts.items())],
    }


def campaign_tasks(ctx: StageContext) -> TaskSet:
    """The planner's entry point for the campaign stage: :func:`plan_campaign` with defaults."""
    return plan_campaign(ctx)
