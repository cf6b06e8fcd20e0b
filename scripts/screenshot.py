"""Screenshot maps in headless Chromium (Playwright): desktop (1366x768) and phone (390x844).

For each map: ``<name>-desktop.png``, ``<name>-phone.png`` (legend collapsed, as a phone user
first sees it) and ``<name>-phone-legend.png`` (legend opened). A passphrase-protected map is
opened with ``--passphrase`` first. Prints the network requests and console errors seen
(both must be none).

Exit status: 0 every screenshot taken with no request and no error; 1 a request or an error
was seen; 2 no map, a missing map file, or Chromium/Playwright absent.

Usage::

    .venv/bin/python scripts/screenshot.py results/*/map.html --out test-artifacts/screens
    .venv/bin/python scripts/screenshot.py --results results --out test-artifacts/screens
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from riskmap.maps.browser import Browser, launch, unavailable

VIEWPORTS = {"desktop": (1366, 768, False, 1.0), "phone": (390, 844, True, 2.0)}
STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")


def shoot(browser: Browser, path: Path, out: Path, name: str, *,
          passphrase: str | None = None) -> int:
    """Save the screenshots of one map; return the number of problems seen."""
    problems = 0
    for view, (width, height, mobile, scale) in VIEWPORTS.items():
        page = browser.new_page(width, height, mobile=mobile, scale=scale)
        page.open(path, timeout=120)
        if passphrase is not None and page.evaluate("!!document.getElementById('rm-pass')"):
            page.evaluate(f"document.getElementById('rm-pass').value = {json.dumps(passphrase)};"
                          "document.getElementById('rm-open').click();")
        page.wait_for("window.riskmap && window.riskmap.ready", timeout=120)
        page.page.wait_for_timeout(800)
        page.page.screenshot(path=str(out / f"{name}-{view}.png"))
        if mobile:
            page.evaluate("document.getElementById('rm-panel-toggle').click()")
            page.page.wait_for_timeout(300)
            page.page.screenshot(path=str(out / f"{name}-{view}-legend.png"))
        for line in page.network_requests() + page.errors:
            print(f"  {name} {view}: {line}")
            problems += 1
        page.close()
    print(f"{name}: {out / name}-*.png")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("maps", nargs="*", type=Path, help="map.html files")
    parser.add_argument("--results", type=Path, default=None,
                        help="a results folder: screenshot <stage>/map.html of every stage")
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/screens"))
    parser.add_argument("--passphrase", default=None)
    args = parser.parse_args(argv)
    if (why := unavailable()) is not None:
        print(why, file=sys.stderr)
        return 2
    jobs = [(p, p.parent.name if p.name == "map.html" else p.stem) for p in args.maps]
    if args.results:
        jobs += [(args.results / s / "map.html", s) for s in STAGES
                 if (args.results / s / "map.html").exists()]
    if not jobs:
        print("no map given", file=sys.stderr)
        return 2
    if absent := [str(path) for path, _ in jobs if not path.is_file()]:
        print("MISSING: " + ", ".join(absent), file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    problems = 0
    with launch() as browser:
        for path, name in jobs:
            problems += shoot(browser, path, args.out, name, passphrase=args.passphrase)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
