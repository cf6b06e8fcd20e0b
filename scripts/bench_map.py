"""Benchmark the commander's map: file size and time to interactive in headless Chromium.

Measures, for each map:
  * size of map.html (MB; limits: 3 MB for the demo maps, 8 MB for a 1,500-TPS kabupaten);
  * render time in Python (for the synthetic map);
  * time to interactive in Chromium, in ms since navigation start: the later of (a) the first
    frame after every layer is drawn and the Leaflet map is ready (``window.riskmap.ready``,
    a ``performance.now()``) and (b) the end of the page's load event; median and worst of
    ``--repeat`` fresh tabs (limit: 3 s);
  * network requests and console errors during the load (must both be zero).

The 1,500-TPS map is drawn for a region made by ``python -m riskmap.simulate --n-tps 1500
--seed 1`` with stand-in stage tables (scores from past incidents, posts every few TPS, reach
from straight-line distance): the map's cost depends on the counts of villages, TPS, posts,
venues and incidents, not on how the scores were made.

Usage::

    .venv/bin/python scripts/bench_map.py [--results results] [--n-tps 1500] [--seed 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.geo import points_from_lonlat, utm_crs_for
from riskmap.maps import render_stage_map
from riskmap.maps.chromium import Chromium, find_chromium
from riskmap.simulate import simulate_region, write_region

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")
FACTORS = ("Riwayat insiden di desa; Lokasi kampanye dekat; Jumlah pemilih besar",
           "Selisih suara tipis pada pemilu lalu; Sulit dijangkau",
           "Riwayat insiden di desa")


def stand_in_stage(region: Path, *, as_of: str, seed: int) -> dict:
    """Return stand-in stage tables (the ``render_stage_map`` arguments) for a region folder."""
    rng = np.random.default_rng(seed)
    areas = gpd.read_file(region / "areas.geojson")
    tps = pd.read_csv(region / "tps.csv", dtype={"tps_id": str, "village_code": str})
    venues = pd.read_csv(region / "venues.csv", dtype=str)
    incidents = pd.read_csv(region / "incidents.csv", dtype=str)
    units = pd.read_csv(region / "units.csv", dtype={"unit_id": str})
    incidents = incidents[incidents["date"] < as_of].reset_index(drop=True)
    venues = venues[(venues["start"].isna()) | (venues["start"] >= as_of)].reset_index(drop=True)

    crs = utm_crs_for(areas)
    inc_pts = points_from_lonlat(incidents, crs=crs)
    joined = gpd.sjoin(inc_pts, areas.to_crs(crs)[["village_code", "geometry"]],
                       predicate="within")
    counts = joined.groupby("village_code").size()
    score = areas["village_code"].map(counts).fillna(0).to_numpy(dtype=float)
    score = 100 * pd.Series(score + rng.uniform(0, 0.5, len(score))).rank(pct=True).to_numpy()
    cls = np.where(score >= 90, "sangat_rawan", np.where(score >= 65, "rawan", "kurang_rawan"))
    area_risk = pd.DataFrame({
        "village_code": areas["village_code"], "village_name": areas["village_name"],
        "subdistrict_name": areas["subdistrict_name"], "risk_score": score.round(1),
        "risk_class": cls, "expected_incidents": (score / 40).round(2),
        "top_factors": [FACTORS[i % 3] for i in range(len(areas))],
    })
    previous = area_risk[["village_code", "risk_class"]].copy()
    flip = rng.random(len(previous)) < 0.08
    previous.loc[flip, "risk_class"] = "kurang_rawan"

    by_code = area_risk.set_index("village_code")
    tps_score = (tps["village_code"].map(by_code["risk_score"]).to_numpy()
                 + rng.normal(0, 4, len(tps))).clip(0, 100)
    tps_cls = np.where(tps_score >= 90, "sangat_rawan",
                       np.where(tps_score >= 65, "rawan", "kurang_rawan"))
    pts = points_from_lonlat(tps, crs=crs)
    order = np.argsort(-tps_score, kind="stable")
    post_idx = order[:: 6][: len(tps) // 6]
    post_xy = np.c_[pts.geometry.x.to_numpy()[post_idx], pts.geometry.y.to_numpy()[post_idx]]
    xy = np.c_[pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()]
    dist = np.sqrt(((xy[:, None, :] - post_xy[None, :, :]) ** 2).sum(axis=2))
    nearest = dist.argmin(axis=1)
    covered = dist[np.arange(len(tps)), nearest] <= 3000
    post_ids = np.array([f"POS-{i + 1:04d}" for i in range(len(post_idx))])
    tps_risk = pd.DataFrame({
        "tps_id": tps["tps_id"], "village_code": tps["village_code"], "lat": tps["lat"],
        "lon": tps["lon"], "voters": tps["voters"], "risk_score": tps_score.round(1),
        "risk_class": tps_cls, "post_id": np.where(covered, post_ids[nearest], ""),
        "hard_to_reach": tps["hard_to_reach"],
    })
    n_cov = pd.Series(tps_risk["post_id"]).value_counts()
    posts = pd.DataFrame({
        "post_id": post_ids, "lat": tps["lat"].to_numpy()[post_idx],
        "lon": tps["lon"].to_numpy()[post_idx],
        "personnel": rng.integers(2, 7, len(post_idx)), "site_kind": "tps",
        "site_id": tps["tps_id"].to_numpy()[post_idx],
        "covered_tps": [int(n_cov.get(p, 0)) for p in post_ids],
        "covered_weight": [float(n_cov.get(p, 0)) for p in post_ids], "radius_km": 3.0,
    })
    polsek = units[units["kind"] == "polsek"].reset_index(drop=True)
    polsek_xy = points_from_lonlat(polsek, crs=crs)
    pxy = np.c_[polsek_xy.geometry.x.to_numpy(), polsek_xy.geometry.y.to_numpy()]
    d_polsek = np.sqrt(((xy[:, None, :] - pxy[None, :, :]) ** 2).sum(axis=2))
    near = d_polsek.argmin(axis=1)
    minutes = (d_polsek[np.arange(len(tps)), near] / 1000 / 25 * 60).round()
    reach = pd.DataFrame({
        "target_kind": "tps", "target_id": tps["tps_id"],
        "nearest_polsek_name": polsek["name"].to_numpy()[near],
        "polsek_minutes": minutes, "polres_minutes": minutes + 30,
        "beyond_limit": minutes > 45,
    })
    return {"areas": areas, "area_risk": area_risk, "tps_risk": tps_risk, "posts": posts,
            "venues": venues, "incidents": incidents, "units": units, "reach": reach,
            "previous_area_risk": previous}


def measure(browser: Chromium, path: Path, *, repeat: int) -> dict:
    """Open ``path`` ``repeat`` times in fresh tabs; return timings, requests and errors."""
    ready, load, wall, requests, errors = [], [], [], [], []
    for _ in range(repeat):
        page = browser.new_page()
        page.set_viewport(1366, 768)
        t0 = time.perf_counter()
        page.open(path.resolve().as_uri(), timeout=120)
        page.wait_for("window.riskmap && window.riskmap.ready", timeout=120, interval=0.01)
        wall.append((time.perf_counter() - t0) * 1000)
        page.wait_for("performance.getEntriesByType('navigation')[0].loadEventEnd > 0",
                      timeout=120, interval=0.01)
        drawn = page.evaluate("window.riskmap.ready")
        loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        ready.append(max(drawn, loaded))
        load.append(loaded)
        page.pump(0.3)
        requests += page.network_requests()
        errors += page.errors
        page.ws.close()
    return {"ready_ms": ready, "load_ms": load, "wall_ms": wall, "requests": requests,
            "errors": errors}


NO_SUBTLE = ("Object.defineProperty(Crypto.prototype, 'subtle', "
             "{get: function () { return undefined; }, configurable: true});")


def measure_unlock(browser: Chromium, path: Path, passphrase: str, *, mode: str) -> float:
    """Return the ms from pressing "Buka peta" to the decrypted map being interactive."""
    page = browser.new_page()
    page.set_viewport(1366, 768)
    if mode == "noble":
        page.add_init_script(NO_SUBTLE)
    page.open(path.resolve().as_uri(), timeout=120)
    assert page.evaluate("window.riskmapUnlockMode") == mode
    t0 = page.evaluate(
        f"document.getElementById('rm-pass').value = {passphrase!r}; const t = performance.now();"
        " document.getElementById('rm-open').click(); window.__t0 = t; t")
    page.wait_for("window.riskmap && window.riskmap.ready", timeout=300, interval=0.02)
    done = page.evaluate("performance.now()")
    problems = page.network_requests() + page.errors
    page.ws.close()
    if problems:
        raise RuntimeError(f"unlock ({mode}): {problems[:3]}")
    return done - t0


def report(name: str, path: Path, m: dict, *, limit_mb: float, render_s: float | None) -> bool:
    size_mb = path.stat().st_size / 1e6
    ok = size_mb < limit_mb and max(m["ready_ms"]) < 3000 and not m["requests"] and not m["errors"]
    render = f"  render {render_s:5.2f} s" if render_s is not None else ""
    print(f"{name:<34} {size_mb:6.2f} MB (< {limit_mb:g}){render}  interactive median "
          f"{statistics.median(m['ready_ms']):6.0f} ms, worst {max(m['ready_ms']):6.0f} ms"
          f"  (load event {statistics.median(m['load_ms']):6.0f} ms, wall "
          f"{statistics.median(m['wall_ms']):6.0f} ms)  requests {len(m['requests'])}  "
          f"console errors {len(m['errors'])}  {'OK' if ok else 'FAIL'}")
    for line in (m["requests"] + m["errors"])[:5]:
        print("    ", line)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=Path("results"),
                        help="pipeline results folder: its <stage>/map.html are measured too")
    parser.add_argument("--n-tps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep the synthetic map here")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("Chromium not installed: apt-get install -y chromium", file=sys.stderr)
        return 2
    ok = True
    with tempfile.TemporaryDirectory() as tmp, Chromium() as browser:
        print(f"Chromium: {browser.executable}; {args.repeat} fresh tab(s) per map, "
              "viewport 1366x768")
        for stage in STAGES:
            path = args.results / stage / "map.html"
            if path.exists():
                ok &= report(f"demo {stage}", path, measure(browser, path, repeat=args.repeat),
                             limit_mb=3, render_s=None)
        region = Path(tmp) / "region"
        sim = simulate_region(shape="voronoi", n_tps=args.n_tps, seed=args.seed)
        write_region(sim, region)
        tables = stand_in_stage(region, as_of="2023-11-28", seed=args.seed)
        t0 = time.perf_counter()
        html = render_stage_map(
            tables["areas"], tables["area_risk"], tables["tps_risk"], tables["posts"],
            tables["venues"], tables["incidents"], tables["units"], tables["reach"],
            region_name="Kabupaten Simulasi", stage="campaign", as_of="2023-11-28",
            window_end="2024-02-10", generated="2026-11-28", synthetic=True,
            previous_area_risk=tables["previous_area_risk"], map_config={},
        )
        render_s = time.perf_counter() - t0
        out = args.keep or Path(tmp) / "map.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        counts = (f"{len(tables['areas'])} villages, {len(tables['tps_risk'])} TPS, "
                  f"{len(tables['posts'])} posts, {len(tables['venues'])} venues, "
                  f"{len(tables['incidents'])} incidents")
        print(f"synthetic kabupaten: {counts}")
        ok &= report(f"synthetic {args.n_tps}-TPS campaign", out,
                     measure(browser, out, repeat=args.repeat), limit_mb=8, render_s=render_s)
        locked = Path(tmp) / "locked.html"
        t0 = time.perf_counter()
        locked_html = render_stage_map(
            tables["areas"], tables["area_risk"], tables["tps_risk"], tables["posts"],
            tables["venues"], tables["incidents"], tables["units"], tables["reach"],
            region_name="Kabupaten Simulasi", stage="campaign", as_of="2023-11-28",
            window_end="2024-02-10", generated="2026-11-28", synthetic=True,
            previous_area_risk=tables["previous_area_risk"], map_config={},
            passphrase="uji-kecepatan",
        )
        lock_s = time.perf_counter() - t0
        locked.write_text(locked_html, encoding="utf-8")
        times = {mode: measure_unlock(browser, locked, "uji-kecepatan", mode=mode)
                 for mode in ("webcrypto", "noble")}
        size = locked.stat().st_size / 1e6
        print(f"{'  passphrase-protected':<34} {size:6.2f} MB  render+encrypt {lock_s:5.2f} s  "
              f"unlock to interactive: WebCrypto {times['webcrypto']:6.0f} ms, "
              f"pure-JS fallback {times['noble']:6.0f} ms (PBKDF2 310,000 iterations)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
