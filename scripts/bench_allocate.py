"""Benchmark of the posting plan: covered weight against the exact optimum, and solve time.

For every instance the plan of :func:`riskmap.allocate.plan_stage` (default config: CBC with
its time limit, warm-started from greedy+swap) is compared with the optimum of the same
maximal covering problem solved by CBC with no time limit and no warm start, and with the
greedy+swap heuristic alone. Instances: planted-truth regions of :mod:`riskmap.simulate`
(grid, Voronoi and river-strip villages; 150 to 1,500 TPS; several radii and budgets; voting
day with TPS demand and other stages with venue demand), the Gunung Mas demo region, and
1,500-TPS kabupaten (one with the simulator's own budget, three harder ones with large radii
and few posts) whose whole ``plan_stage`` call is timed.

Run from the project root::

    .venv/bin/python scripts/bench_allocate.py            # 24 random + demo + 4 x 1,500 TPS
    .venv/bin/python scripts/bench_allocate.py --instances 6
    .venv/bin/python scripts/bench_allocate.py --results results   # demo with the model's scores
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from riskmap.allocate import covered_weight, greedy_swap, mclp_problem, plan_stage, solve_mclp
from riskmap.config import load_stage_overrides, stage_config
from riskmap.geo import points_from_lonlat
from riskmap.simulate import simulate_region

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ("grid", "voronoi", "strip")
SIZES = (150, 300, 600, 1000)
RADII = (2.0, 3.0, 5.0, 8.0)
BUDGET_FACTORS = (0.25, 0.5, 1.0)


def classes_from(expected: np.ndarray) -> np.ndarray:
    """Top 5 % sangat rawan, next 15 % rawan, the rest kurang rawan (ties by order)."""
    q = pd.Series(expected).rank(pct=True, method="first").to_numpy()
    return np.where(q > 0.95, "sangat_rawan", np.where(q > 0.80, "rawan", "kurang_rawan"))


def sim_instance(shape: str, n_tps: int, seed: int, stage: str):
    """TPS, active venues and units of a simulated region with its planted expected incidents."""
    sim = simulate_region(shape=shape, n_tps=n_tps, seed=seed, n_past_elections=1)
    tps = sim.tps.copy()
    truth = pd.Series(sim.truth[stage], index=sim.areas["village_code"].to_numpy())
    voters = tps["voters"].astype(float)
    share = voters / voters.groupby(tps["village_code"]).transform("sum")
    tps["expected_incidents"] = (tps["village_code"].map(truth).fillna(0.0) * share).to_numpy()
    tps["risk_class"] = classes_from(tps["expected_incidents"].to_numpy())
    tps["risk_score"] = 0.0
    start, end = sim.stages[stage]
    v = sim.venues
    active = v[(v["start"].isna() | (v["start"] <= end))
               & (v["end"].isna() | (v["end"] >= start))].copy()
    rng = np.random.default_rng(seed)
    active["expected_incidents"] = rng.gamma(0.6, 0.15, len(active)) * (
        1 + active["expected_crowd"].fillna(0) / 500)
    return tps, active.reset_index(drop=True), sim.units, int(sim.personnel)


def demo_instance(stage: str = "voting", results: Path | None = None):
    """The Gunung Mas demo region (real TPS places, 390 TPS, budget 193).

    Weights are the pipeline's own (``results/voting/tps_risk.csv`` and the venue scores)
    when ``results`` is given, else seeded synthetic ones.
    """
    folder = ROOT / "data" / "regions" / "gunung-mas"
    crs = "EPSG:32749"
    tps = pd.read_csv(folder / "tps.csv", dtype={"tps_id": str, "village_code": str})
    venues = pd.read_csv(folder / "venues.csv", dtype={"venue_id": str},
                         parse_dates=["start", "end"])
    units = pd.read_csv(folder / "units.csv", dtype={"unit_id": str})
    rng = np.random.default_rng(20240214)
    tps["expected_incidents"] = rng.gamma(0.5, 0.08, len(tps)) * (1 + (tps["last_margin"] < 0.2))
    tps["risk_class"] = classes_from(tps["expected_incidents"].to_numpy())
    tps["risk_score"] = 0.0
    day = pd.Timestamp("2024-02-14")
    venues = venues[(venues["start"].isna() | (venues["start"] <= day))
                    & (venues["end"].isna() | (venues["end"] >= day))].reset_index(drop=True)
    venues["expected_incidents"] = rng.gamma(0.6, 0.15, len(venues))
    if results is not None:
        scored = pd.read_csv(results / stage / "tps_risk.csv", dtype={"tps_id": str})
        tps = tps.drop(columns=["expected_incidents", "risk_class", "risk_score"]).merge(
            scored[["tps_id", "expected_incidents", "risk_class", "risk_score"]], on="tps_id",
            validate="1:1")
        vs = results / "_work" / stage / "venue_scores.csv"
        if vs.exists():
            v = pd.read_csv(vs, dtype={"venue_id": str})
            venues = venues.drop(columns=["expected_incidents"]).merge(v, on="venue_id",
                                                                        how="left")
            venues["expected_incidents"] = venues["expected_incidents"].fillna(0.0)
    return (points_from_lonlat(tps, crs=crs), points_from_lonlat(venues, crs=crs),
            points_from_lonlat(units, crs=crs), 193)


def stage_sections(stage: str) -> tuple[dict, dict]:
    """The project's allocation and reach sections for a stage (config.yaml + stage file)."""
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    merged = stage_config(cfg, load_stage_overrides(ROOT / "config" / "stages"), stage)
    return merged["allocation"], merged["reach"]


def run(name, tps, venues, units, *, stage, budget, radius_km=None):
    """Plan one instance and compare it with the exact optimum; return a result row."""
    alloc, reach = stage_sections(stage)
    if radius_km is not None:
        alloc = {**alloc, "radius_km": radius_km}
    t0 = time.perf_counter()
    res = plan_stage(tps, venues, units, stage=stage, budget=budget, allocation=alloc,
                     reach=reach)
    seconds = time.perf_counter() - t0
    prob = mclp_problem(tps, venues, units, stage=stage, budget=budget, allocation=alloc)
    t1 = time.perf_counter()
    exact = solve_mclp(prob.cover, prob.weights, prob.p, forced=prob.forced, time_limit_s=None,
                       warm_start=False)
    exact_s = time.perf_counter() - t1
    heur = greedy_swap(prob.cover, prob.weights, prob.p, forced=prob.forced)
    heur_w = covered_weight(prob.cover, prob.weights, heur)
    opt = exact.objective
    site_index = {(k, i): n for n, (k, i) in enumerate(
        zip(prob.sites["site_kind"], prob.sites["site_id"], strict=True))}
    cover_posts = res.posts[res.posts["role"] != "reserve"]
    chosen = [site_index[(k, i)] for k, i in zip(cover_posts["site_kind"],
                                                  cover_posts["site_id"], strict=True)]
    plan_w = covered_weight(prob.cover, prob.weights, chosen)
    info = res.plan_info
    assert info["personnel_assigned"] <= budget, name
    return {
        "instance": name, "stage": stage, "tps": len(tps), "demand": len(prob.demand),
        "sites": len(prob.sites), "p": prob.p, "radius_km": alloc["radius_km"],
        "budget": budget, "optimum": round(opt, 4), "plan": round(plan_w, 4),
        "plan/opt": round(plan_w / opt, 5) if opt > 0 else 1.0,
        "greedy/opt": round(heur_w / opt, 5) if opt > 0 else 1.0,
        "exact_status": exact.status, "plan_solver": info["solver"]["name"],
        "plan_status": info["solver"]["status"], "share": info["covered_weight_share"],
        "plan_s": round(seconds, 2), "exact_s": round(exact_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=24,
                        help="random planted-truth instances (besides the demo and 1,500 TPS)")
    parser.add_argument("--results", type=Path, default=None,
                        help="a pipeline results folder: the demo then uses its voting-day "
                             "scores (tps_risk.csv) instead of synthetic weights")
    args = parser.parse_args(argv)
    rows = []
    for i in range(args.instances):
        shape = SHAPES[i % 3]
        n = SIZES[(i // 3) % len(SIZES)]
        radius = RADII[(i + i // 4) % len(RADII)]
        factor = BUDGET_FACTORS[(i // 2) % 3]
        stage = "voting" if i % 4 != 3 else ("campaign", "announcement")[(i // 4) % 2]
        tps, venues, units, personnel = sim_instance(shape, n, seed=100 + i, stage=stage)
        budget = max(4, int(personnel * factor))
        rows.append(run(f"sim-{i:02d}-{shape}", tps, venues, units, stage=stage, budget=budget,
                        radius_km=radius if stage == "voting" else None))
        print(pd.DataFrame(rows[-1:]).to_string(index=False, header=len(rows) == 1), flush=True)
    tps, venues, units, budget = demo_instance(results=args.results)
    name = "gunung-mas-demo" + ("-scored" if args.results is not None else "")
    rows.append(run(name, tps, venues, units, stage="voting", budget=budget))
    print(pd.DataFrame(rows[-1:]).to_string(index=False, header=False), flush=True)
    tps, venues, units, personnel = sim_instance("voronoi", 1500, seed=1, stage="voting")
    rows.append(run("kabupaten-1500", tps, venues, units, stage="voting", budget=personnel))
    print(pd.DataFrame(rows[-1:]).to_string(index=False, header=False), flush=True)
    # harder 1,500-TPS cases: large radius, few posts (many overlapping coverage sets)
    for shape, radius, factor in (("grid", 10.0, 0.15), ("grid", 5.0, 0.5),
                                  ("voronoi", 8.0, 0.25)):
        tps, venues, units, personnel = sim_instance(shape, 1500, seed=7, stage="voting")
        rows.append(run(f"stress-1500-{shape}-r{radius:g}", tps, venues, units, stage="voting",
                        budget=int(personnel * factor), radius_km=radius))
        print(pd.DataFrame(rows[-1:]).to_string(index=False, header=False), flush=True)

    table = pd.DataFrame(rows)
    print("\n" + table.to_string(index=False))
    worst = table["plan/opt"].min()
    print(f"\ninstances: {len(table)}; plan/optimum: min {worst:.5f}, "
          f"mean {table['plan/opt'].mean():.5f}; greedy+swap/optimum: min "
          f"{table['greedy/opt'].min():.5f}, mean {table['greedy/opt'].mean():.5f}")
    big = table[table["instance"] == "kabupaten-1500"].iloc[0]
    big_all = table[table["tps"] >= 1500]
    print(f"1,500-TPS kabupaten (voting, budget {big['budget']}, p {big['p']}): plan_stage "
          f"{big['plan_s']:.2f} s (plan/optimum {big['plan/opt']:.5f}); slowest 1,500-TPS "
          f"plan_stage {big_all['plan_s'].max():.2f} s; slowest overall "
          f"{table['plan_s'].max():.2f} s")
    ok = bool(worst >= 0.995 and big_all["plan_s"].max() < 10.0)
    print("PASS" if ok else "FAIL", "(target: plan/optimum >= 0.995 everywhere, 1,500 TPS < 10 s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
