"""Benchmark the count model on planted-truth regions: capture, baselines, calibration.

For every region shape and seed, :func:`riskmap.simulate.simulate_region` makes a region whose
true intensity is known; :func:`riskmap.model.score_stage` maps every stage of the current
election from the earlier elections only, and the map is judged on the incidents of the stage
window. Villages are ranked by expected incidents per km² and the area budget (5/10/20 % of the
region) is filled in that order (boundary village pro rata).

Printed per shape and seed (all five stages pooled: captured incidents summed over stages):
hit rate of the model, of the two baselines (previous same-stage counts; prospective hotspot),
of the planted-truth oracle (villages ranked by true intensity per km²) and of the
observed-best ranking; ``PEI_truth`` = model / planted-truth oracle; ``x_base`` = model / the
better baseline; the observed/expected ratio per class. Then averages, the spread over seeds and
the pass/fail of the acceptance criteria (10 % of area: PEI_truth >= 0.90, x_base >= 1.15,
observed/expected within +-20 % in every class, pooled over seeds).

Command (from the repository root)::

    .venv/bin/python scripts/bench_model.py --seeds 20 --shapes grid,voronoi,strip --jobs 2

Options: ``--n-tps`` (region size, default 390), ``--config config/config.yaml`` (use the
project's sections), ``--model '{"alpha": 0.05}'`` / ``--features '{...}'`` (JSON overrides).
Exit status 0 when every criterion passes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from multiprocessing import Pool

import numpy as np
import pandas as pd
import yaml

from riskmap.backtest import CLASS_NAMES, capture_at_area
from riskmap.features import feature_settings, incident_counts, prepare_region
from riskmap.model import (
    WindowStore,
    model_terms,
    previous_same_stage,
    prospective_hotspot,
    score_stage,
)
from riskmap.simulate import STAGES, simulate_region

SHARES = (0.05, 0.10, 0.20)
MAPS = ("model", "previous_same_stage", "prospective_hotspot", "oracle_truth", "observed_best")


def run_one(task: tuple) -> dict:
    """Simulate one region and score every stage; return captured counts and class totals."""
    shape, seed, n_tps, sections = task
    t0 = time.perf_counter()
    sim = simulate_region(shape=shape, n_tps=n_tps, seed=seed)
    t_sim = time.perf_counter() - t0
    region = prepare_region(sim.areas, sim.tps, sim.venues, sim.incidents, sim.units)
    area = region.area_km2
    fset = feature_settings(sections.get("features"))
    captured = {m: {s: 0.0 for s in SHARES} for m in MAPS}
    captured_truth = {m: {s: 0.0 for s in SHARES} for m in ("model", "oracle_truth")}
    total_obs = 0.0
    total_truth = 0.0
    cal = {c: [0.0, 0.0] for c in CLASS_NAMES}
    models = set()
    t_score = 0.0
    for stage in STAGES:
        start, end = sim.stages[stage]
        t1 = time.perf_counter()
        res = score_stage(sim.areas, sim.tps, sim.venues, sim.incidents, sim.units,
                          stage=stage, start=start, end=end, past_windows=sim.past_windows,
                          features=sections.get("features"), model=sections.get("model"),
                          classes=sections.get("classes"))
        t_score += time.perf_counter() - t1
        models.add(res.model_info["model"])
        ar = res.area_risk
        exp = ar["expected_incidents"].to_numpy(float)
        obs = incident_counts(region, start, end)
        truth = sim.truth[stage]
        store = WindowStore(region, settings=fset, past_windows=sim.past_windows, cutoff=start,
                            terms=model_terms(fset))
        ranks = {
            "model": exp / area,
            "previous_same_stage": previous_same_stage(store, stage, start) / area,
            "prospective_hotspot": prospective_hotspot(store, stage, start, end),
            "oracle_truth": truth / area,
            "observed_best": obs / area,
        }
        n = obs.sum()
        total_obs += n
        total_truth += truth.sum()
        for m, r in ranks.items():
            for s in SHARES:
                if n > 0:
                    captured[m][s] += capture_at_area(r, area, obs, s) * n
                if m in captured_truth:
                    captured_truth[m][s] += capture_at_area(r, area, truth, s) * truth.sum()
        for c in CLASS_NAMES:
            mask = ar["risk_class"].to_numpy() == c
            cal[c][0] += exp[mask].sum()
            cal[c][1] += obs[mask].sum()
    return {"shape": shape, "seed": seed, "villages": len(area), "incidents_eval": total_obs,
            "hit": {m: {s: captured[m][s] / total_obs for s in SHARES} for m in MAPS},
            "hit_truth": {m: {s: captured_truth[m][s] / total_truth for s in SHARES}
                          for m in captured_truth},
            "cal": cal, "models": sorted(models), "t_sim": t_sim, "t_score": t_score / 5}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--shapes", default="grid,voronoi,strip")
    ap.add_argument("--n-tps", type=int, default=390)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--config", default=None,
                    help="config.yaml whose features/model/classes sections to use "
                         "(default: the package defaults, which equal config/config.yaml's)")
    ap.add_argument("--model", default="{}", help="JSON merged over the model section")
    ap.add_argument("--features", default="{}", help="JSON merged over the features section")
    args = ap.parse_args(argv)
    sections: dict = {"features": {}, "model": {}, "classes": {}}
    if args.config:
        with open(args.config, encoding="utf-8") as fh:
            cfg = yaml.safe_load(fh)
        sections = {k: dict(cfg.get(k) or {}) for k in sections}
    sections["model"].update(json.loads(args.model))
    sections["features"].update(json.loads(args.features))
    tasks = [(sh, seed, args.n_tps, sections) for sh in args.shapes.split(",")
             for seed in range(args.first_seed, args.first_seed + args.seeds)]
    t0 = time.perf_counter()
    if args.jobs > 1:
        with Pool(args.jobs) as pool:
            rows = pool.map(run_one, tasks)
    else:
        rows = [run_one(t) for t in tasks]
    wall = time.perf_counter() - t0

    recs = []
    for r in rows:
        rec = {"shape": r["shape"], "seed": r["seed"], "vil": r["villages"],
               "inc": int(r["incidents_eval"])}
        for s in SHARES:
            k = f"{round(100 * s)}"
            for m, short in (("model", "mod"), ("previous_same_stage", "prev"),
                             ("prospective_hotspot", "pros"), ("oracle_truth", "orc"),
                             ("observed_best", "best")):
                rec[f"{short}@{k}"] = r["hit"][m][s]
            rec[f"PEIt@{k}"] = r["hit"]["model"][s] / r["hit"]["oracle_truth"][s]
            rec[f"xb@{k}"] = r["hit"]["model"][s] / max(r["hit"]["previous_same_stage"][s],
                                                         r["hit"]["prospective_hotspot"][s], 1e-9)
        for c in CLASS_NAMES:
            e, o = r["cal"][c]
            rec[f"o/e {c}"] = o / e if e > 0 else np.nan
        rec["model"] = "+".join(r["models"])
        rec["score_s"] = r["t_score"]
        recs.append(rec)
    table = pd.DataFrame(recs)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 60)
    cols = ["shape", "seed", "vil", "inc", "mod@5", "mod@10", "mod@20", "prev@10", "pros@10",
            "orc@10", "best@10", "PEIt@5", "PEIt@10", "PEIt@20", "xb@10",
            "o/e kurang_rawan", "o/e rawan", "o/e sangat_rawan", "model", "score_s"]
    print("Per shape and seed (hit rates = share of the stage windows' incidents captured, "
          "all five stages pooled):")
    print(table[cols].round(3).to_string(index=False))

    print("\nAverages over seeds (mean, sd) by shape and overall:")
    summary = []
    for name, g in [*table.groupby("shape", sort=False), ("ALL", table)]:
        row = {"shape": name, "runs": len(g)}
        for c in ("mod@5", "mod@10", "mod@20", "prev@10", "pros@10", "orc@10", "best@10",
                  "PEIt@10", "xb@10"):
            row[c] = f"{g[c].mean():.3f} ({g[c].std(ddof=1) if len(g) > 1 else 0:.3f})"
        summary.append(row)
    print(pd.DataFrame(summary).to_string(index=False))

    hit = {m: {s: np.mean([r["hit"][m][s] for r in rows]) for s in SHARES} for m in MAPS}
    hit_t = {m: {s: np.mean([r["hit_truth"][m][s] for r in rows]) for s in SHARES}
             for m in ("model", "oracle_truth")}
    print("\nMean hit rate by area share (model | previous same stage | prospective hotspot | "
          "planted-truth oracle | observed-best):")
    for s in SHARES:
        print(f"  {round(100 * s):>2}%: " + " | ".join(f"{hit[m][s]:.3f}" for m in MAPS)
              + f"   PEI vs truth {hit['model'][s] / hit['oracle_truth'][s]:.3f}"
              + f"   PEI vs observed-best {hit['model'][s] / hit['observed_best'][s]:.3f}"
              + f"   share of true intensity captured: model {hit_t['model'][s]:.3f}, "
                f"oracle {hit_t['oracle_truth'][s]:.3f}")
    cal = {c: [sum(r["cal"][c][0] for r in rows), sum(r["cal"][c][1] for r in rows)]
           for c in CLASS_NAMES}
    print("\nCalibration pooled over all runs and stages (expected, observed, observed/expected):")
    for c in CLASS_NAMES:
        e, o = cal[c]
        print(f"  {c:<13} {e:9.1f} {o:7.0f}  {o / e:.3f}")
    for name in table["shape"].unique():
        sub = [r for r in rows if r["shape"] == name]
        parts = []
        for c in CLASS_NAMES:
            e = sum(r["cal"][c][0] for r in sub)
            o = sum(r["cal"][c][1] for r in sub)
            parts.append(f"{c} {o / e:.3f}")
        print(f"  {name:<8} " + ", ".join(parts))

    pei = hit["model"][0.10] / hit["oracle_truth"][0.10]
    xb = hit["model"][0.10] / max(hit["previous_same_stage"][0.10],
                                  hit["prospective_hotspot"][0.10])
    cal_ok = all(abs(cal[c][1] / cal[c][0] - 1.0) <= 0.20 for c in CLASS_NAMES)
    print("\nCriteria at 10 % of area (means over all shapes and seeds):")
    print(f"  PEI vs planted-truth oracle {pei:.3f} >= 0.90: {'PASS' if pei >= 0.90 else 'FAIL'}")
    print(f"  model / better baseline     {xb:.3f} >= 1.15: {'PASS' if xb >= 1.15 else 'FAIL'}")
    print(f"  observed/expected per class within +-20 %: {'PASS' if cal_ok else 'FAIL'}")
    print(f"\n{len(rows)} runs, {args.n_tps} TPS each; mean score_stage time per stage "
          f"{table['score_s'].mean():.2f} s; wall {wall:.0f} s with {args.jobs} job(s)")
    return 0 if (pei >= 0.90 and xb >= 1.15 and cal_ok) else 1


if __name__ == "__main__":
    sys.exit(main())
