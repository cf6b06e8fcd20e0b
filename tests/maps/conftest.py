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
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "maps"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome-error:", "devtools:")


class Tab:
    """One Playwright page with the requests it tried and the errors it logged.

    ``page`` is the Playwright page; the methods are the few waits the tests share.
    """

    def __init__(self, context) -> None:
        self.context = context
        self.requests: list[str] = []
        self.errors: list[str] = []
        context.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
        self.page = context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"exception: {exc}"))

    def _console(self, msg) -> None:
        if msg.type in ("error", "assert"):
            self.errors.append(f"console.{msg.type}: {msg.text} {msg.location.get('url', '')}")

    def network_requests(self) -> list[str]:
        """Return the requests that would have reached the network (all were aborted)."""
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def add_init_script(self, source: str) -> None:
        """Run ``source`` in every new document before its own scripts."""
        self.page.add_init_script(source)

    def open(self, url: str, *, timeout: float = 60) -> None:
        """Navigate to ``url`` and wait for its load event."""
        self.page.goto(url, wait_until="load", timeout=timeout * 1000)

    def evaluate(self, expression: str):
        """Evaluate a JavaScript expression (promises awaited) and return its value."""
        return self.page.evaluate(expression)

    def wait_for(self, expression: str, *, timeout: float = 30, interval: float = 0.05):
        """Poll ``expression`` until it is truthy and return its value.

        Polled from Python (``page.evaluate``), not with ``wait_for_function``, which evaluates
        a string with ``eval`` in the page and so is refused by the map's
        Content-Security-Policy (no ``unsafe-eval``).
        """
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                msg = f"timed out after {timeout} s waiting for {expression}"
                raise TimeoutError(msg)
            self.page.wait_for_timeout(interval * 1000)

    def pump(self, seconds: float) -> None:
        """Let the page run for ``seconds``."""
        self.page.wait_for_timeout(seconds * 1000)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport."""
        self.page.screenshot(path=str(path))
        return Path(path)

    def close(self) -> None:
        """Close the page and its context."""
        self.context.close()


class Browser:
    """The session's Chromium: ``new_page`` opens a fresh, network-blocked tab."""

    def __init__(self, browser) -> None:
        self.browser = browser

    def new_page(self, width: int = 1366, height: int = 768, *, mobile: bool = False,
                 scale: float = 1.0) -> Tab:
        """A tab of ``width`` x ``height`` CSS pixels (a touch phone when ``mobile``)."""
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale,
            is_mobile=mobile, has_touch=mobile, service_workers="block")
        return Tab(context)


def _unavailable(msg: str) -> None:
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{msg} (required in CI)")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def chromium():
    """A running headless Chromium (session-wide); tabs come from ``chromium.new_page()``."""
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which("chromium")):
        _unavailable("Chromium not installed: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright missing: pip install -e '.[test]'")
    executable = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            yield Browser(browser)
        finally:
            browser.close()


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
