"""Debian's headless Chromium through Playwright, for the screenshot and map-benchmark scripts.

Playwright is launched with ``executable_path=/usr/bin/chromium`` (never ``playwright
install``, which downloads a browser). Every tab has its own context: the network is blocked
(requests that are not ``file:`` are aborted, and recorded) and console errors and uncaught
exceptions are collected. ``launch()`` gives the browser a fresh temporary user-data dir.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome-error:", "devtools:")


def find_chromium() -> str | None:
    """Return Debian's Chromium (``/usr/bin/chromium``, else ``chromium`` on PATH) or None."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def unavailable() -> str | None:
    """Return why the browser cannot run here (Chromium or Playwright missing), or None."""
    if find_chromium() is None:
        return "Chromium not installed: apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright missing: .venv/bin/pip install -e '.[test]'"
    return None


class Tab:
    """One page in its own context, with the requests it tried and the errors it logged."""

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
            self.errors.append(f"console.{msg.type}: {msg.text}")

    def network_requests(self) -> list[str]:
        """Return the requests that would have reached the network (all were aborted)."""
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def open(self, path: Path, *, timeout: float = 120) -> None:
        """Open a local file and wait for its load event."""
        self.page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=timeout * 1000)

    def evaluate(self, expression: str):
        """Evaluate a JavaScript expression and return its value."""
        return self.page.evaluate(expression)

    def wait_for(self, expression: str, *, timeout: float = 120, interval: float = 0.02):
        """Poll ``expression`` from Python until truthy (the map's CSP refuses ``eval``)."""
        deadline = time.monotonic() + timeout
        while not (value := self.page.evaluate(expression)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout} s waiting for {expression}")
            self.page.wait_for_timeout(interval * 1000)
        return value

    def close(self) -> None:
        """Close the page and its context."""
        self.context.close()


class Browser:
    """A launched Chromium; ``new_tab`` opens a fresh, network-blocked tab."""

    def __init__(self, browser, executable: str) -> None:
        self.browser = browser
        self.executable = executable

    def new_tab(self, width: int = 1366, height: int = 768, *, mobile: bool = False,
                scale: float = 1.0) -> Tab:
        """A tab of ``width`` x ``height`` CSS pixels (a touch phone when ``mobile``)."""
        return Tab(self.browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale,
            is_mobile=mobile, has_touch=mobile, service_workers="block"))


@contextmanager
def launch() -> Iterator[Browser]:
    """Start headless Chromium under Playwright; stop it on exit."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            yield Browser(browser, executable)
        finally:
            browser.close()
