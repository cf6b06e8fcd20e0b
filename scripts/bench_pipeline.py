"""Time the whole pipeline on a region from scratch and print wall time and peak memory per rule.

Usage (from the repository root, after ``bash scripts/setup.sh``)::

    .venv/bin/python scripts/bench_pipeline.py                      # the Gunung Mas demo, 2 cores
    .venv/bin/python scripts/bench_pipeline.py --region DIR --cores 2

It runs ``snakemake --cores N`` into a fresh temporary results folder (so nothing is cached),
measures the end-to-end wall time, then reads Snakemake's ``benchmark:`` files
(``OUT/benchmarks/...``) and prints, per rule and stage, the wall seconds and the peak resident
memory (max_rss, MB). The target is an end-to-end wall time under ``--target`` seconds (60 s,
the demo's target on 2 cores).

Exit status: 0 the target is met; 1 it is missed (``MISSED:`` says by how much); 2 the region
folder or its region.yaml is missing, or the pipeline run failed (``MISSING:`` / ``ERROR:``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from riskmap.runner import run_snakemake

REPO = Path(__file__).resolve().parents[1]


def run(region: Path, out: Path, cores: int) -> float:
    t0 = time.perf_counter()
    proc = run_snakemake(REPO / "Snakefile", config=[f"region={region}", f"results={out}"],
                         directory=out.parent, cores=cores, before=["--quiet", "all"])
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-5000:])
        raise RuntimeError(f"pipeline failed with status {proc.returncode}")
    return wall


def benchmark_table(out: Path) -> pd.DataFrame:
    rows = []
    for tsv in sorted((out / "benchmarks").rglob("*.tsv")):
        b = pd.read_csv(tsv, sep="\t")
        stage = tsv.parent.name if tsv.parent.name != "benchmarks" else "-"
        rows.append(
            {
                "rule": tsv.stem,
                "stage": stage,
                "seconds": float(b["s"].iloc[0]),
                "max_rss_mb": float(b["max_rss"].iloc[0]),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", type=Path, default=REPO / "data" / "regions" / "gunung-mas")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--target", type=float, default=60.0,
                        help="end-to-end wall-time target, seconds")
    args = parser.parse_args(argv)
    if not (args.region / "region.yaml").is_file():
        print(f"MISSING: {args.region / 'region.yaml'} (not a region folder)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results"
        try:
            wall = run(args.region.resolve(), out, args.cores)
        except RuntimeError as err:
            print(f"ERROR: {err}", file=sys.stderr)
            return 2
        table = benchmark_table(out)
    pd.set_option("display.width", 120)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print()
    by_rule = table.groupby("rule").agg(
        jobs=("seconds", "size"), seconds=("seconds", "sum"), peak_rss_mb=("max_rss_mb", "max")
    )
    print(by_rule.to_string(float_format=lambda v: f"{v:.2f}"))
    print()
    print(f"region: {args.region}")
    print(
        f"end-to-end wall time: {wall:.1f} s on {args.cores} cores "
        f"(sum of job times {table['seconds'].sum():.1f} s); "
        f"peak memory of any job: {table['max_rss_mb'].max():.0f} MB"
    )
    if wall < args.target:
        print(f"target < {args.target:g} s: met")
        return 0
    print(f"MISSED: end-to-end wall time {wall:.1f} s >= target {args.target:g} s "
          f"(+{wall - args.target:.1f} s)")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
