"""The map in a real browser (headless Chromium via Playwright, opened from disk, no network)."""

from __future__ import annotations

import json

import pytest
from tiny_map_data import XSS_NAME, render_tiny

pytestmark = pytest.mark.browser

PASS = "kunci-Rahasia 2024"

NO_SUBTLE = (
    "Object.defineProperty(Crypto.prototype, 'subtle', "
    "{get: function () { return undefined; }, configurable: true});"
)
TRAP_ALERT = "window.alert = function () { window.__alerted = true; };"


def open_map(page, url: str) -> None:
    page.add_init_script(TRAP_ALERT)
    page.open(url)
    page.wait_for("window.riskmap && window.riskmap.ready")
    page.pump(0.3)


def close_popup(page) -> None:
    page.evaluate("void window.riskmap.map.closePopup()")
    page.wait_for("document.querySelector('.leaflet-popup-content') === null")


def popup_text(page) -> str:
    page.wait_for("document.querySelector('.leaflet-popup-content') !== null")
    return page.evaluate("document.querySelector('.leaflet-popup-content').textContent")


def click_at(page, x: float, y: float) -> None:
    page.page.mouse.click(x, y)


def assert_clean(page) -> None:
    assert page.network_requests() == []
    assert page.errors == []


@pytest.fixture(scope="module")
def tiny_html() -> str:
    return render_tiny()


def test_map_loads_offline_with_no_errors_and_no_requests(page, tiny_html, write_map,
                                                          artifacts):
    open_map(page, write_map(tiny_html))
    assert_clean(page)
    header = page.evaluate("document.getElementById('rm-header').innerText")
    assert "TERBATAS" in header
    assert "Kampanye" in header and "28 November 2023" in header
    assert "10 Februari 2024" in header and "28 November 2026" in header
    assert "DATA SINTETIS" in page.evaluate("document.getElementById('rm-synth').innerText")
    # drawn: 3 village polygons, 5 TPS, 2 posts, 2 venues, 3 units
    assert page.evaluate("Object.keys(window.riskmap.layers.areas._layers).length") == 3
    assert page.evaluate("window.riskmap.layers.tps.getLayers().length") == 5
    assert page.evaluate("document.querySelectorAll('.rm-post').length") >= 2
    assert page.evaluate("document.querySelectorAll('.leaflet-control-scale').length") == 1
    assert page.evaluate("!!document.getElementById('rm-full')")
    assert page.evaluate("!!document.getElementById('rm-print')")
    page.screenshot(artifacts / "tiny-desktop.png")


@pytest.mark.parametrize("key", ["areas", "tps", "posts", "venues", "incidents_heat",
                                 "incidents_points", "units", "reach", "changes", "boundaries"])
def test_each_layer_toggles_from_the_legend(page, tiny_html, write_map, key):
    open_map(page, write_map(tiny_html))
    has = f"window.riskmap.map.hasLayer(window.riskmap.layers.{key})"
    before = page.evaluate(has)
    page.evaluate(f"document.getElementById('rm-toggle-{key}').click()")
    assert page.evaluate(has) is (not before)
    page.evaluate(f"document.getElementById('rm-toggle-{key}').click()")
    assert page.evaluate(has) is before
    assert_clean(page)


def test_unchecking_tps_removes_their_markers(page, tiny_html, write_map):
    open_map(page, write_map(tiny_html))
    count = "document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length"
    with_tps = page.evaluate(count)
    page.evaluate("document.getElementById('rm-toggle-tps').click()")
    assert page.evaluate(count) == with_tps - 5


def test_clicking_a_village_shows_its_popup(page, tiny_html, write_map, artifacts):
    open_map(page, write_map(tiny_html))
    # a point inside Tumbang Alpha but away from markers
    x, y = page.evaluate(
        "(() => { const m = window.riskmap.map;"
        " const p = m.latLngToContainerPoint([-1.195, 113.807]);"
        " const r = m.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; })()"
    )
    click_at(page, x, y)
    text = popup_text(page)
    for expected in ("Tumbang Alpha", "Kurun", "Sangat Rawan", "81,5", "2,75",
                     "Riwayat insiden dekat", "Lokasi kampanye dekat", "6210012001001",
                     "6210012001002", "Kelas naik"):
        assert expected in text, expected
    page.pump(0.4)
    page.screenshot(artifacts / "tiny-village-popup.png")
    # a TPS listed in the village popup opens its own popup
    x, y = page.evaluate(
        "(() => { const a = [...document.querySelectorAll('.rm-tps-list a')]"
        ".find(e => e.textContent === '6210012001002'); const r = a.getBoundingClientRect();"
        " return [(r.left + r.right) / 2, (r.top + r.bottom) / 2]; })()"
    )
    click_at(page, x, y)
    page.wait_for("(document.querySelector('.leaflet-popup-content') || {}).textContent"
                  " && document.querySelector('.leaflet-popup-content').textContent"
                  ".includes('TPS 6210012001002')", timeout=10)
    assert "198" in popup_text(page)
    assert_clean(page)


def test_tps_and_post_popups(page, tiny_html, write_map):
    open_map(page, write_map(tiny_html))
    page.evaluate("window.riskmap.goToTps('6210022001002')")
    page.pump(0.6)
    text = popup_text(page)
    for expected in ("TPS 6210022001002", "Kuala Gamma", "87", "Kurang Rawan",
                     "belum tercakup pos", "Polsek Miri Manasa", "95 menit",
                     "Di luar batas waktu tempuh"):
        assert expected in text, expected
    close_popup(page)
    page.evaluate("document.querySelector('.rm-post').click()")
    text = popup_text(page)
    assert "P01" in text and "Personel" in text and "6210012001002" in text
    assert_clean(page)


def test_xss_venue_name_renders_as_text(page, tiny_html, write_map, artifacts):
    open_map(page, write_map(tiny_html))
    title = json.dumps(XSS_NAME)
    page.evaluate(f"document.querySelector('.leaflet-marker-icon[title={json.dumps(title)[1:-1]}]')"
                  ".click()")
    text = popup_text(page)
    assert XSS_NAME in text
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert page.evaluate("document.querySelectorAll('.leaflet-popup-content img').length") == 0
    assert page.evaluate("window.__alerted === undefined")
    page.screenshot(artifacts / "tiny-xss-as-text.png")
    # the incident description with markup is text too
    page.evaluate("void window.riskmap.setLayer('incidents_points', true)")
    close_popup(page)
    page.evaluate("""(() => { const g = window.riskmap.layers.incidents_points;
        const m = g.getLayers().find(l => l.getLatLng().lat === -1.221); m.openPopup(); })()""")
    text = popup_text(page)
    assert "<b>bentrokan</b> antarpendukung" in text
    assert page.evaluate("document.querySelectorAll('.leaflet-popup-content b').length") == 0
    assert_clean(page)


def test_search_finds_a_village_and_a_tps(page, tiny_html, write_map):
    open_map(page, write_map(tiny_html))
    page.evaluate("""(() => { const i = document.getElementById('rm-search'); i.value = 'sungai';
        i.dispatchEvent(new Event('input')); })()""")
    hits = page.evaluate("document.getElementById('rm-results').innerText")
    assert "Sungai Beta" in hits
    page.evaluate("document.querySelector('#rm-results button').click()")
    page.pump(0.6)
    assert "Sungai Beta" in popup_text(page)
    page.evaluate("""(() => { const i = document.getElementById('rm-search');
        i.value = '6210012002001'; i.dispatchEvent(new Event('input'));
        i.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'})); })()""")
    page.pump(0.8)
    assert "TPS 6210012002001" in popup_text(page)
    assert_clean(page)


def test_phone_viewport_controls_reachable_and_legend_collapsible(chromium, tiny_html,
                                                                  write_map, artifacts):
    page = chromium.new_page(390, 844, mobile=True, scale=2)
    open_map(page, write_map(tiny_html))
    page.screenshot(artifacts / "tiny-phone.png")
    state = "document.getElementById('rm-panel').classList.contains('rm-collapsed')"
    assert page.evaluate(state) is True
    for element_id in ("rm-panel-toggle", "rm-search", "rm-full", "rm-print"):
        rect = page.evaluate(f"(() => {{ const r = document.getElementById('{element_id}')"
                             ".getBoundingClientRect();"
                             " return [r.left, r.top, r.right, r.bottom]; })()")
        left, top, right, bottom = rect
        assert 0 <= left and right <= 390 and 0 <= top and bottom <= 844, (element_id, rect)
        hit = page.evaluate(f"(() => {{ const e = document.getElementById('{element_id}');"
                            " const r = e.getBoundingClientRect();"
                            " const h = document.elementFromPoint((r.left + r.right) / 2,"
                            " (r.top + r.bottom) / 2); return e.contains(h); })()")
        assert hit, f"{element_id} is covered"
    x, y = page.evaluate("(() => { const r = document.getElementById('rm-panel-toggle')"
                         ".getBoundingClientRect(); return [(r.left + r.right) / 2,"
                         " (r.top + r.bottom) / 2]; })()")
    page.page.touchscreen.tap(x, y)
    page.pump(0.3)
    assert page.evaluate(state) is False
    right = page.evaluate("document.getElementById('rm-panel').getBoundingClientRect().right")
    assert right <= 390
    page.screenshot(artifacts / "tiny-phone-legend.png")
    page.evaluate("document.getElementById('rm-panel-toggle').click()")
    assert page.evaluate(state) is True
    assert_clean(page)
    page.close()


def test_print_layout_shows_legend_and_hides_controls(page, tiny_html, write_map, artifacts):
    open_map(page, write_map(tiny_html))
    page.page.emulate_media(media="print")
    page.pump(0.2)
    shown = "(id) => getComputedStyle(document.querySelector(id)).display"
    assert page.evaluate(f"({shown})('.rm-panel-body')") != "none"
    assert page.evaluate(f"({shown})('.rm-search')") == "none"
    assert page.evaluate(f"({shown})('.rm-print-foot')") != "none"
    pdf = page.page.pdf(landscape=True, print_background=True)
    (artifacts / "tiny-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert_clean(page)


def test_online_tiles_are_never_requested_unless_chosen(page, write_map):
    url = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    html = render_tiny(map_config={"tile_layers": [{"name": "Uji", "url": url}]})
    open_map(page, write_map(html))
    assert page.network_requests() == []
    page.evaluate("document.getElementById('rm-base-1').click()")
    page.pump(1.0)
    requested = page.network_requests()
    assert requested and all(u.startswith("https://tiles.example.invalid/") for u in requested)


@pytest.mark.parametrize("mode", ["webcrypto", "noble"])
def test_encrypted_map_opens_with_right_passphrase_only(page, write_map, artifacts, mode):
    html = render_tiny(passphrase=PASS)
    assert "Tumbang Alpha" not in html
    if mode == "noble":
        page.add_init_script(NO_SUBTLE)
    page.add_init_script(TRAP_ALERT)
    page.open(write_map(html))
    assert page.evaluate("window.riskmapUnlockMode") == mode
    page.screenshot(artifacts / f"tiny-locked-{mode}.png")

    def submit(passphrase: str) -> None:
        page.evaluate(f"document.getElementById('rm-pass').value = {json.dumps(passphrase)};"
                      "document.getElementById('rm-open').click();")

    submit("salah")
    page.wait_for("window.riskmapUnlockFailures === 1", timeout=60)
    assert "Frasa sandi salah" in page.evaluate("document.getElementById('rm-status').innerText")
    assert page.evaluate("window.riskmap === undefined")
    submit(PASS)
    page.wait_for("window.riskmap && window.riskmap.ready", timeout=60)
    page.pump(0.3)
    assert "Kabupaten Uji" in page.evaluate("document.getElementById('rm-header').innerText")
    assert page.evaluate("window.riskmap.layers.tps.getLayers().length") == 5
    page.screenshot(artifacts / f"tiny-unlocked-{mode}.png")
    assert_clean(page)


def test_fullscreen_and_fit_buttons(page, tiny_html, write_map):
    open_map(page, write_map(tiny_html))
    zoom = page.evaluate("window.riskmap.map.getZoom()")
    page.evaluate("void window.riskmap.map.setZoom(8)")
    page.evaluate("document.getElementById('rm-fit').click()")
    assert page.evaluate("window.riskmap.map.getZoom()") == zoom
    page.evaluate("document.getElementById('rm-full').click()")
    page.pump(0.5)
    assert page.evaluate("!!document.fullscreenElement"
                         " || document.body.classList.contains('rm-pseudo-full')")
    assert_clean(page)


def test_markup_in_ids_and_kinds_stays_text_in_tooltips_and_search(page, write_map):
    from tiny_map_data import tiny_stage

    from riskmap.maps import render_stage_map

    d = tiny_stage()
    evil = "<img src=x onerror=alert(3)>"
    d["tps_risk"].loc[0, "tps_id"] = evil
    d["incidents"].loc[0, "kind"] = "<svg onload=alert(4)>"
    d["areas"].loc[0, "village_name"] = "<b>Desa</b>"
    html = render_stage_map(d["areas"], d["area_risk"], d["tps_risk"], d["posts"], d["venues"],
                            d["incidents"], d["units"], d["reach"], as_of="2023-11-28",
                            map_config={"layers_on": ["areas", "tps", "incidents_points"]})
    open_map(page, write_map(html))
    page.evaluate("window.riskmap.layers.tps.getLayers().forEach(m => m.openTooltip())")
    page.evaluate("window.riskmap.layers.incidents_points.getLayers()"
                  ".forEach(m => m.openTooltip())")
    page.evaluate("""(() => { const i = document.getElementById('rm-search'); i.value = 'img';
        i.dispatchEvent(new Event('input')); })()""")
    page.evaluate("void window.riskmap.goToTps(" + json.dumps(evil) + ")")
    page.pump(0.8)
    assert evil in page.evaluate("document.body.innerText")
    assert page.evaluate("document.querySelectorAll('img[src=x], svg[onload], "
                         ".leaflet-pane b, .rm-results img').length") == 0
    assert page.evaluate("window.__alerted === undefined")
    assert_clean(page)


def test_the_harness_sees_requests_console_errors_and_exceptions(page, write_map):
    """assert_clean means something: a page that logs an error, throws and asks the network
    is caught on all three counts (and the request never leaves: it is aborted)."""
    page.open(write_map("<html><body><script>console.error('rusak');"
                        "fetch('https://example.invalid/x').catch(() => {});"
                        "setTimeout(() => { throw new Error('lempar'); }, 0);"
                        "</script></body></html>"))
    page.pump(0.5)
    assert page.network_requests() == ["https://example.invalid/x"]
    assert any("rusak" in e for e in page.errors), page.errors
    assert any("lempar" in e for e in page.errors), page.errors
    assert page.evaluate("fetch('https://example.invalid/y').then(() => 'ok', () => 'blocked')") \
        == "blocked"
