"""Drive headless Chromium over the DevTools protocol: open a map, count requests and errors.

Used by the browser tests, ``scripts/screenshot.py`` and ``scripts/bench_map.py`` (not by the
pipeline). Needs Debian's ``chromium`` and the ``websocket-client`` package (test extras).

Every page records the network requests it makes (anything but ``file:``/``data:``/
``about:``/``blob:`` counts as network) and its console errors, uncaught exceptions and
browser-logged errors (a request blocked by the Content-Security-Policy is one).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome-error:", "devtools:")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-allow-origins=*",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    """Return the path of Chromium (``/usr/bin/chromium`` or on ``PATH``), or ``None``."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class BrowserError(RuntimeError):
    """Chromium did not start, or a DevTools command failed or timed out."""


@dataclass
class Page:
    """One browser tab with its recorded requests and errors."""

    ws: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # -------------------------------------------------------------- protocol
    def _record(self, msg: dict) -> None:
        method = msg.get("method", "")
        params = msg.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in
                            params.get("args", []))
            self.errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exc = details.get("exception", {})
            self.errors.append(f"exception: {exc.get('description') or details.get('text')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            where = entry.get("url", "")
            self.errors.append(f"log.{entry.get('source')}: {entry.get('text')} {where}")
        self.events.append(msg)

    def send(self, method: str, params: dict | None = None, *, timeout: float = 60) -> dict:
        """Send one DevTools command and return its result."""
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"{method}: no answer within {timeout} s")
            self.ws.settimeout(remaining)
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._record(msg)

    def pump(self, seconds: float) -> None:
        """Collect events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            self.ws.settimeout(remaining)
            try:
                self._record(json.loads(self.ws.recv()))
            except Exception:  # timeout
                return

    def wait_event(self, method: str, *, timeout: float = 60, since: int = 0) -> dict:
        """Wait for the event ``method`` (looking at recorded events from index ``since``)."""
        deadline = time.monotonic() + timeout
        while True:
            for msg in self.events[since:]:
                if msg.get("method") == method:
                    return msg
            since = len(self.events)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"event {method} not seen within {timeout} s")
            self.ws.settimeout(remaining)
            with contextlib.suppress(Exception):
                self._record(json.loads(self.ws.recv()))

    # -------------------------------------------------------------- conveniences
    def network_requests(self) -> list[str]:
        """Return the recorded requests that would reach the network."""
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def set_viewport(self, width: int, height: int, *, mobile: bool = False,
                     scale: float = 1.0) -> None:
        """Emulate a window of ``width`` x ``height`` CSS pixels (a phone when ``mobile``)."""
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile,
        })
        self.send("Emulation.setTouchEmulationEnabled", {"enabled": mobile, "maxTouchPoints": 5})

    def add_init_script(self, source: str) -> None:
        """Run ``source`` in every new document before its own scripts."""
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    def open(self, url: str, *, timeout: float = 60) -> None:
        """Navigate to ``url`` and wait for its load event."""
        since = len(self.events)
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired", timeout=timeout, since=since)

    def evaluate(self, expression: str, *, timeout: float = 60) -> Any:
        """Evaluate ``expression`` (promises awaited) and return its value."""
        result = self.send("Runtime.evaluate", {
            "expression": expression, "awaitPromise": True, "returnByValue": True,
            "userGesture": True,
        }, timeout=timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            desc = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"evaluate({expression[:60]}...): {desc}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, *, timeout: float = 30, interval: float = 0.05) -> Any:
        """Poll ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            self.pump(interval)

    def screenshot(self, path: str | Path) -> Path:
        """Save a PNG of the viewport to ``path``."""
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


class Chromium:
    """A headless Chromium with a fresh profile; use as a context manager."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or find_chromium()
        if not self.executable:
            raise BrowserError("Chromium not installed: apt-get install -y chromium")
        self.profile = tempfile.mkdtemp(prefix="riskmap-chromium-")
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None

    def __enter__(self) -> Chromium:
        self.proc = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise BrowserError("Chromium did not start (no DevToolsActivePort)")
            time.sleep(0.05)
        self.port = int(port_file.read_text().split()[0])
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _json(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:  # local DevTools endpoint only
            return json.loads(resp.read().decode("utf-8"))

    def new_page(self) -> Page:
        """Open a new blank tab with request, console and log recording switched on."""
        import websocket  # test extras

        target = self._json("/json/new?about:blank", method="PUT")
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30,
                                         suppress_origin=True)
        page = Page(ws=ws)
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(f"{domain}.enable")
        return page
