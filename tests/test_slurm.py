"""The pipeline on a SLURM cluster (profiles/slurm) gives the same bytes as a local run.

Needs a running SLURM cluster whose node is idle, e.g. the single-node one of
``scripts/slurm_local.sh start`` (as root). In CI (``CI=true``) a cluster that cannot be
reached or started is a failure; elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_region import write_tiny_region

REPO = Path(__file__).resolve().parents[1]
PROFILE = REPO / "profiles" / "slurm"
START_SCRIPT = REPO / "scripts" / "slurm_local.sh"
COMPARED_SUFFIXES = (".csv", ".json", ".geojson")

pytestmark = [pytest.mark.slurm, pytest.mark.slow]


def write_province(root: Path) -> Path:
    """A synthetic province of three tiny kabupaten (region folders under ``root``)."""
    write_tiny_region(root / "alpha")
    write_tiny_region(root / "beta", lon0=114.40, lat0=-1.90, personnel=30)
    write_tiny_region(root / "gamma", lon0=113.20, lat0=-0.80)
    return root


def region_config(base: Path) -> list[str]:
    """The ``--config`` items naming what to run: a 3-region province, one job per region."""
    return [f"regions={write_province(base / 'regions')}"]


# Settings for the local test cluster only (no accounting database, fast status polling);
# a real cluster takes its settings from the profile alone.
LOCAL_CLUSTER_ARGS = [
    "--slurm-status-command", "squeue",
    "--slurm-no-account",
    "--slurm-init-seconds-before-status-checks", "2",
    "--retries", "0",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"SLURM is required in CI: {reason}")
    pytest.skip(f"SLURM not available: {reason}")


def _node_idle() -> str | None:
    """``None`` when sinfo lists a node that can take jobs, else why not."""
    if shutil.which("sinfo") is None:
        return "`sinfo` not found (apt-get install slurm-wlm munge)"
    try:
        res = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True,
                             timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"sinfo failed: {exc}"
    states = res.stdout.split()
    if res.returncode != 0:
        return f"sinfo failed: {res.stderr.strip() or res.returncode}"
    if not any(s.rstrip("*") in ("idle", "mix", "alloc", "comp") for s in states):
        return f"no usable node (sinfo states: {', '.join(states) or 'none'})"
    return None


@pytest.fixture(scope="module")
def slurm_cluster() -> None:
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        _unavailable("snakemake-executor-plugin-slurm is not installed (pip install -e .[cluster])")
    reason = _node_idle()
    if reason and _in_ci() and os.geteuid() == 0:
        # CI starts the cluster in .ci/run; try once more here in case it was not.
        subprocess.run(["bash", str(START_SCRIPT), "start"], capture_output=True, timeout=600)
        reason = _node_idle()
    if reason:
        _unavailable(f"{reason}; start one with `sudo bash scripts/slurm_local.sh start`")


def _snakemake(args: list[str], *, log: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    with open(log, "w", encoding="utf-8") as fh:
        return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=REPO, env=env,
                              stdout=fh, stderr=subprocess.STDOUT, timeout=900)


def _data_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and p.suffix in COMPARED_SUFFIXES}


def test_slurm_run_equals_local_run(slurm_cluster, tmp_path):
    items = region_config(tmp_path)
    out_slurm, out_local = tmp_path / "out-slurm", tmp_path / "out-local"
    slurm_args = ["--profile", str(PROFILE), *LOCAL_CLUSTER_ARGS,
                  "--slurm-logdir", str(tmp_path / "slurm_logs"),
                  "--config", *items, f"results={out_slurm}"]
    local_args = ["--cores", "2", "--config", *items, f"results={out_local}"]
    # The cluster run waits on SLURM's polling most of the time: run the local one meanwhile.
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    slurm_log = tmp_path / "slurm.log"
    with open(slurm_log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "snakemake", *slurm_args], cwd=REPO,
                                env=env, stdout=fh, stderr=subprocess.STDOUT)
        local = _snakemake(local_args, log=tmp_path / "local.log")
        try:
            slurm_rc = proc.wait(timeout=900)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert local.returncode == 0, (tmp_path / "local.log").read_text()[-3000:]
    slurm_text = slurm_log.read_text()
    assert slurm_rc == 0, slurm_text[-3000:]
    assert "submitted with SLURM jobid" in slurm_text, "no job went through SLURM"

    local_files, slurm_files = _data_files(out_local), _data_files(out_slurm)
    assert local_files, "the local run wrote no CSV/JSON/GeoJSON"
    for region in ("alpha", "beta", "gamma"):
        assert (out_slurm / region / "voting" / "map.html").is_file(), region
    assert (out_slurm / "_summary" / "voting" / "map.html").is_file()
    assert slurm_files == local_files
    _, mismatch, errors = filecmp.cmpfiles(out_local, out_slurm, sorted(local_files),
                                           shallow=False)
    assert not mismatch and not errors, f"differ: {mismatch}, unreadable: {errors}"
