"""Running the Snakemake pipeline from the tests: a subprocess with this Python first on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "regions" / "gunung-mas"


def pipeline_env(**extra: str) -> dict[str, str]:
    """The environment of a pipeline run: this Python first on PATH, no map passphrase."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("RISKMAP_MAP_PASSPHRASE", None)
    env.update(extra)
    return env


def run_pipeline(region: Path, out: Path, *extra: str, env: dict | None = None,
                 timeout: float = 1200) -> subprocess.CompletedProcess:
    """Run ``snakemake --cores 2`` on ``region`` into ``out`` (working dir: out's parent)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["snakemake", "--snakefile", str(REPO / "Snakefile"), "--cores", "2",
           "--directory", str(out.parent), "--config", f"region={region}", f"results={out}",
           *extra]
    return subprocess.run(cmd, cwd=out.parent, env=env or pipeline_env(), capture_output=True,
                          text=True, timeout=timeout)
