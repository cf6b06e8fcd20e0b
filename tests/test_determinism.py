"""Determinism across processes: two pipeline runs of a simulated 1,500-TPS region, each in
its own processes with a different ``PYTHONHASHSEED``, give byte-identical CSV, JSON and
GeoJSON files (every one under the results folder except logs and benchmark timings).

The two runs go side by side (``--cores 1`` each), so they also meet different timings.
Marked ``slow`` (about two minutes on 2 idle cores); the suite runs it. Without it, the
within-process checks (test_model_score, test_maps_render) and the tiny-region workflow runs
still cover determinism, on smaller inputs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from contract import STAGES, deterministic_files
from pipeline_support import REPO, pipeline_env

pytestmark = pytest.mark.slow

HASH_SEEDS = ("1", "2024")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("determinism")
    region = base / "region"
    sim = subprocess.run([sys.executable, "-m", "riskmap.simulate", "--n-tps", "1500",
                          "--seed", "1", "--out", str(region)], env=pipeline_env(),
                         capture_output=True, text=True, timeout=300)
    assert sim.returncode == 0, sim.stderr[-3000:]
    procs, outs = [], []
    for seed in HASH_SEEDS:
        work = base / f"run-{seed}"
        work.mkdir()
        out = work / "results"
        cmd = ["snakemake", "--snakefile", str(REPO / "Snakefile"), "--cores", "1",
               "--directory", str(work), "--config", f"region={region}", f"results={out}"]
        procs.append(subprocess.Popen(cmd, cwd=work, env=pipeline_env(PYTHONHASHSEED=seed),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True))
        outs.append(out)
    for proc in procs:
        _, err = proc.communicate(timeout=1800)
        assert proc.returncode == 0, err[-4000:]
    return outs[0], outs[1]


def test_the_region_is_the_asked_size(two_runs):
    a, _ = two_runs
    tps = (a / "voting" / "tps_risk.csv").read_text(encoding="utf-8").splitlines()
    assert len(tps) - 1 == 1500


def test_every_output_file_is_byte_identical(two_runs):
    a, b = two_runs
    files = deterministic_files(a)
    assert files == deterministic_files(b)
    for stage in STAGES:  # every stage's published files are among those compared
        assert {f"{stage}/area_risk.csv", f"{stage}/tps_risk.csv", f"{stage}/posts.csv",
                f"{stage}/posts.geojson", f"{stage}/plan.json", f"{stage}/quality.json"} \
            <= set(files), stage
    differ = [f for f in files if (a / f).read_bytes() != (b / f).read_bytes()]
    assert not differ, f"differ between PYTHONHASHSEED={HASH_SEEDS}: {differ}"
