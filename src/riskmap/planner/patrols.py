"""Patrol circuits: each unit's daily patrols visit its riskiest villages within a shift.

A prize-collecting routing problem per unit (usually a Polsek): the depot is the unit, each
target village is a stop (its TPS centroid, or the village centroid) worth its expected
incidents (or risk score), a circuit's time is travel (:mod:`riskmap.planner.travel`) plus the
time spent at each stop and must fit the shift, and a village left out costs its prize. It
is solved with OR-Tools routing under a fixed first-solution strategy, guided local search and
a solution-count limit (no wall clock: the same inputs give the same circuits on any
machine). :func:`exact_circuits` gives the exact optimum of small instances (subset dynamic
programming) for tests and the benchmark.

Villages belong to their fastest unit of the patrol kinds. Over the days of the stage the
circuits rotate: a village already visited is worth ``revisit_factor`` times less, so the
villages a shift could not reach come first the next day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from shapely.geometry import LineString

from riskmap.planner import travel
from riskmap.planner.core import (
    MOVEMENT_COLUMNS,
    TASK_COLUMNS,
    StageContext,
    TaskSet,
    empty_taskset,
)

DEFAULTS: dict[str, Any] = {
    "classes": ["rawan", "sangat_rawan"],
    "unit_kinds": ["polsek"],
    "prize": "expected_incidents",
    "min_prize": 0.001,
    "stop_at": "tps_centroid",
    "shift_minutes": 480,
    "stop_minutes": 30,
    "teams_per_unit": 2,
    "team_size": 2,
    "max_team_size": 6,
    "budget_share": 0.5,
    "revisit_factor": 0.25,
    "rotation_days": 3,
    "first_solution": "PATH_CHEAPEST_ARC",
    "metaheuristic": "GUIDED_LOCAL_SEARCH",
    "solution_limit": 30,
    "branch_limit": 5000,
    "exact_up_to": 10,
}
"""Settings (``allocation.patrol``): target classes, the prize column (``expected_incidents``
or ``risk_score``), stop point (``tps_centroid`` or ``village_centroid``), shift and stop
minutes, circuits per unit and day, officers per team (min and max), share of the budget
patrols get when the caller does not say, prize factor of a village already visited,
distinct days of rotation before repeating, and the routing search (deterministic: a
solution-count and a branch-count limit; instances of at most ``exact_up_to`` reachable stops
are solved exactly by :func:`exact_circuits`)."""

CLASS_LABEL = {"kurang_rawan": "kurang rawan", "rawan": "rawan", "sangat_rawan": "sangat rawan"}
SCALE = 10  # routing works in tenths of a minute


def settings(ctx: StageContext) -> dict[str, Any]:
    """The patrol settings: :data:`DEFAULTS` updated by ``ctx.allocation["patrol"]``."""
    return {**DEFAULTS, **dict(ctx.allocation.get("patrol", {}) or {})}


# --------------------------------------------------------------------------------------------
# The routing problem
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Circuits:
    """Solution of one prize-collecting routing instance.

    ``routes`` lists each vehicle's stops (indices into the stops, in visiting order; empty
    routes are left out), ``minutes`` each route's time (travel + stops, depot to depot),
    ``prize`` the collected prize.
    """

    routes: list[list[int]]
    minutes: list[float]
    prize: float
    status: str


def route_minutes(route: Sequence[int], minutes: np.ndarray, stop_minutes: float) -> float:
    """Time of a circuit depot -> stops -> depot; ``minutes`` has the depot at index 0.

    Examples
    --------
    >>> m = np.array([[0, 10, 20], [10, 0, 5], [20, 5, 0]], float)
    >>> route_minutes([0, 1], m, 30)
    95.0
    """
    nodes = [0, *[s + 1 for s in route], 0]
    return float(sum(minutes[a, b] for a, b in itertools.pairwise(nodes))
                 + stop_minutes * len(route))


def solve_circuits(
    minutes: np.ndarray,
    prizes: Sequence[float],
    *,
    vehicles: int,
    shift_minutes: float,
    stop_minutes: float,
    first_solution: str = "PATH_CHEAPEST_ARC",
    metaheuristic: str = "GUIDED_LOCAL_SEARCH",
    solution_limit: int = 30,
    branch_limit: int = 5000,
    exact_up_to: int = 0,
) -> Circuits:
    """Prize-collecting circuits from a depot with OR-Tools routing (deterministic search).

    Parameters
    ----------
    minutes : ndarray
        ``(n+1, n+1)`` travel minutes, the depot at index 0 and the stops after it.
    prizes : sequence of float
        Prize of each stop (``n``).
    vehicles : int
        Circuits available (each may stay empty).
    shift_minutes, stop_minutes : float
        Time limit of a circuit (travel + stops) and the time spent at each stop.
    first_solution, metaheuristic : str
        Names of OR-Tools' ``FirstSolutionStrategy`` and ``LocalSearchMetaheuristic``.
    solution_limit, branch_limit : int
        Solutions the search may generate and search branches it may explore (counts, never
        a wall clock: the search stops at whichever comes first).
    exact_up_to : int
        Solve instances of at most this many reachable stops with :func:`exact_circuits`.

    Returns
    -------
    Circuits
        Stops the model could not reach within the shift alone are never visited.
    """
    n = len(prizes)
    if n == 0 or vehicles <= 0:
        return Circuits([], [], 0.0, "empty")
    m = np.asarray(minutes, float)
    service = np.r_[0.0, np.full(n, float(stop_minutes))]
    arc = np.ceil(m * SCALE - 1e-9).astype(np.int64)
    transit = np.ceil((m + service[:, None]) * SCALE - 1e-9).astype(np.int64)
    cap = int(math.floor(float(shift_minutes) * SCALE + 1e-9))
    reachable = [i for i in range(n) if transit[0, i + 1] + transit[i + 1, 0] <= cap]
    if not reachable:
        return Circuits([], [], 0.0, "nothing_reachable")
    if len(reachable) <= min(int(exact_up_to), 12):
        nodes = [0, *[i + 1 for i in reachable]]
        sub = exact_circuits(m[np.ix_(nodes, nodes)], [prizes[i] for i in reachable],
                             vehicles=vehicles, shift_minutes=shift_minutes,
                             stop_minutes=stop_minutes)
        routes = [[reachable[i] for i in r] for r in sub.routes]
        return Circuits(routes, sub.minutes, sub.prize, "optimal")
    p = np.maximum(np.asarray(prizes, float), 0.0)
    top = float(p.max()) if p.max() > 0 else 1.0
    # prizes dominate travel: a stop is worth far more than any circuit's travel time
    weight = float(cap) * max(int(vehicles), 1) * 100.0
    penalty = [int(round(p[i] / top * weight)) + 1 for i in range(n)]

    nodes = [0, *[i + 1 for i in reachable]]
    sub_arc = arc[np.ix_(nodes, nodes)].tolist()
    sub_transit = transit[np.ix_(nodes, nodes)].tolist()
    manager, routing = _model(nodes, sub_arc, sub_transit, cap, penalty, reachable, vehicles)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy,
                                             first_solution)
    params.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic,
                                                metaheuristic)
    params.solution_limit = int(solution_limit)
    ops = params.local_search_operators
    for name in ("use_extended_swap_active", "use_relocate_and_make_active",
                 "use_exchange_and_make_active"):
        setattr(ops, name, pywrapcp.BOOL_TRUE)
    routing.AddSearchMonitor(routing.solver().BranchesLimit(int(branch_limit)))
    solution = routing.SolveWithParameters(params)
    # a second start from the riskiest-first insertion; the better of the two is kept
    seed = greedy_circuits(m[np.ix_(nodes, nodes)], [p[i] for i in reachable],
                           vehicles=int(vehicles), shift_minutes=shift_minutes,
                           stop_minutes=stop_minutes, scale=SCALE)
    if any(seed):
        routing2 = _model(nodes, sub_arc, sub_transit, cap, penalty, reachable, vehicles)
        start = routing2[1].ReadAssignmentFromRoutes([[k for k in r] for r in seed], True)
        if start is not None:
            routing2[1].AddSearchMonitor(
                routing2[1].solver().BranchesLimit(int(branch_limit)))
            other = routing2[1].SolveFromAssignmentWithParameters(start, params)
            if other is not None and (solution is None or
                                      other.ObjectiveValue() < solution.ObjectiveValue()):
                manager, routing, solution = routing2[0], routing2[1], other
    if solution is None:
        return Circuits([], [], 0.0, "no_solution")
    routes: list[list[int]] = []
    for v in range(int(vehicles)):
        idx = routing.Start(v)
        route: list[int] = []
        while not routing.IsEnd(idx):
            node = manager.IndexToNode(idx)
            if node:
                route.append(reachable[node - 1])
            idx = solution.Value(routing.NextVar(idx))
        if route:
            routes.append(route)
    routes.sort(key=lambda r: (-sum(p[i] for i in r), r))
    mins = [route_minutes(r, m, stop_minutes) for r in routes]
    prize = float(sum(p[i] for r in routes for i in r))
    return Circuits(routes, mins, prize, "heuristic")


def _model(nodes: list[int], arc: list, transit: list, cap: int, penalty: list[int],
           reachable: list[int], vehicles: int) -> tuple[Any, Any]:
    """The OR-Tools routing model of one instance (manager, model)."""
    manager = pywrapcp.RoutingIndexManager(len(nodes), int(vehicles), 0)
    routing = pywrapcp.RoutingModel(manager)
    arc_cb = routing.RegisterTransitMatrix(arc)
    time_cb = routing.RegisterTransitMatrix(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(arc_cb)
    routing.AddDimension(time_cb, 0, cap, True, "time")
    for k, i in enumerate(reachable, start=1):
        routing.AddDisjunction([manager.NodeToIndex(k)], penalty[i])
    return manager, routing


def greedy_circuits(minutes: np.ndarray, prizes: Sequence[float], *, vehicles: int,
                    shift_minutes: float, stop_minutes: float, scale: int = SCALE
                    ) -> list[list[int]]:
    """Riskiest stop first, each at its cheapest feasible place in any circuit (node indices
    1..n of ``minutes``, the depot 0). Times in the routing's integer resolution."""
    m = np.ceil(np.asarray(minutes, float) * scale - 1e-9)
    stop = np.ceil(float(stop_minutes) * scale - 1e-9)
    cap = math.floor(float(shift_minutes) * scale + 1e-9)
    routes: list[list[int]] = [[] for _ in range(int(vehicles))]
    used = [0.0] * int(vehicles)
    order = sorted(range(len(prizes)), key=lambda i: (-float(prizes[i]), i))
    for i in order:
        node = i + 1
        best = None
        for v, r in enumerate(routes):
            seq = [0, *r, 0]
            for pos in range(len(seq) - 1):
                a, b = seq[pos], seq[pos + 1]
                extra = m[a, node] + stop + m[node, b] - m[a, b]
                if used[v] + extra <= cap and (best is None or extra < best[0]):
                    best = (extra, v, pos)
        if best is not None:
            extra, v, pos = best
            routes[v].insert(pos, node)
            used[v] += extra
    return routes


def exact_circuits(
    minutes: np.ndarray,
    prizes: Sequence[float],
    *,
    vehicles: int,
    shift_minutes: float,
    stop_minutes: float,
) -> Circuits:
    """Exact best circuits of a small instance (n <= 12): subset DP, then disjoint subsets.

    Held-Karp gives the shortest circuit through every subset of stops; a subset is feasible
    when that circuit (plus the stops' time) fits the shift; the best ``vehicles`` disjoint
    feasible subsets maximise the prize (ties: less time). Independent of OR-Tools.
    """
    n = len(prizes)
    if n > 12:
        raise ValueError("exact_circuits is for small instances (at most 12 stops)")
    m = np.asarray(minutes, float)
    p = np.asarray(prizes, float)
    if n == 0 or vehicles <= 0:
        return Circuits([], [], 0.0, "optimal")
    full = 1 << n
    inf = float("inf")
    dp = np.full((full, n), inf)
    parent = np.full((full, n), -1, dtype=int)
    for i in range(n):
        dp[1 << i, i] = m[0, i + 1]
    for mask in range(1, full):
        for last in range(n):
            cur = dp[mask, last]
            if not (mask >> last) & 1 or cur == inf:
                continue
            for nxt in range(n):
                if (mask >> nxt) & 1:
                    continue
                nm = mask | (1 << nxt)
                val = cur + m[last + 1, nxt + 1]
                if val < dp[nm, nxt] - 1e-12:
                    dp[nm, nxt] = val
                    parent[nm, nxt] = last
    best_time = np.full(full, inf)
    best_last = np.full(full, -1, dtype=int)
    best_time[0] = 0.0
    for mask in range(1, full):
        k = bin(mask).count("1")
        for last in range(n):
            if (mask >> last) & 1 and dp[mask, last] < inf:
                t = dp[mask, last] + m[last + 1, 0] + stop_minutes * k
                if t < best_time[mask] - 1e-12:
                    best_time[mask], best_last[mask] = t, last
    feasible = best_time <= float(shift_minutes) + 1e-9
    prize_of = np.array([sum(p[i] for i in range(n) if (mask >> i) & 1) for mask in range(full)])

    # best[v][mask]: best (prize, -time) using v circuits within the stops of ``mask``
    def better(a: tuple, b: tuple) -> bool:
        return a[0] > b[0] + 1e-12 or (abs(a[0] - b[0]) <= 1e-12 and a[1] < b[1] - 1e-9)

    layer = {0: (0.0, 0.0, ())}
    for _ in range(int(vehicles)):
        nxt_layer = dict(layer)
        for used, (pr, tm, subsets) in layer.items():
            rest = (full - 1) & ~used
            sub = rest
            while sub:
                if feasible[sub]:
                    cand = (pr + prize_of[sub], tm + best_time[sub], (*subsets, sub))
                    key = used | sub
                    old = nxt_layer.get(key)
                    if old is None or better(cand[:2], old[:2]):
                        nxt_layer[key] = cand
                sub = (sub - 1) & rest
        layer = nxt_layer
    best = (0.0, 0.0, ())
    for key in sorted(layer):
        if better(layer[key][:2], best[:2]):
            best = layer[key]
    routes = []
    for sub in best[2]:
        last, mask, order = best_last[sub], sub, []
        while last >= 0:
            order.append(int(last))
            prev = parent[mask, last]
            mask &= ~(1 << last)
            last = prev
        routes.append(order[::-1])
    routes.sort(key=lambda r: (-sum(p[i] for i in r), r))
    return Circuits(routes, [route_minutes(r, m, stop_minutes) for r in routes],
                    float(best[0]), "optimal")


# --------------------------------------------------------------------------------------------
# Stops, owners and the stage's patrol tasks
# --------------------------------------------------------------------------------------------


def village_stops(ctx: StageContext, codes: Sequence[str], *, stop_at: str,
                  prize: str, min_prize: float) -> pd.DataFrame:
    """One stop per village: ``village_code``, ``name``, ``risk_class``, ``prize``, ``x``,
    ``y``, ``terrain`` (river when most of its TPS are hard to reach)."""
    areas = ctx.areas.set_index(ctx.areas["village_code"].astype(str), drop=False)
    codes = [c for c in dict.fromkeys(str(c) for c in codes) if c in areas.index]
    sub = areas.loc[codes]
    pts = sub.geometry.representative_point()
    cx, cy = pts.x.to_numpy(float).copy(), pts.y.to_numpy(float).copy()
    terrain = ["road"] * len(sub)
    if len(ctx.tps) and len(sub):
        t = ctx.tps.assign(_code=ctx.tps["village_code"].astype(str),
                           _x=ctx.tps.geometry.x, _y=ctx.tps.geometry.y,
                           _h=[tr == "river" for tr in travel.terrain_of(ctx.tps)])
        g = t.groupby("_code")[["_x", "_y", "_h"]].mean()
        for k, c in enumerate(codes):
            if c in g.index:
                if stop_at == "tps_centroid":
                    cx[k], cy[k] = g.loc[c, "_x"], g.loc[c, "_y"]
                terrain[k] = "river" if g.loc[c, "_h"] >= 0.5 else "road"
    col = prize if prize in sub else "expected_incidents"
    val = pd.to_numeric(sub[col], errors="coerce").fillna(0.0).to_numpy(float) \
        if col in sub else np.zeros(len(sub))
    return pd.DataFrame({
        "village_code": codes,
        "name": (sub["village_name"].astype(str) if "village_name" in sub
                 else sub["village_code"].astype(str)).to_numpy(),
        "risk_class": (sub["risk_class"].astype(str) if "risk_class" in sub
                       else pd.Series([""] * len(sub))).to_numpy(),
        "prize": np.maximum(val, float(min_prize)), "x": cx, "y": cy, "terrain": terrain})


def target_villages(ctx: StageContext, classes: Sequence[str]) -> list[str]:
    """Village codes of the given risk classes, riskiest first (ties by code)."""
    a = ctx.areas
    if len(a) == 0 or "risk_class" not in a:
        return []
    sel = a[a["risk_class"].astype(str).isin(list(classes))]
    score = pd.to_numeric(sel.get("risk_score", 0.0), errors="coerce")
    order = pd.DataFrame({"c": sel["village_code"].astype(str).to_numpy(),
                          "s": np.nan_to_num(np.asarray(score, float))})
    return order.sort_values(["s", "c"], ascending=[False, True])["c"].tolist()


def split_officers(total: int, weights: Sequence[float], *, minimum: int, maximum: int
                   ) -> list[int]:
    """Officers per team: ``minimum`` each (best weights first while they last), the rest in
    proportion to the weights (largest remainder), at most ``maximum`` each.

    Examples
    --------
    >>> split_officers(10, [3.0, 1.0], minimum=2, maximum=6)
    [6, 4]
    >>> split_officers(3, [1.0, 3.0], minimum=2, maximum=6)
    [0, 3]
    """
    n = len(weights)
    out = [0] * n
    order = sorted(range(n), key=lambda i: (-weights[i], i))
    left = int(total)
    for i in order:
        if left >= minimum:
            out[i] = minimum
            left -= minimum
    active = [i for i in order if out[i] > 0]
    while left > 0 and active:
        room = [i for i in active if out[i] < maximum]
        if not room:
            break
        w = np.array([max(weights[i], 1e-12) for i in room])
        share = w / w.sum() * left
        give = np.minimum(np.floor(share).astype(int), [maximum - out[i] for i in room])
        if give.sum() == 0:
            frac = sorted(range(len(room)), key=lambda k: (-(share[k] - math.floor(share[k])),
                                                           room[k]))
            for k in frac[:left]:
                if out[room[k]] < maximum:
                    out[room[k]] += 1
                    left -= 1
            continue
        for k, i in enumerate(room):
            out[i] += int(give[k])
        left -= int(give.sum())
    return out


def plan_patrols(
    ctx: StageContext,
    *,
    officers: int | None = None,
    village_codes: Sequence[str] | None = None,
    dates: Sequence[dt.date] | None = None,
    prefix: str = "PAT",
) -> TaskSet:
    """Daily patrol circuits of every unit over its target villages.

    Parameters
    ----------
    ctx : StageContext
        Any stage (quiet period patrols, voting-day Polsek mobile teams...).
    officers : int, optional
        Officers for patrols on each day (default ``budget_share`` of the budget). Each
        circuit gets ``team_size`` first (riskiest circuits first); the rest goes in
        proportion to the circuits' prize up to ``max_team_size``.
    village_codes : sequence of str, optional
        The villages to patrol (default: those of the ``classes`` setting).
    dates : sequence of date, optional
        Default: every day of the stage.
    prefix : str
        Task id prefix: ``<prefix>-<unit_id>-<date>-<n>``.

    Returns
    -------
    TaskSet
        ``patrol`` rows (site_kind ``unit``, site_id the unit) with extra columns ``stops``
        (village codes in order) and ``minutes``; circuits as lines; ``info["patrol"]``.
    """
    cfg = settings(ctx)
    dates = list(ctx.dates() if dates is None else dates)
    total = int(math.floor(ctx.budget * float(cfg["budget_share"]) + 1e-9)) \
        if officers is None else max(int(officers), 0)
    codes = target_villages(ctx, cfg["classes"]) if village_codes is None else list(village_codes)
    stops = village_stops(ctx, codes, stop_at=str(cfg["stop_at"]), prize=str(cfg["prize"]),
                          min_prize=float(cfg["min_prize"]))
    info: dict[str, Any] = {"villages": len(stops), "officers_per_day": total,
                            "solver": {"name": "ortools_routing",
                                       "first_solution": cfg["first_solution"],
                                       "metaheuristic": cfg["metaheuristic"],
                                       "solution_limit": int(cfg["solution_limit"]),
                                       "branch_limit": int(cfg["branch_limit"]),
                                       "exact_up_to": int(cfg["exact_up_to"])}}
    if len(stops) == 0 or len(ctx.units) == 0 or not dates or total <= 0:
        return empty_taskset(ctx.crs, patrol={**info, "circuits": 0})
    sxy = stops[["x", "y"]].to_numpy(float)
    owner, _ = travel.nearest_unit(ctx, sxy, kinds=tuple(cfg["unit_kinds"]),
                                   site_terrain=stops["terrain"].tolist())
    stops["owner"] = owner
    unit_ids = ctx.units["unit_id"].astype(str).to_numpy()
    unit_xy = travel.xy(ctx.units)

    rotation = max(int(cfg["rotation_days"]), 1)
    plans: dict[int, list[list[tuple[int, list[int], float]]]] = {}
    visited_share: list[float] = []
    for u in sorted(set(owner.tolist()), key=lambda u: unit_ids[u]):
        mine = np.nonzero(owner == u)[0]
        pts = np.vstack([unit_xy[u], sxy[mine]])
        terr = ["road", *stops["terrain"].iloc[mine].tolist()]
        mat = travel.travel_matrix(ctx, pts, pts, from_terrain=terr, to_terrain=terr).minutes
        np.fill_diagonal(mat, 0.0)
        base = stops["prize"].to_numpy(float)[mine]
        visits = np.zeros(len(mine))
        days: list[list[tuple[int, list[int], float]]] = []
        solved: dict[tuple, Circuits] = {}
        for _ in range(min(rotation, len(dates))):
            prize = base * float(cfg["revisit_factor"]) ** visits
            # prizes scaled all alike (every stop visited as often) have the same circuits
            key = tuple(np.round(prize / prize.max(), 12)) if prize.max() > 0 else ()
            sol = solved.get(key)
            if sol is None:
                sol = solved[key] = solve_circuits(
                    mat, prize, vehicles=int(cfg["teams_per_unit"]),
                    shift_minutes=float(cfg["shift_minutes"]),
                    stop_minutes=float(cfg["stop_minutes"]),
                    first_solution=str(cfg["first_solution"]),
                    metaheuristic=str(cfg["metaheuristic"]),
                    solution_limit=int(cfg["solution_limit"]),
                    branch_limit=int(cfg["branch_limit"]), exact_up_to=int(cfg["exact_up_to"]))
            day = []
            for r, mins in zip(sol.routes, sol.minutes, strict=True):
                day.append((u, [int(mine[i]) for i in r], mins))
                visits[r] += 1
            days.append(day)
        plans[u] = days
        visited_share.append(float(base[visits > 0].sum()))
    prize_all = stops["prize"].to_numpy(float)

    rows, lines = [], []
    legs: dict[tuple, tuple[LineString, float]] = {}
    for d_i, day in enumerate(dates):
        circuits = [c for u in sorted(plans, key=lambda u: unit_ids[u])
                    for c in plans[u][d_i % len(plans[u])]] if plans else []
        weights = [float(prize_all[c[1]].sum()) for c in circuits]
        staff = split_officers(total, weights, minimum=int(cfg["team_size"]),
                               maximum=int(cfg["max_team_size"]))
        counter: dict[int, int] = {}
        for (u, route, mins), n_off in zip(circuits, staff, strict=True):
            if n_off <= 0:
                continue
            counter[u] = counter.get(u, 0) + 1
            tid = f"{prefix}-{unit_ids[u]}-{day.isoformat()}-{counter[u]}"
            names = [f"{stops['name'].iloc[i]} "
                     f"({CLASS_LABEL.get(stops['risk_class'].iloc[i], '-')})" for i in route]
            unit_name = str(ctx.units["name"].iloc[u]) if "name" in ctx.units else unit_ids[u]
            rows.append({
                "task_id": tid, "date": day.isoformat(), "task": "patrol", "post_id": "",
                "personnel": int(n_off), "unit_id": unit_ids[u], "site_kind": "unit",
                "site_id": unit_ids[u], "x": unit_xy[u, 0], "y": unit_xy[u, 1],
                "description": (f"Patroli {unit_name}: {' - '.join(names)} "
                                f"({len(route)} desa, {mins:.0f} menit)"),
                "stops": ";".join(stops["village_code"].iloc[i] for i in route),
                "minutes": round(mins, 1)})
            lines.append({"task_id": tid, "task": "patrol", "date": day.isoformat(),
                          "personnel": int(n_off), "minutes": round(mins, 1),
                          "geometry": _circuit_line(ctx, unit_xy[u], sxy[route],
                                                    stops["terrain"].iloc[route].tolist(), legs)})
    info.update({"circuits": len(rows), "units": len(plans),
                 "prize_total": round(float(prize_all.sum()), 6),
                 "prize_visited_share": round(sum(visited_share) / prize_all.sum(), 4)
                 if prize_all.sum() > 0 else 0.0})
    if not rows:
        return empty_taskset(ctx.crs, patrol=info)
    tasks = pd.DataFrame(rows)
    tasks["lon"], tasks["lat"] = travel.to_lonlat(ctx.crs, tasks[["x", "y"]].to_numpy(float))
    tasks = tasks.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)
    tasks = tasks[[*TASK_COLUMNS, "stops", "minutes"]]
    mv = gpd.GeoDataFrame(pd.DataFrame(lines), geometry="geometry", crs=ctx.crs)
    mv = mv.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)
    return TaskSet(tasks=tasks, movements=mv[[*MOVEMENT_COLUMNS, "geometry"]],
                   info={"patrol": info})


def _circuit_line(ctx: StageContext, depot: np.ndarray, pts: np.ndarray, terrain: list[str],
                  cache: dict) -> LineString:
    """The circuit's line: depot -> stops -> depot, each leg by :func:`travel.travel_path`."""
    seq = [(tuple(depot), "road"), *[(tuple(p), t) for p, t in zip(pts, terrain, strict=True)],
           (tuple(depot), "road")]
    coords: list[tuple[float, float]] = []
    for (a, ta), (b, tb) in itertools.pairwise(seq):
        key = (a, b, ta, tb)
        if key not in cache:
            cache[key] = travel.travel_path(ctx, a, b, a_terrain=ta, b_terrain=tb)
        leg = list(cache[key].line.coords)
        coords.extend(leg if not coords else leg[1:])
    if len(coords) < 2:
        coords = [tuple(depot), (depot[0] + 0.001, depot[1])]
    return LineString(coords)


def circuits_within_shift(tasks: pd.DataFrame, shift_minutes: float) -> bool:
    """True when no patrol task's circuit takes longer than the shift."""
    if tasks.empty or "minutes" not in tasks:
        return True
    return bool((tasks.loc[tasks["task"] == "patrol", "minutes"] <= shift_minutes + 0.05).all())


def patrol_tasks(ctx: StageContext) -> TaskSet:
    """The planner's entry point (quiet period): :func:`plan_patrols` of the target classes."""
    return plan_patrols(ctx)


def random_instance(seed: int, n: int, *, extent_m: float = 20000.0, detour: float = 1.3,
                    speed_kmh: float = 40.0) -> tuple[np.ndarray, np.ndarray]:
    """A random patrol instance (depot + ``n`` stops in a square) for tests and benchmarks:
    travel minutes ``(n+1, n+1)`` and prizes ``(n,)``, from a seeded generator."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0.0, extent_m, size=(n + 1, 2))
    km = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) / 1000.0
    return km * detour / speed_kmh * 60.0, rng.uniform(0.1, 3.0, size=n).round(3)


def compare_with_exact(seeds: Sequence[int], n: int, *, vehicles: int, shift_minutes: float,
                       stop_minutes: float, **search: Any) -> pd.DataFrame:
    """Routing prize against the exact optimum (:func:`exact_circuits`) on random instances.

    Returns one row per seed: ``seed``, ``n``, ``prize``, ``exact``, ``ratio`` (1 when both
    are 0), ``routing_s`` and ``exact_s`` (seconds, informative only).
    """
    import time

    rows = []
    for seed in seeds:
        m, p = random_instance(int(seed), n)
        t0 = time.perf_counter()
        sol = solve_circuits(m, p, vehicles=vehicles, shift_minutes=shift_minutes,
                             stop_minutes=stop_minutes, **search)
        t1 = time.perf_counter()
        ex = exact_circuits(m, p, vehicles=vehicles, shift_minutes=shift_minutes,
                            stop_minutes=stop_minutes)
        t2 = time.perf_counter()
        rows.append({"seed": int(seed), "n": n, "prize": sol.prize, "exact": ex.prize,
                     "ratio": sol.prize / ex.prize if ex.prize > 0 else 1.0,
                     "routing_s": t1 - t0, "exact_s": t2 - t1})
    return pd.DataFrame(rows)
