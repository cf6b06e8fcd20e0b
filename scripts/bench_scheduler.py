"""Benchmark Snakemake's own cost in a many-region run: its process's CPU per region.

Usage (from the repository root, after ``bash scripts/setup.sh``)::

    .venv/bin/python scripts/bench_scheduler.py                 # 200 tiny regions
    .venv/bin/python scripts/bench_scheduler.py --regions 514   # as many as the national set
    .venv/bin/python scripts/bench_scheduler.py --snakefile OTHER/Snakefile   # another checkout

A national run has 514 region jobs with no dependencies between them; everything Snakemake does
per job (or worse, per waiting job each time it starts one) is paid hundreds of times over, on
the same 2 cores as the regions. The regions here are tiny (``--tps`` 40 TPS in 4 villages,
``briefing_pack=false``) so that Snakemake's part shows. Printed: the run's wall seconds, the
CPU seconds of the Snakemake process itself (its children, the region jobs, not counted;
sampled every 0.2 s with psutil), and both per region.

Target (exit status 1 when missed): Snakemake's own CPU <= 0.25 s per region (``--target``),
checked from 100 regions up: the figure includes Snakemake's start-up (reading the workflow,
building the DAG: about 3 s), which a handful of regions cannot spread.
The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from riskmap.runner import run_snakemake_watched  # noqa: E402
from riskmap.simulate_country import RegionSpec, make_region, region_code  # noqa: E402


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def make_regions(n: int, tps: int, folder: Path, seed: int) -> Path:
    """Write ``n`` tiny synthetic region folders into ``folder``."""
    villages = max(tps // 10, 4)
    for k in range(n):
        spec = RegionSpec(k, f"r{k:03d}", tps, villages, seed + k, 112.0, -1.5, "voronoi",
                          region_code(k))
        make_region(spec, folder)
    return folder


def run(snakefile: Path, regions: Path, out: Path, cores: int) -> tuple[int, float, float]:
    """Run the regions; return (exit status, wall seconds, Snakemake's own CPU seconds)."""
    t0 = time.perf_counter()
    proc, own = run_snakemake_watched(
        snakefile, config=[f"regions={regions}", f"results={out}", "briefing_pack=false"],
        directory=out.parent, cores=cores, before=["--quiet"])
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
    return proc.returncode, wall, own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", type=int, default=200, help="how many tiny regions")
    parser.add_argument("--tps", type=int, default=40, help="TPS per region")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--snakefile", type=Path, default=REPO / "Snakefile")
    parser.add_argument("--target", type=float, default=0.25,
                        help="Snakemake's own CPU seconds per region, at most")
    parser.add_argument("--keep", type=Path, default=None, help="keep the run in this folder")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="riskmap-bench-scheduler-"))
    base.mkdir(parents=True, exist_ok=True)
    print(f"riskmap bench_scheduler: {args.regions} regions of {args.tps} TPS, {args.cores} "
          f"cores, {args.snakefile}; {load()}", flush=True)
    try:
        regions = make_regions(args.regions, args.tps, base / "regions", args.seed)
        status, wall, own = run(args.snakefile, regions, base / "out", args.cores)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    n = args.regions
    print(f"exit {status}: {wall:.1f} s wall ({wall / n:.2f} s per region); Snakemake's own "
          f"process {own:.1f} CPU s ({own / n:.3f} s per region); {load()}")
    if status != 0:
        print("ERROR: the run failed")
        return 2
    if n >= 100 and own / n > args.target:
        print(f"TARGETS MISSED:\n  - Snakemake's own CPU {own / n:.3f} s per region > "
              f"{args.target} s")
        return 1
    print("all measured targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
