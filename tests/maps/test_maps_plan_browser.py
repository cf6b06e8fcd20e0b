"""The operations plan on the map, in headless Chromium driven by Playwright.

The date picker changes the events, tasks and lines shown; the voting-day sectors toggle;
the KPU office's popup and the legend hold the escalation ladder; no request leaves the page;
visible labels never overlap each other or a figure. Screenshots (desktop 1366x768, phone
390x844) go to test-artifacts/maps/.

Without Chromium or Playwright the tests are skipped with the reason shown, except in CI
(``CI`` set), where that is a failure.
"""

from __future__ import annotations

import pytest
from tiny_map_data import render_plan, tiny_stage

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's headless Debian Chromium (tests/maps/conftest.py), as Playwright's Browser."""
    return chromium.browser


@pytest.fixture
def open_map(browser, tmp_path, artifacts):
    """Open an html text in a fresh page; returns ``(page, requests)`` (requests: every URL
    the page asked for beyond the file itself, data: and blob: URIs)."""
    contexts = []

    def _open(html: str, *, name: str = "map.html", viewport: dict = DESKTOP,
              mobile: bool = False):
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        ctx = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile,
                                  device_scale_factor=2 if mobile else 1)
        contexts.append(ctx)
        page = ctx.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-rm-ready='1']", timeout=20_000)
        page.wait_for_selector("html[data-rm-declutter]", timeout=20_000)
        assert errors == []
        others = [u for u in requests if u != path.as_uri()
                  and not u.startswith(("data:", "blob:", "about:"))]
        return page, others

    yield _open
    for ctx in contexts:
        ctx.close()


def settle(page) -> None:
    """Wait until the label placement has run after the last change."""
    page.wait_for_function("() => document.getAnimations().length === 0", timeout=10_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_function("() => !window.riskmap.labelsPending()", timeout=10_000)


def chip(page, key: str) -> str:
    return " ".join(page.inner_text(f"#rm-summary .rm-chip-{key}").split())


def venue_titles(page) -> list[str]:
    return page.evaluate("""() => {
      const out = [];
      window.riskmap.layers.venues.eachLayer(m => out.push(m.options.title));
      return out.sort();
    }""")


# ---------------------------------------------------------------------------- date picker
def test_date_picker_changes_the_events_tasks_and_escorts(open_map, artifacts):
    page, requests = open_map(render_plan("campaign"))
    assert requests == []
    options = page.eval_on_selector_all("#rm-date option", "os => os.map(o => o.value)")
    assert options == ["2023-12-01", "2023-12-02", "2023-12-05"]
    assert page.input_value("#rm-date") == "2023-12-01"
    day1 = venue_titles(page)
    assert tiny_stage()["venues"]["name"][1] in day1          # the 1-2 Dec rally
    assert "Kunjungan Menteri" not in day1
    assert chip(page, "duty").endswith("12 / 80")
    assert page.evaluate("window.riskmap.layers.movements.getLayers().length") == 0

    page.select_option("#rm-date", "2023-12-05")
    settle(page)
    day5 = venue_titles(page)
    assert "Kunjungan Menteri" in day5 and "Kampanye Lapangan Kurun" in day5
    assert tiny_stage()["venues"]["name"][1] not in day5
    assert "Kantor KPU Uji" in day5                            # no dates: every day
    assert chip(page, "duty").endswith("42 / 50")
    assert "Pengawalan 1" in chip(page, "tasks")
    # the escort line (and its end point) and the guard points of the route are drawn
    assert page.evaluate("window.riskmap.layers.movements.getLayers().length") == 2
    badges = page.eval_on_selector_all(".leaflet-rm-sites-pane .rm-task",
                                       "ns => ns.map(n => n.textContent)")
    assert sorted(badges) == ["C 50", "J 10", "J 20", "J 4"]
    assert "2 kegiatan aktif · 42 personel bertugas" in page.inner_text("#rm-datebar")
    # the VVIP visit's popup lists that day's officers there
    page.evaluate("""() => window.riskmap.layers.venues.eachLayer(m => {
      if (m.options.title === 'Kunjungan Menteri') m.openPopup(); })""")
    pop = page.inner_text(".leaflet-popup-content")
    assert "Tugas di lokasi ini" in pop and "Pos jaga: 20 personel" in pop
    assert "Pengawalan: 8 personel" in pop

    page.click("#rm-date-prev")
    settle(page)
    assert page.input_value("#rm-date") == "2023-12-02"
    settle(page)
    page.screenshot(path=str(artifacts / "plan_campaign_day_desktop.png"))
    page.select_option("#rm-date", "2023-12-05")
    settle(page)
    page.evaluate("window.riskmap.map.setZoom(14, {animate: false})")
    settle(page)
    page.screenshot(path=str(artifacts / "plan_campaign_vvip_desktop.png"))


def test_campaign_day_on_a_phone(open_map, artifacts):
    page, requests = open_map(render_plan("campaign"), viewport=PHONE, mobile=True)
    assert requests == []
    page.select_option("#rm-date", "2023-12-05")
    settle(page)
    box = page.locator("#rm-datebar").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(artifacts / "plan_campaign_day_phone.png"))


def test_patrol_lines_have_popups_with_task_officers_minutes(open_map):
    page, _ = open_map(render_plan("quiet_period"))
    assert page.evaluate("window.riskmap.layers.movements.getLayers().length") == 2
    text = page.evaluate("""() => {
      let line = null;
      window.riskmap.layers.movements.eachLayer(l => { if (l.getPopup && l.getPopup()) line = l; });
      line.openPopup();
      return document.querySelector('.leaflet-popup-content').innerText;
    }""")
    assert "Patroli" in text and "180 menit" in text and "11 Februari 2024" in text
    assert "Polsek Kurun" in text and "POLSEK-1" not in text.replace("PAT-1", "")
    assert "Wilayah yang dilalui" in text and "Tumbang Alpha · Sangat Rawan" in text


# ---------------------------------------------------------------------------- sectors
def test_voting_sectors_toggle_and_every_tps_has_a_team(open_map, artifacts):
    page, requests = open_map(render_plan("voting"))
    assert requests == []
    assert chip(page, "uncovered") == "TPS tanpa tim 0"
    on = "window.riskmap.map.hasLayer(window.riskmap.layers.sectors)"
    assert page.evaluate(on) is True
    # per team: its outline and its spokes (one line from the base to each of its TPS)
    spokes = page.evaluate("""() => { const n = [];
      window.riskmap.layers.sectors.eachLayer(l => { if (l.getLatLngs && !l.feature)
        n.push(l.getLatLngs().length); });
      return n.sort(); }""")
    assert spokes == [2, 3]
    settle(page)
    page.screenshot(path=str(artifacts / "plan_voting_sectors_desktop.png"))
    page.click("#rm-toggle-sectors")
    assert page.evaluate(on) is False
    page.click("#rm-toggle-sectors")
    assert page.evaluate(on) is True
    # the post popup lists its TPS and its team's officers
    page.evaluate("""() => { window.riskmap.map.setZoom(14, {animate: false}); }""")
    settle(page)
    page.evaluate("""() => window.riskmap.layers.posts.eachLayer(m => {
      if (m.options.title === 'Pos pengamanan P02') m.openPopup(); })""")
    text = page.inner_text(".leaflet-popup-content")
    assert "6210022001002" in text and "Personel tim" in text and "Polsek Miri Manasa" in text


def test_voting_sectors_on_a_phone(open_map, artifacts):
    page, requests = open_map(render_plan("voting"), viewport=PHONE, mobile=True)
    assert requests == []
    assert chip(page, "uncovered") == "TPS tanpa tim 0"
    assert page.inner_text("#rm-date-only") == "14 Februari 2024"
    settle(page)
    page.screenshot(path=str(artifacts / "plan_voting_sectors_phone.png"))


# ---------------------------------------------------------------------------- ladder
@pytest.mark.parametrize("viewport,mobile,name", [(DESKTOP, False, "desktop"),
                                                  (PHONE, True, "phone")])
def test_announcement_ladder_in_popup_and_legend(open_map, artifacts, viewport, mobile, name):
    page, requests = open_map(render_plan("announcement"), viewport=viewport, mobile=mobile)
    assert requests == []
    if mobile:
        page.click("#rm-panel-toggle")
    panel = page.inner_text("#rm-ladder-panel")
    assert "Tangga eskalasi" in panel and "Peleton Dalmas" in panel and "Kantor KPU Uji" in panel
    if mobile:
        page.click("#rm-panel-toggle")
    page.evaluate("""() => {
      window.riskmap.layers.venues.eachLayer(m => {
        if (m.options.title === 'Kantor KPU Uji') m.openPopup();
      });
    }""")
    rows = page.eval_on_selector_all(".leaflet-popup-content .rm-ladder tr",
                                     "rs => rs.map(r => r.innerText)")
    assert len(rows) == 7                                      # header + six steps
    assert "Negosiasi Polsek" in rows[2] and "Polsek Kurun" in rows[2] and "7 menit" in rows[2]
    assert "Water cannon" in rows[5] and "di lokasi" in rows[1]
    settle(page)
    page.screenshot(path=str(artifacts / f"plan_announcement_ladder_{name}.png"))


# ---------------------------------------------------------------------------- labels
VISIBLE_LABELS = """() => {
  const root = window.riskmap.map.getPanes().mapPane;
  const view = window.riskmap.map.getContainer().getBoundingClientRect();
  const box = (n, kind) => { const r = n.getBoundingClientRect();
    return {kind, text: n.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom}; };
  const seen = r => r.r > view.left && r.l < view.right && r.b > view.top && r.t < view.bottom
    && r.r > r.l;
  const labels = [...root.querySelectorAll(
      '.rm-unit > span, .rm-lbl-kec > span, .rm-lbl-desa > span, .rm-lbl-rose > span')]
    .filter(n => !n.classList.contains('rm-clash') && !n.classList.contains('rm-lbl-dot'))
    .map(n => box(n, 'label')).filter(seen);
  const figures = [...root.querySelectorAll('.rm-post, .rm-cluster, .rm-task')]
    .map(n => box(n, 'figure')).filter(seen);
  return {labels, figures};
}"""


def _clashes(found: dict) -> list[tuple[str, str]]:
    def hit(a, b):
        return a["l"] < b["r"] - 0.5 and b["l"] < a["r"] - 0.5 and a["t"] < b["b"] - 0.5 \
            and b["t"] < a["b"] - 0.5
    labels, figures = found["labels"], found["figures"]
    out = []
    for i, a in enumerate(labels):
        out += [(a["text"], b["text"]) for b in labels[i + 1:] if hit(a, b)]
        out += [(a["text"], b["text"]) for b in figures if hit(a, b)]
    return out


def crowded_voting_map() -> str:
    """The voting plan with the Polres on top of post P02 and the Polseks on the kecamatan
    names: every kind of clash the placement must resolve."""
    d = tiny_stage()
    units = d["units"].copy()
    units["lat"] = [-1.19, -1.175, -1.225]
    units["lon"] = [113.86, 113.85, 113.85]
    return render_plan("voting", map_config={"village_labels_from_zoom": 1}, units=units)


@pytest.mark.parametrize("viewport,mobile,name", [(DESKTOP, False, "desktop"),
                                                  (PHONE, True, "phone")])
def test_labels_never_overlap_each_other_or_a_figure(open_map, artifacts, viewport, mobile,
                                                     name):
    page, requests = open_map(crowded_voting_map(), viewport=viewport, mobile=mobile)
    assert requests == []
    for zoom in (12, 13, 14, 15, 16):
        page.evaluate(f"window.riskmap.map.setView([-1.185, 113.857], {zoom}, {{animate: false}})")
        settle(page)
        found = page.evaluate(VISIBLE_LABELS)
        assert found["figures"], zoom
        assert _clashes(found) == [], zoom
        # the post's officer count is the topmost element at its centre (nothing covers it)
        covered = page.evaluate("""() => {
          const n = document.querySelector("[title='Pos pengamanan P02'] .rm-post")
            || [...document.querySelectorAll('.rm-post')].find(p => p.textContent === '3');
          const r = n.getBoundingClientRect();
          const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
          return top === n || n.contains(top);
        }""")
        assert covered, zoom
    page.evaluate("window.riskmap.map.setView([-1.185, 113.857], 14, {animate: false})")
    settle(page)
    page.screenshot(path=str(artifacts / f"plan_labels_declutter_{name}.png"))
