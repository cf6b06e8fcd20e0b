"""Voting day, Pam TPS: every accepted TPS in exactly one team, sectors of neighbouring TPS.

How the teams are formed
------------------------
1. **Pattern.** The staffing preset gives, per TPS class, a team of ``officers`` police for
   ``per_tps`` TPS (2019 national pattern: 2 per 4 kurang rawan, 4 per 2 rawan, 6 per 2 sangat
   rawan). A TPS of class ``c`` fills ``1 / per_tps[c]`` of a team; a team holds at most one
   team's worth (mixed classes allowed) and its officers follow from what it holds (rounded
   up, at least ``teams.min_officers``).
2. **Stretch.** When the officers for the teams cannot staff the pattern, the classes of
   ``teams.stretch_order`` (kurang rawan first, then rawan; sangat rawan kept) take one more
   TPS per team at a time, up to ``teams.stretch_max_tps_per_team``. If that is still too
   much the teams are staffed below the pattern (officers shared by the largest remainder,
   at least ``min_officers`` each), and as a last resort every class takes more TPS per
   team until one officer per team fits. Each step is reported; ``kebutuhan BKO`` is the
   officers the full pattern needs minus the officers there are for the teams.
3. **Sectors.** Subproblems: each kecamatan, split by recursive bisection of its TPS into
   groups of at most ``teams.cluster_max_tps`` (cut where a whole number of teams fits).
   In each, a capacitated p-median: choose ``p`` bases among the group's TPS and assign
   every TPS to one base (the base's own TPS included) minimising the risk-weighted travel
   minutes base -> TPS, each base holding at most a team's worth, a TPS only assigned to its
   ``teams.candidate_bases`` fastest-reached TPS within ``teams.max_minutes`` (river-only
   TPS travel at river speed, so they are never put beyond the limit). ``p`` starts at the
   group's load rounded up and grows when the limits leave no feasible sector.
4. **Solving.** By default a deterministic local search: bases from the LP relaxation
   (HiGHS) and from the greedy p-median rule, regret assignment within capacity and the
   time limit, moves and swaps of TPS, then every sector and its nearest neighbours re-solved
   two at a time exactly (:func:`best_two_sectors`, a dynamic programme over the load of one
   of the two: loads are simple fractions of a team), then re-centring
   (``scripts/bench_allocate.py`` measures it against exact optima). The weak LP relaxation
   of tight team capacities makes the exact MILP slow (seconds per 20-40 TPS subproblem);
   ``teams.exact_max_tps`` keeps it (HiGHS,
   ``scipy.optimize.milp``, node limit, never a time limit) for regions up to that size.
   Same inputs, same sectors; status and gap reported.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import LinearConstraint, milp
from scipy.spatial import cKDTree

from riskmap.planner.core import StageContext, TaskSet, empty_movements, empty_taskset
from riskmap.planner.travel import (
    nearest_unit,
    terrain_of,
    terrain_settings,
    to_lonlat,
    travel_matrix,
    xy,
)
from riskmap.staffing import CLASSES, largest_remainder, staff_posts, team_pattern

CLASS_LABEL = {"kurang_rawan": "kurang rawan", "rawan": "rawan", "sangat_rawan": "sangat rawan"}
_EPS = 1e-9


# --------------------------------------------------------------------------------------------
# Pattern, need and stretch
# --------------------------------------------------------------------------------------------


def tps_classes(tps: pd.DataFrame) -> np.ndarray:
    """Class of each TPS (unknown or missing: ``kurang_rawan``)."""
    if "risk_class" not in tps or len(tps) == 0:
        return np.full(len(tps), "kurang_rawan", dtype=object)
    cls = tps["risk_class"].astype(str).to_numpy()
    return np.where(np.isin(cls, CLASSES), cls, "kurang_rawan").astype(object)


def tps_weights(tps: pd.DataFrame, demand: Mapping[str, Any]) -> np.ndarray:
    """Risk weight of each TPS, as in the coverage demand: ``max(expected_incidents,
    min_weight) x (1 + voters / tps_voters_scale)``, times ``hard_to_reach_factor`` when the
    TPS is hard to reach."""
    n = len(tps)
    inc = pd.to_numeric(tps.get("expected_incidents", pd.Series(np.zeros(n))), errors="coerce")
    inc = np.maximum(np.nan_to_num(inc.to_numpy(float), nan=0.0), float(demand["min_weight"]))
    voters = pd.to_numeric(tps.get("voters", pd.Series(np.zeros(n))), errors="coerce")
    voters = np.nan_to_num(voters.to_numpy(float), nan=0.0)
    scale = float(demand["tps_voters_scale"])
    factor = 1.0 + voters / scale if scale > 0 else np.ones(n)
    htr = np.array([t == "river" for t in terrain_of(tps)], dtype=bool)
    return inc * factor * np.where(htr, float(demand["hard_to_reach_factor"]), 1.0)


def loads_and_quotas(
    classes: Sequence[str], per_tps: Mapping[str, float], officers: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Share of a team each TPS fills (``1 / per_tps``, at most 1) and its officer quota.

    Examples
    --------
    >>> loads_and_quotas(["kurang_rawan", "rawan"], {"kurang_rawan": 4, "rawan": 2},
    ...                  {"kurang_rawan": 2, "rawan": 4})
    (array([0.25, 0.5 ]), array([0.5, 2. ]))
    """
    load = np.array([min(1.0, 1.0 / float(per_tps[c])) for c in classes], dtype=float)
    quota = np.array([float(officers[c]) / float(per_tps[c]) for c in classes], dtype=float)
    return load, quota


def teams_needed(load: np.ndarray) -> int:
    """Fewest teams that can hold ``load`` (its sum rounded up; 0 for no TPS)."""
    return int(math.ceil(float(np.sum(load)) - 1e-6)) if len(load) else 0


def pattern_officers(
    classes: np.ndarray, groups: Sequence[np.ndarray], per_tps: Mapping[str, float],
    officers: Mapping[str, float], min_officers: int,
) -> tuple[int, int]:
    """Teams and officers a pattern needs on these subproblems (before the solve).

    Each group needs ``teams_needed`` teams and ``max(teams x min_officers, ceil(sum of the
    quotas))`` officers.
    """
    load, quota = loads_and_quotas(classes, per_tps, officers)
    teams = offs = 0
    for g in groups:
        p = teams_needed(load[g])
        teams += p
        offs += max(p * int(min_officers), int(math.ceil(float(quota[g].sum()) - 1e-6)))
    return teams, offs


@dataclass
class Stretch:
    """The pattern used and how it got there."""

    per_tps: dict[str, float]
    officers: dict[str, float]
    load_factor: float
    thinned: bool
    steps: list[dict[str, Any]] = field(default_factory=list)
    teams_estimate: int = 0
    officers_estimate: int = 0


def stretch_pattern(
    classes: np.ndarray,
    groups: Sequence[np.ndarray],
    pattern: Mapping[str, Mapping[str, float]],
    available: int,
    *,
    order: Sequence[str],
    max_per_team: Mapping[str, float],
    min_officers: int,
) -> Stretch:
    """The pattern the officers can staff, stretched in the configured order.

    1. The full pattern when it fits ``available``.
    2. Else, for each class of ``order`` in turn, one more TPS per team at a time (up to
       ``max_per_team``), officers per team unchanged, until it fits.
    3. Else the stretched pattern, staffed below it (``thinned``): teams keep their sectors,
       officers are shared, at least ``min_officers`` each, if that fits.
    4. Else every class's TPS per team grow by the same factor (``load_factor``) until one
       team of ``min_officers`` per sector fits (or every TPS is one sector's worth).
    """
    per = {c: float(pattern[c]["per_tps"]) for c in CLASSES}
    offs = {c: float(pattern[c]["officers"]) for c in CLASSES}
    steps: list[dict[str, Any]] = []
    teams, need = pattern_officers(classes, groups, per, offs, min_officers)
    present = set(classes.tolist())
    for c in order:
        limit = float(max_per_team.get(c, per[c]))
        if c not in present:
            continue
        while need > available and per[c] + 1 <= limit + _EPS:
            per[c] += 1.0
            teams, need = pattern_officers(classes, groups, per, offs, min_officers)
            steps.append({"class": c, "tps_per_team": per[c], "officers_per_team": offs[c],
                          "teams": teams, "officers": need})
    if need <= available:
        return Stretch(per, offs, 1.0, False, steps, teams, need)
    if teams * int(min_officers) <= available:
        steps.append({"class": "all", "thinned": True, "teams": teams, "officers": available})
        return Stretch(per, offs, 1.0, True, steps, teams, need)
    factor = 1.0
    n = len(classes)
    while teams * int(min_officers) > available and teams > len(groups) and factor < n + 1:
        factor *= 1.25
        load, _ = loads_and_quotas(classes, {c: per[c] * factor for c in CLASSES}, offs)
        teams = sum(teams_needed(load[g]) for g in groups)
        steps.append({"class": "all", "load_factor": round(factor, 4), "teams": teams})
    return Stretch(per, offs, factor, True, steps, teams, need)


# --------------------------------------------------------------------------------------------
# Subproblems
# --------------------------------------------------------------------------------------------


def subdistrict_of(tps: pd.DataFrame, areas: pd.DataFrame | None) -> np.ndarray:
    """Kecamatan code of each TPS: from the areas table, else the village code's prefix."""
    codes = tps["village_code"].astype(str) if "village_code" in tps else \
        pd.Series([""] * len(tps))
    if areas is not None and len(areas) and {"village_code", "subdistrict_code"} <= set(areas):
        m = dict(zip(areas["village_code"].astype(str), areas["subdistrict_code"].astype(str),
                     strict=True))
        return np.array([m.get(v, v.rsplit(".", 1)[0]) for v in codes], dtype=object)
    return np.array([v.rsplit(".", 1)[0] for v in codes], dtype=object)


def bisect_groups(
    pts: np.ndarray, ids: Sequence[str], load: np.ndarray, idx: np.ndarray, max_tps: int
) -> list[np.ndarray]:
    """Split ``idx`` by recursive bisection into groups of at most ``max_tps`` points.

    Each cut is across the longer side of the bounding box, in coordinate order (ties by id),
    where the first part holds about half the group's teams' worth of load (so few teams are
    lost to rounding); groups come back in a deterministic order.
    """
    if len(idx) <= max_tps:
        return [idx]
    span = pts[idx].max(axis=0) - pts[idx].min(axis=0)
    axis = int(span[1] > span[0])
    order = idx[np.lexsort((np.asarray(ids, dtype=object)[idx].astype(str), pts[idx, axis]))]
    cum = np.cumsum(load[order])
    half_teams = math.floor(teams_needed(load[order]) / 2)
    cut = int(np.searchsorted(cum, half_teams + 1e-6, side="right")) if half_teams else 0
    if cut <= 0 or cut >= len(order) or abs(cut - len(order) / 2) > len(order) / 4:
        cut = len(order) // 2
    return (bisect_groups(pts, ids, load, order[:cut], max_tps)
            + bisect_groups(pts, ids, load, order[cut:], max_tps))


def subproblems(
    pts: np.ndarray, ids: Sequence[str], subdistrict: Sequence[str], load: np.ndarray,
    max_tps: int,
) -> list[np.ndarray]:
    """Index groups: each kecamatan (sorted by code), split to at most ``max_tps`` TPS."""
    sub = np.asarray(subdistrict, dtype=object).astype(str)
    groups: list[np.ndarray] = []
    for code in sorted(set(sub.tolist())):
        idx = np.nonzero(sub == code)[0]
        idx = idx[np.argsort(np.asarray(ids, dtype=object)[idx].astype(str), kind="stable")]
        groups += bisect_groups(pts, ids, load, idx, int(max_tps))
    return groups


# --------------------------------------------------------------------------------------------
# The capacitated p-median of one subproblem
# --------------------------------------------------------------------------------------------


@dataclass
class SectorSolution:
    """Base (index into the subproblem) of each TPS and how it was found."""

    base: np.ndarray
    p: int
    objective: float
    bound: float
    status: str
    gap: float
    nodes: int


def candidate_bases(minutes: np.ndarray, k: int, max_minutes: float) -> list[np.ndarray]:
    """For each TPS (column), its ``k`` fastest-reached TPS (rows) within the limit and itself."""
    n = minutes.shape[0]
    out = []
    for i in range(n):
        col = minutes[:, i]
        order = np.lexsort((np.arange(n), col))
        ok = [j for j in order[:k] if col[j] <= max_minutes + _EPS]
        out.append(np.array(sorted(set(ok) | {i}), dtype=int))
    return out


def _model(cost, pi, pj, load, p):
    """Constraint matrix, bounds, costs and the base variables of the p-median MILP."""
    n = len(load)
    nv = len(pi)
    self_x = np.full(n, -1, dtype=int)
    self_x[pi[pi == pj]] = np.nonzero(pi == pj)[0]
    bases = np.array(sorted(set(pj.tolist())), dtype=int)
    c = cost[pj, pi].astype(float)
    off = np.nonzero(pi != pj)[0]
    # rows: n assignment | len(off) linking | len(bases) capacity | 1 count
    r_link = n + np.arange(len(off))
    cap_row = {int(j): n + len(off) + k for k, j in enumerate(bases)}
    r_count = n + len(off) + len(bases)
    rows = np.concatenate([
        pi, r_link, r_link,
        np.array([cap_row[int(j)] for j in pj]), np.array([cap_row[int(j)] for j in bases]),
        np.full(len(bases), r_count)])
    cols = np.concatenate([
        np.arange(nv), off, self_x[pj[off]], np.arange(nv), self_x[bases], self_x[bases]])
    capv = load[pi].astype(float)
    capv[pi == pj] = 0.0  # the base's own TPS: its load is added below with the -1
    vals = np.concatenate([
        np.ones(nv), np.ones(len(off)), -np.ones(len(off)), capv,
        load[bases] - 1.0, np.ones(len(bases))])
    lo = np.concatenate([np.ones(n), np.full(len(off), -np.inf), np.full(len(bases), -np.inf),
                         [float(p)]])
    hi = np.concatenate([np.ones(n), np.zeros(len(off)), np.zeros(len(bases)), [float(p)]])
    a = sparse.csr_matrix((vals, (rows, cols)), shape=(r_count + 1, nv))
    return a, lo, hi, c, self_x


def solve_sectors(
    cost: np.ndarray,
    cand: Sequence[np.ndarray],
    load: np.ndarray,
    p: int,
    *,
    max_nodes: int,
    rel_gap: float = 0.0,
) -> SectorSolution | None:
    """Capacitated p-median on one subproblem (exact MILP by HiGHS, node-limited).

    Variables ``x_ij`` (TPS ``i`` in the sector based at TPS ``j``, ``j`` a candidate base of
    ``i``); ``x_jj`` is 1 when ``j`` is a base. Minimise ``sum cost[j, i] x_ij`` subject to:
    every TPS in one sector (``sum_j x_ij = 1``), only at open bases (``x_ij <= x_jj``), at
    most a team's worth per base (``sum_i load_i x_ij <= x_jj``) and ``p`` bases
    (``sum_j x_jj = p``).

    Returns
    -------
    SectorSolution or None
        None when no sector plan exists with ``p`` bases (or none was found in the node limit).
    """
    n = len(load)
    pi = np.concatenate([np.full(len(c), i) for i, c in enumerate(cand)]).astype(int)
    pj = np.concatenate(list(cand)).astype(int)
    a, lo, hi, c, _ = _model(cost, pi, pj, load, p)
    nv = len(c)
    res = milp(c, constraints=LinearConstraint(a, lo, hi), integrality=np.ones(nv),
               bounds=(0, 1), options={"node_limit": int(max_nodes), "presolve": True,
                                       "mip_rel_gap": float(rel_gap), "disp": False})
    if res.x is None:
        return None
    x = res.x > 0.5
    base = np.full(n, -1, dtype=int)
    base[pi[x]] = pj[x]
    if (base < 0).any():  # pragma: no cover - a returned solution assigns every TPS
        return None
    obj = float(np.sum(cost[base, np.arange(n)]))
    bound = getattr(res, "mip_dual_bound", None)
    bound = obj if bound is None or not np.isfinite(bound) else float(bound)
    status = "optimal" if res.status == 0 and rel_gap == 0.0 else "node_limit"
    gap = 0.0 if status == "optimal" else max(0.0, (obj - bound) / max(abs(obj), _EPS))
    nodes = int(getattr(res, "mip_node_count", 0) or 0)
    return SectorSolution(base, int(p), obj, min(bound, obj), status, gap, nodes)


def brute_force_sectors(minutes: np.ndarray, weight: np.ndarray, load: np.ndarray, p: int,
                        limit: float) -> float:
    """The capacitated p-median's optimum by trying every set of ``p`` bases and every
    assignment (the reference the MILP is checked against; tiny instances only, n <= 7):
    ``inf`` when no assignment fits the capacity and ``limit``.

    Examples
    --------
    >>> m = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, 4.0], [9.0, 4.0, 0.0]])
    >>> brute_force_sectors(m, np.ones(3), np.full(3, 0.5), 2, 60.0)
    4.0
    """
    n = len(load)
    best = np.inf
    for bases in itertools.combinations(range(n), p):
        free = [i for i in range(n) if i not in bases]
        for choice in itertools.product(bases, repeat=len(free)):
            used = {j: load[j] for j in bases}
            cost, fits = 0.0, True
            for i, j in zip(free, choice, strict=True):
                used[j] += load[i]
                if used[j] > 1 + 1e-9 or minutes[j, i] > limit + 1e-9:
                    fits = False
                    break
                cost += minutes[j, i] * weight[i]
            if fits:
                best = min(best, cost)
    return float(best)


def lp_bases(cost: np.ndarray, allowed: np.ndarray, load: np.ndarray, p: int
             ) -> tuple[np.ndarray, float] | None:
    """The ``p`` most-open bases of the p-median's LP relaxation (HiGHS; ties to the lower
    index) and the relaxation's value, a lower bound of the sectors' cost with ``p`` bases;
    None when the relaxation has no solution."""
    n = len(load)
    # a TPS can always be its own base (as in candidate_bases), even when its own travel
    # minutes (a connector to the route network) exceed the limit
    cand = [np.union1d(np.nonzero(allowed[:, i])[0], [i]) for i in range(n)]
    pi = np.concatenate([np.full(len(c), i) for i, c in enumerate(cand)]).astype(int)
    pj = np.concatenate(cand).astype(int)
    a, lo, hi, c, self_x = _model(cost, pi, pj, load, p)
    res = milp(c, constraints=LinearConstraint(a, lo, hi), integrality=np.zeros(len(c)),
               bounds=(0, 1), options={"presolve": False, "disp": False})
    if res.x is None:
        return None
    open_ = res.x[self_x]
    return np.sort(np.lexsort((np.arange(n), -np.round(open_, 9)))[:p]), float(res.fun)


def greedy_bases(cost: np.ndarray, allowed: np.ndarray, p: int) -> np.ndarray:
    """``p`` bases by the greedy p-median rule (capacity ignored): each step opens the TPS
    that lowers the total cost most (ties to the lower index). ``allowed[j, i]``: base ``j``
    may serve TPS ``i``; a TPS no open base may serve costs as if served by itself... only
    once opened, so the first bases go where the weight is."""
    n = cost.shape[0]
    big = float(cost[allowed].max() if allowed.any() else 1.0) * 10.0 + 1.0
    c = np.where(allowed, cost, big)
    best = np.full(n, big)
    chosen: list[int] = []
    for _ in range(min(p, n)):
        gain = np.maximum(best[None, :] - c, 0.0).sum(axis=1)
        gain[chosen] = -1.0
        j = int(np.argmax(gain))
        chosen.append(j)
        best = np.minimum(best, c[j])
    return np.array(sorted(chosen), dtype=int)


def regret_assign(
    cost: np.ndarray, allowed: np.ndarray, load: np.ndarray, bases: np.ndarray
) -> np.ndarray | None:
    """Assign every TPS to a base (a base to itself) within capacity, by regret: the TPS
    that would lose most if its best base filled up goes first (ties to the lower index).
    None when a TPS is left with no base that can take it."""
    n = len(load)
    bases = np.asarray(bases, dtype=int)
    base = np.full(n, -1, dtype=int)
    base[bases] = bases
    room = 1.0 - load[bases].astype(float)
    todo = np.nonzero(base < 0)[0]
    c_all = np.where(allowed[np.ix_(bases, todo)], cost[np.ix_(bases, todo)], np.inf)
    while len(todo):
        fits = room[:, None] + 1e-9 >= load[todo][None, :]
        c = np.where(fits, c_all, np.inf)
        if c.shape[0] == 1:
            first, second = c[0], np.full(len(todo), np.inf)
        else:
            part = np.partition(c, 1, axis=0)
            first, second = part[0], part[1]
        if not np.isfinite(first).all():
            return None
        regret = np.where(np.isfinite(second), second - first, np.inf)
        k = int(np.lexsort((todo, -load[todo], -regret))[0])
        r = int(np.argmin(c[:, k]))
        base[todo[k]] = bases[r]
        room[r] -= float(load[todo[k]])
        todo = np.delete(todo, k)
        c_all = np.delete(c_all, k, axis=1)
    return base


def recentre(minutes: np.ndarray, weight: np.ndarray, base: np.ndarray, *,
             max_minutes: float) -> np.ndarray:
    """Move each sector's base to the member that reaches the others at least weighted cost
    (every member within the limit; ties to the lower index)."""
    out = base.copy()
    for j in np.unique(base):
        mem = np.nonzero(base == j)[0]
        sub = minutes[np.ix_(mem, mem)]
        ok = (sub <= max_minutes + _EPS).all(axis=1)
        costs = np.where(ok, sub @ weight[mem], np.inf)
        best = mem[int(np.argmin(costs))] if np.isfinite(costs).any() else j
        out[mem] = best
    return out


def improve_sectors(
    cost: np.ndarray, allowed: np.ndarray, load: np.ndarray, base: np.ndarray,
    *, max_passes: int = 50,
) -> np.ndarray:
    """Local search on an assignment with fixed bases: the best improving move of a TPS to
    another base with room, or swap of two TPS between sectors, until none improves (at
    most ``max_passes`` moves; deterministic, ties to the lower index)."""
    n = len(load)
    base = base.copy()
    is_base = base == np.arange(n)
    bases = np.nonzero(is_base)[0]
    free = np.nonzero(~is_base)[0]
    for _ in range(max_passes):
        used = np.bincount(base, weights=load, minlength=n)
        room = 1.0 - used
        cur = cost[base, np.arange(n)]
        # moves
        c_mv = cost[np.ix_(bases, free)] - cur[free][None, :]
        ok = allowed[np.ix_(bases, free)] & (room[bases][:, None] + 1e-9 >= load[free][None, :])
        ok &= bases[:, None] != base[free][None, :]
        c_mv = np.where(ok, c_mv, np.inf)
        # swaps: i, k free in different sectors
        bi, bk = base[free][:, None], base[free][None, :]
        c_sw = (cost[bk, free[:, None]] + cost[bi, free[None, :]]
                - cur[free][:, None] - cur[free][None, :])
        d = load[free][:, None] - load[free][None, :]
        ok_sw = (bi != bk) & allowed[bk, free[:, None]] & allowed[bi, free[None, :]]
        ok_sw &= (room[bk] + 1e-9 >= d) & (room[bi] + 1e-9 >= -d)
        c_sw = np.where(ok_sw, c_sw, np.inf)
        best_mv = float(c_mv.min()) if c_mv.size else np.inf
        best_sw = float(c_sw.min()) if c_sw.size else np.inf
        if min(best_mv, best_sw) >= -1e-9:
            break
        if best_mv <= best_sw:
            r, c = np.unravel_index(int(np.argmin(c_mv)), c_mv.shape)
            base[free[c]] = bases[r]
        else:
            r, c = np.unravel_index(int(np.argmin(c_sw)), c_sw.shape)
            i, k = free[r], free[c]
            base[i], base[k] = base[k], base[i]
    return base


def load_units(load: np.ndarray, *, max_units: int = 120) -> tuple[np.ndarray, int, bool]:
    """The TPS loads as whole multiples of a common unit, a team's worth in those units, and
    whether the units are exact.

    Loads are ``1 / TPS per team`` of the pattern (``1/4``, ``1/2``, ``1/10``...): their common
    denominator is small and the units are exact. When it is not (loads scaled by the last
    resort's factor, or more than ``max_units`` units per team), each load is rounded up to
    ``1 / max_units`` of a team: a sector that fits in rounded units fits in true loads, so
    plans stay feasible (a few that would just fit are not considered).

    Examples
    --------
    >>> units, cap, exact = load_units(np.array([0.25, 0.5, 0.1]))
    >>> units.tolist(), cap, exact
    ([5, 10, 2], 20, True)
    >>> units, cap, exact = load_units(np.array([0.25 * 1.07, 0.5]))
    >>> units.tolist(), cap, exact
    ([33, 60], 120, False)
    """
    load = np.asarray(load, dtype=float)
    values, back = np.unique(load, return_inverse=True)
    fracs = [Fraction(float(x)).limit_denominator(1000) for x in values]
    if all(abs(float(f) - float(x)) <= 1e-9 for f, x in zip(fracs, values, strict=True)):
        cap = math.lcm(*{f.denominator for f in fracs}) if fracs else 1
        if cap <= max_units:
            units = np.array([f.numerator * (cap // f.denominator) for f in fracs], dtype=int)
            return units[back].reshape(load.shape), int(cap), True
    units = np.ceil(load * max_units - 1e-9).astype(int)
    return np.maximum(units, 0), int(max_units), False


def best_two_sectors(cost: np.ndarray, allowed: np.ndarray, units: np.ndarray, cap: int
                     ) -> tuple[float, np.ndarray] | None:
    """The optimal split of a few TPS into two sectors, exactly.

    Every pair of bases ``(a, b)`` among the TPS is tried at once: a dynamic programme over
    the load (in ``units``) given to ``a`` assigns each other TPS to ``a`` or ``b`` at the
    least total cost ``cost[base, tps]``, each sector at most ``cap`` units (a team's worth)
    and every TPS ``allowed`` to its base. Ties go to the lower pair of bases and the lower
    load. Returns the cost and the base (index) of every TPS; None when no split fits.

    Examples
    --------
    >>> m = np.array([[0.0, 1.0, 5.0, 6.0], [1.0, 0.0, 4.0, 5.0],
    ...               [5.0, 4.0, 0.0, 1.0], [6.0, 5.0, 1.0, 0.0]])
    >>> best_two_sectors(m, m <= 60, np.full(4, 1), 2)
    (2.0, array([0, 0, 2, 2]))
    """
    m = len(units)
    if m < 2:
        return None
    a, b = np.triu_indices(m, 1)
    rows = np.arange(len(a))
    to_a = np.where(allowed[a], cost[a], np.inf)
    to_b = np.where(allowed[b], cost[b], np.inf)
    # a pair's own bases are placed before the programme: they neither move nor cost again
    to_a[rows, a] = to_a[rows, b] = np.inf
    to_b[rows, a] = to_b[rows, b] = 0.0
    f = np.full((len(a), cap + 1), np.inf)
    start = units[a]
    ok = (start <= cap) & (units[b] <= cap)
    f[rows[ok], start[ok]] = cost[a[ok], a[ok]] + cost[b[ok], b[ok]]
    choices = np.zeros((m, len(a), cap + 1), dtype=bool)
    for k in range(m):
        u = int(units[k])
        stay = f + to_b[:, k][:, None]
        if u <= cap:
            move = f[:, :cap + 1 - u] + to_a[:, k][:, None]
            pick = choices[k, :, u:]
            np.less(move, stay[:, u:], out=pick)
            np.copyto(stay[:, u:], move, where=pick)
        f = stay
    total = int(units.sum())
    w = np.arange(cap + 1)
    f[:, (total - w) > cap] = np.inf
    if not np.isfinite(f).any():
        return None
    r, load_a = np.unravel_index(int(np.argmin(f)), f.shape)
    best = float(f[r, load_a])
    base = np.full(m, int(b[r]), dtype=int)
    base[a[r]] = a[r]
    for k in range(m - 1, -1, -1):
        if choices[k, r, load_a]:
            base[k] = a[r]
            load_a -= int(units[k])
    return best, base


def reoptimise_pairs(
    cost: np.ndarray, minutes: np.ndarray, allowed: np.ndarray, load: np.ndarray,
    base: np.ndarray, *, neighbours: int = 2, max_rounds: int = 10,
    done: set[tuple[int, ...]] | None = None,
) -> np.ndarray:
    """Improve sectors by re-solving neighbouring sectors two at a time, exactly.

    Each sector and each of its ``neighbours`` nearest sectors (by travel minutes between their
    bases) are merged and split again in the best way (:func:`best_two_sectors`, loads in the
    units of :func:`load_units`: exact, or rounded up so a split always fits); a better split
    replaces the two. Rounds repeat while one improves (at most ``max_rounds``); a set of TPS
    already split optimally is not solved again (``done``: such sets, shared between calls on
    the same subproblem). Deterministic: pairs in the order of their bases.
    """
    base = base.copy()
    units, cap, _ = load_units(load)
    done = set() if done is None else done
    for _ in range(max_rounds):
        improved = False
        bases = np.unique(base)
        if len(bases) < 2:
            break
        between = minutes[np.ix_(bases, bases)] + minutes[np.ix_(bases, bases)].T
        pairs = set()
        for i in range(len(bases)):
            order = [j for j in np.lexsort((np.arange(len(bases)), between[i])) if j != i]
            pairs |= {tuple(sorted((int(bases[i]), int(bases[j])))) for j in order[:neighbours]}
        for pair in sorted(pairs):
            if base[pair[0]] != pair[0] or base[pair[1]] != pair[1]:
                continue  # one of the two was re-drawn in this round
            mem = np.nonzero((base == pair[0]) | (base == pair[1]))[0]
            key = tuple(mem.tolist())
            if key in done:
                continue
            done.add(key)
            now = float(cost[base[mem], mem].sum())
            split = best_two_sectors(cost[np.ix_(mem, mem)], allowed[np.ix_(mem, mem)],
                                     units[mem], cap)
            if split is not None and split[0] < now - 1e-9 * max(1.0, abs(now)):
                base[mem] = mem[split[1]]
                improved = True
        if not improved:
            break
    return base


def heuristic_sectors(
    minutes: np.ndarray, weight: np.ndarray, load: np.ndarray, p: int, *, max_minutes: float,
    rounds: int = 8, pairs: bool = True, start: np.ndarray | None = None,
) -> tuple[np.ndarray | None, float]:
    """Sectors with ``p`` bases (the default method).

    Two starts: the LP relaxation's most-open bases and the greedy p-median bases (or only the
    given ``start`` plan), each assigned by regret within capacity and the time limit; from
    each, local search (moves and swaps), exact re-optimisation of neighbouring sectors two
    at a time (:func:`reoptimise_pairs`, unless ``pairs`` is False), then alternately
    re-centre each sector's base and improve again while the cost falls (at most ``rounds``
    times); the cheaper plan is kept (ties: the first start). Returns the base of each TPS
    (None: no plan found with ``p``) and the LP bound (NaN when not computed).
    """
    n = len(load)
    cost = minutes * weight[None, :]
    allowed = minutes <= max_minutes + _EPS
    bound = float("nan")
    starts: list[np.ndarray] = []
    if start is not None:
        starts.append(np.asarray(start, dtype=int).copy())
    else:
        lp = lp_bases(cost, allowed, load, p)
        if lp is not None:
            bound = lp[1]
            starts.append(regret_assign(cost, allowed, load, lp[0]))
        starts.append(regret_assign(cost, allowed, load, greedy_bases(cost, allowed, p)))
    best, best_obj = None, np.inf
    done: set[tuple[int, ...]] = set()  # TPS sets already split optimally, for both starts
    for base in starts:
        if base is None:
            continue
        base = _descend(minutes, weight, cost, allowed, load, base, max_minutes=max_minutes,
                        rounds=rounds, pairs=pairs, done=done)
        obj = float(cost[base, np.arange(n)].sum())
        if obj < best_obj - 1e-9 * max(1.0, abs(obj)):
            best, best_obj = base, obj
    return best, bound


def _descend(minutes, weight, cost, allowed, load, base, *, max_minutes, rounds, pairs,
             done=None):
    """Local search from one start: moves and swaps, pairs of sectors re-solved exactly,
    then re-centring while the cost falls."""
    n = len(load)
    base = improve_sectors(cost, allowed, load, base)
    if pairs:
        base = reoptimise_pairs(cost, minutes, allowed, load, base, done=done)
    obj = float(cost[base, np.arange(n)].sum())
    for _ in range(rounds):
        moved = recentre(minutes, weight, base, max_minutes=max_minutes)
        nb = improve_sectors(cost, allowed, load, moved)
        nobj = float(cost[nb, np.arange(n)].sum())
        if nobj >= obj - 1e-9:
            break
        base, obj = nb, nobj
    return base


def sectors_of_group(
    minutes: np.ndarray, weight: np.ndarray, load: np.ndarray, *, k: int, max_minutes: float,
    max_nodes: int, exact: bool,
) -> SectorSolution:
    """Sectors of one subproblem with the fewest bases that admit a plan.

    ``exact``: the capacitated p-median MILP (:func:`solve_sectors`), node-limited; when it
    finds nothing within the limit the heuristic answers. Otherwise (the default):
    :func:`heuristic_sectors`, with its gap to the LP bound; when its construction finds no
    plan with ``p`` bases, a feasibility MILP's first plan (any, not the best) is its start, so
    a team is added only when the MILP finds none either; the gap stays the LP bound's.
    """
    n = len(load)
    cand: list[np.ndarray] | None = None  # the MILP's candidate bases, made when it runs
    cost = minutes * weight[None, :]
    p = max(1, teams_needed(load))
    while p < n:
        if exact:
            cand = cand if cand is not None else candidate_bases(minutes, k, max_minutes)
            sol = solve_sectors(cost, cand, load, p, max_nodes=max_nodes)
            if sol is not None:
                return sol
        base, bound = heuristic_sectors(minutes, weight, load, p, max_minutes=max_minutes)
        if base is None and not exact:
            # any plan with p teams (a feasibility MILP: no objective, the first plan found)
            cand = cand if cand is not None else candidate_bases(minutes, k, max_minutes)
            first = solve_sectors(np.zeros_like(cost), cand, load, p, max_nodes=max_nodes,
                                  rel_gap=1.0)
            if first is not None:
                base, _ = heuristic_sectors(minutes, weight, load, p, max_minutes=max_minutes,
                                            start=first.base)
        if base is not None:
            obj = float(cost[base, np.arange(n)].sum())
            bound = min(bound, obj) if np.isfinite(bound) else float("nan")
            gap = max(0.0, (obj - bound) / max(abs(obj), _EPS)) if np.isfinite(bound) \
                else float("nan")
            return SectorSolution(base, p, obj, bound, "heuristic", gap, 0)
        p += 1
    return SectorSolution(np.arange(n), n, 0.0, 0.0, "optimal", 0.0, 0)


def split_sectors(pts: np.ndarray, ids: Sequence[str], weight: np.ndarray, k: int
                  ) -> np.ndarray:
    """Last resort: ``k`` sectors by recursive bisection of all TPS (counts in proportion to
    the sectors on each side), each based at the TPS nearest its weighted centre."""
    ids = np.asarray(ids, dtype=object).astype(str)
    base = np.zeros(len(pts), dtype=int)

    def rec(idx: np.ndarray, parts: int) -> None:
        if parts <= 1 or len(idx) <= 1:
            w = weight[idx] + _EPS
            c = (pts[idx] * w[:, None]).sum(axis=0) / w.sum()
            d = np.round(np.hypot(*(pts[idx] - c).T), 6)
            base[idx] = idx[np.lexsort((ids[idx], d))[0]]
            return
        span = pts[idx].max(axis=0) - pts[idx].min(axis=0)
        axis = int(span[1] > span[0])
        order = idx[np.lexsort((ids[idx], pts[idx, axis]))]
        left = parts // 2
        cut = min(len(order) - 1, max(1, round(len(order) * left / parts)))
        rec(order[:cut], left)
        rec(order[cut:], parts - left)

    rec(np.arange(len(pts)), max(1, int(k)))
    return base


# --------------------------------------------------------------------------------------------
# The task module
# --------------------------------------------------------------------------------------------


def team_officers(
    quota: np.ndarray, *, available: int, min_officers: int
) -> tuple[np.ndarray, bool]:
    """Officers of each team: its quota rounded up (at least ``min_officers``); when that
    exceeds ``available`` the officers are shared by the largest remainder (at least
    ``min_officers`` each) and the second value is True."""
    q = np.asarray(quota, float)
    if len(q) == 0:
        return np.zeros(0, dtype=int), False
    full = np.maximum(int(min_officers), np.ceil(q - 1e-6)).astype(int)
    if full.sum() <= available:
        return full, False
    if len(q) * int(min_officers) <= available:
        return staff_posts(q, team_size=int(min_officers), available=int(available)).personnel, True
    # not even min_officers each: one officer per team where the budget reaches (largest quota)
    out = largest_remainder(np.ones(len(q)), max(int(available), 0))
    return np.minimum(out, 1).astype(int), True


def _class_counts_text(classes: Sequence[str]) -> str:
    parts = []
    for c in ("sangat_rawan", "rawan", "kurang_rawan"):
        n = sum(1 for x in classes if x == c)
        if n:
            parts.append(f"{n} {CLASS_LABEL[c]}")
    return ", ".join(parts)


def tps_team_tasks(ctx: StageContext, *, available: int) -> TaskSet:
    """The voting-day Pam TPS teams of the stage (one ``tps_team`` task per team and day).

    Parameters
    ----------
    ctx : StageContext
        The stage; ``ctx.allocation`` gives ``staffing`` (the preset), ``teams`` and
        ``demand`` (the risk weight).
    available : int
        Officers there are for the teams.

    Returns
    -------
    TaskSet
        Tasks with the contract columns plus ``tps_ids`` (``;``-separated), ``covered_tps``,
        ``covered_weight``, ``radius_km`` and ``max_minutes``; ``info["teams"]`` (solver,
        sizes) and ``info["bko"]`` (pattern, stretch, kebutuhan BKO, Linmas).
    """
    alloc = ctx.allocation
    tcfg = alloc["teams"]
    tps = ctx.tps.reset_index(drop=True)
    if len(tps) == 0:
        return empty_taskset(ctx.crs, teams={"n_teams": 0}, bko={})
    order = np.argsort(tps["tps_id"].astype(str).to_numpy(), kind="stable")
    tps = tps.iloc[order].reset_index(drop=True)
    ids = tps["tps_id"].astype(str).to_numpy()
    pts = xy(tps)
    classes = tps_classes(tps)
    terrain = terrain_of(tps)
    weight = tps_weights(tps, alloc["demand"])
    wnorm = weight / max(float(weight.mean()), _EPS)
    pattern = team_pattern(alloc["staffing"])
    min_off = int(tcfg["min_officers"])
    base_per = {c: pattern[c]["per_tps"] for c in CLASSES}
    base_off = {c: pattern[c]["officers"] for c in CLASSES}
    load0, quota0 = loads_and_quotas(classes, base_per, base_off)
    groups = subproblems(pts, ids, subdistrict_of(tps, ctx.areas), load0,
                         int(tcfg["cluster_max_tps"]))
    st = stretch_pattern(classes, groups, pattern, int(available),
                         order=tcfg["stretch_order"],
                         max_per_team=tcfg["stretch_max_tps_per_team"], min_officers=min_off)
    load, quota = loads_and_quotas(classes, {c: st.per_tps[c] * st.load_factor for c in CLASSES},
                                   st.officers)
    if st.load_factor != 1.0:
        _, quota = loads_and_quotas(classes, st.per_tps, st.officers)

    max_min = float(tcfg["max_minutes"])
    base = np.full(len(tps), -1, dtype=int)
    to_base = np.zeros(len(tps))
    exact = len(tps) <= int(tcfg["exact_max_tps"])
    sol_info = {"subproblems": len(groups), "optimal": 0, "node_limit": 0, "heuristic": 0,
                "no_bound": 0,
                "max_gap": 0.0,
                "objective": 0.0, "bound": 0.0, "nodes": 0}
    slowness = _slowness(ctx, terrain)
    for g in groups:
        minutes = group_minutes(ctx, pts[g], [terrain[i] for i in g], slowness[g], max_min)
        sol = sectors_of_group(minutes, wnorm[g], load[g], k=int(tcfg["candidate_bases"]),
                               max_minutes=max_min, max_nodes=int(tcfg["max_nodes"]),
                               exact=exact)
        base[g] = g[sol.base]
        to_base[g] = minutes[sol.base, np.arange(len(g))]
        sol_info[sol.status] += 1
        sol_info["objective"] += sol.objective
        if np.isfinite(sol.bound):
            sol_info["max_gap"] = max(sol_info["max_gap"], sol.gap)
            sol_info["bound"] += sol.bound
        else:
            sol_info["no_bound"] += 1
        sol_info["nodes"] += sol.nodes

    relaxed: list[dict[str, Any]] = []
    max_teams = int(available) // min_off
    if 0 < max_teams < len(set(base.tolist())):
        # fewer officers than the sectors the time limit needs: every TPS still gets a team
        base = split_sectors(pts, ids, weight, max_teams)
        to_base = np.zeros(len(pts))
        for j in np.unique(base):
            mem = np.nonzero(base == j)[0]
            to_base[mem] = travel_matrix(ctx, pts[[j]], pts[mem], from_terrain=terrain[j],
                                         to_terrain=[terrain[i] for i in mem]).minutes[0]
        relaxed.append({
            "rule": "max_minutes",
            "description": f"{int(available)} officers cannot staff the sectors the "
                           f"{max_min:g}-minute limit needs: {max_teams} sectors by "
                           "bisection, beyond the limit",
            "keterangan": f"personel hanya cukup untuk {max_teams} tim: sebagian TPS di luar "
                          f"batas waktu tempuh {max_min:g} menit dari basis tim",
        })
    team_bases = np.array(sorted(set(base.tolist()), key=lambda j: ids[j]), dtype=int)
    members = {int(j): np.nonzero(base == j)[0] for j in team_bases}
    q_team = np.array([quota[members[int(j)]].sum() for j in team_bases])
    officers, thinned = team_officers(q_team, available=int(available), min_officers=min_off)
    unit_idx = team_units(ctx, pts[team_bases], [terrain[j] for j in team_bases])
    unit_ids = ctx.units["unit_id"].astype(str).to_numpy() if len(ctx.units) else np.array([])
    lon, lat = to_lonlat(ctx.crs, pts[team_bases])
    rows = []
    for t, j in enumerate(team_bases):
        mem = members[int(j)]
        mem = mem[np.argsort(ids[mem], kind="stable")]
        worst = float(to_base[mem].max())
        dist_km = np.hypot(*(pts[mem] - pts[j]).T) / 1000.0
        if officers[t] < 1:
            continue
        post_id = f"TIM-{t + 1:04d}"
        unit = unit_ids[unit_idx[t]] if len(unit_ids) and unit_idx[t] >= 0 else ""
        for d in ctx.dates():
            rows.append({
                "task_id": f"{post_id}-{d.strftime('%Y%m%d')}", "date": d.isoformat(),
                "task": "tps_team", "post_id": post_id, "personnel": int(officers[t]),
                "unit_id": unit, "site_kind": "tps", "site_id": ids[j],
                "lat": float(lat[t]), "lon": float(lon[t]),
                "description": (f"Tim Pam TPS {post_id}: {len(mem)} TPS "
                                f"({_class_counts_text(classes[mem])}), basis di TPS {ids[j]}; "
                                f"waktu tempuh terjauh {worst:.0f} menit"),
                "tps_ids": ";".join(ids[mem]), "covered_tps": int(len(mem)),
                "covered_weight": round(float(weight[mem].sum()), 4),
                "radius_km": round(float(dist_km.max()), 3),
                "max_minutes": round(worst, 1),
            })
    tasks = pd.DataFrame(rows)
    n_teams = int(tasks["post_id"].nunique()) if len(tasks) else 0
    full_need = int(math.ceil(float(quota0.sum()) - 1e-6))
    linmas = float(sum(pattern[c]["linmas"] / pattern[c]["per_tps"] for c in classes))
    counts = {c: int((classes == c).sum()) for c in CLASSES}
    bko = {
        "pattern": {c: {"officers": base_off[c], "tps_per_team": base_per[c]} for c in CLASSES},
        "tps_by_class": counts,
        "officers_full_pattern": full_need,
        "officers_for_tps_teams": int(available),
        "kebutuhan_bko": int(max(0, full_need - int(available))),
        "linmas": int(math.ceil(linmas - 1e-6)),
        "pattern_used": {c: {"officers": st.officers[c],
                             "tps_per_team": round(st.per_tps[c] * st.load_factor, 4)}
                         for c in CLASSES},
        "stretch_order": list(tcfg["stretch_order"]),
        "stretch_steps": st.steps,
        "thinned": bool(thinned or st.thinned),
        "relaxed": relaxed,
        "officers_assigned": int(officers.sum()),
        "keterangan": (
            f"Pola penuh membutuhkan {full_need} personel untuk {len(tps)} TPS; tersedia "
            f"{int(available)} personel untuk Pam TPS; kebutuhan BKO "
            f"{max(0, full_need - int(available))} personel; Linmas sesuai pola "
            f"{int(math.ceil(linmas - 1e-6))} orang."),
    }
    teams = {
        "n_teams": n_teams,
        "tps_with_team": int(sum(len(m) for t, m in enumerate(members.values())
                                 if officers[t] >= 1)),
        "tps_total": int(len(tps)),
        "max_minutes_limit": max_min,
        "max_minutes": round(float(tasks["max_minutes"].max()), 1) if len(tasks) else 0.0,
        "solver": {"name": "HiGHS (scipy.optimize.milp)", "model": "capacitated p-median",
                   "node_limit": int(tcfg["max_nodes"]),
                   "subproblems": sol_info["subproblems"],
                   "method": "exact MILP per subproblem" if exact else
                             "LP-relaxation and greedy bases, regret assignment, local "
                             "search, neighbouring sectors re-solved two at a time exactly, "
                             "re-centring (gap to the LP bound"
                             + (f"; the exact MILP up to {int(tcfg['exact_max_tps'])} TPS)"
                                if int(tcfg["exact_max_tps"]) > 0 else ")"),
                   "status": "heuristic" if sol_info["heuristic"] else (
                       "optimal" if sol_info["node_limit"] == 0 else "node_limit"),
                   "subproblems_node_limit": sol_info["node_limit"],
                   "subproblems_heuristic": sol_info["heuristic"],
                   "gap": None if sol_info["no_bound"] else round(max(
                       0.0, (sol_info["objective"] - sol_info["bound"])
                       / max(sol_info["objective"], _EPS)), 6),
                   "max_subproblem_gap": round(float(sol_info["max_gap"]), 6),
                   "objective": round(sol_info["objective"], 4),
                   "bound": None if sol_info["no_bound"] else round(sol_info["bound"], 4),
                   "nodes": sol_info["nodes"],
                   "decomposition": f"kecamatan, split to at most {int(tcfg['cluster_max_tps'])}"
                                    " TPS by recursive bisection"},
    }
    return TaskSet(tasks=tasks, movements=empty_movements(ctx.crs), info={"teams": teams,
                                                                          "bko": bko})


def _slowness(ctx: StageContext, terrain: Sequence[str]) -> np.ndarray:
    """Minutes per straight km of each point's terrain (detour / speed x 60)."""
    settings = terrain_settings(ctx)
    per = {t: float(v["detour"]) / float(v["speed_kmh"]) * 60.0 for t, v in settings.items()}
    return np.array([per[t] for t in terrain], dtype=float)


def group_minutes(ctx: StageContext, pts: np.ndarray, terrain: list[str], slowness: np.ndarray,
                  max_minutes: float) -> np.ndarray:
    """Travel minutes between every pair of a subproblem: on the route network when the
    region has one (:func:`riskmap.planner.travel.travel_matrix`), else the terrain estimate
    (straight km x detour / speed of the slower end), vectorised."""
    if ctx.graph is not None:
        return travel_matrix(ctx, pts, pts, from_terrain=terrain, to_terrain=terrain,
                             max_minutes=max_minutes).minutes
    km = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1]) / 1000.0
    return km * np.maximum(slowness[:, None], slowness[None, :])


def team_units(ctx: StageContext, pts: np.ndarray, terrain: list[str]) -> np.ndarray:
    """Index (into ``ctx.units``) of the unit each team comes from: the fastest Polsek (or
    ``pos``; any unit when there is none); -1 without units. Without a route network the
    fastest is the nearest (a base's terrain slows every unit alike)."""
    units = ctx.units
    if len(units) == 0 or len(pts) == 0:
        return np.full(len(pts), -1, dtype=int)
    if ctx.graph is not None:
        return nearest_unit(ctx, pts, kinds=("polsek", "pos"), site_terrain=terrain)[0]
    kind = units["kind"].astype(str).to_numpy()
    sel = np.nonzero(np.isin(kind, ["polsek", "pos"]))[0]
    if len(sel) == 0:
        sel = np.arange(len(units))
    sel = sel[np.argsort(units["unit_id"].astype(str).to_numpy()[sel], kind="stable")]
    _, k = cKDTree(xy(units.iloc[sel])).query(pts)
    return sel[np.asarray(k, dtype=int)]
