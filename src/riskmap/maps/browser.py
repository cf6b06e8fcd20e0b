"""Debian's headless Chromium driven by Playwright for Python: for the browser tests, the
screenshots and the map benchmark alike.

Playwright is launched with ``executable_path=/usr/bin/chromium`` (``playwright install`` is
never needed: it would download a browser). Each tab lives in its own browser context with the
network blocked (every request that is not ``file:`` is aborted, and recorded) and its console
errors and uncaught exceptions collected. Playwright is a test/benchmark dependency (the
``test`` extra): it is imported only when a browser is launched.
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
    """One Playwright page in its own context, with the requests it tried and the errors it
    logged; ``page`` is the Playwright page, the methods are the few waits callers share."""

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

    def open(self, target: str | Path, *, timeout: float = 60) -> None:
        """Navigate to a URL or a local file and wait for its load event."""
        url = target if isinstance(target, str) and "://" in target else \
            Path(target).resolve().as_uri()
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
    """A launched Chromium; ``new_page`` opens a fresh, network-blocked tab."""

    def __init__(self, browser, executable: str | None = None) -> None:
        self.browser = browser
        self.executable = executable

    def new_page(self, width: int = 1366, height: int = 768, *, mobile: bool = False,
                 scale: float = 1.0) -> Tab:
        """A tab of ``width`` x ``height`` CSS pixels (a touch phone when ``mobile``)."""
        return Tab(self.browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale,
            is_mobile=mobile, has_touch=mobile, service_workers="block"))


@contextmanager
def launch() -> Iterator[Browser]:
    """Start headless Chromium under Playwright (a fresh temporary profile); stop it on exit."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            yield Browser(browser, executable)
        finally:
            browser.close()
