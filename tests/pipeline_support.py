"""Running the Snakemake pipeline from the tests: a subprocess with this Python first on PATH."""

from __future__ import annotations

import subprocess
from pathlib import Path

from riskmap.runner import run_snakemake, snakemake_env

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "regions" / "gunung-mas"


def pipeline_env(**extra: str) -> dict[str, str]:
    """The environment of a pipeline run: this Python first on PATH, no map passphrase."""
    env = snakemake_env(extra)
    env.pop("RISKMAP_MAP_PASSPHRASE", None)
    return env


def run_pipeline(region: Path, out: Path, *extra: str, env: dict | None = None,
                 timeout: float = 1200) -> subprocess.CompletedProcess:
    """Run ``snakemake --cores 2`` on ``region`` into ``out`` (working dir: out's parent)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return run_snakemake(REPO / "Snakefile", config=[f"region={region}", f"results={out}"],
                         directory=out.parent, after=extra, cwd=out.parent,
                         env=env or pipeline_env(), timeout=timeout)
