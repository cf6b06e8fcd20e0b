"""Venue and TPS coverage: the maximal covering location problem (MCLP) of a stage.

The planner uses it for what-if figures (``budget_curve`` in ``plan.json``: the demand weight
a given number of officers could cover within the radius) and for the covered-weight share.

Choose at most ``p`` posts among the candidate sites (TPS, the stage's active venues, police
units) to maximise the demand weight within the coverage radius (Church and ReVelle 1974). A
hard-to-reach TPS counts as covered only by a post at itself or within the (river) radius.
Solved exactly as a MILP with PuLP's bundled CBC (node limit, fixed seed, one thread,
warm-started from the heuristic: no wall-clock limit, so the answer does not depend on the
machine's load) with a greedy-plus-swap heuristic as the fallback. Coverage sets come from a
k-d tree (sparse), never a dense distance matrix. Coordinates in metres (UTM).
"""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
from scipy import sparse
from scipy.spatial import cKDTree

from riskmap.config import section_settings
from riskmap.reach import xy_of
from riskmap.staffing import (
    ratio_table,
    reserve_officers,
    tps_requirements,
    venue_requirements,
)

SITE_ORDER = {"unit": 0, "venue": 1, "tps": 2, "other": 3}
_EPS = 1e-9

# --------------------------------------------------------------------------------------------
# Demand and candidate sites
# --------------------------------------------------------------------------------------------


def _bool_col(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame or len(frame) == 0:
        return np.zeros(len(frame), dtype=bool)
    return frame[col].fillna(False).astype(bool).to_numpy()


def _num_col(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame:
        return np.zeros(len(frame))
    return np.nan_to_num(pd.to_numeric(frame[col], errors="coerce").to_numpy(float), nan=0.0)


def demand_from_stage(
    tps: gpd.GeoDataFrame,
    venues: gpd.GeoDataFrame,
    *,
    stage: str,
    demand: Mapping[str, Any],
    ratios: Mapping[str, float],
    venue_officers_per_100_crowd: float,
    venue_min_officers: float,
) -> pd.DataFrame:
    """The demand points of a stage with their weight and officer requirement.

    A TPS weighs ``max(expected_incidents, min_weight) * (1 + voters / tps_voters_scale)``,
    times ``hard_to_reach_factor`` when it is hard to reach (help is far), and is demand only
    in the stages listed in ``demand["tps_stages"]`` (voting day); an
    active venue weighs ``max(expected_incidents, min_weight) * (1 + expected_crowd /
    venue_crowd_scale)`` (a scale of 0 switches the factor off).

    Returns
    -------
    DataFrame
        ``kind`` (tps|venue), ``id``, ``x``, ``y``, ``weight``, ``requirement`` (officers by
        the staffing table), ``hard_to_reach``, ``risk_class``; ordered TPS then venues, each
        as given.
    """
    parts = []
    min_w = float(demand["min_weight"])
    if stage in demand["tps_stages"] and len(tps):
        inc = np.maximum(_num_col(tps, "expected_incidents"), min_w)
        scale = float(demand["tps_voters_scale"])
        factor = 1.0 + _num_col(tps, "voters") / scale if scale > 0 else 1.0
        xy = xy_of(tps)
        risk_class = (tps["risk_class"].astype(str).to_numpy() if "risk_class" in tps
                      else np.full(len(tps), "kurang_rawan"))
        htr = _bool_col(tps, "hard_to_reach")
        htr_factor = np.where(htr, float(demand["hard_to_reach_factor"]), 1.0)
        parts.append(pd.DataFrame({
            "kind": "tps", "id": tps["tps_id"].astype(str).to_numpy(), "x": xy[:, 0],
            "y": xy[:, 1], "weight": inc * factor * htr_factor,
            "requirement": tps_requirements(risk_class, ratios=ratios),
            "hard_to_reach": htr, "risk_class": risk_class,
        }))
    if demand["venues"] and len(venues):
        inc = np.maximum(_num_col(venues, "expected_incidents"), min_w)
        crowd = _num_col(venues, "expected_crowd")
        scale = float(demand["venue_crowd_scale"])
        factor = 1.0 + crowd / scale if scale > 0 else 1.0
        xy = xy_of(venues)
        parts.append(pd.DataFrame({
            "kind": "venue", "id": venues["venue_id"].astype(str).to_numpy(), "x": xy[:, 0],
            "y": xy[:, 1], "weight": inc * factor,
            "requirement": venue_requirements(
                crowd, officers_per_100_crowd=venue_officers_per_100_crowd,
                min_officers=venue_min_officers),
            "hard_to_reach": False, "risk_class": "",
        }))
    if not parts:
        return pd.DataFrame({"kind": [], "id": [], "x": [], "y": [], "weight": [],
                             "requirement": [], "hard_to_reach": [], "risk_class": []})
    return pd.concat(parts, ignore_index=True)


def candidate_sites(
    tps: gpd.GeoDataFrame, venues: gpd.GeoDataFrame, units: gpd.GeoDataFrame, *,
    kinds: Sequence[str],
) -> pd.DataFrame:
    """Candidate post sites: ``site_kind``, ``site_id``, ``name``, ``x``, ``y``,
    ``hard_to_reach`` (units first, then venues, then TPS, each in the given order)."""
    parts = []
    if "unit" in kinds and len(units):
        xy = xy_of(units)
        parts.append(pd.DataFrame({
            "site_kind": "unit", "site_id": units["unit_id"].astype(str).to_numpy(),
            "name": units["name"].astype(str).to_numpy() if "name" in units else "",
            "x": xy[:, 0], "y": xy[:, 1], "hard_to_reach": False}))
    if "venue" in kinds and len(venues):
        xy = xy_of(venues)
        parts.append(pd.DataFrame({
            "site_kind": "venue", "site_id": venues["venue_id"].astype(str).to_numpy(),
            "name": venues["name"].astype(str).to_numpy() if "name" in venues else "",
            "x": xy[:, 0], "y": xy[:, 1], "hard_to_reach": False}))
    if "tps" in kinds and len(tps):
        xy = xy_of(tps)
        ids = tps["tps_id"].astype(str).to_numpy()
        if "village_name" in tps:
            names = [f"TPS {i} ({v})" for i, v in zip(ids, tps["village_name"].astype(str),
                                                      strict=True)]
        else:
            names = [f"TPS {i} (desa {v})" for i, v in zip(
                ids, tps["village_code"].astype(str) if "village_code" in tps else [""] * len(ids),
                strict=True)]
        parts.append(pd.DataFrame({
            "site_kind": "tps", "site_id": ids, "name": names, "x": xy[:, 0], "y": xy[:, 1],
            "hard_to_reach": _bool_col(tps, "hard_to_reach")}))
    if not parts:
        return pd.DataFrame({"site_kind": [], "site_id": [], "name": [], "x": [], "y": [],
                             "hard_to_reach": []})
    return pd.concat(parts, ignore_index=True)


def coverage_sets(
    demand_xy: np.ndarray,
    site_xy: np.ndarray,
    *,
    radius_m: float,
    restricted: np.ndarray | None = None,
    restricted_radius_m: float = 0.0,
    own_site: np.ndarray | None = None,
) -> sparse.csr_matrix:
    """Sparse coverage matrix: entry ``(i, j)`` is 1 when site ``j`` covers demand ``i``.

    Built from a k-d tree over the sites (``query_ball_point``), never a dense matrix.

    Parameters
    ----------
    demand_xy, site_xy : ndarray
        ``(n, 2)`` and ``(m, 2)`` coordinates in metres.
    radius_m : float
        Coverage radius of ordinary demand.
    restricted : ndarray of bool, optional
        Demand (hard-to-reach TPS) covered only within ``restricted_radius_m`` or by its own
        site.
    restricted_radius_m : float
        The radius of restricted demand (0: only a post at the point itself).
    own_site : ndarray of int, optional
        For each demand, the index of the site at the demand itself (-1: none); it always
        covers its demand.
    """
    n, m = len(demand_xy), len(site_xy)
    if n == 0 or m == 0:
        return sparse.csr_matrix((n, m), dtype=np.int8)
    restricted = np.zeros(n, dtype=bool) if restricted is None else np.asarray(restricted, bool)
    tree = cKDTree(site_xy)
    radii = np.where(restricted, float(restricted_radius_m), float(radius_m))
    lists = tree.query_ball_point(demand_xy, radii + 1e-6)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for i, js in enumerate(lists):
        js = list(js)
        if own_site is not None and own_site[i] >= 0:
            js.append(int(own_site[i]))
        if js:
            cols.append(np.asarray(js, dtype=np.int64))
            rows.append(np.full(len(js), i, dtype=np.int64))
    if not rows:
        return sparse.csr_matrix((n, m), dtype=np.int8)
    r, c = np.concatenate(rows), np.concatenate(cols)
    mat = sparse.csr_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, m))
    mat.data[:] = 1  # duplicates (own site also within the radius) count once
    return mat


# --------------------------------------------------------------------------------------------
# The maximal covering location problem
# --------------------------------------------------------------------------------------------


@dataclass
class MclpSolution:
    """Chosen sites and how they were found."""

    chosen: np.ndarray
    objective: float
    name: str
    status: str
    gap: float | None
    bound: float | None
    fallback_used: bool
    heuristic_objective: float


def covered_weight(cover: sparse.csr_matrix, weights: np.ndarray, chosen: Sequence[int]) -> float:
    """Total weight of the demand covered by at least one of the ``chosen`` sites."""
    if len(chosen) == 0 or cover.shape[0] == 0:
        return 0.0
    hit = np.asarray(cover[:, np.asarray(chosen, dtype=int)].sum(axis=1)).ravel() > 0
    return float(np.asarray(weights, float)[hit].sum())


def greedy_swap(
    cover: sparse.csr_matrix,
    weights: np.ndarray,
    p: int,
    *,
    forced: Sequence[int] = (),
    max_sweeps: int = 50,
) -> np.ndarray:
    """Greedy construction plus best-improvement 1-swaps for the MCLP (deterministic).

    Greedy adds the site with the largest uncovered weight (ties: lowest index) until ``p``
    sites or no gain; the swap phase then visits the free chosen sites in index order and
    exchanges each for the unchosen site that increases the covered weight most (if any),
    sweeping until a sweep improves nothing. ``forced`` sites always stay.

    Returns
    -------
    ndarray
        Sorted indices of the chosen sites.
    """
    n, m = cover.shape
    w = np.asarray(weights, dtype=float)
    cover = sparse.csr_matrix(cover, dtype=np.float64)
    csc = cover.tocsc()
    at = csc.T.tocsr()  # site x demand
    chosen: list[int] = sorted({int(j) for j in forced})[:max(p, 0)]
    count = np.asarray(cover[:, chosen].sum(axis=1)).ravel() if chosen else np.zeros(n)
    in_set = np.zeros(m, dtype=bool)
    in_set[chosen] = True
    while len(chosen) < p:
        gain = at @ (w * (count == 0))
        gain[in_set] = -1.0
        j = int(np.argmax(gain))
        if gain[j] <= _EPS:
            break
        chosen.append(j)
        in_set[j] = True
        count += at[j].toarray().ravel()
    forced_set = {int(j) for j in forced}
    for _ in range(max_sweeps):
        improved = False
        for j in sorted(chosen):
            if j in forced_set or not in_set[j]:
                continue
            gain = at @ (w * (count == 0))  # weight newly covered by adding k
            col = at[j].toarray().ravel()
            only_j = w * ((count == 1) & (col > 0))
            delta = gain - only_j.sum() + at @ only_j
            delta[in_set] = -np.inf
            k = int(np.argmax(delta))
            if delta[k] > _EPS * max(1.0, float(w.sum())):
                chosen.remove(j)
                chosen.append(k)
                in_set[j], in_set[k] = False, True
                count += at[k].toarray().ravel() - col
                improved = True
        if not improved:
            break
    return np.array(sorted(chosen), dtype=int)


def _reduce(cover: sparse.csr_matrix, weights: np.ndarray, forced: Sequence[int]):
    """Merge demand rows with identical coverage; drop sites that cover nothing or duplicate
    another site's coverage (the lower index is kept, forced sites always).

    Returns the reduced matrix, its row weights, the kept site indices and, for every site,
    the index of the kept column that stands for it (-1: covers nothing).
    """
    cover = sparse.csr_matrix(cover)
    cover.sort_indices()
    keys: dict[bytes, int] = {}
    row_map = np.empty(cover.shape[0], dtype=int)
    for i in range(cover.shape[0]):
        k = cover.indices[cover.indptr[i]:cover.indptr[i + 1]].tobytes()
        row_map[i] = keys.setdefault(k, len(keys))
    w = np.bincount(row_map, weights=weights, minlength=len(keys))
    agg = sparse.csr_matrix(
        (np.ones(len(row_map)), (row_map, np.arange(len(row_map)))), shape=(len(keys), len(row_map))
    )
    red = (agg @ cover).tocsr()
    red.data[:] = 1
    keep_rows = (np.diff(red.indptr) > 0) & (w > 0)
    red, w = red[keep_rows], w[keep_rows]
    csc = red.tocsc()
    csc.sort_indices()
    forced_set = {int(j) for j in forced}
    seen: dict[bytes, int] = {}
    rep = np.full(csc.shape[1], -1, dtype=int)
    order = sorted(range(csc.shape[1]), key=lambda j: (j not in forced_set, j))
    for j in order:
        k = csc.indices[csc.indptr[j]:csc.indptr[j + 1]].tobytes()
        if j in forced_set:
            rep[j] = j
            seen.setdefault(k, j)
        elif k:
            rep[j] = seen.setdefault(k, j)
    cols = np.array(sorted(set(rep[rep >= 0].tolist())), dtype=int)
    pos = {int(j): n for n, j in enumerate(cols)}
    rep_pos = np.array([pos[int(r)] if r >= 0 else -1 for r in rep], dtype=int)
    return red[:, cols].tocsr(), w, cols, rep_pos


def _cbc_log_summary(text: str) -> tuple[str, float | None]:
    """Return (status, best bound as maximisation) from a CBC log."""
    if "Search completed" in text or "Result - Optimal solution found" in text:
        status = "optimal"
    elif "Stopped on node" in text or "Partial search" in text:
        status = "node_limit"
    else:
        status = "unknown"
    bound = None
    m = re.findall(r"best possible (-?[0-9.eE+-]+)", text)
    if m:
        bound = -float(m[-1])
    else:
        m = re.findall(r"Lower bound:\s*(-?[0-9.eE+-]+)", text)
        if m:
            bound = -float(m[-1])
    return status, bound


def solve_mclp(
    cover: sparse.csr_matrix,
    weights: np.ndarray,
    p: int,
    *,
    forced: Sequence[int] = (),
    solver: str = "cbc",
    max_nodes: int | None = 20000,
    threads: int = 1,
    seed: int = 1,
    gap_rel: float = 0.0,
    warm_start: bool = True,
) -> MclpSolution:
    """Choose at most ``p`` sites maximising the covered weight (exact MILP, with fallback).

    The MILP: maximise ``sum_i w_i y_i`` subject to ``y_i <= sum_{j covers i} x_j``,
    ``sum_j x_j <= p``, ``x_j = 1`` for forced sites, ``x`` binary, ``0 <= y <= 1``. Demand
    rows with identical coverage are merged and duplicate sites dropped first (same optimum).
    CBC runs with one thread, a fixed seed, a node limit and the greedy-plus-swap answer as its warm
    start; when CBC fails, or stops at the node limit with a worse answer than the
    heuristic, the heuristic's answer is used (``fallback_used``).

    Parameters
    ----------
    cover : scipy.sparse matrix
        Demand x site coverage (0/1), from :func:`coverage_sets`.
    weights : ndarray
        Demand weights (>= 0).
    p : int
        Largest number of sites.
    forced : sequence of int
        Sites that must be chosen (at most ``p``).
    solver : {"cbc", "greedy_swap"}
        ``greedy_swap`` skips the MILP.
    max_nodes : int or None
        CBC's branch-and-bound node limit (None: solve to optimality). A node limit, unlike
        a time limit, gives the same answer on any machine under any load.
    threads, seed, gap_rel : int, int, float
        CBC options (relative gap 0: prove optimality).
    warm_start : bool
        Start CBC from the heuristic's answer.

    Returns
    -------
    MclpSolution
    """
    w = np.asarray(weights, dtype=float)
    forced = sorted({int(j) for j in forced})
    if len(forced) > p:
        msg = f"{len(forced)} forced sites but only {p} posts"
        raise ValueError(msg)
    heur = greedy_swap(cover, w, p, forced=forced)
    heur_obj = covered_weight(cover, w, heur)
    if p == 0 or cover.shape[0] == 0 or cover.nnz == 0 or not (w > 0).any():
        return MclpSolution(heur, heur_obj, "none", "trivial", 0.0, heur_obj, False, heur_obj)
    if solver == "greedy_swap":
        return MclpSolution(heur, heur_obj, "greedy_swap", "heuristic", None, None, False,
                            heur_obj)
    red, rw, cols, rep = _reduce(cover, w, forced)
    col_pos = {int(j): k for k, j in enumerate(cols)}
    prob = pulp.LpProblem("mclp", pulp.LpMaximize)
    x = [prob.add_variable(f"x{k}", cat="Binary") for k in range(len(cols))]
    y = [prob.add_variable(f"y{i}", lowBound=0, upBound=1) for i in range(red.shape[0])]
    prob += pulp.LpAffineExpression([(y[i], float(rw[i])) for i in range(len(y))])
    for i in range(red.shape[0]):
        row = red.indices[red.indptr[i]:red.indptr[i + 1]]
        prob += pulp.LpAffineExpression(
            [(y[i], 1.0)] + [(x[k], -1.0) for k in row]) <= 0, f"c{i}"
    prob += pulp.lpSum(x) <= p, "p"
    for j in forced:
        prob += x[col_pos[j]] == 1, f"f{j}"
    # warm start from the heuristic, mapped onto the kept sites
    red_heur = sorted({int(rep[j]) for j in heur if rep[j] >= 0})
    red_heur_set = set(red_heur)
    for k in range(len(cols)):
        x[k].setInitialValue(1 if k in red_heur_set else 0)
    hit = np.asarray(red[:, red_heur].sum(axis=1)).ravel() > 0 if red_heur else \
        np.zeros(red.shape[0], bool)
    for i in range(len(y)):
        y[i].setInitialValue(1 if hit[i] else 0)
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "cbc.log"
        with warnings.catch_warnings():  # the bundled CBC is deprecated only from PuLP 4
            warnings.simplefilter("ignore", DeprecationWarning)
            cmd = pulp.PULP_CBC_CMD(
                msg=False, threads=threads, gapRel=gap_rel,
                warmStart=warm_start, logPath=str(log_path), keepFiles=False,
                options=[f"randomSeed {int(seed)}", f"randomCbcSeed {int(seed)}",
                         *([f"maxNodes {int(max_nodes)}"] if max_nodes is not None else [])],
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                prob.solve(cmd)
            log_text = log_path.read_text(encoding="utf-8", errors="replace") \
                if log_path.exists() else ""
            ok = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        except pulp.PulpSolverError:
            log_text, ok = "", False
    status, bound = _cbc_log_summary(log_text)
    if not ok:
        return MclpSolution(heur, heur_obj, "greedy_swap", "cbc_failed", None, bound, True,
                            heur_obj)
    chosen_red = [k for k in range(len(cols)) if (x[k].value() or 0) > 0.5]
    chosen = np.array(sorted(int(j) for j in cols[chosen_red]), dtype=int)
    obj = covered_weight(cover, w, chosen)
    if status == "unknown" and prob.sol_status == pulp.LpSolutionOptimal:
        status = "optimal"
    if status == "optimal":
        bound = obj
    if obj + 1e-7 * max(1.0, abs(obj)) < heur_obj:
        gap = None if bound is None else max(0.0, (bound - heur_obj) / max(bound, _EPS))
        return MclpSolution(heur, heur_obj, "greedy_swap", status, gap, bound, True, heur_obj)
    gap = 0.0 if status == "optimal" else (
        None if bound is None else max(0.0, (bound - obj) / max(bound, _EPS)))
    return MclpSolution(chosen, obj, "cbc", status, gap, bound, False, heur_obj)


# --------------------------------------------------------------------------------------------
# Assignment and the plan
# --------------------------------------------------------------------------------------------


def assign_nearest(
    points_xy: np.ndarray,
    post_xy: np.ndarray,
    *,
    radius_m: float,
    restricted: np.ndarray,
    restricted_radius_m: float,
    own_post: np.ndarray,
) -> np.ndarray:
    """Index of the nearest post that covers each point (-1: none); ties to the lower index."""
    cov = coverage_sets(points_xy, post_xy, radius_m=radius_m, restricted=restricted,
                        restricted_radius_m=restricted_radius_m, own_site=own_post)
    out = np.full(len(points_xy), -1, dtype=int)
    for i in range(cov.shape[0]):
        js = np.sort(cov.indices[cov.indptr[i]:cov.indptr[i + 1]])
        if len(js):
            d = np.hypot(*(post_xy[js] - points_xy[i]).T)
            if own_post[i] >= 0 and own_post[i] in js:
                d[js == own_post[i]] = -1.0
            out[i] = int(js[np.lexsort((js, np.round(d, 6)))[0]])
    return out


def _own_index(ids: Sequence[str], site_keys: Mapping[str, int]) -> np.ndarray:
    return np.array([site_keys.get(str(i), -1) for i in ids], dtype=int)


def _empty_units(crs) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"unit_id": [], "kind": [], "name": []}, geometry=[], crs=crs)


@dataclass
class MclpProblem:
    """The covering problem of one stage, as :func:`plan_stage` solves it."""

    demand: pd.DataFrame
    sites: pd.DataFrame
    cover: sparse.csr_matrix
    weights: np.ndarray
    p: int
    forced: list[int]
    demand_own_site: np.ndarray
    ratios: dict[str, float]
    team_size: int
    reserve: int
    available: int
    relaxed: list[dict[str, Any]]
    forced_order: list[int]


def mclp_problem(
    tps: gpd.GeoDataFrame,
    venues: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    stage: str,
    budget: int,
    allocation: Mapping[str, Any] | None = None,
) -> MclpProblem:
    """Build the stage's maximal covering problem: demand, sites, coverage, ``p``, forced sites.

    ``p = floor((budget - reserve) / team_size)``; sangat rawan TPS (in demand) are forced as
    posts at themselves when ``p`` allows, else the heaviest ``p`` of them and the relaxation
    is recorded. Inputs as in :func:`plan_stage` (reset indexes).
    """
    alloc = section_settings(allocation, "allocation")
    crs = tps.crs if tps.crs is not None else venues.crs
    units = units if units is not None and len(units) else _empty_units(crs)
    tps, venues, units = (f.reset_index(drop=True) for f in (tps, venues, units))
    staffing = alloc["staffing"]
    ratios = ratio_table(staffing)
    team = int(alloc["team_size"])
    radius_m = float(alloc["radius_km"]) * 1000.0
    river_m = float(alloc["river_radius_km"]) * 1000.0

    # budget split
    reserve = reserve_officers(budget, share=float(alloc["reserve_share"]))
    available = budget - reserve
    p_max = available // team if team > 0 else 0

    demand = demand_from_stage(
        tps, venues, stage=stage, demand=alloc["demand"], ratios=ratios,
        venue_officers_per_100_crowd=float(staffing["venue_officers_per_100_crowd"]),
        venue_min_officers=float(staffing["venue_min_officers"]),
    )
    sites = candidate_sites(tps, venues, units, kinds=alloc["candidates"])
    site_keys = {f"{k}:{i}": n for n, (k, i) in enumerate(zip(sites["site_kind"], sites["site_id"],
                                                              strict=True))}
    d_own = _own_index([f"{k}:{i}" for k, i in zip(demand["kind"], demand["id"], strict=True)],
                       site_keys)
    d_xy = demand[["x", "y"]].to_numpy(float)
    s_xy = sites[["x", "y"]].to_numpy(float)
    cover = coverage_sets(d_xy, s_xy, radius_m=radius_m,
                          restricted=demand["hard_to_reach"].to_numpy(bool),
                          restricted_radius_m=river_m, own_site=d_own)
    w = demand["weight"].to_numpy(float)

    # sangat rawan TPS: a post at the TPS itself when the posts allow
    relaxed: list[dict[str, Any]] = []
    sr = demand[(demand["kind"] == "tps") & (demand["risk_class"] == "sangat_rawan")]
    sr = sr[d_own[sr.index] >= 0]
    forced: list[int] = []
    forced_order: list[int] = []
    if alloc["sangat_rawan_own_post"] and len(sr):
        sr_sorted = sr.assign(_w=-sr["weight"]).sort_values(["_w", "id"])
        forced_order = [int(site_keys[f"tps:{i}"]) for i in sr_sorted["id"]]
        take = sr_sorted.iloc[:p_max]
        forced = sorted(int(site_keys[f"tps:{i}"]) for i in take["id"])
        if len(sr) > p_max:
            short = len(sr) - p_max
            relaxed.append({
                "rule": "sangat_rawan_own_post",
                "description": "not every sangat rawan TPS gets its own post: the budget "
                               f"allows {p_max} posts for {len(sr)} sangat rawan TPS",
                "keterangan": f"{short} TPS sangat rawan tanpa pos sendiri (anggaran personel "
                              f"hanya cukup untuk {p_max} pos)",
                "shortfall_posts": int(short),
                "shortfall": int(short * team),
                "tps_without_own_post": sorted(sr_sorted.iloc[p_max:]["id"].tolist()),
            })

    return MclpProblem(demand=demand, sites=sites, cover=cover, weights=w, p=int(p_max),
                       forced=forced, demand_own_site=d_own, ratios=ratios, team_size=team,
                       reserve=int(reserve), available=int(available), relaxed=relaxed,
                       forced_order=forced_order)


def lazy_greedy(
    cover: sparse.csr_matrix, weights: np.ndarray, p: int, *, forced: Sequence[int] = ()
) -> np.ndarray:
    """Greedy maximal covering with lazy gain updates (Minoux): the same choice as plain
    greedy (largest uncovered weight, ties to the lower index) at a fraction of the cost,
    since a site's gain never grows. ``forced`` sites first.

    Returns
    -------
    ndarray
        Sorted indices of the chosen sites.
    """
    import heapq

    w = np.asarray(weights, dtype=float)
    csc = sparse.csc_matrix(cover)
    covered = np.zeros(cover.shape[0], dtype=bool)
    chosen: list[int] = []
    for j in sorted({int(j) for j in forced})[:max(p, 0)]:
        chosen.append(j)
        covered[csc.indices[csc.indptr[j]:csc.indptr[j + 1]]] = True

    def gain(j: int) -> float:
        rows = csc.indices[csc.indptr[j]:csc.indptr[j + 1]]
        return float(w[rows[~covered[rows]]].sum())

    taken = set(chosen)
    heap = [(-gain(j), j) for j in range(csc.shape[1]) if j not in taken]
    heapq.heapify(heap)
    while len(chosen) < p and heap:
        g, j = heapq.heappop(heap)
        fresh = gain(j)
        if fresh + _EPS < -g:
            heapq.heappush(heap, (-fresh, j))
            continue
        if fresh <= _EPS:
            break
        chosen.append(j)
        covered[csc.indices[csc.indptr[j]:csc.indptr[j + 1]]] = True
    return np.array(sorted(chosen), dtype=int)


def budget_curve(
    prob: MclpProblem, *, budgets: Sequence[int], reserve_share: float,
) -> list[dict[str, Any]]:
    """Covered weight share a maximal-covering plan would reach with other budgets (what-if).

    Each budget keeps the same reserve share, team size and sangat rawan rule; sites come from
    lazy greedy (deterministic, within a few per cent of the optimum on these problems and
    fast at 20,000 TPS).

    Returns
    -------
    list of dict
        ``personnel``, ``posts``, ``covered_weight_share`` per budget, in the order given.
    """
    total = float(prob.weights.sum())
    out = []
    for b in budgets:
        b = int(b)
        reserve = reserve_officers(b, share=reserve_share)
        p = (b - reserve) // prob.team_size
        chosen = lazy_greedy(prob.cover, prob.weights, p, forced=prob.forced_order[:p])
        share = covered_weight(prob.cover, prob.weights, chosen) / total if total > 0 else 0.0
        out.append({"personnel": b, "posts": int(p), "covered_weight_share": round(share, 4)})
    return out


def _minutes_summary(minutes: pd.Series) -> dict[str, float | None]:
    """Median and maximum travel minutes (None when nothing is known)."""
    m = pd.to_numeric(minutes, errors="coerce").dropna()
    if m.empty:
        return {"median": None, "max": None}
    return {"median": round(float(m.median()), 1), "max": round(float(m.max()), 1)}


def check_inputs(
    tps: gpd.GeoDataFrame, venues: gpd.GeoDataFrame, units: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame | None = None,
) -> None:
    """Raise ``ValueError`` listing every problem of the inputs of :func:`plan_stage`.

    Each non-empty table needs its id column (and units their ``kind`` and ``name``), point
    geometries, and one shared projected CRS (metres): distances in degrees would be wrong.
    """
    problems: list[str] = []
    frames = {"tps": (tps, ["tps_id"]), "venues": (venues, ["venue_id"]),
              "units": (units, ["unit_id", "kind", "name"])}
    if routes is not None:
        frames["routes"] = (routes, [])
    crs_seen: dict[str, Any] = {}
    for name, (frame, cols) in frames.items():
        if frame is None or len(frame) == 0:
            continue
        missing = [c for c in cols if c not in frame]
        if missing:
            problems.append(f"{name}: missing column(s) {', '.join(missing)}")
        if frame.crs is None:
            problems.append(f"{name}: no CRS (expected the region's UTM zone, in metres)")
        elif not frame.crs.is_projected:
            problems.append(f"{name}: CRS {frame.crs.to_string()} is geographic; project it to "
                            "the region's UTM zone (metres) first")
        else:
            crs_seen[name] = frame.crs
        if name != "routes" and not frame.geometry.geom_type.eq("Point").all():
            problems.append(f"{name}: every geometry must be a point")
    if len({c.to_string() for c in crs_seen.values()}) > 1:
        problems.append("CRS mismatch: " + ", ".join(f"{k} {v.to_string()}"
                                                     for k, v in crs_seen.items()))
    if problems:
        msg = "plan_stage inputs:\n  - " + "\n  - ".join(problems)
        raise ValueError(msg)


def _by_id(frame: gpd.GeoDataFrame, col: str) -> gpd.GeoDataFrame:
    if len(frame) == 0 or col not in frame:
        return frame.reset_index(drop=True)
    order = np.argsort(frame[col].astype(str).to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True)
