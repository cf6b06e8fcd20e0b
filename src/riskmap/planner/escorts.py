"""Escorts of the election logistics and the ballot boxes.

- Quiet period, on its last day (the day before voting): the logistics escort from the
  logistics warehouse (or the KPU office when there is none; the nearest one by travel when
  there are several) to every PPK office, and on from each PPK to its villages (grouped).
- Recapitulation: the ballot boxes travel from the villages to their PPK office (the nearest
  by travel) on the first ``ballot_days`` days, ``villages_per_escort`` neighbouring villages
  per escort (one circuit collecting them in angular order around the PPK); then each PPK's
  boxes go to the KPU office at the end of its counting (day ``guard.ppk_days`` of the
  window, the same setting as the PPK guard).

Each escort is an ``escort`` task with its line in ``movements`` (the route from
:mod:`riskmap.planner.travel`, ending at the destination) and the minutes of the trip. The
VVIP escorts of the campaign are in :mod:`riskmap.planner.campaign`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from riskmap.planner import guards, travel
from riskmap.planner.core import (
    MOVEMENT_COLUMNS,
    TASK_COLUMNS,
    StageContext,
    TaskSet,
    empty_taskset,
)

DEFAULTS: dict[str, Any] = {
    "logistics_personnel": 4,
    "source_kinds": ["logistics_warehouse", "kpu_office"],
    "ballot_personnel": 2,
    "ballot_days": 2,
    "villages_per_escort": 3,
    "kpu_personnel": 4,
    "destination_kinds": ["kpu_office", "logistics_warehouse"],
    "village_leg": True,
    "village_leg_personnel": 2,
}
"""Settings (``allocation.escort``): officers of a logistics escort, where the logistics
start (first kind present), officers of a ballot-box escort, days the village escorts take,
villages collected by one escort, officers of a PPK -> KPU escort, and where the PPK boxes
go (first kind present); ``village_leg``: on the logistics day also escort the logistics
from each PPK to its villages (``village_leg_personnel`` officers, ``villages_per_escort``
villages per escort)."""


def settings(ctx: StageContext) -> dict[str, Any]:
    """The escort settings: :data:`DEFAULTS` updated by ``ctx.allocation["escort"]``."""
    return {**DEFAULTS, **dict(ctx.allocation.get("escort", {}) or {})}


def _venues_of(ctx: StageContext, kinds: list[str]) -> gpd.GeoDataFrame:
    """Venues of the first kind in ``kinds`` that the stage has (sorted by id)."""
    v = ctx.venues
    for kind in kinds:
        sel = v[v["kind"].astype(str) == kind] if len(v) else v
        if len(sel):
            return sel.sort_values("venue_id", kind="stable").reset_index(drop=True)
    return v.iloc[0:0]


def _nearest(ctx: StageContext, sources: gpd.GeoDataFrame, pts: np.ndarray) -> np.ndarray:
    """Index into ``sources`` of the fastest source of each point (ties: first)."""
    tr = travel.travel_matrix(ctx, travel.xy(sources), pts)
    return np.argmin(tr.minutes, axis=0)


def _unit_for(ctx: StageContext, pts: np.ndarray, kinds: tuple[str, ...]) -> list[str]:
    idx, _ = travel.nearest_unit(ctx, pts, kinds=kinds)
    ids = ctx.units["unit_id"].astype(str).to_numpy()
    return [str(ids[i]) if i >= 0 else "" for i in idx]


def _chain(ctx: StageContext, pts: list[np.ndarray], cache: dict,
           terrain: list[str] | None = None) -> tuple[LineString, float, float]:
    """The line through ``pts`` in order (each leg a travel path by the terrain of its ends,
    default road), its minutes and km."""
    coords: list[tuple[float, float]] = []
    minutes = km = 0.0
    terrain = terrain or ["road"] * len(pts)
    for (a, ta), (b, tb) in itertools.pairwise(zip(pts, terrain, strict=True)):
        key = (tuple(a), tuple(b), ta, tb)
        if key not in cache:
            cache[key] = travel.travel_path(ctx, a, b, a_terrain=ta, b_terrain=tb)
        leg = cache[key]
        c = list(leg.line.coords)
        coords.extend(c if not coords else c[1:])
        minutes += leg.minutes
        km += leg.km
    return LineString(coords), minutes, km


def _frames(ctx: StageContext, rows: list[dict], lines: list[dict], info: dict) -> TaskSet:
    if not rows:
        return empty_taskset(ctx.crs, escort=info)
    tasks = pd.DataFrame(rows)
    tasks["lon"], tasks["lat"] = travel.to_lonlat(ctx.crs, tasks[["x", "y"]].to_numpy(float))
    tasks = tasks.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)
    tasks = tasks[[*TASK_COLUMNS, "minutes"]]
    mv = gpd.GeoDataFrame(pd.DataFrame(lines), geometry="geometry", crs=ctx.crs)
    mv = mv.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)
    info = {**info, "escorts": int(len(tasks)),
            "personnel_by_date": {d: int(s) for d, s in
                                  tasks.groupby("date")["personnel"].sum().items()}}
    return TaskSet(tasks=tasks, movements=mv[[*MOVEMENT_COLUMNS, "geometry"]],
                   info={"escort": info})


def _row(tid: str, day: dt.date, personnel: int, unit: str, site_id: str, xy: np.ndarray,
         desc: str, minutes: float) -> dict:
    return {"task_id": tid, "date": day.isoformat(), "task": "escort", "post_id": "",
            "personnel": int(personnel), "unit_id": unit, "site_kind": "venue",
            "site_id": site_id, "x": float(xy[0]), "y": float(xy[1]), "description": desc,
            "minutes": round(float(minutes), 1)}


def _line(tid: str, day: dt.date, personnel: int, minutes: float, line: LineString) -> dict:
    return {"task_id": tid, "task": "escort", "date": day.isoformat(),
            "personnel": int(personnel), "minutes": round(float(minutes), 1), "geometry": line}


def logistics_escorts(ctx: StageContext, day: dt.date | None = None) -> TaskSet:
    """Warehouse -> every PPK office on ``day`` (default the window's last day), then (with
    ``village_leg``) PPK -> its villages.

    Task ids ``ESC-LOG-<ppk venue_id>-<date>`` (the line ends at the PPK office) and
    ``ESC-DIST-<ppk venue_id>-<n>-<date>``.
    """
    cfg = settings(ctx)
    day = ctx.end if day is None else day
    ppk = _venues_of(ctx, ["ppk_office"])
    src = _venues_of(ctx, list(cfg["source_kinds"]))
    info: dict[str, Any] = {"kind": "logistics", "date": day.isoformat()}
    if len(ppk) == 0 or len(src) == 0:
        return empty_taskset(ctx.crs, escort={**info, "escorts": 0})
    pxy, sxy = travel.xy(ppk), travel.xy(src)
    which = _nearest(ctx, src, pxy)
    units = _unit_for(ctx, sxy[which], ("polres",))
    rows, lines, cache = [], [], {}
    n = int(cfg["logistics_personnel"])
    for i, p in enumerate(ppk.itertuples(index=False)):
        s = src.iloc[int(which[i])]
        line, minutes, km = _chain(ctx, [sxy[which[i]], pxy[i]], cache)
        tid = f"ESC-LOG-{p.venue_id}-{day.isoformat()}"
        desc = (f"Pengawalan logistik pemilu: {s.get('name', s['venue_id'])} - "
                f"{getattr(p, 'name', p.venue_id)} ({km:.1f} km, {minutes:.0f} menit)")
        rows.append(_row(tid, day, n, units[i], str(p.venue_id), pxy[i], desc, minutes))
        lines.append(_line(tid, day, n, minutes, line))
    if cfg["village_leg"]:
        _village_escorts(ctx, ppk, [day], int(cfg["village_leg_personnel"]),
                         int(cfg["villages_per_escort"]), to_ppk=False, rows=rows, lines=lines,
                         cache=cache)
    return _frames(ctx, rows, lines, info)


def village_groups(ppk_xy: np.ndarray, vill_xy: np.ndarray,
                   per_escort: int) -> list[list[int]]:
    """Groups of ``per_escort`` villages of one PPK, in angular order around it.

    Sweeping by the bearing from the PPK keeps each group's villages neighbours; inside a
    group the escort starts at the farthest village and collects the others on its way.
    """
    n = len(vill_xy)
    if n == 0:
        return []
    d = vill_xy - ppk_xy
    bearing = np.round(np.arctan2(d[:, 1], d[:, 0]), 9)
    dist = np.round(np.hypot(d[:, 0], d[:, 1]), 3)
    order = np.lexsort((dist, bearing))
    k = max(int(per_escort), 1)
    groups = [order[i:i + k].tolist() for i in range(0, n, k)]
    return [sorted(g, key=lambda j: (-dist[j], j)) for g in groups]


def _village_escorts(ctx: StageContext, ppk: gpd.GeoDataFrame, days: list[dt.date],
                     personnel: int, per_escort: int, *, to_ppk: bool, rows: list,
                     lines: list, cache: dict) -> None:
    """Escorts between each PPK office and its villages (the nearest PPK by travel), groups
    of ``per_escort`` villages spread over ``days``: villages -> PPK (``ESC-BOX-``, ballot
    boxes) or PPK -> villages (``ESC-DIST-``, the logistics to the PPS/TPS)."""
    codes, vxy = _village_points(ctx)
    if not len(codes) or not days:
        return
    pxy = travel.xy(ppk)
    owner = _nearest(ctx, ppk, vxy)
    group_no = 0
    for i, p in enumerate(ppk.itertuples(index=False)):
        mine = np.nonzero(owner == i)[0]
        for g_i, g in enumerate(village_groups(pxy[i], vxy[mine], per_escort), start=1):
            members = mine[g]
            day = days[group_no % len(days)]
            group_no += 1
            names = ", ".join(codes[m][1] for m in members)
            pname = getattr(p, "name", p.venue_id)
            terr = [codes[m][2] for m in members]
            if to_ppk:
                pts, prefix = [*vxy[members], pxy[i]], "ESC-BOX"
                terr = [*terr, "road"]
                unit = _unit_for(ctx, vxy[members[:1]], ("polsek",))[0]
            else:
                pts, prefix = [pxy[i], *vxy[members[::-1]]], "ESC-DIST"
                terr = ["road", *terr[::-1]]
                unit = _unit_for(ctx, pxy[i:i + 1], ("polsek",))[0]
            line, minutes, km = _chain(ctx, pts, cache, terr)
            tid = f"{prefix}-{p.venue_id}-{g_i}-{day.isoformat()}"
            desc = (f"Pengawalan kotak suara: desa {names} - {pname}" if to_ppk else
                    f"Pengawalan logistik: {pname} - desa {names}")
            desc += f" ({km:.1f} km, {minutes:.0f} menit)"
            rows.append(_row(tid, day, personnel, unit, str(p.venue_id), pxy[i], desc, minutes))
            lines.append(_line(tid, day, personnel, minutes, line))


def ballot_escorts(ctx: StageContext) -> TaskSet:
    """Recapitulation: villages -> PPK (first ``ballot_days`` days) and PPK -> KPU (day
    ``guard.ppk_days``). Ids ``ESC-BOX-<ppk>-<n>-<date>`` and ``ESC-KPU-<ppk>-<date>``."""
    cfg = settings(ctx)
    days = ctx.dates()
    ppk = _venues_of(ctx, ["ppk_office"])
    info: dict[str, Any] = {"kind": "ballot_boxes"}
    if len(ppk) == 0 or not days:
        return empty_taskset(ctx.crs, escort={**info, "escorts": 0})
    pxy = travel.xy(ppk)
    rows, lines, cache = [], [], {}
    _village_escorts(ctx, ppk, days[:max(int(cfg["ballot_days"]), 1)],
                     int(cfg["ballot_personnel"]), int(cfg["villages_per_escort"]),
                     to_ppk=True, rows=rows, lines=lines, cache=cache)
    dest = _venues_of(ctx, list(cfg["destination_kinds"]))
    if len(dest):
        ppk_days = int(guards.settings(ctx)["ppk_days"])
        day = days[min(max(ppk_days, 1), len(days)) - 1]
        dxy = travel.xy(dest)
        which = _nearest(ctx, dest, pxy)
        units = _unit_for(ctx, pxy, ("polsek",))
        n_kpu = int(cfg["kpu_personnel"])
        for i, p in enumerate(ppk.itertuples(index=False)):
            d = dest.iloc[int(which[i])]
            line, minutes, km = _chain(ctx, [pxy[i], dxy[which[i]]], cache)
            tid = f"ESC-KPU-{p.venue_id}-{day.isoformat()}"
            desc = (f"Pengawalan hasil rekapitulasi: {getattr(p, 'name', p.venue_id)} - "
                    f"{d.get('name', d['venue_id'])} ({km:.1f} km, {minutes:.0f} menit)")
            rows.append(_row(tid, day, n_kpu, units[i], str(d["venue_id"]), dxy[which[i]],
                             desc, minutes))
            lines.append(_line(tid, day, n_kpu, minutes, line))
    return _frames(ctx, rows, lines, info)


def _village_points(ctx: StageContext) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    """Villages with TPS and their TPS centroid: ``[(code, name, terrain)]`` (river when most
    of its TPS are hard to reach) and ``(n, 2)`` xy."""
    tps = ctx.tps
    if len(tps) == 0:
        return [], np.zeros((0, 2))
    t = pd.DataFrame({"c": tps["village_code"].astype(str).to_numpy(),
                      "x": tps.geometry.x.to_numpy(float), "y": tps.geometry.y.to_numpy(float),
                      "h": [tr == "river" for tr in travel.terrain_of(tps)]})
    g = t.groupby("c", sort=True)[["x", "y", "h"]].mean()
    names = {}
    if len(ctx.areas) and "village_name" in ctx.areas:
        names = dict(zip(ctx.areas["village_code"].astype(str),
                         ctx.areas["village_name"].astype(str), strict=False))
    codes = [(c, names.get(c, c), "river" if h >= 0.5 else "road")
             for c, h in zip(g.index, g["h"], strict=True)]
    return codes, g[["x", "y"]].to_numpy(float)


def escort_tasks(ctx: StageContext) -> TaskSet:
    """The planner's entry point: the stage's escorts (quiet period: logistics on its last
    day; recapitulation: ballot boxes; other stages: none here)."""
    if ctx.stage == "quiet_period":
        return logistics_escorts(ctx)
    if ctx.stage == "recapitulation":
        return ballot_escorts(ctx)
    return empty_taskset(ctx.crs)
