"""Browser-test support: a headless Chromium (Debian's) driven over the DevTools protocol.

Without Chromium the browser tests are skipped with the reason shown (pytest -ra), except in
CI (``CI`` set), where a missing browser is a failure. Screenshots go to ``test-artifacts/``
at the repository root (git-ignored).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "maps"


@pytest.fixture(scope="session")
def chromium():
    """A running headless Chromium (session-wide); pages come from ``chromium.new_page()``."""
    from riskmap.maps.chromium import Chromium, find_chromium

    exe = find_chromium()
    if exe is None:
        msg = "Chromium not installed: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{msg} (required in CI)")
        pytest.skip(msg)
    try:
        import websocket  # noqa: F401
    except ImportError:
        msg = "websocket-client missing: pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    with Chromium(exe) as browser:
        yield browser


@pytest.fixture
def page(chromium):
    """A fresh desktop-sized (1366x768) tab; closed after the test."""
    p = chromium.new_page()
    p.set_viewport(1366, 768)
    yield p
    p.ws.close()


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
