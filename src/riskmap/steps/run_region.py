"""Step ``run_region``: every step of one region in one process (many-region runs).

A many-region run (``--config regions=DIR``) gives each region folder one job. The job runs the
same step commands, with the same arguments, as the single-region rules (ingest once, then
score, allocate, render_map... per stage), but in one Python process: the libraries are
imported once per region instead of once per rule and stage, which is most of a small
region's cost. The outputs are the same bytes as the single-region run's.

The job always ends with status 0 unless it is itself misused: a region whose input cannot be
used (bad ``region.yaml``, a fatal input error) gets ``status.json`` saying why, so the other
regions complete; the summary lists it and the run's final check fails.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import resource
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("riskmap")


@dataclass
class StepResult:
    """What one step invocation did: its name, exit status, error text and wall time."""

    name: str
    status: int
    error: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)


@dataclass
class RegionRun:
    """The outcome of a region's steps, in order; ``reason`` is empty when all succeeded."""

    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every step ended with status 0."""
        return all(s.status == 0 for s in self.steps)

    @property
    def reason(self) -> str:
        """The first failed step and its message (one line), or ``""``."""
        for s in self.steps:
            if s.status != 0:
                text = " ".join(s.error.split()) or f"exit status {s.status}"
                return f"{s.name}: {text}"
        return ""


class _ErrorCollector(logging.Handler):
    """Keep the ERROR records the steps log (their readable input-error messages)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_steps(steps: list[dict]) -> RegionRun:
    """Run ``steps`` (each ``{"name", "module", "argv"}``) in order, stopping at a failure.

    Each step is ``riskmap.steps.<module>.main(argv)``, exactly what the rule's shell command
    runs. A step that ends with a non-zero status, or raises, ends the region's run; its error
    message (or the exception, with the traceback in the log) becomes the reason.
    """
    from riskmap.steps._common import PART_SECONDS

    run = RegionRun()
    logger = logging.getLogger("riskmap")
    for step in steps:
        PART_SECONDS.clear()
        collector = _ErrorCollector()
        logger.addHandler(collector)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            module = importlib.import_module(f"riskmap.steps.{step['module']}")
            status = int(module.main(list(step["argv"])) or 0)
            error = collector.messages[0] if collector.messages else ""
        except SystemExit as exc:  # argparse refusing the arguments
            status = exc.code if isinstance(exc.code, int) and exc.code else 2
            error = f"bad arguments for riskmap.steps.{step['module']}"
        except Exception as exc:  # a bug in a step: recorded, the other regions go on
            status = 1
            error = f"internal error {type(exc).__name__}: {exc}"
            logger.error("%s failed:\n%s", step["name"], traceback.format_exc())
        finally:
            logger.removeHandler(collector)
        run.steps.append(
            StepResult(
                step["name"],
                status,
                error,
                time.perf_counter() - t0,
                time.process_time() - c0,
                dict(PART_SECONDS),
            )
        )
        if status != 0:
            break
    return run


def status_record(region: str, run: RegionRun, *, problem: str = "") -> dict:
    """The region's ``status.json``: ``ok`` or the reason; no timings (stable bytes).

    ``problem`` is what the workflow found wrong before running (an unusable ``region.yaml``);
    a failed step's own message, more precise, comes first.
    """
    reason = run.reason or " ".join(problem.split())
    return {
        "region": region,
        "status": "error" if reason else "ok",
        "reason": reason,
        "steps": [s.name for s in run.steps],
    }


def process_cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished children (the solver)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def peak_memory_mb() -> float:
    """Peak resident memory (MB) of this process or of its largest finished child."""
    return (
        max(
            resource.getrusage(w).ru_maxrss
            for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        / 1024.0
    )


def write_timings(
    run: RegionRun, path: Path, *, startup_cpu: float = 0.0, wall: float = 0.0
) -> None:
    """Write the wall and CPU seconds of every step as a TSV (``step``, ``seconds``, ``cpu``,
    ``max_rss_mb``, ``parts``: the CPU seconds of a step's named parts, ``name=s;...``).

    The first row, ``startup``, is the CPU time the process had spent before the first step
    (the interpreter and this module); each step's first use of a library includes its import.
    The last row, ``total``, is the job's wall time, the CPU time of the process and its
    children (solver processes included) and the peak memory. In the run's warm process
    (:mod:`riskmap.warm`) the library imports were paid once, before the fork, and are not
    counted here; ``startup`` is then the region's share of nothing but the fork.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["step\tseconds\tcpu\tmax_rss_mb\tparts", f"startup\t\t{startup_cpu:.3f}\t\t"] + [
        f"{s.name}\t{s.seconds:.3f}\t{s.cpu_seconds:.3f}\t\t"
        + ";".join(f"{k}={v:.3f}" for k, v in sorted(s.parts.items()))
        for s in run.steps
    ]
    lines.append(f"total\t{wall:.3f}\t{process_cpu_seconds():.3f}\t{peak_memory_mb():.1f}\t")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the region in the run's warm process when there is one, else in this process."""
    from riskmap.warm import run_remote

    args = sys.argv[1:] if argv is None else list(argv)
    status = run_remote(args)
    return run_local(args) if status is None else status


def run_local(argv: list[str] | None = None) -> int:
    """Run the region's steps in this process and write its status (and timings)."""
    parser = argparse.ArgumentParser(description="Run every step of one region in one process.")
    parser.add_argument("--region", required=True, help="the region folder's name")
    parser.add_argument("--steps", required=True, help="JSON list of {name, module, argv}")
    parser.add_argument("--status", type=Path, required=True, help="status.json to write")
    parser.add_argument("--problem", default="", help="why the region cannot be run, if known")
    parser.add_argument("--timings", type=Path, default=None, help="per-step seconds (TSV)")
    args = parser.parse_args(argv)
    t0, startup_cpu = time.perf_counter(), time.process_time()
    run = run_steps(json.loads(args.steps))
    record = status_record(args.region, run, problem=args.problem)
    if args.timings:
        wall = time.perf_counter() - t0
        write_timings(run, args.timings, startup_cpu=startup_cpu, wall=wall)
    args.status.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.status.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(args.status)
    verdict = "ok" if record["status"] == "ok" else f"NOT USABLE: {record['reason']}"
    sys.stderr.write(f"region {args.region}: {verdict} ({time.perf_counter() - t0:.1f} s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
