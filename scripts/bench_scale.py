"""Benchmark many-region runs: per-region cost by size, a province, the national projection.

Usage (from the repository root, after ``bash scripts/setup.sh``)::

    .venv/bin/python scripts/bench_scale.py                       # 400/1,500/5,000/20,000 TPS,
                                                                  # a 14-region province, overview
    .venv/bin/python scripts/bench_scale.py --sizes 400,1500 --province 0   # a quick look
    .venv/bin/python scripts/bench_scale.py --national            # also run all 514 regions if
                                                                  # projected to fit in 60 min

Every region is a synthetic one of ``riskmap.simulate_country`` (villages at the national
ratio of 9.8 TPS per desa), run with ``snakemake --cores N --config regions=DIR``, so each region
is one job running all its stages in one process. Printed:

* where a region's time goes: Python start-up with the libraries (paid once per process:
  21 times in the single-region workflow, once per run with the warm process), and the CPU
  seconds of ingest, score (features + model), allocate (solver), render_map (map) and
  render_briefing (map.png by matplotlib, briefing.pdf by WeasyPrint), summed over the five
  stages (``OUT/<region>/benchmarks/steps.tsv``), and the voting day's allocate step alone
  with how its TPS teams were found (``heuristic``: the default local search with sector
  pairs re-solved exactly; ``optimal``: the exact MILP, for regions up to
  ``allocation.teams.exact_max_tps``, 0 by default);
* the floor: a tiny region (``--floor-tps``, 40 TPS in 4 villages) end to end, and where its
  CPU seconds go, the briefing pack split into map.png (matplotlib: draw, PNG and JPEG),
  briefing.pdf (WeasyPrint's typesetting) and the chart (the ``parts`` column of
  ``steps.tsv``): what every region pays whatever its size;
* per size (each run ``--repeat`` times, 2 by default; the run with the least CPU time is kept,
  since other load on a shared machine only adds time): the region job's wall and CPU
  seconds (the solver's included), peak memory (of the process running the region, from
  ``steps.tsv``) and the largest stage map; a linear
  fit ``seconds = fixed + per_tps * TPS`` of the wall and of the CPU seconds, and of the CPU
  seconds without the voting day's allocate step, without the briefing pack (what
  ``briefing_pack: false`` costs) and through the two smallest sizes only (for reading: the
  target is on the whole job's fit over every size);
* the 14-region province end to end (wall, and the summary's ``status``);
* the overview map of the national set (514 regions, 83,731 villages): size and build time
  (built from synthetic village outlines with random classes: the map's weight does not
  depend on the risk values);
* the national run's projection from the fit (``--national`` measures it when the projection
  fits in 60 minutes; when only the projection without the briefing pack does, it measures
  the run with ``briefing_pack=false`` and says so).

Targets (exit status 1 when one is missed): fixed cost per region <= 3 s (on the CPU-seconds
fit: the machine is shared, wall seconds carry other users' load, printed beside it);
20,000-TPS region <= 180 s wall, peak memory <= 2 GiB, map <= 15 MB and interactive in
headless Chromium <= 5 s (``bench_map.py``'s measure, worst of two tabs); overview map of 514
regions <= 10 MB and interactive in headless Chromium <= 5 s. The load average is printed
before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from riskmap.runner import run_snakemake_watched

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from riskmap.simulate_country import (  # noqa: E402
    NATIONAL_REGIONS,
    NATIONAL_TPS,
    NATIONAL_VILLAGES,
    RegionSpec,
    make_region,
    plan_regions,
    region_code,
)

TPS_PER_VILLAGE = NATIONAL_TPS / NATIONAL_VILLAGES
TARGETS = {
    "fixed_s": 3.0,
    "big_wall_s": 180.0,
    "big_rss_mb": 2048.0,
    "big_map_mb": 15.0,
    "big_map_ready_s": 5.0,
    "overview_mb": 10.0,
    "overview_ready_s": 5.0,
}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def snakemake(
    regions: Path, out: Path, cores: int, *config: str
) -> tuple[float, subprocess.CompletedProcess, float]:
    """Run the regions; (wall seconds, the process, CPU seconds of Snakemake's own process)."""
    t0 = time.perf_counter()
    proc, own = run_snakemake_watched(REPO / "Snakefile",
                                      config=[f"regions={regions}", f"results={out}", *config],
                                      directory=out.parent, cores=cores, before=["--quiet"])
    return time.perf_counter() - t0, proc, own


def import_seconds(repeat: int = 3) -> tuple[float, float]:
    """Wall and CPU seconds of a fresh Python importing every step module (per-job start-up)."""
    import resource

    code = (
        "import riskmap.steps.ingest, riskmap.steps.score, riskmap.steps.allocate, "
        "riskmap.steps.render_map, riskmap.steps.render_briefing"
    )
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(walls), min(cpus)


def region_figures(out: Path, region: str) -> dict:
    bench = pd.read_csv(out / region / "benchmarks" / "run_region.tsv", sep="\t")
    steps = pd.read_csv(out / region / "benchmarks" / "steps.tsv", sep="\t")
    total = steps[steps["step"] == "total"].iloc[0]
    steps = steps[steps["step"] != "total"].copy()
    steps["kind"] = steps["step"].str.split("/").str[0]
    by_kind = steps.groupby("kind")["cpu"].sum().to_dict()
    pages = sorted((out / region).glob("*/map.html"), key=lambda p: p.stat().st_size)
    maps = [p.stat().st_size for p in pages]
    voting = steps[steps["step"] == "allocate/voting"]["cpu"]
    parts = step_parts(steps["parts"] if "parts" in steps else pd.Series(dtype=str))
    return {
        "voting_alloc_cpu": float(voting.sum()) if len(voting) else float("nan"),
        "teams": teams_solver(out / region / "voting" / "plan.json"),
        "wall_s": float(bench["s"].iloc[0]),
        "cpu_s": float(total["cpu"]),
        # the region runs in a child of the warm process: its own peak, not the job's client
        "rss_mb": float(total["max_rss_mb"]),
        "map_mb": max(maps) / 1e6 if maps else float("nan"),
        "map_path": str(pages[-1]) if pages else "",
        **{f"{k}_cpu": float(v) for k, v in by_kind.items()},
        **{f"part_{k}_cpu": v for k, v in parts.items()},
    }


def step_parts(column: pd.Series) -> dict[str, float]:
    """Sum the ``parts`` column of ``steps.tsv`` (``name=seconds;...`` per step) by name.

    Examples
    --------
    >>> step_parts(pd.Series(["map_png=0.2;pdf_typeset=0.3", "", None, "map_png=0.1"]))
    {'map_png': 0.30000000000000004, 'pdf_typeset': 0.3}
    """
    total: dict[str, float] = {}
    for cell in column.dropna().astype(str):
        for item in filter(None, cell.split(";")):
            name, _, value = item.partition("=")
            total[name] = total.get(name, 0.0) + float(value)
    return total


def teams_solver(plan: Path) -> str:
    """How the voting day's TPS teams were found (``optimal``, ``node_limit``, ``heuristic``)."""
    import json

    if not plan.is_file():
        return ""
    teams = json.loads(plan.read_text(encoding="utf-8")).get("teams") or {}
    return str((teams.get("solver") or {}).get("status", ""))


def bench_sizes(
    sizes: list[int], base: Path, cores: int, seed: int, repeat: int = 1
) -> pd.DataFrame:
    """Run a region of each size ``repeat`` times; keep the run with the least CPU time.

    The machine is shared and its speed varies from minute to minute; other load only ever
    adds time, so the least of a few runs is the closest to the region's own cost.
    """
    rows = []
    for k, n_tps in enumerate(sizes):
        regions = base / f"size_{n_tps}" / "regions"
        n_vil = max(int(round(n_tps / TPS_PER_VILLAGE)), 4)
        spec = RegionSpec(
            k, f"tps{n_tps}", n_tps, n_vil, seed + k, 112.0, -1.5, "voronoi", region_code(k)
        )
        make_region(spec, regions)
        runs = []
        for r in range(max(repeat, 1)):
            out = regions.parent / f"out_{r}"
            wall, proc, _ = snakemake(regions, out, cores)
            if proc.returncode != 0:
                sys.stderr.write(proc.stderr[-3000:])
                raise SystemExit(f"the {n_tps}-TPS region failed")
            runs.append({"tps": n_tps, "villages": n_vil, "run_s": wall,
                         **region_figures(out, spec.folder)})
        row = min(runs, key=lambda x: x["cpu_s"])
        rows.append(row)
        cpus = ", ".join(f"{x['cpu_s']:.1f}" for x in runs)
        print(
            f"  {n_tps:>6} TPS {n_vil:>5} villages: region job {row['wall_s']:.1f} s wall, "
            f"{row['cpu_s']:.1f} s CPU, peak {row['rss_mb']:.0f} MB, map {row['map_mb']:.2f} MB "
            f"(CPU s of the {len(runs)} runs: {cpus}; "
            f"{load()})",
            flush=True,
        )
    return pd.DataFrame(rows)


def print_floor(row: pd.Series) -> None:
    """Print where a tiny region's CPU seconds go: the cost no smaller region can avoid."""
    kinds = ("ingest", "score", "allocate", "render_map", "render_briefing")
    spent = {k: float(row.get(f"{k}_cpu", 0.0)) for k in kinds}
    briefing = spent["render_briefing"]
    print(
        f"\nFloor: a {int(row['tps'])}-TPS region ({int(row['villages'])} villages), all five "
        f"stages: {row['cpu_s']:.2f} s CPU ({row['wall_s']:.2f} s wall): "
        + ", ".join(f"{k} {v:.2f}" for k, v in spent.items())
    )
    print(
        f"  the briefing pack (render_briefing, five stages): {briefing:.2f} s, of which "
        f"map.png drawn and encoded {row.get('part_map_png_cpu', float('nan')):.2f} s, "
        f"briefing.pdf typeset {row.get('part_pdf_typeset_cpu', float('nan')):.2f} s, "
        f"chart {row.get('part_chart_cpu', float('nan')):.2f} s; "
        f"everything else {row['cpu_s'] - briefing:.2f} s"
    )


def linear_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Return ``(fixed, per_unit)`` of the least-squares line ``y = fixed + per_unit * x``."""
    slope, intercept = np.polyfit(np.asarray(x, float), np.asarray(y, float), 1)
    return float(intercept), float(slope)


def bench_province(n: int, base: Path, cores: int, seed: int) -> dict:
    regions = base / "province" / "regions"
    specs = plan_regions(n, seed=seed)
    for spec in specs:
        make_region(spec, regions)
    out = regions.parent / "out"
    wall, proc, _ = snakemake(regions, out, cores)
    summary = pd.read_csv(out / "_summary" / "voting" / "summary.csv")
    return {
        "regions": n,
        "tps": int(sum(s.n_tps for s in specs)),
        "wall_s": wall,
        "status": proc.returncode,
        "ok": int((summary["status"] == "ok").sum()),
        "overview_mb": (out / "_summary" / "voting" / "map.html").stat().st_size / 1e6,
    }


def bench_overview(seed: int) -> dict:
    """Build the national overview map from synthetic village outlines; size and seconds."""
    import geopandas as gpd
    from pyproj import CRS

    from riskmap.config import section_settings
    from riskmap.maps.overview import RegionOverview, render_overview_map
    from riskmap.simulate import _origin, village_polygons

    specs = plan_regions(NATIONAL_REGIONS, seed=seed, national=True)
    rng = np.random.default_rng(seed)
    items = []
    t_geo = time.perf_counter()
    for s in specs:
        zone = int(np.floor((s.lon + 180.0) / 6.0)) % 60 + 1
        crs = CRS.from_epsg((32600 if s.lat >= 0 else 32700) + zone)
        x0, y0 = _origin(crs, s.lon, s.lat)
        polys = village_polygons("voronoi", s.n_villages, rng, x0=x0, y0=y0)
        n = len(polys)
        classes = rng.choice(["kurang_rawan", "rawan", "sangat_rawan"], n, p=[0.65, 0.25, 0.1])
        gdf = gpd.GeoDataFrame(
            {
                "village_code": [f"{s.code}.01.{2001 + i}" for i in range(n)],
                "village_name": [f"Desa Simulasi {i + 1}" for i in range(n)],
                "risk_class": classes,
                "risk_score": np.round(rng.uniform(0, 100, n), 1),
            },
            geometry=polys,
            crs=crs,
        ).to_crs(4326)
        figures = {
            "villages": n,
            "tps": s.n_tps,
            "villages_sangat_rawan": int((classes == "sangat_rawan").sum()),
        }
        items.append(
            RegionOverview(
                region=s.folder,
                name=f"Kabupaten Sintetis {s.index + 1}",
                code=s.code,
                figures=figures,
                villages=gdf,
                link=f"../../{s.folder}/voting/map.html",
            )
        )
    t_geo = time.perf_counter() - t_geo
    t0 = time.perf_counter()
    html = render_overview_map(
        items,
        stage="voting",
        settings=section_settings(None, "summary"),
        class_colors=section_settings(None, "map")["class_colors"],
    )
    seconds = time.perf_counter() - t0
    page = Path(tempfile.mkdtemp(prefix="riskmap-overview-")) / "map.html"
    page.write_text(html, encoding="utf-8")
    ready = interactive_seconds(page)
    shutil.rmtree(page.parent, ignore_errors=True)
    return {
        "ready_s": ready,
        "regions": len(items),
        "villages": sum(len(i.villages) for i in items),
        "mb": len(html.encode("utf-8")) / 1e6,
        "build_s": seconds,
        "simulate_s": t_geo,
    }


def region_map_ready_s(page: Path) -> float | None:
    """Seconds until a region's map is interactive in headless Chromium (None: no browser).

    ``bench_map.py``'s measure: the latest of the map ready, the load event and the last chunk
    of the clustered TPS markers; the worst of two fresh tabs.
    """
    from riskmap.maps.browser import launch, unavailable

    if unavailable() is not None:
        return None
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_map import measure_load, table_rows

    n_tps = table_rows(page.parent / "tps_risk.csv")
    times = []
    with launch() as browser:
        for _ in range(2):
            tab = browser.new_page(1366, 768)
            times.append(measure_load(tab, page, n_tps)["interactive"] / 1000)
            tab.close()
    return max(times)


def interactive_seconds(page: Path) -> float | None:
    """Seconds until the overview map is ready in headless Chromium (None: no browser)."""
    from riskmap.maps.browser import launch, unavailable

    if unavailable() is not None:
        return None
    with launch() as browser:
        tab = browser.new_page(1366, 768)
        t0 = time.perf_counter()
        tab.open(page, timeout=120)
        tab.wait_for("document.body.dataset.ready === '1'", timeout=120)
        seconds = time.perf_counter() - t0
        tab.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="400,1500,5000,20000", help="TPS per test region")
    parser.add_argument("--province", type=int, default=14, help="regions of the province run")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each size (and of the floor); the least CPU time is kept")
    parser.add_argument("--floor-tps", type=int, default=40,
                        help="TPS of the tiny region whose cost is printed as the floor (0: none)")
    parser.add_argument("--no-overview", action="store_true", help="skip the national overview")
    parser.add_argument(
        "--national",
        action="store_true",
        help="run the 514-region national set when projected <= 60 min",
    )
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="keep the runs in this folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    base = args.keep or Path(tempfile.mkdtemp(prefix="riskmap-bench-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    missed: list[str] = []
    print(f"riskmap bench_scale: {args.cores} cores; {load()}")
    try:
        start_wall, start_cpu = import_seconds()
        print(
            f"Python start-up with the step libraries: {start_cpu:.2f} s CPU "
            f"({start_wall:.2f} s wall) per process; the single-region workflow pays up to it "
            f"in each of its 1 + 4 x 5 = 21 jobs ({21 * start_cpu:.1f} s CPU), a many-region "
            "run once per region (once per run with the warm process)"
        )
        if args.floor_tps:
            floor = bench_sizes([args.floor_tps], base / "floor", args.cores, args.seed,
                                args.repeat)
            print_floor(floor.iloc[0])
        table = bench_sizes(sizes, base, args.cores, args.seed, args.repeat)
        kinds = ("startup", "ingest", "score", "allocate", "render_map", "render_briefing")
        cols = ["tps", "villages", "wall_s", "cpu_s", "rss_mb", "map_mb"] + [
            f"{k}_cpu" for k in kinds if f"{k}_cpu" in table
        ] + [c for c in ("part_map_png_cpu", "part_pdf_typeset_cpu") if c in table] + [
            "voting_alloc_cpu", "teams"]
        print(
            "\nPer region (one job, all five stages); where the CPU time goes: startup (Python and"
            "\nthe job's module), then each step kind summed over the stages (the warm process"
            "\nimported the libraries before the region's fork; a job in its own process pays"
            "\nthem in each kind's first step), then the voting day's allocate step alone and how"
            "\nits TPS teams were found (optimal: exact MILP; heuristic):"
        )
        print(table[cols].round(2).to_string(index=False))
        fit = None
        lean_fits = False
        if len(table) >= 2:
            fixed_w, per_w = linear_fit(table["tps"], table["wall_s"])
            fixed_c, per_c = linear_fit(table["tps"], table["cpu_s"])
            fit = (fixed_c, per_c)
            print(f"\nLinear fit, wall: {fixed_w:.2f} s + {per_w * 1000:.2f} s per 1,000 TPS")
            print(f"Linear fit, CPU:  {fixed_c:.2f} s + {per_c * 1000:.2f} s per 1,000 TPS")
            fixed_r, per_r = linear_fit(table["tps"], table["cpu_s"] - table["voting_alloc_cpu"])
            print(
                f"  without the voting day's allocate step: {fixed_r:.2f} s + "
                f"{per_r * 1000:.2f} s per 1,000 TPS (teams found by: "
                + ", ".join(f"{int(t)} TPS {m}" for t, m in zip(table["tps"], table["teams"],
                                                                   strict=True))
                + ")"
            )
            if "render_briefing_cpu" in table:
                fixed_b, per_b = linear_fit(table["tps"],
                                            table["cpu_s"] - table["render_briefing_cpu"])
                lean = (NATIONAL_REGIONS * fixed_b + per_b * NATIONAL_TPS) / args.cores
                lean_fits = lean <= 3600
                print(
                    f"  without the briefing pack (the same runs less render_briefing: what a run "
                    f"with briefing_pack=false costs): {fixed_b:.2f} s + {per_b * 1000:.2f} s per "
                    f"1,000 TPS; the national set so: {lean / 60:.0f} min on {args.cores} cores"
                )
            if len(table) >= 3:
                small = table.nsmallest(2, "tps")
                fixed_s, per_s = linear_fit(small["tps"], small["cpu_s"])
                print(f"  CPU through the two smallest sizes only: {fixed_s:.2f} s + "
                      f"{per_s * 1000:.2f} s per 1,000 TPS (information: the cost is not "
                      "linear in TPS, so the intercept depends on the sizes fitted; the target "
                      "stays on the fit over every size)")
            if fixed_c > TARGETS["fixed_s"]:
                missed.append(f"fixed cost {fixed_c:.2f} s > {TARGETS['fixed_s']} s")
            projected = (NATIONAL_REGIONS * fixed_c + per_c * NATIONAL_TPS) / args.cores
            print(
                f"National set projected ({NATIONAL_REGIONS} regions, {NATIONAL_TPS:,} TPS, "
                f"{args.cores} cores): {projected / 60:.0f} min of region jobs"
            )
        big = table[table["tps"] >= 20_000]
        for _, row in big.iterrows():
            ready = region_map_ready_s(Path(row["map_path"])) if row["map_path"] else None
            print(
                f"\nThe {int(row['tps']):,}-TPS region: {row['wall_s']:.0f} s wall, peak "
                f"{row['rss_mb']:.0f} MB, largest map {row['map_mb']:.2f} MB "
                f"({Path(row['map_path']).parent.name}), interactive in headless Chromium: "
                + (f"{ready:.1f} s" if ready is not None else "not measured (no Chromium)")
            )
            if ready is not None and ready > TARGETS["big_map_ready_s"]:
                missed.append(f"{int(row['tps'])}-TPS region's map interactive in "
                              f"{ready:.1f} s > {TARGETS['big_map_ready_s']} s")
            for key, value, unit in (
                ("big_wall_s", row["wall_s"], "s"),
                ("big_rss_mb", row["rss_mb"], "MB"),
                ("big_map_mb", row["map_mb"], "MB"),
            ):
                if value > TARGETS[key]:
                    missed.append(
                        f"{int(row['tps'])}-TPS region {key} {value:.1f} {unit} > {TARGETS[key]}"
                    )
        if args.province:
            p = bench_province(args.province, base, args.cores, args.seed)
            print(
                f"\nProvince: {p['regions']} regions, {p['tps']:,} TPS end to end in "
                f"{p['wall_s']:.0f} s ({p['ok']} ok, exit status {p['status']}, overview map "
                f"{p['overview_mb']:.2f} MB; {load()})"
            )
            if p["status"] != 0:
                missed.append("province run failed")
        if not args.no_overview:
            o = bench_overview(args.seed)
            print(
                f"\nOverview map of the national set: {o['regions']} regions, "
                f"{o['villages']:,} villages: {o['mb']:.2f} MB, built in {o['build_s']:.0f} s"
            )
            ready = "not measured (no Chromium/Playwright)"
            if o["ready_s"] is not None:
                ready = f"{o['ready_s']:.1f} s"
                if o["ready_s"] > TARGETS["overview_ready_s"]:
                    missed.append(f"overview map ready in {o['ready_s']:.1f} s > 5 s")
            print(f"  interactive in headless Chromium: {ready}")
            if o["mb"] > TARGETS["overview_mb"]:
                missed.append(f"overview map {o['mb']:.2f} MB > {TARGETS['overview_mb']} MB")
        if args.national:
            # with the briefing pack when that fits in 60 minutes, else without it when that does
            extra = [] if fit is not None and projected <= 3600 else (
                ["briefing_pack=false"] if lean_fits else None)
            if extra is None:
                print("\nNational set: not measured (projected beyond 60 minutes or no fit)")
            else:
                specs = plan_regions(NATIONAL_REGIONS, seed=args.seed, national=True)
                regions = base / "national" / "regions"
                t0 = time.perf_counter()
                for spec in specs:
                    make_region(spec, regions)
                made = time.perf_counter() - t0
                wall, proc, own = snakemake(regions, regions.parent / "out", args.cores,
                                            *extra)
                summary = pd.read_csv(regions.parent / "out" / "_summary" / "voting" /
                                      "summary.csv", dtype=str)
                print(
                    f"\nNational set measured ({len(specs)} regions, "
                    f"{', '.join(extra) or 'with the briefing pack'}): {wall / 60:.1f} min "
                    f"end to end on {args.cores} cores (exit {proc.returncode}; "
                    f"{(summary['status'] == 'ok').sum()} regions ok, "
                    f"{pd.to_numeric(summary['tps']).sum():,.0f} TPS; the region folders took "
                    f"{made / 60:.1f} min to write; {load()}); Snakemake's own process "
                    f"{own / 60:.1f} CPU min ({own / len(specs):.2f} s per region)"
                )
                if proc.returncode != 0:
                    missed.append("national run failed")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print(f"\n{load()}")
    if missed:
        print("TARGETS MISSED:\n  - " + "\n  - ".join(missed))
        return 1
    print("all measured targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
