"""The operations plan of one stage: context, task modules, budget per date, posts.

:func:`plan_stage` builds the :class:`~riskmap.planner.core.StageContext`, calls the task
modules of the stage (voting day: Pam TPS teams and Polsek patrols; the other stages: the
campaign schedule, patrols, escorts, venue guards and the announcement ladder, each module
where it exists), keeps every date within the budget, gives what is left to the Polres reserve
(each Polres its share; capped by ``reserve.max_share`` with the rest patrolling), and derives
the posts (team bases, guard posts, patrol units, reserves), the TPS -> post map, reach, the
roster and ``plan.json``'s figures.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.config import section_settings
from riskmap.planner.core import (
    TASK_COLUMNS,
    StageContext,
    TaskSet,
    concat_tasksets,
    empty_taskset,
    personnel_by_date,
)
from riskmap.planner.coverage import (
    _by_id,
    _empty_units,
    _minutes_summary,
    assign_nearest,
    budget_curve,
    check_inputs,
    coverage_sets,
    mclp_problem,
)
from riskmap.planner.reserve import (
    fill_patrols,
    polres_shares,
    polsek_patrols,
    reserve_plan,
    reserve_tasks,
)
from riskmap.planner.tps_teams import tps_team_tasks
from riskmap.reach import graph_from_routes, reach_table, targets_from, xy_of
from riskmap.roster import roster_from_tasks
from riskmap.staffing import largest_remainder, reserve_officers

POST_COLUMNS = [
    "post_id", "lat", "lon", "personnel", "site_kind", "site_id", "covered_tps",
    "covered_weight", "radius_km",
]
POST_EXTRA = [
    "name", "role", "reserve_personnel", "covered_tps_ids", "covered_venue_ids",
    "required_personnel", "unit_id", "nearest_polsek", "polsek_minutes", "terrain",
]
TASK_PRIORITY = {"tps_team": 0, "venue_guard": 1, "escort": 2, "patrol": 3, "reserve": 4}
"""Which tasks give way last when a date is over budget (lower: kept longest)."""

DEFAULT_DAY = dt.date(2024, 2, 14)
"""The stage's day when no window is given (the 2024 voting day)."""

# (module, function) of the other stages' task modules; called when the module exists.
STAGE_MODULES: dict[str, list[tuple[str, str]]] = {
    "campaign": [("riskmap.planner.campaign", "campaign_tasks"),
                 ("riskmap.planner.escorts", "escort_tasks")],
    "quiet_period": [("riskmap.planner.patrols", "patrol_tasks"),
                     ("riskmap.planner.escorts", "escort_tasks")],
    "voting": [],
    "recapitulation": [("riskmap.planner.guards", "venue_guard_tasks"),
                       ("riskmap.planner.escorts", "escort_tasks")],
    "announcement": [("riskmap.planner.guards", "venue_guard_tasks"),
                     ("riskmap.planner.escalation", "escalation_ladder")],
}


@dataclass
class PlanResult:
    """The operations plan of one stage (see :func:`plan_stage`)."""

    posts: pd.DataFrame
    tps_post: pd.Series
    tasks: pd.DataFrame
    movements: gpd.GeoDataFrame
    reach: pd.DataFrame
    roster: dict[str, pd.DataFrame]
    plan_info: dict[str, Any]


def personnel_per_date_and_kind(tasks: pd.DataFrame, dates: Sequence[dt.date],
                                kinds: Sequence[str]) -> list[dict[str, Any]]:
    """Officers on duty per date, in all and per task kind: one row per date of ``dates``
    (``date``, ``personnel``, then each of ``kinds``; 0 where a date has no such task)."""
    day = tasks["date"].astype(str)
    total = tasks.groupby(day)["personnel"].sum()
    by_kind = tasks.groupby([day, tasks["task"].astype(str)])["personnel"].sum()
    rows = []
    for d in dates:
        iso = d.isoformat()
        row: dict[str, Any] = {"date": iso, "personnel": int(total.get(iso, 0))}
        for k in kinds:
            row[k] = int(by_kind.get((iso, k), 0))
        rows.append(row)
    return rows


def _task_module(module: str, func: str) -> Callable[..., TaskSet] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name == module:
            return None
        raise
    return getattr(mod, func, None)


def stage_tasks(ctx: StageContext) -> TaskSet:
    """The tasks of the stage's own modules (not the TPS teams, patrols of units, reserve)."""
    sets = []
    for module, func in STAGE_MODULES.get(ctx.stage, []):
        f = _task_module(module, func)
        if f is not None:
            sets.append(f(ctx))
    return concat_tasksets(sets, crs=ctx.crs) if sets else empty_taskset(ctx.crs)


def fit_to_budget(tasks: pd.DataFrame, budget: int) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Keep every date within ``budget``: on a date over it, the tasks of the lowest priority
    (:data:`TASK_PRIORITY`) are reduced first (in proportion, by the largest remainder, at
    least one officer each; then dropped, last task id first). Returns the tasks and what
    was cut per date.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b"], "date": ["2024-02-11"] * 2,
    ...                   "task": ["venue_guard", "patrol"], "personnel": [6, 6]})
    >>> out, cut = fit_to_budget(t, 8)
    >>> out["personnel"].tolist(), cut[0]["cut"]
    ([6, 2], 4)
    """
    if tasks.empty:
        return tasks, []
    tasks = tasks.copy()
    tasks["personnel"] = tasks["personnel"].astype(int)
    cuts = []
    drop: list[int] = []
    for date, day in tasks.groupby(tasks["date"].astype(str), sort=True):
        over = int(day["personnel"].sum()) - int(budget)
        if over <= 0:
            continue
        cut_total = over
        pri = day["task"].map(TASK_PRIORITY).fillna(9)
        for level in sorted(set(pri.tolist()), reverse=True):
            if over <= 0:
                break
            idx = day.index[pri == level]
            have = tasks.loc[idx, "personnel"].to_numpy(int)
            spare = int((have - 1).sum())
            if spare > 0:
                take = min(over, spare)
                red = largest_remainder((have - 1).astype(float), take)
                tasks.loc[idx, "personnel"] = have - red
                over -= take
            if over > 0:
                order = sorted(idx, key=lambda i: str(tasks.at[i, "task_id"]), reverse=True)
                for i in order:
                    if over <= 0:
                        break
                    over -= int(tasks.at[i, "personnel"])
                    drop.append(i)
        cut = int(cut_total - over)
        cuts.append({"date": date, "cut": cut,
                     "keterangan": f"tugas dikurangi {cut} personel agar tidak melebihi "
                                   f"anggaran {int(budget)} personel"})
    tasks = tasks.drop(index=drop).reset_index(drop=True)
    return tasks, cuts


def fill_post_ids(tasks: pd.DataFrame) -> pd.DataFrame:
    """Give the tasks without a ``post_id`` the post they stand at: a guard post at its venue
    (``GJ-<site_id>``), a patrol's unit (``PTL-<unit_id>``); escorts move and keep none."""
    if tasks.empty:
        return tasks
    tasks = tasks.copy()
    pid = tasks["post_id"].fillna("").astype(str)
    empty = pid == ""
    guard = empty & (tasks["task"] == "venue_guard")
    patrol = empty & (tasks["task"] == "patrol") & (tasks["unit_id"].fillna("") != "")
    pid[guard] = "GJ-" + tasks.loc[guard, "site_id"].astype(str)
    pid[patrol] = "PTL-" + tasks.loc[patrol, "unit_id"].astype(str)
    tasks["post_id"] = pid
    return tasks


def site_names(tps: pd.DataFrame, venues: pd.DataFrame, units: pd.DataFrame
               ) -> dict[tuple[str, str], str]:
    """``(site_kind, site_id)`` -> a readable name (venue and unit names, ``TPS <id> (desa)``)."""
    out: dict[tuple[str, str], str] = {}
    if len(venues) and "name" in venues:
        out.update({("venue", str(i)): str(n) for i, n in zip(venues["venue_id"], venues["name"],
                                                                strict=True)})
    if len(units) and "name" in units:
        out.update({("unit", str(i)): str(n) for i, n in zip(units["unit_id"], units["name"],
                                                               strict=True)})
    if len(tps):
        village = tps["village_name"].astype(str) if "village_name" in tps else \
            tps["village_code"].astype(str) if "village_code" in tps else pd.Series([""] * len(tps))
        out.update({("tps", str(i)): f"TPS {i} ({v})" for i, v in zip(tps["tps_id"], village,
                                                                      strict=True)})
    return out


def posts_from_tasks(tasks: pd.DataFrame, *, radius_km: float,
                     names: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """One post per ``post_id`` of the tasks: where, the most officers on one date, its role.

    Team bases carry their TPS (``covered_tps``, ``covered_tps_ids``, ``covered_weight``, the
    farthest TPS as ``radius_km``); guard posts their venue; reserve posts their officers.
    """
    t = tasks[tasks["post_id"].astype(str) != ""].copy() if len(tasks) else tasks
    if t.empty:
        return pd.DataFrame(columns=POST_COLUMNS + POST_EXTRA)
    t["personnel"] = t["personnel"].astype(int)
    daily = t.groupby(["post_id", "date"])["personnel"].sum().groupby(level=0).max()
    first = t.drop_duplicates("post_id").set_index("post_id").sort_index()
    pri = t["task"].map(TASK_PRIORITY).fillna(9)
    roles = (t.assign(_p=pri).drop_duplicates(["post_id", "task"]).sort_values(["post_id", "_p"])
             .groupby("post_id")["task"].agg("+".join))
    res = t[t["task"] == "reserve"]
    reserve = res.groupby(["post_id", "date"])["personnel"].sum().groupby(level=0).max()
    v = t[(t["site_kind"].astype(str) == "venue") & (t["site_id"].astype(str) != "")]
    venues = v.drop_duplicates(["post_id", "site_id"]).sort_values(["post_id", "site_id"]) \
        .groupby("post_id")["site_id"].agg(lambda x: ";".join(map(str, x)))
    ids = first.index
    tps_ids = (first["tps_ids"].astype(object).where(first["tps_ids"].notna(), "")
               .astype(str) if "tps_ids" in first else pd.Series("", index=ids))
    cov = pd.to_numeric(first["covered_weight"], errors="coerce").fillna(0.0) \
        if "covered_weight" in first else pd.Series(0.0, index=ids)
    rad = pd.to_numeric(first["radius_km"], errors="coerce").fillna(float(radius_km)) \
        if "radius_km" in first else pd.Series(float(radius_km), index=ids)
    names = names or {}
    kinds = first["site_kind"].fillna("").astype(str).replace("", "other")
    sids = first["site_id"].fillna("").astype(str)
    fallback = first["description"].astype(str).str.split(":").str[0]
    return pd.DataFrame({
        "post_id": ids.astype(str), "lat": first["lat"].astype(float).to_numpy(),
        "lon": first["lon"].astype(float).to_numpy(),
        "personnel": daily.reindex(ids).astype(int).to_numpy(),
        "site_kind": kinds.to_numpy(), "site_id": sids.to_numpy(),
        "covered_tps": [len([x for x in s_.split(";") if x]) for s_ in tps_ids],
        "covered_weight": cov.round(4).to_numpy(), "radius_km": rad.astype(float).to_numpy(),
        "name": [names.get((k, i), f) for k, i, f in zip(kinds, sids, fallback, strict=True)],
        "role": roles.reindex(ids).to_numpy(),
        "reserve_personnel": reserve.reindex(ids).fillna(0).astype(int).to_numpy(),
        "covered_tps_ids": tps_ids.to_numpy(),
        "covered_venue_ids": venues.reindex(ids).fillna("").to_numpy(),
        "required_personnel": daily.reindex(ids).astype(float).to_numpy(),
        "unit_id": first["unit_id"].fillna("").astype(str).to_numpy(),
    })


def _tps_post_from_teams(tasks: pd.DataFrame) -> dict[str, str]:
    out: dict[str, str] = {}
    if tasks.empty or "tps_ids" not in tasks:
        return out
    teams = tasks[tasks["task"] == "tps_team"].drop_duplicates("post_id")
    for pid, ids in zip(teams["post_id"], teams["tps_ids"], strict=True):
        for i in str(ids).split(";"):
            if i:
                out[i] = str(pid)
    return out


def plan_stage(
    tps: gpd.GeoDataFrame,
    venues: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    stage: str = "voting",
    budget: int,
    allocation: Mapping[str, Any] | None = None,
    reach: Mapping[str, Any] | None = None,
    routes: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoDataFrame | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> PlanResult:
    """Make the operations plan of one stage.

    Parameters
    ----------
    tps, venues, units : GeoDataFrame
        Projected (metres) points, as in :class:`~riskmap.planner.core.StageContext`.
    stage : str
        The stage.
    budget : int
        Officers available on each day; no date's tasks ever sum to more.
    allocation, reach : mapping, optional
        The merged ``allocation`` and ``reach`` config sections (missing keys: defaults).
    routes : GeoDataFrame, optional
        Projected lines with ``kind`` (road|river|trail) and optional ``speed_kmh``.
    areas : GeoDataFrame, optional
        Villages (``village_code``, ``subdistrict_code``...): the kecamatan of each TPS.
    start, end : datetime.date, optional
        The stage window (default: one day, :data:`DEFAULT_DAY`).

    Returns
    -------
    PlanResult
    """
    alloc = section_settings(allocation, "allocation")
    rset = section_settings(reach, "reach")
    budget = int(budget)
    if budget < 0:
        msg = f"budget must be >= 0, got {budget}"
        raise ValueError(msg)
    check_inputs(tps, venues, units, routes)
    crs = tps.crs if tps.crs is not None else (venues.crs if venues.crs is not None else units.crs)
    units = units if units is not None and len(units) else _empty_units(crs)
    tps_in, venues_in = tps.reset_index(drop=True), venues.reset_index(drop=True)
    tps, venues, units = _by_id(tps, "tps_id"), _by_id(venues, "venue_id"), _by_id(units, "unit_id")
    start = start or DEFAULT_DAY
    end = end or start
    graph = None
    if routes is not None and len(routes):
        graph = graph_from_routes(routes, speeds_kmh=rset["route_speeds_kmh"],
                                  snap_m=float(rset["snap_m"]))
    if areas is None:
        areas = gpd.GeoDataFrame({"village_code": [], "subdistrict_code": []}, geometry=[],
                                 crs=crs)
    ctx = StageContext(stage=stage, start=start, end=end, budget=budget, crs=crs, tps=tps,
                       venues=venues, units=units, areas=areas, graph=graph, allocation=alloc,
                       reach=rset)
    dates = ctx.dates()
    notes: list[dict[str, Any]] = []
    info: dict[str, Any] = {}

    if stage == "voting":
        base_reserve = reserve_officers(budget, share=float(alloc["reserve_share"]))
        patrol = polsek_patrols(ctx, officers=int(alloc["teams"]["patrol_officers_per_polsek"]),
                                budget=budget - base_reserve)
        other = stage_tasks(ctx)
        used = int(personnel_by_date(concat_tasksets([patrol, other], crs=crs).tasks,
                                     dates).max() or 0) if dates else 0
        teams = tps_team_tasks(ctx, available=max(0, budget - base_reserve - used))
        if teams.info["teams"].get("tps_with_team", 0) < len(tps):
            # not even one officer per sector: the reserve and the patrols give way
            notes.append({"rule": "reserve_share", "keterangan": "cadangan dan patroli Polsek "
                          "dikurangi agar setiap TPS memiliki tim"})
            patrol = empty_taskset(crs)
            teams = tps_team_tasks(ctx, available=max(0, budget - int(
                personnel_by_date(other.tasks, dates).max() or 0)))
        work = concat_tasksets([teams, patrol, other], crs=crs)
    else:
        work = stage_tasks(ctx)
    info.update(work.info)
    tasks, cuts = fit_to_budget(fill_post_ids(work.tasks), budget)
    movements = work.movements
    if len(movements) and len(tasks):
        movements = movements[movements["task_id"].isin(set(tasks["task_id"]))]
    used = personnel_by_date(tasks, dates).to_dict()
    max_share = alloc["reserve"]["max_share"]
    reserve_by_date, fill_by_date = reserve_plan(used, dates, budget=budget, max_share=max_share)
    fills = fill_patrols(ctx, fill_by_date, team=int(alloc["reserve"]["fill_patrol_officers"]))
    reserves = reserve_tasks(ctx, reserve_by_date)
    work = concat_tasksets([TaskSet(tasks, movements), fills, reserves], crs=crs)
    tasks = work.tasks
    for c in TASK_COLUMNS:
        if c not in tasks:
            tasks[c] = ""
    tasks["personnel"] = tasks["personnel"].astype(int)
    tasks = tasks.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)
    extra = [c for c in tasks.columns if c not in TASK_COLUMNS]
    tasks = tasks[TASK_COLUMNS + extra]
    by_date = personnel_by_date(tasks, dates)
    if len(by_date) and int(by_date.max()) > budget:  # pragma: no cover - by construction
        msg = f"plan assigns {int(by_date.max())} officers on one date over the budget {budget}"
        raise AssertionError(msg)

    # posts, TPS -> post
    posts = posts_from_tasks(tasks, radius_km=float(alloc["radius_km"]),
                             names=site_names(tps, venues, units))
    p_xy = _posts_xy(posts, crs)
    t_ids = tps["tps_id"].astype(str).to_numpy() if len(tps) else np.array([], dtype=str)
    if stage == "voting":
        team_of = _tps_post_from_teams(tasks)
        tps_post_vals = [team_of.get(i, "") for i in t_ids]
    else:
        cover_posts = posts[~posts["role"].isin(["reserve"])].reset_index(drop=True)
        c_xy = _posts_xy(cover_posts, crs)
        a = assign_nearest(xy_of(tps), c_xy, radius_m=float(alloc["radius_km"]) * 1000.0,
                           restricted=_htr(tps),
                           restricted_radius_m=float(alloc["river_radius_km"]) * 1000.0,
                           own_post=np.full(len(tps), -1)) if len(cover_posts) and len(tps) \
            else np.full(len(tps), -1)
        tps_post_vals = [str(cover_posts["post_id"].iat[k]) if k >= 0 else "" for k in a]
    tps_post = pd.Series(tps_post_vals, index=pd.Index(t_ids, name="tps_id"), name="post_id",
                         dtype=object).reindex(tps_in["tps_id"].astype(str).to_numpy()
                                               if len(tps_in) else [])

    # reach of every TPS and venue, and of the posts
    targets, terrain = targets_from(tps_in, venues_in)
    reach_df = reach_table(targets, units, terrain=terrain, terrain_settings=rset["terrain"],
                           max_minutes=float(rset["max_minutes"]), graph=graph,
                           connector_speed_kmh=float(rset["connector_speed_kmh"]))
    htr_ids = set(t_ids[_htr(tps)]) if len(tps) else set()
    posts["terrain"] = ["river" if (k == "tps" and s in htr_ids) else "road"
                        for k, s in zip(posts["site_kind"], posts["site_id"], strict=True)]
    post_targets = gpd.GeoDataFrame({"target_kind": "post", "target_id": posts["post_id"]},
                                    geometry=gpd.points_from_xy(p_xy[:, 0], p_xy[:, 1]), crs=crs)
    post_reach = reach_table(post_targets, units, terrain=posts["terrain"].tolist(),
                             terrain_settings=rset["terrain"],
                             max_minutes=float(rset["max_minutes"]), graph=graph,
                             connector_speed_kmh=float(rset["connector_speed_kmh"]))
    posts["nearest_polsek"] = post_reach["nearest_polsek_name"].to_numpy() if len(posts) else []
    posts["polsek_minutes"] = post_reach["polsek_minutes"].to_numpy() if len(posts) else []
    posts = posts[POST_COLUMNS + POST_EXTRA].sort_values("post_id").reset_index(drop=True)
    for c in ("personnel", "reserve_personnel", "covered_tps"):
        posts[c] = posts[c].astype(int)

    # demand weight covered, budget curve (what-if)
    prob = mclp_problem(tps, venues, units, stage=stage, budget=budget, allocation=alloc)
    demand = prob.demand
    w = prob.weights
    covered = np.zeros(len(demand), dtype=bool)
    if len(demand):
        d_ids = demand["id"].astype(str).to_numpy()
        is_tps = (demand["kind"] == "tps").to_numpy()
        if stage == "voting":
            covered |= is_tps & np.array([bool(tps_post.get(i, "")) for i in d_ids])
        sites = set(tasks.loc[tasks["site_kind"] == "venue", "site_id"].astype(str))
        covered |= ~is_tps & np.isin(d_ids, list(sites))
        active = posts[posts["role"] != "reserve"]
        if len(active):
            cov = coverage_sets(demand[["x", "y"]].to_numpy(float), _posts_xy(active, crs),
                                radius_m=float(alloc["radius_km"]) * 1000.0,
                                restricted=demand["hard_to_reach"].to_numpy(bool),
                                restricted_radius_m=float(alloc["river_radius_km"]) * 1000.0)
            covered |= np.asarray(cov.sum(axis=1)).ravel() > 0
    total_w = float(w.sum())
    covered_w = float(w[covered].sum())

    kinds = ["tps_team", "venue_guard", "patrol", "escort", "reserve"]
    per_kind = {k: {"tasks": int((tasks["task"] == k).sum()),
                    "personnel_max_day": int(personnel_by_date(tasks[tasks["task"] == k],
                                                               dates).max() or 0)
                    if dates else 0} for k in kinds}
    per_date = personnel_per_date_and_kind(tasks, dates, kinds)
    for row in per_date:
        row["reserve_share"] = round(row["reserve"] / budget, 4) if budget else 0.0
    reserve_share_max = max((r["reserve_share"] for r in per_date), default=0.0)
    teams_info = info.get("teams", {})
    solver = teams_info.get("solver") if stage == "voting" else None
    if solver is None and isinstance(info.get("patrol"), dict) and info["patrol"].get("solver"):
        ps = info["patrol"]["solver"]
        solver = {"name": f"{ps.get('name', 'routing')} (patrol circuits)",
                  "status": ps.get("status", "solution_limit"), "gap": ps.get("gap"),
                  "settings": ps}
    if solver is None:
        solver = {"name": "rules (task modules)", "status": "not_applicable", "gap": 0.0}
    personnel_assigned = int(by_date.max()) if len(by_date) else 0
    plan_info: dict[str, Any] = {
        "personnel_budget": budget,
        "personnel_assigned": personnel_assigned,
        "n_posts": int(len(posts)),
        "demand_weight": {
            "tps": "max(expected_incidents, min_weight) x (1 + voters/tps_voters_scale)"
                   " x hard_to_reach_factor if hard to reach (voting day: every TPS in a team)",
            "venue": "max(expected_incidents, min_weight) x (1 + expected_crowd/venue_crowd_scale)",
            "n_demand_tps": int((demand["kind"] == "tps").sum()) if len(demand) else 0,
            "n_demand_venues": int((demand["kind"] == "venue").sum()) if len(demand) else 0,
            "total_weight": round(total_w, 4),
        },
        "settings": {  # the stage's allocation values that shaped this plan
            "radius_km": float(alloc["radius_km"]),
            "river_radius_km": float(alloc["river_radius_km"]),
            "reserve_share": float(alloc["reserve_share"]),
            "reserve_max_share": max_share,
            "hard_to_reach_factor": float(alloc["demand"]["hard_to_reach_factor"]),
            "team_size": int(alloc["team_size"]),
        },
        "covered_weight": round(covered_w, 4),
        "covered_weight_share": round(covered_w / total_w, 4) if total_w > 0 else 0.0,
        "solver": solver,
        "tasks": {"by_kind": per_kind, "by_date": per_date,
                  "reserve_share_max": reserve_share_max,
                  "reserve_max_share": max_share, "budget_cuts": cuts, "notes": notes},
        "reserve": {
            "by_polres": polres_shares(units, max(reserve_by_date.values(), default=0)),
            "officers_max_day": max(reserve_by_date.values(), default=0),
            "rule": ("officers no task needs on a date, split between the Polres by their "
                     "units' personnel" + (f"; at most {max_share:g} of the budget, the rest "
                                           "patrols from the Polsek" if max_share is not None
                                           else "")),
        },
        "budget_curve": {
            "method": "maximal covering within radius_km, lazy greedy, what-if: same reserve "
                      "share and team",
            "keterangan": "perkiraan cakupan bobot kerawanan bila jumlah personel berbeda",
            "points": budget_curve(
                prob, budgets=sorted({max(0, int(round(budget * f)))
                                      for f in alloc["budget_curve"]} | {budget}),
                reserve_share=float(alloc["reserve_share"])),
        },
        "reach": {
            "max_minutes": float(rset["max_minutes"]),
            "method": "network" if graph is not None else "straight",
            "tps_beyond_limit": int(((reach_df["target_kind"] == "tps")
                                     & reach_df["beyond_limit"]).sum()),
            "polsek_minutes_tps": _minutes_summary(
                reach_df.loc[reach_df["target_kind"] == "tps", "polsek_minutes"]),
        },
    }
    if stage == "voting":
        plan_info["teams"] = teams_info
        plan_info["bko"] = info.get("bko", {})
        plan_info["tps_with_team"] = int(sum(1 for v in tps_post if v))
    for key, value in info.items():
        if key not in ("teams", "bko") and key not in plan_info:
            plan_info[key] = value
    unit_names = dict(zip(units["unit_id"].astype(str), units["name"].astype(str), strict=True)) \
        if len(units) and "name" in units else {}
    roster = roster_from_tasks(tasks, posts, stage=stage, post_reach=post_reach,
                               unit_names=unit_names)
    movements = work.movements
    return PlanResult(posts=posts, tps_post=tps_post, tasks=tasks, movements=movements,
                      reach=reach_df, roster=roster, plan_info=plan_info)


def _htr(frame: pd.DataFrame) -> np.ndarray:
    if "hard_to_reach" not in frame or len(frame) == 0:
        return np.zeros(len(frame), dtype=bool)
    return frame["hard_to_reach"].astype("boolean").fillna(False).astype(bool).to_numpy()


def _posts_xy(posts: pd.DataFrame, crs) -> np.ndarray:
    if len(posts) == 0:
        return np.zeros((0, 2))
    g = gpd.GeoSeries(gpd.points_from_xy(posts["lon"], posts["lat"]), crs="EPSG:4326").to_crs(crs)
    return np.column_stack([g.x.to_numpy(float), g.y.to_numpy(float)])
