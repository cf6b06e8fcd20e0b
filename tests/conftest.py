"""Shared fixtures: the demo run.

The demo run (all five stages of the embedded Gunung Mas region, with the stage overrides of
``config/stages/`` and the announcement's personnel from ``region.yaml``) is made once per
session and shared by the end-to-end test and the browser test of the demo maps.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pipeline_support import DEMO, run_pipeline  # noqa: E402


@pytest.fixture(scope="session")
def demo_results(tmp_path_factory) -> Path:
    """The results folder of one pipeline run on the demo region (all five stages)."""
    out = tmp_path_factory.mktemp("demo") / "results"
    proc = run_pipeline(DEMO, out)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out
