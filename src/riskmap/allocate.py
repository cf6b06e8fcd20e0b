"""The posting plan: where to put how many officers in one stage of the election.

Two phases (see :func:`plan_stage`):

1. **Sites.** A maximal covering location problem (Church and ReVelle 1974): choose at most
   ``p`` posts among the candidate sites (TPS, the stage's active venues, police units) to
   maximise the demand weight within the coverage radius. ``p`` follows from the budget:
   ``floor((budget - reserve) / team_size)``. A hard-to-reach TPS counts as covered only by a
   post at itself or within the (river) radius set for it. Sangat rawan TPS get a post at the
   TPS itself when ``p`` allows. Solved exactly as a MILP with PuLP's bundled CBC (time
   limit, fixed seed, one thread, warm-started from the heuristic) with a greedy-plus-swap
   heuristic as the fallback. Coverage sets come from a k-d tree (sparse), never a dense
   distance matrix.
2. **Officers.** Each covered TPS or venue is assigned to its nearest chosen post; a post's
   officers follow the staffing ratio table for what it covers (at least one team), rounded by
   the largest-remainder method, scaled down to the budget when needed (the relaxed rule and
   the shortfall are reported). The reserve (a share of the budget plus any surplus) stays at
   the Polres as a post of ``site_kind`` ``unit``.

All coordinates in metres in the region's UTM zone; outputs in WGS84.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
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
from riskmap.reach import graph_from_routes, reach_table, targets_from, xy_of
from riskmap.roster import roster_from_posts
from riskmap.staffing import (
    ratio_table,
    reserve_officers,
    staff_posts,
    tps_requirements,
    venue_requirements,
)

POST_COLUMNS = [
    "post_id", "lat", "lon", "personnel", "site_kind", "site_id", "covered_tps",
    "covered_weight", "radius_km",
]
POST_EXTRA = [
    "name", "role", "reserve_personnel", "covered_tps_ids", "covered_venue_ids",
    "required_personnel", "nearest_polsek", "polsek_minutes", "terrain",
]
SITE_ORDER = {"unit": 0, "venue": 1, "tps": 2, "other": 3}
_EPS = 1e-9


@dataclass
class PlanResult:
    """The posting plan of one stage (see :func:`plan_stage`)."""

    posts: pd.DataFrame
    tps_post: pd.Series
    reach: pd.DataFrame
    roster: pd.DataFrame
    plan_info: dict[str, Any]


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
    time_limit_s: float | None = None,
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
    start = time.monotonic()
    for _ in range(max_sweeps):
        improved = False
        for j in sorted(chosen):
            if time_limit_s is not None and time.monotonic() - start > time_limit_s:
                break
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
    elif "Stopped on time" in text or "Partial search" in text:
        status = "time_limit"
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
    time_limit_s: float | None = 8.0,
    threads: int = 1,
    seed: int = 1,
    gap_rel: float = 0.0,
    warm_start: bool = True,
) -> MclpSolution:
    """Choose at most ``p`` sites maximising the covered weight (exact MILP, with fallback).

    The MILP: maximise ``sum_i w_i y_i`` subject to ``y_i <= sum_{j covers i} x_j``,
    ``sum_j x_j <= p``, ``x_j = 1`` for forced sites, ``x`` binary, ``0 <= y <= 1``. Demand
    rows with identical coverage are merged and duplicate sites dropped first (same optimum).
    CBC runs with one thread, a fixed seed and the greedy-plus-swap answer as its warm
    start; when CBC fails, or stops at the time limit with a worse answer than the
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
    time_limit_s : float or None
        CBC's time limit in seconds (None: solve to optimality).
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
                msg=False, timeLimit=time_limit_s, threads=threads, gapRel=gap_rel,
                warmStart=warm_start, logPath=str(log_path), keepFiles=False,
                options=[f"randomSeed {int(seed)}", f"randomCbcSeed {int(seed)}"],
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


def _to_lonlat(xy: np.ndarray, crs) -> tuple[np.ndarray, np.ndarray]:
    if len(xy) == 0:
        return np.zeros(0), np.zeros(0)
    pts = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs).to_crs("EPSG:4326")
    return np.round(pts.y.to_numpy(), 6), np.round(pts.x.to_numpy(), 6)


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


def budget_curve(
    prob: MclpProblem, *, budgets: Sequence[int], reserve_share: float, max_sweeps: int = 3,
) -> list[dict[str, Any]]:
    """Covered weight share the same stage would reach with other budgets (what-if).

    Each budget keeps the same reserve share, team size and sangat rawan rule; sites come from
    greedy+swap with at most ``max_sweeps`` swap sweeps (fast and deterministic; the exact
    plan of the actual budget is in ``plan.json``).

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
        chosen = greedy_swap(prob.cover, prob.weights, p, forced=prob.forced_order[:p],
                             max_sweeps=max_sweeps)
        share = covered_weight(prob.cover, prob.weights, chosen) / total if total > 0 else 0.0
        out.append({"personnel": b, "posts": int(p), "covered_weight_share": round(share, 4)})
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
) -> PlanResult:
    """Make the posting plan of one stage: posts, officers, reach and the briefing roster.

    Parameters
    ----------
    tps : GeoDataFrame
        UTM points: ``tps_id``, ``village_code``, ``voters``, ``hard_to_reach``, ``special``,
        ``risk_score``, ``risk_class``, ``expected_incidents`` (``village_name`` optional).
    venues : GeoDataFrame
        UTM points of the venues active in the stage: ``venue_id``, ``kind``, ``name``,
        ``expected_crowd``, ``expected_incidents``.
    units : GeoDataFrame
        UTM points: ``unit_id``, ``kind`` (polres|polsek|pos), ``name``, ``personnel``.
    stage : str
        The stage (TPS are demand in ``allocation.demand.tps_stages``).
    budget : int
        Officers available for the stage; the plan never assigns more.
    allocation, reach : mapping, optional
        The merged ``allocation`` and ``reach`` config sections (missing keys: defaults).
    routes : GeoDataFrame, optional
        UTM lines with ``kind`` (road|river|trail) and optional ``speed_kmh``.

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
    # ties are broken by id: the plan does not depend on the order of the input rows
    tps, venues, units = _by_id(tps, "tps_id"), _by_id(venues, "venue_id"), _by_id(units, "unit_id")
    prob = mclp_problem(tps, venues, units, stage=stage, budget=budget, allocation=alloc)
    staffing = alloc["staffing"]
    ratios, team, reserve, available = prob.ratios, prob.team_size, prob.reserve, prob.available
    p_max, demand, sites, cover, w = prob.p, prob.demand, prob.sites, prob.cover, prob.weights
    forced, d_own = prob.forced, prob.demand_own_site
    d_xy = demand[["x", "y"]].to_numpy(float)
    s_xy = sites[["x", "y"]].to_numpy(float)
    radius_m = float(alloc["radius_km"]) * 1000.0
    river_m = float(alloc["river_radius_km"]) * 1000.0
    relaxed: list[dict[str, Any]] = list(prob.relaxed)

    sol_cfg = alloc["solver"]
    sol = solve_mclp(
        cover, w, int(p_max), forced=forced, solver=sol_cfg["name"],
        time_limit_s=sol_cfg["time_limit_s"], threads=int(sol_cfg["threads"]),
        seed=int(sol_cfg["seed"]), gap_rel=float(sol_cfg["gap_rel"]),
    )
    chosen = [int(j) for j in sol.chosen]

    # assignment of demand to the nearest chosen post; posts that gain nothing are dropped
    chosen, d_assign = _assign_and_prune(chosen, forced, d_xy, s_xy, demand, d_own, radius_m,
                                         river_m)
    posts_sites = sites.iloc[chosen].reset_index(drop=True)
    p_xy = s_xy[chosen] if chosen else np.zeros((0, 2))
    req = np.zeros(len(chosen))
    wsum = np.zeros(len(chosen))
    for i, a in enumerate(d_assign):
        if a >= 0:
            req[a] += demand["requirement"].iat[i]
            wsum[a] += w[i]
    staff = staff_posts(req, team_size=team, available=available)
    relaxed += staff.relaxed

    # TPS -> post for every TPS (the geometric rule, whether or not TPS are demand)
    post_key = {f"{k}:{i}": n for n, (k, i) in enumerate(
        zip(posts_sites["site_kind"], posts_sites["site_id"], strict=True))}
    t_ids = tps["tps_id"].astype(str).to_numpy() if len(tps) else np.array([], dtype=str)
    t_xy = xy_of(tps)
    t_assign = assign_nearest(
        t_xy, p_xy, radius_m=radius_m, restricted=_bool_col(tps, "hard_to_reach"),
        restricted_radius_m=river_m, own_post=_own_index([f"tps:{i}" for i in t_ids], post_key),
    ) if len(chosen) else np.full(len(tps), -1)
    v_ids = venues["venue_id"].astype(str).to_numpy() if len(venues) else np.array([], dtype=str)
    v_assign = assign_nearest(
        xy_of(venues), p_xy, radius_m=radius_m, restricted=np.zeros(len(venues), bool),
        restricted_radius_m=river_m,
        own_post=_own_index([f"venue:{i}" for i in v_ids], post_key),
    ) if len(chosen) and len(venues) else np.full(len(venues), -1)

    # order the posts: most covered weight first, then site kind and id
    order = sorted(range(len(chosen)), key=lambda k: (-round(wsum[k], 9),
                                                      SITE_ORDER[posts_sites["site_kind"].iat[k]],
                                                      posts_sites["site_id"].iat[k]))
    rank = {k: r for r, k in enumerate(order)}
    n_cover_posts = len(chosen)
    post_ids = [f"P{r + 1:03d}" for r in range(n_cover_posts)]
    rows = []
    for k in order:
        tps_here = sorted(t_ids[t_assign == k].tolist())
        venues_here = sorted(v_ids[v_assign == k].tolist())
        site = posts_sites.iloc[k]
        rows.append({
            "post_id": post_ids[rank[k]], "x": p_xy[k, 0], "y": p_xy[k, 1],
            "personnel": int(staff.personnel[k]), "site_kind": site["site_kind"],
            "site_id": site["site_id"], "covered_tps": len(tps_here),
            "covered_weight": round(float(wsum[k]), 4), "radius_km": float(alloc["radius_km"]),
            "name": site["name"], "role": "cover", "reserve_personnel": 0,
            "covered_tps_ids": ";".join(tps_here),
            "covered_venue_ids": ";".join(venues_here),
            "required_personnel": round(float(max(team, req[k])), 2),
            "terrain": "river" if bool(site["hard_to_reach"]) else "road",
        })
    assigned_posts = int(staff.personnel.sum()) if n_cover_posts else 0
    surplus = available - assigned_posts
    reserve_total = reserve + surplus
    reserve_info: dict[str, Any] = {
        "share": float(alloc["reserve_share"]), "officers_by_share": int(reserve),
        "surplus_added": int(surplus), "officers": int(reserve_total), "post_id": "",
        "site_kind": "", "site_id": "",
        "purpose": "escalation (Sispamkota): Polsek mediation first, then Polres "
                   "reinforcement and the Dalmas platoon",
        "tahapan_eskalasi": [
            "1. Polsek terdekat: negosiasi dan mediasi di lokasi",
            "2. Penebalan personel cadangan dari Polres",
            "3. Pleton Dalmas (pengendalian massa) bila massa tidak terkendali",
        ],
    }
    if reserve_total > 0:
        rsite = _reserve_site(units, tps, venues, crs)
        same = [r for r in rows if (r["site_kind"], r["site_id"])
                == (rsite["site_kind"], rsite["site_id"])]
        if same and rsite["site_kind"] == "unit":
            row = same[0]
            row["personnel"] += int(reserve_total)
            row["reserve_personnel"] = int(reserve_total)
            row["role"] = "cover+reserve"
            rid = row["post_id"]
        else:
            rid = f"P{n_cover_posts + 1:03d}"
            rows.append({
                "post_id": rid, "x": rsite["x"], "y": rsite["y"],
                "personnel": int(reserve_total), "site_kind": rsite["site_kind"],
                "site_id": rsite["site_id"], "covered_tps": 0, "covered_weight": 0.0,
                "radius_km": float(alloc["radius_km"]), "name": rsite["name"],
                "role": "reserve", "reserve_personnel": int(reserve_total),
                "covered_tps_ids": "", "covered_venue_ids": "", "required_personnel": 0.0,
                "terrain": "road",
            })
        reserve_info.update(post_id=rid, site_kind=rsite["site_kind"], site_id=rsite["site_id"])
    posts = pd.DataFrame(rows, columns=["post_id", "x", "y", "personnel", "site_kind", "site_id",
                                        "covered_tps", "covered_weight", "radius_km", "name",
                                        "role", "reserve_personnel", "covered_tps_ids",
                                        "covered_venue_ids", "required_personnel", "terrain"])

    # reach of every TPS and venue, and of the posts (for the roster)
    graph = None
    if routes is not None and len(routes):
        graph = graph_from_routes(routes, speeds_kmh=rset["route_speeds_kmh"],
                                  snap_m=float(rset["snap_m"]))
    targets, terrain = targets_from(tps_in, venues_in)
    reach_df = reach_table(
        targets, units, terrain=terrain, terrain_settings=rset["terrain"],
        max_minutes=float(rset["max_minutes"]), graph=graph,
        connector_speed_kmh=float(rset["connector_speed_kmh"]),
    )
    post_targets = gpd.GeoDataFrame(
        {"target_kind": "post", "target_id": posts["post_id"]},
        geometry=gpd.points_from_xy(posts["x"], posts["y"]), crs=crs)
    post_reach = reach_table(
        post_targets, units, terrain=posts["terrain"].tolist(), terrain_settings=rset["terrain"],
        max_minutes=float(rset["max_minutes"]), graph=graph,
        connector_speed_kmh=float(rset["connector_speed_kmh"]),
    )
    lat, lon = _to_lonlat(posts[["x", "y"]].to_numpy(float), crs)
    posts["lat"], posts["lon"] = lat, lon
    posts["nearest_polsek"] = post_reach["nearest_polsek_name"].to_numpy()
    posts["polsek_minutes"] = post_reach["polsek_minutes"].to_numpy()
    posts = posts[POST_COLUMNS + POST_EXTRA].sort_values("post_id").reset_index(drop=True)
    posts["personnel"] = posts["personnel"].astype(int)
    posts["reserve_personnel"] = posts["reserve_personnel"].astype(int)
    posts["covered_tps"] = posts["covered_tps"].astype(int)

    tps_post = pd.Series(
        [post_ids[rank[a]] if a >= 0 else "" for a in t_assign],
        index=pd.Index(t_ids, name="tps_id"), name="post_id", dtype=object,
    ).reindex(tps_in["tps_id"].astype(str).to_numpy() if len(tps_in) else [])

    venue_names = dict(zip(v_ids, venues["name"].astype(str), strict=True)) \
        if len(venues) and "name" in venues else {}
    roster = roster_from_posts(posts, post_reach, venue_names=venue_names)

    total_w = float(w.sum())
    covered_w = float(sum(w[i] for i, a in enumerate(d_assign) if a >= 0))
    n_demand_tps = int((demand["kind"] == "tps").sum())
    required_all = float(np.maximum(0, demand["requirement"].to_numpy(float)).sum())
    uncovered_tps = int(((demand["kind"] == "tps") & (np.asarray(d_assign) < 0)).sum())
    if uncovered_tps:
        relaxed.append({
            "rule": "coverage",
            "description": f"{uncovered_tps} of {n_demand_tps} demand TPS are outside every "
                           "post's radius",
            "keterangan": f"{uncovered_tps} dari {n_demand_tps} TPS tidak tercakup pos mana pun",
            "uncovered_tps": uncovered_tps,
            "shortfall": int(max(0, math.ceil(required_all - 1e-9) - available)),
        })
    personnel_assigned = int(posts["personnel"].sum())
    if personnel_assigned > budget:  # pragma: no cover - guarded by construction
        msg = f"plan assigns {personnel_assigned} officers over the budget {budget}"
        raise AssertionError(msg)
    scale_t = float(alloc["demand"]["tps_voters_scale"])
    scale_v = float(alloc["demand"]["venue_crowd_scale"])
    htr_f = float(alloc["demand"]["hard_to_reach_factor"])
    plan_info = {
        "personnel_budget": budget,
        "personnel_assigned": personnel_assigned,
        "n_posts": int(len(posts)),
        "n_cover_posts": int(n_cover_posts),
        "demand_weight": {
            "tps": (f"max(expected_incidents, {alloc['demand']['min_weight']})"
                    + (f" x (1 + voters/{scale_t:g})" if scale_t > 0 else "")
                    + (f" x {htr_f:g} if hard to reach" if htr_f != 1.0 else "")
                    + f" (TPS are demand in stages: {', '.join(alloc['demand']['tps_stages'])})"),
            "venue": (f"max(expected_incidents, {alloc['demand']['min_weight']})"
                      + (f" x (1 + expected_crowd/{scale_v:g})" if scale_v > 0 else "")
                      + (" (active venues)" if alloc["demand"]["venues"] else " (not demand)")),
            "tps_in_demand": stage in alloc["demand"]["tps_stages"],
            "n_demand_tps": n_demand_tps,
            "n_demand_venues": int((demand["kind"] == "venue").sum()),
            "total_weight": round(total_w, 4),
        },
        "covered_weight": round(covered_w, 4),
        "covered_weight_share": round(covered_w / total_w, 4) if total_w > 0 else 0.0,
        "coverage": {
            "radius_km": float(alloc["radius_km"]),
            "river_radius_km": float(alloc["river_radius_km"]),
            "hard_to_reach_rule": "a hard-to-reach TPS is covered only by a post at itself or "
                                  "within river_radius_km",
            "candidates": list(alloc["candidates"]),
            "n_candidates": int(len(sites)),
            "posts_max": int(p_max),
            "team_size": team,
            "tps_covered": int((t_assign >= 0).sum()),
            "tps_total": int(len(tps)),
        },
        "solver": {
            "name": {"cbc": "PuLP CBC", "greedy_swap": "greedy+swap"}.get(sol.name, sol.name),
            "status": sol.status,
            "gap": None if sol.gap is None else round(float(sol.gap), 6),
            "objective": round(sol.objective, 4),
            "bound": None if sol.bound is None else round(float(sol.bound), 4),
            "heuristic_objective": round(sol.heuristic_objective, 4),
            "time_limit_s": sol_cfg["time_limit_s"],
            "seed": int(sol_cfg["seed"]),
            "fallback_used": bool(sol.fallback_used),
        },
        "staffing": {
            "preset": staffing["preset"],
            "officers_per_tps": {k: round(v, 4) for k, v in ratios.items()},
            "venue_officers_per_100_crowd": float(staffing["venue_officers_per_100_crowd"]),
            "venue_min_officers": float(staffing["venue_min_officers"]),
            "rounding": "largest remainder; at least one team per post",
            "required_by_posts": int(staff.required_int),
            "required_all_demand": round(required_all, 2),
            "available_for_posts": int(available),
            "assigned_to_posts": int(assigned_posts),
            "sangat_rawan_own_posts": len(forced),
            "relaxed": relaxed,
            "shortfall": int(sum(r.get("shortfall", 0) for r in relaxed if r["rule"] == "ratio")),
        },
        "reserve": reserve_info,
        "budget_curve": {
            "method": "greedy+swap, what-if: same reserve share, team and rules",
            "keterangan": "perkiraan cakupan bobot kerawanan bila jumlah personel berbeda",
            "points": budget_curve(
                prob, budgets=sorted({max(0, int(round(budget * f)))
                                      for f in alloc["budget_curve"]}),
                reserve_share=float(alloc["reserve_share"])),
        },
        "reach": {
            "max_minutes": float(rset["max_minutes"]),
            "method": "network" if graph is not None else "straight",
            "terrain": {k: dict(v) for k, v in rset["terrain"].items()},
            "tps_beyond_limit": int(((reach_df["target_kind"] == "tps")
                                     & reach_df["beyond_limit"]).sum()),
            "venues_beyond_limit": int(((reach_df["target_kind"] == "venue")
                                        & reach_df["beyond_limit"]).sum()),
            "polsek_minutes_tps": _minutes_summary(
                reach_df.loc[reach_df["target_kind"] == "tps", "polsek_minutes"]),
            "polres_minutes_tps": _minutes_summary(
                reach_df.loc[reach_df["target_kind"] == "tps", "polres_minutes"]),
        },
    }
    return PlanResult(posts=posts, tps_post=tps_post, reach=reach_df, roster=roster,
                      plan_info=plan_info)


def _assign_and_prune(chosen, forced, d_xy, s_xy, demand, d_own, radius_m, river_m):
    """Assign demand to the nearest chosen post; drop non-forced posts left with nothing."""
    forced_set = set(forced)
    chosen = sorted(chosen)
    while True:
        p_xy = s_xy[chosen] if chosen else np.zeros((0, 2))
        pos = {j: k for k, j in enumerate(chosen)}
        own = np.array([pos.get(int(j), -1) for j in d_own], dtype=int)
        assign = assign_nearest(d_xy, p_xy, radius_m=radius_m,
                                restricted=demand["hard_to_reach"].to_numpy(bool),
                                restricted_radius_m=river_m, own_post=own) \
            if chosen and len(d_xy) else np.full(len(d_xy), -1)
        used = set(int(a) for a in assign if a >= 0)
        keep = [j for k, j in enumerate(chosen) if k in used or j in forced_set]
        if len(keep) == len(chosen):
            return chosen, assign
        chosen = keep


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


def _reserve_site(units: gpd.GeoDataFrame, tps, venues, crs) -> dict[str, Any]:
    """The reserve's site: the Polres (first by id), else the first unit, else the TPS centre."""
    if len(units):
        kinds = units["kind"].astype(str)
        pick = units[kinds == "polres"] if (kinds == "polres").any() else units
        pick = pick.assign(_id=pick["unit_id"].astype(str)).sort_values("_id").iloc[0]
        return {"x": float(pick.geometry.x), "y": float(pick.geometry.y), "site_kind": "unit",
                "site_id": str(pick["unit_id"]), "name": str(pick["name"])}
    xy = np.vstack([xy_of(tps), xy_of(venues)]) if len(tps) + len(venues) else np.zeros((1, 2))
    c = xy.mean(axis=0)
    return {"x": float(c[0]), "y": float(c[1]), "site_kind": "other", "site_id": "",
            "name": "Cadangan (lokasi markas belum ada)"}
