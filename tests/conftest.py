"""Shared fixtures: the demo run.

The demo run (all five stages of the embedded Gunung Mas region, with the stage overrides of
``config/stages/`` and the announcement's personnel from ``region.yaml``) is made once per
session and shared by the end-to-end test, the briefing pack's demo test and the browser test
of the demo maps; with pytest-xdist the workers share one run (a file lock in the session's
common temporary folder).
"""

from __future__ import annotations

import fcntl
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pipeline_support import DEMO, run_pipeline  # noqa: E402


@pytest.fixture(scope="session")
def demo_results(tmp_path_factory, worker_id) -> Path:
    """The results folder of one pipeline run on the demo region (all five stages)."""
    if worker_id == "master":
        root = tmp_path_factory.mktemp("demo")
    else:  # the session's folder shared by every xdist worker
        root = tmp_path_factory.getbasetemp().parent / "demo-shared"
        root.mkdir(exist_ok=True)
    out = root / "results"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            proc = run_pipeline(DEMO, out)
            assert proc.returncode == 0, proc.stderr[-4000:]
            (root / "done").touch()
    return out
