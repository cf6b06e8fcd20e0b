"""The many-region overview map in a real browser: opens from disk with zero network requests,
draws every usable region, shows a region's villages on a click and links to each region map.

Playwright for Python drives Debian's Chromium (``/usr/bin/chromium``). Without Chromium or
Playwright the test is skipped with the reason (pytest -ra), except in CI (``CI`` set).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest

from riskmap.config import section_settings
from riskmap.maps.overview import RegionOverview, render_overview_map

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tiny_region import village_grid  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "maps"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's headless Debian Chromium (tests/maps/conftest.py), as Playwright's Browser."""
    return chromium.browser


def _region(name: str, lon0: float, lat0: float, classes: list[str]) -> RegionOverview:
    areas = village_grid(lon0, lat0)
    gdf = gpd.GeoDataFrame(
        areas.assign(risk_class=classes[: len(areas)], risk_score=50.0),
        geometry="geometry",
        crs=areas.crs,
    ).to_crs(4326)
    return RegionOverview(
        region=name,
        name=f"Kabupaten {name}",
        code="99.01",
        figures={
            "villages": len(gdf),
            "tps": 18,
            "villages_sangat_rawan": classes.count("sangat_rawan"),
        },
        villages=gdf,
        link=f"../../{name}/voting/map.html",
    )


@pytest.fixture(scope="module")
def overview(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("overview")
    classes = ["kurang_rawan"] * 6 + ["rawan"] * 2 + ["sangat_rawan"]
    regions = [
        _region("alpha", 113.8, -1.2, classes),
        _region("beta", 114.4, -1.9, classes[::-1]),
        RegionOverview(region="broken", status="ingest: region.yaml: not valid YAML"),
    ]
    for r in ("alpha", "beta"):
        page = root / r / "voting" / "map.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<!DOCTYPE html><title>{r}</title><h1 id='which'>{r}</h1>")
    path = root / "_summary" / "voting" / "map.html"
    path.parent.mkdir(parents=True)
    # villages only from zoom 18: the first view (both regions) shows outlines alone
    settings = section_settings({"village_min_zoom": 18}, "summary")
    html = render_overview_map(
        regions,
        stage="voting",
        settings=settings,
        class_colors=section_settings(None, "map")["class_colors"],
    )
    path.write_text(html, encoding="utf-8")
    return path


def test_overview_opens_offline_with_zero_requests_and_shows_villages_on_click(browser, overview):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    t0 = time.perf_counter()
    page.goto(overview.as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=5000)
    ready_s = time.perf_counter() - t0
    assert errors == []
    assert ready_s < 5.0
    n_outlines = page.evaluate(
        "() => { let n = 0; window.riskmapOverview.map.eachLayer(l => {"
        " if (l instanceof L.Polygon) n++; }); return n; }"
    )
    assert n_outlines == 2  # alpha and beta; the broken region is only listed
    assert "broken" in page.inner_text("#ov-list")
    page.click("button.ov-zoom[data-region='beta']")
    page.wait_for_timeout(300)
    n_after = page.evaluate(
        "() => { let n = 0; window.riskmapOverview.map.eachLayer(l => {"
        " if (l instanceof L.Polygon) n++; }); return n; }"
    )
    assert n_after == 2 + 9  # beta's nine villages drawn
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"))
    assert requests == [overview.as_uri()], requests
    page.click("li[data-region='alpha'] a.ov-link")
    page.wait_for_selector("#which")
    assert page.inner_text("#which") == "alpha"
    page.close()
