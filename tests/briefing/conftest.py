"""Fixtures of the briefing tests (the stage they render: tests/briefing/briefing_stage.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from briefing_stage import step_args, write_stage  # noqa: E402


@pytest.fixture(scope="module")
def briefed(tmp_path_factory) -> dict[str, Path]:
    """The hand-built stage with its briefing pack rendered (tasks and previous stage)."""
    from riskmap.steps import render_briefing

    paths = write_stage(tmp_path_factory.mktemp("brief"))
    assert render_briefing.main(step_args(paths)) == 0
    return paths
