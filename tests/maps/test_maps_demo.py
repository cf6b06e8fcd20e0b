"""The demo's five stage maps, made by the real pipeline, in headless Chromium.

Uses the session's pipeline run on the embedded Gunung Mas region (``demo_results`` in
tests/conftest.py, shared with test_stages_e2e.py; marked ``slow``), then checks each
stage's map.html: under 3 MB, no network request, no console error, every layer toggles, the
popups explain a village and a TPS; desktop and phone screenshots go to test-artifacts/maps/.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from riskmap.maps import CLASS_LABELS, STAGE_LABELS
from riskmap.maps.strings import format_number_id

pytestmark = [pytest.mark.slow, pytest.mark.browser]

STAGES = list(STAGE_LABELS)
LAYERS = ["areas", "tps", "posts", "venues", "incidents_heat", "incidents_points", "units",
          "reach", "changes", "boundaries"]


@pytest.mark.parametrize("stage", STAGES)
def test_demo_stage_map(chromium, demo_results, artifacts, stage):
    path = demo_results / stage / "map.html"
    assert path.stat().st_size < 3_000_000
    area = pd.read_csv(demo_results / stage / "area_risk.csv", dtype={"village_code": str})
    tps = pd.read_csv(demo_results / stage / "tps_risk.csv", dtype={"tps_id": str})
    for view, (width, height, mobile) in {"desktop": (1366, 768, False),
                                          "phone": (390, 844, True)}.items():
        page = chromium.new_page(width, height, mobile=mobile, scale=2 if mobile else 1)
        page.open(path.as_uri(), timeout=120)
        page.wait_for("window.riskmap && window.riskmap.ready", timeout=60)
        page.pump(0.5)
        header = page.evaluate("document.getElementById('rm-header').innerText")
        assert STAGE_LABELS[stage] in header and "TERBATAS" in header
        assert "DATA SINTETIS" in page.evaluate("document.body.innerText")
        page.screenshot(artifacts / f"demo-{stage}-{view}.png")
        assert page.network_requests() == [] and page.errors == []
        page.close()

    page = chromium.new_page(1366, 768)
    page.open(path.as_uri(), timeout=120)
    page.wait_for("window.riskmap && window.riskmap.ready", timeout=60)
    assert page.evaluate("Object.keys(window.riskmap.layers.areas._layers).length") == len(area)
    assert page.evaluate("window.riskmap.layers.tps.getLayers().length") == len(tps)
    for key in LAYERS:
        has = f"window.riskmap.map.hasLayer(window.riskmap.layers.{key})"
        before = page.evaluate(has)
        page.evaluate(f"document.getElementById('rm-toggle-{key}').click()")
        assert page.evaluate(has) is (not before), key
        page.evaluate(f"document.getElementById('rm-toggle-{key}').click()")
        assert page.evaluate(has) is before, key
    worst = area.sort_values(["risk_score", "village_code"], ascending=[False, True]).iloc[0]
    page.evaluate(f"void window.riskmap.goToVillage({json.dumps(worst['village_code'])})")
    page.wait_for("document.querySelector('.leaflet-popup-content') !== null")
    text = page.evaluate("document.querySelector('.leaflet-popup-content').textContent")
    assert worst["village_name"] in text and CLASS_LABELS[worst["risk_class"]] in text
    page.evaluate("void window.riskmap.map.closePopup()")
    page.wait_for("document.querySelector('.leaflet-popup-content') === null")
    first = tps.sort_values("tps_id").iloc[0]
    page.evaluate(f"void window.riskmap.goToTps({json.dumps(first['tps_id'])})")
    page.wait_for("document.querySelector('.leaflet-popup-content') !== null", timeout=30)
    text = page.evaluate("document.querySelector('.leaflet-popup-content').textContent")
    assert f"TPS {first['tps_id']}" in text and format_number_id(int(first["voters"])) in text
    page.pump(0.5)
    page.screenshot(artifacts / f"demo-{stage}-tps-popup.png")
    assert page.network_requests() == [] and page.errors == []
    page.close()
