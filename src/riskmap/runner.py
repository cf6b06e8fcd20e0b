"""Running the Snakemake workflow as a subprocess, for the benchmarks and the tests.

Rules call the ``python`` on ``PATH``, so the run gets this interpreter's folder first on
``PATH``: the pipeline then uses the same environment as the caller.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
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


def run_snakemake_watched(snakefile: Path, *, config: Sequence[str], directory: Path,
                          cores: int = 2, before: Sequence[str] = (),
                          after: Sequence[str] = (), interval: float = 0.2,
                          ) -> tuple[subprocess.CompletedProcess, float]:
    """:func:`run_snakemake`, and the CPU seconds of the Snakemake process itself.

    The jobs Snakemake runs are its children and not counted: the process's own user and
    system time is sampled every ``interval`` seconds with psutil (a Snakemake dependency;
    ``resource.getrusage`` cannot tell a process from its reaped children), the last sample
    before it exits kept. Output is captured to temporary files (no pipe to fill).
    """
    import psutil

    cmd = snakemake_command(snakefile, config=config, directory=directory, cores=cores,
                            before=before, after=after)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, env=snakemake_env(), stdout=out, stderr=err, text=True)
        own = 0.0
        try:
            watched = psutil.Process(proc.pid)
            while proc.poll() is None:
                try:
                    times = watched.cpu_times()
                    own = times.user + times.system
                except psutil.Error:
                    pass
                time.sleep(interval)
        finally:
            proc.wait()
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())
    return done, own
