"""Benchmark the commander's map: file size, time to interactive and every layer, in Chromium.

Maps measured:
  * the demo's five ``<results>/<stage>/map.html`` (a pipeline run: ``snakemake --cores 2``);
  * the five maps of a real pipeline run on a simulated 1,500-TPS kabupaten
    (``python -m riskmap.simulate --n-tps 1500 --seed 1 --out DIR``, then ``snakemake`` on it;
    ``--sim-results`` reuses such a run);
  * a passphrase-protected copy of the simulated campaign map: unlock time with WebCrypto and
    with the pure-JS fallback.

Per map, in ``--repeat`` fresh tabs of headless Chromium (Playwright, Debian's chromium):
  * size of map.html (target: < 3 MB demo, < 8 MB 1,500-TPS);
  * time to interactive, in ms since navigation start: the latest of (a) the first frame after
    the map is ready (``window.riskmap.ready``), (b) the end of the load event and (c) the last
    chunk of the clustered TPS (markercluster ``chunkedLoading``: a page-side poll every 5 ms
    notes when the cluster group holds as many markers as ``tps_risk.csv`` has rows);
    median and worst (target: worst < 3 s);
  * every layer, those off by default included: switched off and on one by one, each must be
    on the map and drawn (villages = rows of ``area_risk.csv``, TPS markers = rows of
    ``tps_risk.csv``, after the last chunk) and the time to the next frame is printed;
  * network requests and console errors (target: none; the network is blocked).

Exit status: 0 every target met; 1 a target missed (each one is printed after ``MISSED:``);
2 an input is missing (a demo map, a table beside it, the browser or Playwright) or the
pipeline run on the simulated region failed (printed after ``MISSING:`` / ``ERROR:``).

Usage::

    .venv/bin/python scripts/bench_map.py [--results results] [--n-tps 1500] [--seed 1]
        [--repeat 3] [--sim-results DIR] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from riskmap.maps.browser import Browser, Tab, launch, unavailable

REPO = Path(__file__).resolve().parents[1]
STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")
LIMIT_MS = 3000
PASSPHRASE = "uji-kecepatan"

# Page-side watcher, installed before the page's own scripts: notes the time at which the TPS
# cluster group first holds every marker (its last chunk has been added).
WATCH_TPS = """
window.__rmTpsDone = null;
(function poll() {
  var r = window.riskmap;
  if (r && r.layers && r.layers.tps && r.layers.tps.getLayers().length >= %d) {
    window.__rmTpsDone = performance.now();
    return;
  }
  setTimeout(poll, 5);
})();
"""
NEXT_FRAME = "new Promise(r => requestAnimationFrame(() => r(performance.now())))"
COUNT = """(key => { const l = window.riskmap.layers[key];
  if (l.getLayers) return l.getLayers().length;
  if (l._latlngs) return l._latlngs.length;
  return 1; })"""
NO_SUBTLE = ("Object.defineProperty(Crypto.prototype, 'subtle', "
             "{get: function () { return undefined; }, configurable: true});")


def table_rows(path: Path) -> int:
    """Return the number of data rows of a CSV file."""
    with path.open(encoding="utf-8") as f:
        return sum(1 for _ in f) - 1


def measure_load(tab: Tab, path: Path, n_tps: int) -> dict:
    """Open ``path`` in ``tab``; return the load timings (ms since navigation start)."""
    tab.page.add_init_script(WATCH_TPS % n_tps)
    t0 = time.perf_counter()
    tab.open(path)
    tab.wait_for("window.riskmap && window.riskmap.ready && window.__rmTpsDone"
                 " && performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
    wall = (time.perf_counter() - t0) * 1000
    ready, tps_done, load = tab.evaluate(
        "[window.riskmap.ready, window.__rmTpsDone,"
        " performance.getEntriesByType('navigation')[0].loadEventEnd]")
    return {"interactive": max(ready, tps_done, load), "ready": ready, "tps_done": tps_done,
            "load": load, "wall": wall}


def check_layers(tab: Tab, n_villages: int, n_tps: int) -> tuple[dict, list[str]]:
    """Switch every layer on (off-by-default ones included); return counts, times, problems.

    A layer already on is switched off first, so every time is that of drawing the layer.
    """
    keys = tab.evaluate("Object.keys(window.riskmap.layers)")
    default_on = tab.evaluate("Object.keys(window.riskmap.layers)"
                              ".filter(k => window.riskmap.map.hasLayer(window.riskmap.layers[k]))")
    result, problems = {}, []
    for key in keys:
        tab.evaluate(f"void window.riskmap.setLayer({json.dumps(key)}, false)")
        tab.evaluate(NEXT_FRAME)
        t0 = tab.evaluate(f"(() => {{ const t = performance.now();"
                          f" window.riskmap.setLayer({json.dumps(key)}, true); return t; }})()")
        if key == "tps":
            tab.wait_for(f"window.riskmap.layers.tps.getLayers().length >= {n_tps}", timeout=60)
        drawn = tab.evaluate(NEXT_FRAME)
        on = tab.evaluate(f"window.riskmap.map.hasLayer(window.riskmap.layers[{json.dumps(key)}])")
        count = tab.evaluate(f"({COUNT})({json.dumps(key)})")
        result[key] = {"count": count, "ms": drawn - t0, "default_on": key in default_on}
        if not on:
            problems.append(f"layer {key} did not switch on")
    if "areas" not in result or result["areas"]["count"] != n_villages:
        problems.append(f"layer areas draws {result.get('areas', {}).get('count')} villages, "
                        f"area_risk.csv has {n_villages}")
    if "tps" not in result or result["tps"]["count"] != n_tps:
        problems.append(f"layer tps holds {result.get('tps', {}).get('count')} markers, "
                        f"tps_risk.csv has {n_tps}")
    drawn_tps = tab.evaluate("(() => { let n = 0; window.riskmap.layers.tps"
                             ".eachLayer(m => { n += 1; }); return n; })()")
    if drawn_tps != n_tps:
        problems.append(f"{drawn_tps} TPS markers in the cluster tree, expected {n_tps}")
    return result, problems


def bench_map(browser: Browser, name: str, path: Path, *, limit_mb: float,
              repeat: int) -> list[str]:
    """Measure one map; print its line; return the missed targets."""
    folder = path.parent
    n_villages = table_rows(folder / "area_risk.csv")
    n_tps = table_rows(folder / "tps_risk.csv")
    runs, requests, errors = [], [], []
    layers, layer_problems = {}, []
    for k in range(repeat):
        tab = browser.new_page(1366, 768)
        runs.append(measure_load(tab, path, n_tps))
        if k == 0:
            layers, layer_problems = check_layers(tab, n_villages, n_tps)
        tab.page.wait_for_timeout(300)
        requests += tab.network_requests()
        errors += tab.errors
        tab.close()
    size_mb = path.stat().st_size / 1e6
    inter = [r["interactive"] for r in runs]
    missed = []
    if size_mb >= limit_mb:
        missed.append(f"{name}: size {size_mb:.2f} MB >= {limit_mb:g} MB")
    if max(inter) >= LIMIT_MS:
        missed.append(f"{name}: interactive worst {max(inter):.0f} ms >= {LIMIT_MS} ms")
    if requests:
        missed.append(f"{name}: {len(requests)} network request(s), first {requests[0]}")
    if errors:
        missed.append(f"{name}: {len(errors)} console error(s), first {errors[0]}")
    missed += [f"{name}: {p}" for p in layer_problems]
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    print(f"{name:<28} {size_mb:5.2f} MB (< {limit_mb:g})  interactive median "
          f"{med('interactive'):5.0f} ms, worst {max(inter):5.0f} ms (ready {med('ready'):5.0f}, "
          f"last TPS chunk "
          f"{med('tps_done'):5.0f}, load {med('load'):5.0f}, wall {med('wall'):5.0f})  "
          f"requests {len(requests)}  errors {len(errors)}  {'OK' if not missed else 'MISSED'}")
    print("    layers (count, ms to draw when switched on; * = off by default): " + ", ".join(
        f"{k}{'' if v['default_on'] else '*'} {v['count']} {v['ms']:.0f}"
        for k, v in layers.items()))
    return missed


def measure_unlock(browser: Browser, path: Path, *, mode: str) -> float:
    """Return the ms from pressing "Buka peta" to the decrypted map being interactive."""
    tab = browser.new_page(1366, 768)
    if mode == "noble":
        tab.page.add_init_script(NO_SUBTLE)
    tab.open(path)
    got = tab.evaluate("window.riskmapUnlockMode")
    if got != mode:
        raise RuntimeError(f"unlock mode {got}, expected {mode}")
    t0 = tab.evaluate(
        f"(() => {{ document.getElementById('rm-pass').value = {json.dumps(PASSPHRASE)};"
        " const t = performance.now(); document.getElementById('rm-open').click();"
        " return t; })()")
    tab.wait_for("window.riskmap && window.riskmap.ready", timeout=300)
    done = tab.evaluate("performance.now()")
    problems = tab.network_requests() + tab.errors
    tab.close()
    if problems:
        raise RuntimeError(f"unlock ({mode}): {problems[:3]}")
    return done - t0


def pipeline_env() -> dict:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("RISKMAP_MAP_PASSPHRASE", None)
    return env


def simulated_run(base: Path, *, n_tps: int, seed: int) -> Path:
    """Simulate a region and run the whole pipeline on it; return its results folder."""
    region, out = base / "region", base / "results"
    cmds = [[sys.executable, "-m", "riskmap.simulate", "--n-tps", str(n_tps), "--seed",
             str(seed), "--out", str(region)],
            ["snakemake", "--snakefile", str(REPO / "Snakefile"), "--cores", "2", "--quiet",
             "--directory", str(base), "--config", f"region={region}", f"results={out}"]]
    for cmd in cmds:
        proc = subprocess.run(cmd, cwd=base, env=pipeline_env(), capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-3000:])
            raise RuntimeError(f"{' '.join(cmd[:3])} failed with status {proc.returncode}")
    return out


def locked_copy(results: Path, dest: Path, stage: str = "campaign") -> Path:
    """Render ``stage``'s map of a pipeline run again with a passphrase, into ``dest``."""
    shutil.copytree(results / stage, dest)
    previous = results / STAGES[STAGES.index(stage) - 1] / "area_risk.csv" \
        if stage != STAGES[0] else ""
    env = pipeline_env()
    env["RISKMAP_MAP_PASSPHRASE"] = PASSPHRASE
    cmd = [sys.executable, "-m", "riskmap.steps.render_map", "--stage", stage, "--work",
           str(results / "_work"), "--out", str(dest), f"--previous={previous}",
           "--params", json.dumps({"map": {}})]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"render_map with a passphrase failed: {proc.stderr[-1000:]}")
    return dest / "map.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=Path("results"),
                        help="the demo's pipeline results: <stage>/map.html of every stage")
    parser.add_argument("--sim-results", type=Path, default=None,
                        help="an existing pipeline run on a simulated region (else one is made)")
    parser.add_argument("--n-tps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the simulated region's pipeline run in this folder")
    args = parser.parse_args(argv)

    missing = [str(args.results / s / f) for s in STAGES
               for f in ("map.html", "area_risk.csv", "tps_risk.csv")
               if not (args.results / s / f).exists()]
    if args.sim_results is not None:
        missing += [str(args.sim_results / s / f) for s in STAGES
                    for f in ("map.html", "area_risk.csv", "tps_risk.csv")
                    if not (args.sim_results / s / f).exists()]
    if (why := unavailable()) is not None:
        missing.append(why)
    if missing:
        for line in missing:
            print(f"MISSING: {line}", file=sys.stderr)
        print("(demo maps: run `snakemake --cores 2` first, or pass --results OUT)",
              file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp) / "sim"
        base.mkdir(parents=True, exist_ok=True)
        sim = args.sim_results
        if sim is None:
            t0 = time.perf_counter()
            try:
                sim = simulated_run(base, n_tps=args.n_tps, seed=args.seed)
            except RuntimeError as err:
                print(f"ERROR: {err}", file=sys.stderr)
                return 2
            print(f"simulated {args.n_tps}-TPS region (seed {args.seed}): pipeline run "
                  f"{time.perf_counter() - t0:.0f} s -> {sim}")
        missed: list[str] = []
        with launch() as browser:
            print(f"Chromium: {browser.executable} (Playwright); {args.repeat} fresh tab(s) per "
                  "map, viewport 1366x768")
            for stage in STAGES:
                missed += bench_map(browser, f"demo {stage}", args.results / stage / "map.html",
                                    limit_mb=3, repeat=args.repeat)
            for stage in STAGES:
                missed += bench_map(browser, f"sim {stage}", sim / stage / "map.html",
                                    limit_mb=8, repeat=args.repeat)
            try:
                locked = locked_copy(sim, Path(tmp) / "locked")
                times = {m: measure_unlock(browser, locked, mode=m)
                         for m in ("webcrypto", "noble")}
            except (RuntimeError, TimeoutError) as err:
                missed.append(f"passphrase-protected map: {err}")
            else:
                print(f"{'sim campaign, passphrase':<28} {locked.stat().st_size / 1e6:5.2f} MB  "
                      f"unlock to interactive: WebCrypto {times['webcrypto']:5.0f} ms, pure-JS "
                      f"fallback {times['noble']:5.0f} ms (PBKDF2 310,000 iterations)")
    for line in missed:
        print(f"MISSED: {line}")
    print("all targets met" if not missed else f"{len(missed)} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
