"""render_stage_map: a self-contained page, escaped input, header, settings, determinism."""

from __future__ import annotations

import doctest
import json
import re
from html import unescape

import pandas as pd
import pytest
from tiny_map_data import XSS_NAME, render_tiny, tiny_stage

import riskmap.maps.layers
import riskmap.maps.render
import riskmap.maps.strings
from riskmap.config import STAGES, ConfigError
from riskmap.maps import CLASS_LABELS, STAGE_LABELS, map_settings, render_stage_map


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="rm-data">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


@pytest.mark.parametrize("module", [riskmap.maps.layers, riskmap.maps.render,
                                    riskmap.maps.strings])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_labels_cover_every_stage_and_class():
    assert set(STAGE_LABELS) == set(STAGES)
    assert STAGE_LABELS["quiet_period"] == "Masa Tenang"
    assert STAGE_LABELS["announcement"] == "Penetapan Hasil"
    assert CLASS_LABELS == {"kurang_rawan": "Kurang Rawan", "rawan": "Rawan",
                            "sangat_rawan": "Sangat Rawan"}


def test_page_is_self_contained():
    html = render_tiny()
    assert not re.search(r"<script[^>]+\bsrc=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert not re.search(r"@import", html, re.I)
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"',
                             html).group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "img-src data: blob:;" in csp
    for library in ("Leaflet 1.9.4", "MarkerClusterGroup", "simpleheat"):
        assert library in html


def test_header_shows_region_stage_dates_marking_and_synthetic_banner():
    html = render_tiny(stage="quiet_period", as_of="2024-02-11", window_end="2024-02-13")
    assert "TERBATAS" in html and "Kabupaten Uji" in html and "Masa Tenang" in html
    assert "11 Februari 2024" in html and "13 Februari 2024" in html
    assert "28 November 2026" in html
    assert "DATA SINTETIS" in html
    assert "DATA SINTETIS" not in render_tiny(synthetic=False)


def test_every_input_string_is_escaped():
    html = render_tiny(region_name="Kab <script>alert(2)</script>")
    assert XSS_NAME not in html
    assert "<script>alert(2)" not in html
    assert "<b>bentrokan</b>" not in html
    assert "Kab &lt;script&gt;alert(2)&lt;/script&gt;" in html
    data = page_data(html)
    assert XSS_NAME in [v["name"] for v in data["venues"]]


def test_summary_figures():
    html = render_tiny()
    text = re.sub(r"<[^>]+>", "", html.split('id="rm-summary"')[1].split("</ul>")[0])
    text = " ".join(text.split())
    assert "Desa sangat rawan 1 dari 3" in text
    assert "TPS sangat rawan / rawan 2 / 1 dari 5" in text
    assert "Pos / personel 2 / 9" in text  # no daily plan: the posts' officers
    assert "TPS tanpa pos 1" in text
    assert "Desa naik kelas 1" in text
    assert "Di luar batas waktu 1" in text
    first = render_tiny(previous_area_risk=None)
    assert "tahap pertama" in first


def test_page_data_content():
    data = page_data(render_tiny())
    assert [f["properties"]["code"] for f in data["villages"]["features"]] == [
        "62.10.01.2001", "62.10.01.2002", "62.10.02.2001"]
    alpha = data["villages"]["features"][0]["properties"]
    assert alpha["cls"] == "sangat_rawan" and alpha["rose"] is True and alpha["prev"] == "rawan"
    assert alpha["factors"] == ["Riwayat insiden dekat", "Lokasi kampanye dekat"]
    assert len(data["tps"]) == 5 and len(data["posts"]) == 2
    assert data["posts"][0]["tps_ids"] == ["6210012001001", "6210012001002"]
    assert [r["id"] for r in data["reach"]] == ["6210022001002"]
    assert data["reach"][0]["polsek_at"] == [-1.24, 113.88]
    assert len(data["boundaries"]["subdistricts"]) == 2
    assert data["settings"]["layers_on"] == map_settings({})["layers_on"]


def test_same_inputs_give_the_same_page():
    assert render_tiny() == render_tiny()


def test_incidents_on_or_after_the_stage_start_are_not_drawn():
    d = tiny_stage()
    late = pd.DataFrame({"incident_id": ["LATE"], "date": pd.to_datetime(["2023-11-28"]),
                         "kind": ["riot"], "severity": [3], "lat": [-1.17], "lon": [113.82],
                         "description": ["sesudah"]})
    incidents = pd.concat([d["incidents"], late], ignore_index=True)
    html = render_stage_map(d["areas"], d["area_risk"], d["tps_risk"], d["posts"], d["venues"],
                            incidents, d["units"], d["reach"], as_of="2023-11-28")
    assert [i["id"] for i in page_data(html)["incidents"]] == ["I1", "I2", "I3"]


def test_empty_optional_tables_still_render():
    d = tiny_stage()
    empty = pd.DataFrame()
    html = render_stage_map(d["areas"], d["area_risk"], d["tps_risk"], d["posts"], empty, empty,
                            empty, None, as_of="2023-11-28", stage="voting")
    data = page_data(html)
    assert data["venues"] == [] and data["incidents"] == [] and data["reach"] == []
    assert "Pemungutan Suara" in html


def test_settings_defaults_and_validation():
    s = map_settings(None)
    assert s["kdf_iterations"] >= 310_000
    assert s["passphrase_env"] == "RISKMAP_MAP_PASSPHRASE" and s["passphrase"] is None
    assert s["tile_layers"] == []
    assert map_settings({"marking": "RAHASIA"})["marking"] == "RAHASIA"
    with pytest.raises(ConfigError, match="kdf_iterations"):
        map_settings({"kdf_iterations": 1000})
    with pytest.raises(ConfigError, match="unknown_key"):
        map_settings({"unknown_key": 1})
    with pytest.raises(ConfigError, match="url"):
        map_settings({"tile_layers": [{"name": "x", "url": "http://plain.example/{z}"}]})


def test_opt_in_tiles_open_the_policy_only_for_their_host():
    html = render_tiny(map_config={"tile_layers": [
        {"name": "OSM", "url": "https://{s}.tile.example.org/{z}/{x}/{y}.png"}]})
    csp = unescape(re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "img-src data: blob: https://*.tile.example.org;" in csp
    assert page_data(html)["settings"]["tile_layers"][0]["name"] == "OSM"


def test_tiny_map_is_small():
    assert len(render_tiny().encode("utf-8")) < 600_000


def test_config_yaml_map_block_matches_schema_defaults():
    from pathlib import Path

    import yaml

    cfg = yaml.safe_load((Path(__file__).parents[2] / "config/config.yaml").read_text())
    assert map_settings(cfg["map"]) == map_settings({})


def test_a_stage_without_tps_or_posts_still_renders():
    d = tiny_stage()
    tps = d["tps_risk"].iloc[0:0]
    posts = d["posts"].iloc[0:0]
    html = render_stage_map(d["areas"], d["area_risk"], tps, posts, d["venues"], d["incidents"],
                            d["units"], d["reach"].iloc[0:0], as_of="2023-11-28")
    data = page_data(html)
    assert data["tps"] == [] and data["posts"] == [] and data["reach"] == []
    assert len(data["villages"]["features"]) == 3


def test_villages_without_a_risk_row_are_drawn_as_no_data():
    d = tiny_stage()
    html = render_stage_map(d["areas"], d["area_risk"].iloc[:2], d["tps_risk"], d["posts"],
                            d["venues"], d["incidents"], d["units"], d["reach"],
                            as_of="2023-11-28")
    props = [f["properties"] for f in page_data(html)["villages"]["features"]]
    assert props[2]["cls"] == "" and props[2]["score"] is None


def test_tps_texts_are_written_once_and_refer_back_by_index():
    data = page_data(render_tiny())
    strings = data["strings"]
    assert len(strings) == len(set(strings))
    names = [strings[t["village_name"]] for t in data["tps"]]
    assert set(names) <= {"Tumbang Alpha", "Sungai Beta", "Kuala Gamma"} and len(set(names)) > 1
    factors = [strings[i] for t in data["tps"] for i in t.get("factors", [])]
    assert all(isinstance(f, str) and f for f in factors)
    for t in data["tps"]:
        polsek = (t.get("reach") or {}).get("polsek")
        assert polsek is None or strings[polsek].startswith("Polsek")
