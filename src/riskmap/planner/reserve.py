"""The Polres reserve, the Polsek patrol teams and the fill patrols.

A region may hold several Polres (a Polda's region, a city with a Polres and a Polrestabes):
every unit belongs to its nearest Polres, and each Polres keeps its own reserve, the officers
of the reserve split between the Polres by the personnel of their own units (largest
remainder; equal shares when no unit lists personnel). The reserve is what no task needs on
a date; where ``reserve.max_share`` caps it (quiet period, recapitulation), the officers above
the cap patrol from the Polsek (``patrol`` tasks, teams of ``reserve.fill_patrol_officers``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.planner.core import StageContext, TaskSet, empty_movements, empty_taskset
from riskmap.planner.travel import to_lonlat, xy
from riskmap.staffing import largest_remainder


def _sorted_units(units: pd.DataFrame) -> pd.DataFrame:
    if len(units) == 0:
        return units
    order = np.argsort(units["unit_id"].astype(str).to_numpy(), kind="stable")
    return units.iloc[order].reset_index(drop=True)


def polres_of_units(units: gpd.GeoDataFrame) -> pd.Series:
    """The Polres each unit belongs to (its nearest Polres by straight line; a Polres to
    itself; ties to the smaller id). Without any Polres every unit belongs to ``""``.

    Returns
    -------
    Series
        ``unit_id`` -> Polres ``unit_id``.
    """
    units = _sorted_units(units)
    if len(units) == 0:
        return pd.Series(dtype=object)
    ids = units["unit_id"].astype(str).to_numpy()
    is_polres = units["kind"].astype(str).to_numpy() == "polres"
    if not is_polres.any():
        return pd.Series([""] * len(ids), index=ids, dtype=object)
    pts = xy(units)
    pr = np.nonzero(is_polres)[0]
    d = np.hypot(pts[:, None, 0] - pts[None, pr, 0], pts[:, None, 1] - pts[None, pr, 1])
    near = pr[np.argmin(np.round(d, 6), axis=1)]
    near[is_polres] = np.nonzero(is_polres)[0]
    return pd.Series(ids[near], index=ids, dtype=object)


def polres_shares(units: gpd.GeoDataFrame, officers: int) -> dict[str, int]:
    """Split ``officers`` between the Polres by the personnel of their units.

    Examples
    --------
    >>> import geopandas as gpd
    >>> u = gpd.GeoDataFrame({"unit_id": ["A", "B", "S"], "kind": ["polres", "polres", "polsek"],
    ...     "personnel": [30, 10, 20]}, geometry=gpd.points_from_xy([0, 100, 90], [0, 0, 0]),
    ...     crs="EPSG:32749")
    >>> polres_shares(u, 10)
    {'A': 5, 'B': 5}
    """
    return shares_of_polres(polres_weights(units), officers)


def polres_weights(units: gpd.GeoDataFrame) -> pd.Series | None:
    """The personnel of each Polres's units (Polres ``unit_id`` -> officers, sorted by id);
    None without any unit (the reserve is then one share, ``""``)."""
    owner = polres_of_units(units)
    if owner.empty:
        return None
    units = _sorted_units(units)
    pers = pd.to_numeric(units.get("personnel", pd.Series(np.zeros(len(units)))),
                         errors="coerce").fillna(0).clip(lower=0).to_numpy(float)
    weight = pd.Series(pers, index=units["unit_id"].astype(str).to_numpy()).groupby(owner).sum()
    return weight.sort_index()


def shares_of_polres(weight: pd.Series | None, officers: int) -> dict[str, int]:
    """Split ``officers`` by :func:`polres_weights` (largest remainder; equal shares when no
    unit lists personnel)."""
    if weight is None:
        return {"": int(officers)}
    quotas = weight.to_numpy(float)
    if quotas.sum() <= 0:
        quotas = np.ones(len(quotas))
    split = largest_remainder(quotas, int(officers))
    return {str(k): int(v) for k, v in zip(weight.index, split, strict=True)}


def _site(ctx: StageContext, unit_id: str) -> dict[str, Any]:
    units = ctx.units
    if unit_id and len(units):
        row = units[units["unit_id"].astype(str) == unit_id].iloc[0]
        return {"x": float(row.geometry.x), "y": float(row.geometry.y), "site_kind": "unit",
                "site_id": unit_id, "name": str(row.get("name", unit_id))}
    pts = np.vstack([xy(ctx.tps), xy(ctx.venues)]) if len(ctx.tps) + len(ctx.venues) \
        else np.zeros((1, 2))
    c = pts.mean(axis=0)
    return {"x": float(c[0]), "y": float(c[1]), "site_kind": "other", "site_id": "",
            "name": "Cadangan (lokasi markas belum ada)"}


def _located_site(ctx: StageContext, unit_id: str,
                  cache: dict[str, tuple[dict[str, Any], float, float]]
                  ) -> tuple[dict[str, Any], float, float]:
    """The unit's site with its lat/lon, computed once per unit (``cache`` kept by the caller)."""
    if unit_id not in cache:
        site = _site(ctx, unit_id)
        lon, lat = to_lonlat(ctx.crs, np.array([[site["x"], site["y"]]], float))
        cache[unit_id] = (site, float(lat[0]), float(lon[0]))
    return cache[unit_id]


def reserve_tasks(ctx: StageContext, officers_by_date: Mapping[str, int]) -> TaskSet:
    """One ``reserve`` task per Polres and date holding that Polres's share of the reserve.

    Parameters
    ----------
    ctx : StageContext
    officers_by_date : mapping
        ISO date -> officers in reserve that day (dates with 0 get no task).
    """
    rows = []
    sites: dict[str, tuple[dict[str, Any], float, float]] = {}
    weight = polres_weights(ctx.units)  # the units are the same on every date
    for date in sorted(officers_by_date):
        shares = shares_of_polres(weight, int(officers_by_date[date]))
        for pid, n in sorted(shares.items()):
            if n <= 0:
                continue
            site, lat, lon = _located_site(ctx, pid, sites)
            post_id = f"CAD-{pid}" if pid else "CAD"
            rows.append({
                "task_id": f"{post_id}-{date.replace('-', '')}", "date": date, "task": "reserve",
                "post_id": post_id, "personnel": int(n), "unit_id": pid,
                "site_kind": site["site_kind"], "site_id": site["site_id"], "lat": lat,
                "lon": lon,
                "description": (f"Cadangan {site['name']}: {int(n)} personel siaga untuk "
                                "eskalasi (negosiasi Polsek, penebalan Polres, Dalmas)"),
            })
    if not rows:
        return empty_taskset(ctx.crs)
    return TaskSet(pd.DataFrame(rows), empty_movements(ctx.crs))


def patrol_units(ctx: StageContext) -> pd.DataFrame:
    """The units that send patrols: the Polsek (else ``pos`` units, else every unit)."""
    units = _sorted_units(ctx.units)
    if len(units) == 0:
        return units
    kind = units["kind"].astype(str)
    for kinds in (("polsek",), ("pos",)):
        sel = units[kind.isin(kinds)]
        if len(sel):
            return sel.reset_index(drop=True)
    return units


def unit_patrol_tasks(
    ctx: StageContext, officers_by_unit_date: Mapping[tuple[str, str], int], *, label: str,
    id_prefix: str = "PTL",
) -> TaskSet:
    """``patrol`` tasks of whole units: ``{(unit_id, ISO date): officers}`` -> task rows
    (post ``PTL-<unit_id>``: the unit is the patrol's post; task ids ``<id_prefix>-...``)."""
    rows = []
    cache: dict[str, tuple[dict[str, Any], float, float]] = {}
    for (uid, date), n in sorted(officers_by_unit_date.items()):
        if n <= 0:
            continue
        site, lat, lon = _located_site(ctx, uid, cache)
        post_id = f"PTL-{uid}"
        rows.append({
            "task_id": f"{id_prefix}-{uid}-{date.replace('-', '')}", "date": date, "task": "patrol",
            "post_id": post_id, "personnel": int(n), "unit_id": uid,
            "site_kind": site["site_kind"], "site_id": site["site_id"], "lat": lat, "lon": lon,
            "description": f"{label} {site['name']}: {int(n)} personel",
        })
    if not rows:
        return empty_taskset(ctx.crs)
    return TaskSet(pd.DataFrame(rows), empty_movements(ctx.crs))


def polsek_patrols(ctx: StageContext, *, officers: int, budget: int) -> TaskSet:
    """Voting day: a patrol team of ``officers`` at every Polsek, on every date, as long as
    ``budget`` allows (Polsek in id order)."""
    units = patrol_units(ctx)
    if officers <= 0 or len(units) == 0:
        return empty_taskset(ctx.crs)
    n = min(len(units), max(budget, 0) // int(officers))
    plan = {(str(u), d.isoformat()): int(officers)
            for u in units["unit_id"].astype(str).iloc[:n] for d in ctx.dates()}
    return unit_patrol_tasks(ctx, plan, label="Patroli Polsek (hari pemungutan suara)",
                             id_prefix="PTL")


def fill_patrols(ctx: StageContext, officers_by_date: Mapping[str, int], *, team: int) -> TaskSet:
    """Officers above the reserve cap patrol from the Polsek: per date, teams of ``team``
    shared between the Polsek by their personnel (largest remainder), the last team taking
    what is left."""
    units = patrol_units(ctx)
    if len(units) == 0:
        return empty_taskset(ctx.crs)
    ids = units["unit_id"].astype(str).to_numpy()
    pers = pd.to_numeric(units.get("personnel", pd.Series(np.ones(len(units)))),
                         errors="coerce").fillna(0).clip(lower=0).to_numpy(float)
    if pers.sum() <= 0:
        pers = np.ones(len(units))
    plan: dict[tuple[str, str], int] = {}
    for date, n in sorted(officers_by_date.items()):
        if n <= 0:
            continue
        split = largest_remainder(pers, int(n))
        for uid, k in zip(ids, split, strict=True):
            if k > 0:
                plan[(str(uid), date)] = int(k)
    label = f"Patroli wilayah tambahan (tim {int(team)} personel)"
    return unit_patrol_tasks(ctx, plan, label=label, id_prefix="PTL-TAMBAHAN")


def reserve_plan(
    used_by_date: Mapping[str, int], dates: Sequence[dt.date], *, budget: int,
    max_share: float | None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Reserve and fill-patrol officers per date: the reserve is what the tasks leave, capped
    at ``floor(max_share x budget)`` (no cap when None); the rest goes to fill patrols.

    Examples
    --------
    >>> reserve_plan({"2024-02-11": 50}, [dt.date(2024, 2, 11)], budget=100, max_share=0.4)
    ({'2024-02-11': 40}, {'2024-02-11': 10})
    """
    reserve: dict[str, int] = {}
    fill: dict[str, int] = {}
    cap = None if max_share is None else int(np.floor(float(max_share) * budget + 1e-9))
    for d in dates:
        key = d.isoformat()
        left = max(0, int(budget) - int(used_by_date.get(key, 0)))
        r = left if cap is None else min(left, cap)
        reserve[key] = r
        fill[key] = left - r
    return reserve, fill
