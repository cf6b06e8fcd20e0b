"""Benchmark the map of the operations plan on a synthetic kabupaten.

For a region made by ``riskmap.simulate`` (``--n-tps`` TPS) with the stand-in stage tables of
``scripts/bench_map.py``, a stand-in plan is drawn: on voting day every TPS belongs to the
team of its nearest post (a sector per post), a Polsek patrol circuit and a reserve per day in
the quiet period, and a 75-day campaign with guard tasks at the venues active each day. It
measures, per map: size of map.html (limit: 8 MB), render time in Python, time to interactive
in headless Chromium (Playwright; limit 3 s), the label-placement pass after a zoom (ms),
overlapping visible labels (must be 0) and network requests (must be 0).

Usage::

    .venv/bin/python scripts/bench_map_plan.py [--n-tps 1500] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_map import stand_in_stage  # noqa: E402

from riskmap.maps import render_stage_map  # noqa: E402
from riskmap.simulate import simulate_region, write_region  # noqa: E402

COLUMNS = ["task_id", "date", "task", "post_id", "personnel", "unit_id", "site_kind",
           "site_id", "lat", "lon", "description"]

OVERLAPS = """() => {
  const root = window.riskmap.map.getPanes().mapPane;
  const view = window.riskmap.map.getContainer().getBoundingClientRect();
  const seen = r => r.right > view.left && r.left < view.right && r.bottom > view.top
    && r.top < view.bottom && r.width > 0;
  const labels = [...root.querySelectorAll('.rm-unit > span, .rm-lbl > span')]
    .filter(n => !n.classList.contains('rm-clash') && !n.classList.contains('rm-lbl-dot'))
    .map(n => n.getBoundingClientRect()).filter(seen);
  const figs = [...root.querySelectorAll('.rm-post, .rm-cluster, .rm-task')]
    .map(n => n.getBoundingClientRect()).filter(seen);
  const hit = (a, b) => a.left < b.right - .5 && b.left < a.right - .5 && a.top < b.bottom - .5
    && b.top < a.bottom - .5;
  let n = 0;
  labels.forEach((a, i) => { labels.slice(i + 1).forEach(b => { if (hit(a, b)) n++; });
    figs.forEach(b => { if (hit(a, b)) n++; }); });
  return [n, labels.length];
}"""


def voting_plan(t: dict) -> dict:
    """Every TPS to the team of its nearest post; one ``tps_team`` task per post."""
    tps, posts = t["tps_risk"].copy(), t["posts"]
    xy = np.c_[tps["lon"].astype(float), tps["lat"].astype(float)]
    pxy = np.c_[posts["lon"].astype(float), posts["lat"].astype(float)]
    nearest = np.sqrt(((xy[:, None, :] - pxy[None, :, :]) ** 2).sum(axis=2)).argmin(axis=1)
    tps["post_id"] = posts["post_id"].to_numpy()[nearest]
    polres = t["units"][t["units"]["kind"] == "polres"].iloc[0]
    rows = [(f"TIM-{p.post_id}", "2024-02-14", "tps_team", p.post_id, int(p.personnel),
             "POLSEK", "tps", p.site_id, p.lat, p.lon, "Pam TPS") for p in posts.itertuples()]
    rows.append(("RES", "2024-02-14", "reserve", "", 40, polres.unit_id, "unit",
                 polres.unit_id, polres.lat, polres.lon, "Cadangan Polres"))
    return {"tps_risk": tps, "tasks": pd.DataFrame(rows, columns=COLUMNS), "movements": []}


def campaign_plan(t: dict, *, seed: int) -> dict:
    """75 days; each day 3-8 venues guarded and one patrol line per Polsek."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-11-28", "2024-02-10").strftime("%Y-%m-%d")
    venues, units = t["venues"], t["units"]
    polsek = units[units["kind"] == "polsek"]
    rows, lines = [], []
    for day in days:
        for v in venues.sample(min(len(venues), int(rng.integers(3, 9))),
                               random_state=int(rng.integers(1 << 30))).itertuples():
            rows.append((f"G-{v.venue_id}", day, "venue_guard", "", int(rng.integers(5, 30)),
                         polsek.iloc[0].unit_id, "venue", v.venue_id, v.lat, v.lon,
                         "Pengamanan kegiatan"))
        for u in polsek.itertuples():
            task_id = f"PAT-{u.unit_id}"
            rows.append((task_id, day, "patrol", "", 4, u.unit_id, "unit", u.unit_id, u.lat,
                         u.lon, "Patroli"))
            ring = [(float(u.lon) + 0.03 * np.cos(a), float(u.lat) + 0.03 * np.sin(a))
                    for a in np.linspace(0, 2 * np.pi, 60)]
            lines.append({"type": "Feature", "properties": {
                "task_id": task_id, "task": "patrol", "date": day, "personnel": 4,
                "minutes": 240}, "geometry": {"type": "LineString", "coordinates": ring}})
    return {"tasks": pd.DataFrame(rows, columns=COLUMNS), "movements": lines}


def measure(browser, path: Path) -> dict:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("html[data-rm-ready='1']", timeout=120_000)
    ready = page.evaluate("window.riskmap.ready")
    wall = (time.perf_counter() - t0) * 1000
    worst_overlaps, pass_ms = 0, []
    for zoom_in in (0, 1.5, 3):
        page.evaluate(f"""() => {{ const m = window.riskmap.map;
          m.setZoom(m.getZoom() + {zoom_in}, {{animate: false}}); }}""")
        page.wait_for_function("() => document.getAnimations().length === 0")
        page.wait_for_function("() => !window.riskmap.labelsPending()")
        pass_ms.append(page.evaluate("""() => { const t = performance.now();
          window.riskmap.declutter(); return performance.now() - t; }"""))
        n, _ = page.evaluate(OVERLAPS)
        worst_overlaps = max(worst_overlaps, n)
    others = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    page.close()
    return {"ready_ms": ready, "wall_ms": wall, "declutter_ms": max(pass_ms),
            "overlaps": worst_overlaps, "requests": others}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-tps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="keep the maps in this folder")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        region = Path(tmp) / "region"
        write_region(simulate_region(shape="voronoi", n_tps=args.n_tps, seed=args.seed), region)
        t = stand_in_stage(region, as_of="2023-11-28", seed=args.seed)
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        maps = {}
        for stage, plan in (("voting", voting_plan(t)),
                            ("campaign", campaign_plan(t, seed=args.seed))):
            t0 = time.perf_counter()
            html = render_stage_map(
                t["areas"], t["area_risk"], plan.get("tps_risk", t["tps_risk"]), t["posts"],
                t["venues"], t["incidents"], t["units"], t["reach"],
                region_name="Kabupaten Simulasi", stage=stage, as_of="2023-11-28",
                window_end="2024-02-14", generated="2026-11-28", synthetic=True,
                previous_area_risk=t["previous_area_risk"], map_config={},
                tasks=plan["tasks"], movements=plan["movements"], plan={})
            render_s = time.perf_counter() - t0
            path = out_dir / f"{stage}_map.html"
            path.write_text(html, encoding="utf-8")
            maps[stage] = (path, render_s, len(plan["tasks"]), len(plan["movements"]))
        print(f"synthetic kabupaten: {len(t['areas'])} villages, {len(t['tps_risk'])} TPS, "
              f"{len(t['posts'])} posts, {len(t['venues'])} venues")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--no-first-run"])
            for stage, (path, render_s, n_tasks, n_lines) in maps.items():
                m = measure(browser, path)
                size = path.stat().st_size / 1e6
                good = (size < 8 and m["ready_ms"] < 3000 and m["overlaps"] == 0
                        and not m["requests"])
                ok &= good
                print(f"{stage:<9} {n_tasks:6d} tasks {n_lines:5d} lines  {size:5.2f} MB  "
                      f"render {render_s:5.2f} s  interactive {m['ready_ms']:6.0f} ms  "
                      f"label pass {m['declutter_ms']:5.1f} ms  overlapping labels "
                      f"{m['overlaps']}  requests {len(m['requests'])}  "
                      f"{'OK' if good else 'FAIL'}")
            browser.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
