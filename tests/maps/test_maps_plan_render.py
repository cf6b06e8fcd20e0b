"""The operations plan in the map's data: sectors, tasks by date, movements, the ladder, the
header figures, area-level names, and a plan without tasks (before the planner) still renders."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from tiny_map_data import (
    announcement_plan,
    campaign_plan,
    quiet_plan,
    render_plan,
    render_tiny,
    tiny_stage,
    voting_plan,
)

import riskmap.maps.plan
from riskmap.maps import render_stage_map
from riskmap.maps.plan import (
    daily_figures,
    escalation_by_venue,
    movements_layer,
    sectors_layer,
    tasks_layer,
)
from riskmap.steps.render_map import read_operations_plan


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="rm-data">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def chips(html: str) -> dict[str, str]:
    block = html.split('id="rm-summary"')[1].split("</ul>")[0]
    out = {}
    for key, body in re.findall(r'rm-chip rm-chip-(\w+)[^"]*">(.*?)</li>', block, re.S):
        out[key] = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    return out


def test_docstring_examples():
    result = doctest.testmod(riskmap.maps.plan)
    assert result.failed == 0 and result.attempted > 0


# ---------------------------------------------------------------------------- voting day
def test_voting_day_sectors_one_per_team_with_all_its_tps():
    data = page_data(render_plan("voting"))
    sectors = data["plan"]["sectors"]
    assert [s["post"] for s in sectors] == ["P01", "P02"]
    assert sectors[0]["tps"] == ["6210012001001", "6210012001002"]
    assert sectors[1]["tps"] == ["6210012002001", "6210022001001", "6210022001002"]
    assert sorted(sum((s["tps"] for s in sectors), [])) == sorted(t["id"] for t in data["tps"])
    assert sectors[0]["colour"] != sectors[1]["colour"]
    assert all(s["outline"]["type"] == "Polygon" for s in sectors)
    assert len(data["settings"]["sector_colors"]) >= 2


def test_sector_outline_holds_the_base_and_every_tps():
    from shapely.geometry import Point, shape

    data = page_data(render_plan("voting"))
    at = {t["id"]: (t["lon"], t["lat"]) for t in data["tps"]}
    base = {p["id"]: (p["lon"], p["lat"]) for p in data["posts"]}
    for s in data["plan"]["sectors"]:
        hull = shape(s["outline"])
        for point in [base[s["post"]], *(at[i] for i in s["tps"])]:
            assert hull.contains(Point(point))


def test_voting_chips_every_tps_has_a_team():
    html = render_plan("voting")
    c = chips(html)
    assert c["uncovered"] == "TPS tanpa tim 0"
    assert c["duty"] == "Personel bertugas / cadangan 9 / 20"
    assert c["tasks"] == "Tugas Pam TPS 2"
    assert c["posts"].startswith("Pos pengamanan ") and "/" not in c["posts"]
    assert "TPS tanpa pos" not in html.split('id="rm-summary"')[1].split("</ul>")[0]


def test_voting_chip_counts_tps_without_a_team():
    d = tiny_stage()                                  # one TPS has no post_id
    html = render_plan("voting", tps_risk=d["tps_risk"])
    c = chips(html)
    assert c["uncovered"] == "TPS tanpa tim 1"
    assert re.search(r'rm-chip-uncovered rm-alert', html)


def test_no_sectors_outside_voting_day():
    assert page_data(render_plan("campaign"))["plan"]["sectors"] == []


# ---------------------------------------------------------------------------- campaign
def test_campaign_tasks_by_date_and_the_shown_date():
    data = page_data(render_plan("campaign"))
    plan = data["plan"]
    assert plan["dates"] == ["2023-12-01", "2023-12-02", "2023-12-05"]
    assert plan["date"] == "2023-12-01"                   # stage start not planned: first day
    assert plan["daily"]["2023-12-05"] == {
        "duty": 42, "reserve": 50, "kinds": {"venue_guard": 3, "escort": 1},
        "personnel": {"venue_guard": 34, "escort": 8}}
    escort = plan["movements"][0]
    assert escort["id"] == "E-VIP" and escort["date"] == "2023-12-05"
    assert escort["minutes"] == 25 and escort["personnel"] == 8
    assert escort["unit"] == "POLRES" and escort["site_id"] == "V-VIP"
    path = plan["paths"][escort["geom"]]
    assert path[0][-1] == [-1.225, 113.845]              # ends at the venue, [lat, lon]
    # the escort from the Polres (Sungai Beta) to the visit (Kuala Gamma)
    assert plan["crossed"][escort["geom"]] == ["62.10.01.2002", "62.10.02.2001"]
    vip = next(v for v in data["venues"] if v["id"] == "V-VIP")
    assert vip["from"] == "2023-12-05" and vip["to"] == "2023-12-05"
    assert chips(render_plan("campaign"))["duty"] == "Personel bertugas / cadangan 12 / 80"


def test_campaign_opens_on_the_stage_start_when_it_is_planned():
    plan = campaign_plan()
    html = render_plan("campaign", as_of="2023-12-05", tasks=plan["tasks"])
    assert page_data(html)["plan"]["date"] == "2023-12-05"
    assert chips(html)["tasks"] == "Tugas Pos jaga 3 \u00b7 Pengawalan 1"


# ---------------------------------------------------------------------------- quiet period
def test_patrol_lines_are_simplified_rounded_and_keep_their_task():
    data = page_data(render_plan("quiet_period"))
    lines = data["plan"]["movements"]
    assert [(m["id"], m["date"]) for m in lines] == [
        ("PAT-1", "2024-02-11"), ("PAT-1", "2024-02-12"), ("ESC-LOG", "2024-02-13")]
    assert lines[0]["desc"] == "Patroli politik uang" and lines[0]["minutes"] == 180
    # the same circuit on two days is held once
    assert lines[0]["geom"] == lines[1]["geom"] != lines[2]["geom"]
    assert len(data["plan"]["paths"]) == 2
    for paths in data["plan"]["paths"]:
        for path in paths:
            for lat, lon in path:
                assert round(lat, 5) == lat and round(lon, 5) == lon


def test_movement_simplification_drops_vertices_on_a_straight_line():
    straight = [[113.80 + i * 0.001, -1.20] for i in range(50)]
    feature = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": straight},
               "properties": {"task_id": "X", "task": "patrol", "date": "2024-02-11",
                              "personnel": 2, "minutes": 60}}
    kept = movements_layer([feature], simplify_m=20, decimals=5)[0]["paths"][0]
    assert len(kept) == 2
    every = movements_layer([feature], simplify_m=0, decimals=5)[0]["paths"][0]
    assert len(every) == 50


def test_bad_movement_features_are_skipped():
    bad = [{"type": "Feature", "geometry": None, "properties": {}},
           {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.8, -1.2]},
            "properties": {"task_id": "P"}}]
    assert movements_layer(bad, simplify_m=20, decimals=5) == []


# ---------------------------------------------------------------------------- announcement
def test_announcement_ladder_is_in_the_kpu_office_data():
    data = page_data(render_plan("announcement"))
    ladder = data["plan"]["escalation"]["V-KPU"]
    assert [s["step"] for s in ladder] == ["guard", "polsek_negotiation", "polres_reinforcement",
                                           "dalmas_platoon", "water_cannon", "phh_brimob"]
    assert ladder[1] == {"step": "polsek_negotiation", "label": "Negosiasi Polsek",
                         "unit": "POLSEK-1", "personnel": 8, "minutes": 7}
    assert any(v["id"] == "V-KPU" and v["kind"] == "kpu_office" for v in data["venues"])
    assert data["ui"]["ladder"] == "Tangga eskalasi (Sispamkota)"


@pytest.mark.parametrize("plan", [None, [], {"escalation": {"a": 1}}, {"escalation": "x"}])
def test_escalation_of_a_malformed_plan_is_empty(plan):
    assert escalation_by_venue(plan) == {}


def test_escalation_ignores_steps_without_a_venue():
    plan = {"escalation": [{"step": "guard"}, "junk",
                           {"venue_id": "K", "step": "guard", "personnel": "x"}]}
    assert escalation_by_venue(plan) == {"K": [{"step": "guard", "label": "guard", "unit": "",
                                                "personnel": None, "minutes": None}]}


# ---------------------------------------------------------------------------- tasks
def test_tasks_layer_keeps_known_kinds_with_officers():
    t = voting_plan()["tasks"]
    extra = pd.DataFrame([{**t.iloc[0].to_dict(), "task_id": "BAD", "task": "picnic"},
                          {**t.iloc[0].to_dict(), "task_id": "ZERO", "personnel": "0"}])
    items = tasks_layer(pd.concat([t, extra], ignore_index=True), decimals=5)
    assert [i["id"] for i in items] == ["T-P01", "T-P02", "T-RES"]
    assert items[0]["personnel"] == 6 and items[0]["lat"] == -1.175


def test_daily_figures_sum_the_officers_per_date():
    items = tasks_layer(quiet_plan()["tasks"], decimals=5)
    daily = daily_figures(items)
    assert daily["2024-02-11"]["duty"] == 4 and daily["2024-02-11"]["reserve"] == 60
    assert daily["2024-02-13"] == {"duty": 6, "reserve": 0, "kinds": {"escort": 1},
                                   "personnel": {"escort": 6}}


def test_touching_sectors_get_different_colours():
    # six teams side by side, 200 m apart: every pair of neighbours differs (2 colours suffice)
    tps = [{"id": f"T{i}", "lat": -1.2, "lon": 113.8 + i * 0.0018, "post": f"P{i}"}
           for i in range(6)]
    posts = [{"id": f"P{i}", "lat": -1.2, "lon": 113.8 + i * 0.0018} for i in range(6)]
    s = sectors_layer(tps, posts, buffer_m=150, n_colours=2, decimals=5)
    colours = [x["colour"] for x in s]
    assert all(a != b for a, b in zip(colours, colours[1:], strict=False))


def test_sectors_layer_of_a_one_tps_team_is_an_area():
    tps = [{"id": "A", "lat": -1.2, "lon": 113.8, "post": "P"}]
    posts = [{"id": "P", "lat": -1.2, "lon": 113.8}]
    s = sectors_layer(tps, posts, buffer_m=150, n_colours=4, decimals=5)
    assert len(s) == 1 and s[0]["outline"]["type"] == "Polygon"


# ---------------------------------------------------------------------------- old plans
def test_a_plan_without_tasks_renders_as_before():
    data = page_data(render_tiny())
    assert data["plan"] == {"tasks": [], "movements": [], "paths": [], "crossed": [],
                            "sectors": [], "escalation": {}, "dates": [], "date": "",
                            "daily": {}}
    assert "duty" not in chips(render_tiny())


def test_read_operations_plan_tolerates_missing_files(tmp_path: Path):
    assert read_operations_plan(tmp_path) == (None, [], {})
    plan = campaign_plan()
    plan["tasks"].to_csv(tmp_path / "tasks.csv", index=False)
    (tmp_path / "movements.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": plan["movements"]}), encoding="utf-8")
    (tmp_path / "plan.json").write_text(json.dumps(announcement_plan()["plan"]),
                                        encoding="utf-8")
    tasks, movements, plan_json = read_operations_plan(tmp_path)
    assert len(tasks) == 9 and movements[0]["properties"]["task_id"] == "E-VIP"
    assert len(plan_json["escalation"]) == 6


def test_read_operations_plan_survives_broken_files(tmp_path: Path):
    (tmp_path / "tasks.csv").write_text("", encoding="utf-8")
    (tmp_path / "movements.geojson").write_text("{not json", encoding="utf-8")
    (tmp_path / "plan.json").write_text("[1, 2", encoding="utf-8")
    assert read_operations_plan(tmp_path) == (None, [], {})


@pytest.mark.parametrize("stage", ["voting", "campaign", "quiet_period", "announcement"])
def test_plan_maps_are_deterministic_and_small(stage):
    html = render_plan(stage)
    assert html == render_plan(stage)
    assert len(html.encode("utf-8")) < 620_000


# ---------------------------------------------------------------------------- area levels
def kabupaten_areas():
    d = tiny_stage()
    areas = d["areas"].copy()
    areas["village_code"] = ["62.10", "62.11", "62.12"]
    areas["village_name"] = ["Kabupaten Gunung Mas", "Kabupaten Katingan", "Kota Palangka Raya"]
    areas["subdistrict_code"] = ["62", "62", "62"]
    areas["subdistrict_name"] = ["Kalimantan Tengah"] * 3
    risk = d["area_risk"].copy()
    risk["village_code"] = ["62.10", "62.11", "62.12"]
    return d, areas, risk


def test_kabupaten_areas_are_named_as_kabupaten():
    d, areas, risk = kabupaten_areas()
    html = render_stage_map(areas, risk, d["tps_risk"].iloc[0:0], d["posts"].iloc[0:0],
                            d["venues"], d["incidents"], d["units"], None, as_of="2024-02-14",
                            stage="voting")
    c = chips(html)
    assert c["villages"] == "Kabupaten/Kota sangat rawan 1 dari 3"
    data = page_data(html)
    assert data["ui"]["village"] == "Kabupaten/Kota"
    assert data["ui"]["layer_areas"] == "Kerawanan kabupaten/kota"
    assert data["ui"]["subdistrict"] == "Provinsi"
    assert data["ui"]["layer_boundaries"] == "Batas wilayah (provinsi, kabupaten/kota)"
    assert data["ui"]["search_placeholder"].startswith("Cari kabupaten/kota")
    assert data["labels"]["area_level"] == "Kabupaten/Kota"
    assert "Desa" not in c["villages"]


def test_village_areas_keep_the_village_names():
    c = chips(render_tiny())
    assert c["villages"] == "Desa sangat rawan 1 dari 3"
    ui = page_data(render_tiny())["ui"]
    assert ui["village"] == "Desa/Kelurahan" and ui["subdistrict"] == "Kecamatan"
    assert ui["layer_boundaries"] == "Batas wilayah (kabupaten, kecamatan, desa)"


def test_plan_strings_are_escaped():
    from tiny_map_data import XSS_NAME

    plan = announcement_plan()
    plan["tasks"].loc[0, "description"] = XSS_NAME
    plan["plan"]["escalation"][0]["label"] = "</script><script>alert(3)</script>"
    html = render_plan("announcement", tasks=plan["tasks"], plan=plan["plan"])
    assert XSS_NAME not in html and "<script>alert(3)" not in html
    data = page_data(html)
    assert data["plan"]["tasks"][0]["desc"] == XSS_NAME
    assert data["plan"]["escalation"]["V-KPU"][0]["label"].startswith("</script>")
