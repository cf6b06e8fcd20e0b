"""Browser-test support: Debian's headless Chromium driven by Playwright for Python.

Playwright is launched with ``executable_path=/usr/bin/chromium`` (``playwright install`` is
never needed: it would download a browser). Each tab lives in its own browser context with the
network blocked (every request that is not ``file:`` is aborted, and recorded) and its console
errors and uncaught exceptions collected. ``launch()`` gives the browser a fresh temporary
user-data dir, removed when it closes.

Without Chromium (or Playwright) the browser tests are skipped with the reason shown
(pytest -ra), except in CI (``CI`` set, e.g. ``CI=true``), where a missing browser is a
failure. Screenshots go to ``test-artifacts/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from riskmap.maps.browser import launch, unavailable  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "maps"


def _unavailable(msg: str) -> None:
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{msg} (required in CI)")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def chromium():
    """A running headless Chromium (session-wide); tabs come from ``chromium.new_page()``."""
    reason = unavailable()
    if reason:
        _unavailable(reason)
    with launch() as browser:
        yield browser


@pytest.fixture
def page(chromium):
    """A fresh desktop-sized (1366x768) tab; closed after the test."""
    tab = chromium.new_page()
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots (created)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def write_map(tmp_path):
    """Write an html text to a file in tmp_path and return its file:// URL."""

    def _write(html: str, name: str = "map.html") -> str:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        return path.as_uri()

    return _write
