"""Running the Snakemake workflow as a subprocess, for the benchmarks and the tests.

Rules call the ``python`` on ``PATH``, so the run gets this interpreter's folder first on
``PATH``: the pipeline then uses the same environment as the caller.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def snakemake_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with its Python's folder first on ``PATH`` (and ``extra``)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


def snakemake_command(snakefile: Path, *, config: Sequence[str], directory: Path, cores: int = 2,
                      before: Sequence[str] = (), after: Sequence[str] = ()) -> list[str]:
    """``snakemake --snakefile S --cores N --directory D <before> --config <config> <after>``.

    Examples
    --------
    >>> snakemake_command(Path("S"), config=["results=o"], directory=Path("w"))[-4:]
    ['--directory', 'w', '--config', 'results=o']
    """
    return ["snakemake", "--snakefile", str(snakefile), "--cores", str(cores),
            "--directory", str(directory), *before, "--config", *config, *after]


def run_snakemake(snakefile: Path, *, config: Sequence[str], directory: Path, cores: int = 2,
                  before: Sequence[str] = (), after: Sequence[str] = (),
                  env: Mapping[str, str] | None = None, cwd: Path | None = None,
                  timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run :func:`snakemake_command` (output captured as text)."""
    cmd = snakemake_command(snakefile, config=config, directory=directory, cores=cores,
                            before=before, after=after)
    return subprocess.run(cmd, cwd=cwd, env=dict(env) if env is not None else snakemake_env(),
                          capture_output=True, text=True, timeout=timeout)
