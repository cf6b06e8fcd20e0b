"""A tiny hand-made stage: three villages in two kecamatan, five TPS, two posts, venues
(one named like an XSS attack), incidents, units and reach. Known answers for the map tests."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

XSS_NAME = "<img src=x onerror=alert(1)>"


def tiny_stage() -> dict:
    """Return the keyword arguments of ``render_stage_map`` for the tiny stage (positional
    tables under their parameter names)."""
    areas = gpd.GeoDataFrame(
        {
            "village_code": ["62.10.01.2001", "62.10.01.2002", "62.10.02.2001"],
            "village_name": ["Tumbang Alpha", "Sungai Beta", "Kuala Gamma"],
            "subdistrict_code": ["62.10.01", "62.10.01", "62.10.02"],
            "subdistrict_name": ["Kurun", "Kurun", "Miri Manasa"],
        },
        geometry=[box(113.80, -1.20, 113.85, -1.15), box(113.85, -1.20, 113.90, -1.15),
                  box(113.80, -1.25, 113.90, -1.20)],
        crs="EPSG:4326",
    )
    area_risk = pd.DataFrame({
        "village_code": ["62.10.01.2001", "62.10.01.2002", "62.10.02.2001"],
        "village_name": ["Tumbang Alpha", "Sungai Beta", "Kuala Gamma"],
        "subdistrict_name": ["Kurun", "Kurun", "Miri Manasa"],
        "risk_score": [81.5, 42.0, 12.25],
        "risk_class": ["sangat_rawan", "rawan", "kurang_rawan"],
        "expected_incidents": [2.75, 0.8, 0.1],
        "top_factors": ["Riwayat insiden dekat; Lokasi kampanye dekat", "Sulit dijangkau",
                        "Jumlah pemilih"],
    })
    tps_risk = pd.DataFrame({
        "tps_id": ["6210012001001", "6210012001002", "6210012002001", "6210022001001",
                   "6210022001002"],
        "village_code": ["62.10.01.2001", "62.10.01.2001", "62.10.01.2002", "62.10.02.2001",
                         "62.10.02.2001"],
        "lat": [-1.17, -1.18, -1.17, -1.22, -1.23],
        "lon": [113.82, 113.83, 113.87, 113.83, 113.86],
        "voters": [250, 198, 301, 120, 87],
        "risk_score": [85.0, 77.5, 45.0, 10.0, 14.5],
        "risk_class": ["sangat_rawan", "sangat_rawan", "rawan", "kurang_rawan", "kurang_rawan"],
        "post_id": ["P01", "P01", "P02", "P02", ""],
        "hard_to_reach": [False, False, False, False, True],
    })
    posts = pd.DataFrame({
        "post_id": ["P01", "P02"],
        "lat": [-1.175, -1.19],
        "lon": [113.825, 113.86],
        "personnel": [6, 3],
        "site_kind": ["tps", "venue"],
        "site_id": ["6210012001001", "V-KPU"],
        "covered_tps": [2, 2],
        "covered_weight": [4.5, 2.0],
        "radius_km": [2.0, 3.5],
    })
    venues = pd.DataFrame({
        "venue_id": ["V-KPU", "V-XSS"],
        "kind": ["kpu_office", "campaign_site"],
        "name": ["Kantor KPU Uji", XSS_NAME],
        "lat": [-1.19, -1.16],
        "lon": [113.86, 113.81],
        "start": [pd.NaT, pd.Timestamp("2023-12-01")],
        "end": [pd.NaT, pd.Timestamp("2023-12-02")],
        "expected_crowd": [300, 1500],
    })
    incidents = pd.DataFrame({
        "incident_id": ["I1", "I2", "I3"],
        "date": pd.to_datetime(["2019-04-17", "2019-04-20", "2020-12-09"]),
        "kind": ["demonstration", "vote_buying", "clash"],
        "severity": [2, 1, 3],
        "lat": [-1.171, -1.176, -1.221],
        "lon": [113.821, 113.826, 113.831],
        "description": ["Unjuk rasa di depan kantor desa", "Pembagian sembako",
                        "<b>bentrokan</b> antarpendukung"],
    })
    units = pd.DataFrame({
        "unit_id": ["POLRES", "POLSEK-1", "POLSEK-2"],
        "kind": ["polres", "polsek", "polsek"],
        "name": ["Polres Uji", "Polsek Kurun", "Polsek Miri Manasa"],
        "lat": [-1.16, -1.18, -1.24],
        "lon": [113.88, 113.84, 113.88],
        "personnel": [100, 8, 5],
    })
    reach = pd.DataFrame({
        "target_kind": ["tps", "tps", "tps", "tps", "tps", "venue", "venue"],
        "target_id": ["6210012001001", "6210012001002", "6210012002001", "6210022001001",
                      "6210022001002", "V-KPU", "V-XSS"],
        "nearest_polsek_name": ["Polsek Kurun"] * 3 + ["Polsek Miri Manasa"] * 2
        + ["Polsek Kurun"] * 2,
        "polsek_minutes": ["12", "15", "9", "35", "95", "7", "14"],
        "polres_minutes": ["30", "33", "20", "60", "140", "18", "31"],
        "beyond_limit": ["False", "False", "False", "False", "True", "False", "False"],
    })
    previous = pd.DataFrame({
        "village_code": ["62.10.01.2001", "62.10.01.2002", "62.10.02.2001"],
        "risk_class": ["rawan", "rawan", "rawan"],
    })
    return {
        "areas": areas, "area_risk": area_risk, "tps_risk": tps_risk, "posts": posts,
        "venues": venues, "incidents": incidents, "units": units, "reach": reach,
        "previous_area_risk": previous,
    }


def render_tiny(**overrides) -> str:
    """Render the tiny stage's map (keyword overrides go to ``render_stage_map``)."""
    from riskmap.maps import render_stage_map

    d = tiny_stage()
    kwargs = {
        "region_name": "Kabupaten Uji", "stage": "campaign", "as_of": "2023-11-28",
        "window_end": "2024-02-10", "generated": "2026-11-28", "synthetic": True,
        "previous_area_risk": d["previous_area_risk"], "map_config": {}, "passphrase": None,
    }
    kwargs.update(overrides)
    return render_stage_map(d["areas"], d["area_risk"], d["tps_risk"], d["posts"], d["venues"],
                            d["incidents"], d["units"], d["reach"], **kwargs)


# ---------------------------------------------------------------------------- operations plan
TASK_COLUMNS = ["task_id", "date", "task", "post_id", "personnel", "unit_id", "site_kind",
                "site_id", "lat", "lon", "description"]


def _tasks(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=TASK_COLUMNS).astype(str)


def _line(task_id: str, task: str, date: str, personnel: int, minutes: int,
          coords: list[tuple[float, float]]) -> dict:
    return {"type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
            "properties": {"task_id": task_id, "task": task, "date": date,
                           "personnel": personnel, "minutes": minutes}}


def voting_plan() -> dict:
    """Voting day: every TPS has a team (P01: 2 TPS, P02: 3 TPS), officers and the reserve."""
    d = tiny_stage()
    tps = d["tps_risk"].copy()
    tps["post_id"] = ["P01", "P01", "P02", "P02", "P02"]
    posts = d["posts"].copy()
    posts["covered_tps"] = [2, 3]
    tasks = _tasks([
        ("T-P01", "2024-02-14", "tps_team", "P01", 6, "POLSEK-1", "tps", "6210012001001",
         -1.175, 113.825, "Pam TPS tim P01 (2 TPS)"),
        ("T-P02", "2024-02-14", "tps_team", "P02", 3, "POLSEK-2", "venue", "V-KPU",
         -1.19, 113.86, "Pam TPS tim P02 (3 TPS)"),
        ("T-RES", "2024-02-14", "reserve", "", 20, "POLRES", "unit", "POLRES", -1.16, 113.88,
         "Cadangan Polres"),
    ])
    return {"tps_risk": tps, "posts": posts, "tasks": tasks, "movements": [], "plan": {}}


def campaign_plan() -> dict:
    """Campaign: a rally on 1-2 Dec, a VVIP visit on 5 Dec with its escort and guard points."""
    d = tiny_stage()
    venues = pd.concat([d["venues"], pd.DataFrame({
        "venue_id": ["V-VIP", "V-RALLY"],
        "kind": ["vvip_visit", "campaign_site"],
        "name": ["Kunjungan Menteri", "Kampanye Lapangan Kurun"],
        "lat": [-1.225, -1.172],
        "lon": [113.845, 113.872],
        "start": [pd.Timestamp("2023-12-05"), pd.Timestamp("2023-12-05")],
        "end": [pd.Timestamp("2023-12-05"), pd.Timestamp("2023-12-06")],
        "expected_crowd": [800, 400],
    })], ignore_index=True)
    tasks = _tasks([
        ("G-XSS", "2023-12-01", "venue_guard", "", 12, "POLSEK-1", "venue", "V-XSS", -1.16,
         113.81, "Pengamanan kampanye"),
        ("R-1201", "2023-12-01", "reserve", "", 80, "POLRES", "unit", "POLRES", -1.16, 113.88,
         "Cadangan Polres"),
        ("G-XSS", "2023-12-02", "venue_guard", "", 12, "POLSEK-1", "venue", "V-XSS", -1.16,
         113.81, "Pengamanan kampanye"),
        ("R-1202", "2023-12-02", "reserve", "", 80, "POLRES", "unit", "POLRES", -1.16, 113.88,
         "Cadangan Polres"),
        ("G-VIP", "2023-12-05", "venue_guard", "", 20, "POLRES", "venue", "V-VIP", -1.225,
         113.845, "Pengamanan kunjungan VVIP"),
        ("E-VIP", "2023-12-05", "escort", "", 8, "POLRES", "venue", "V-VIP", -1.225, 113.845,
         "Pengawalan VVIP dari Polres"),
        ("GP-1", "2023-12-05", "venue_guard", "", 4, "POLSEK-2", "other", "E-VIP", -1.20,
         113.862, "Titik jaga rute VVIP"),
        ("G-RALLY", "2023-12-05", "venue_guard", "", 10, "POLSEK-1", "venue", "V-RALLY",
         -1.172, 113.872, "Pengamanan kampanye"),
        ("R-1205", "2023-12-05", "reserve", "", 50, "POLRES", "unit", "POLRES", -1.16, 113.88,
         "Cadangan Polres"),
    ])
    movements = [_line("E-VIP", "escort", "2023-12-05", 8, 25,
                       [(113.88, -1.16), (113.8705, -1.18), (113.862, -1.20),
                        (113.855, -1.215), (113.845, -1.225)])]
    return {"venues": venues, "tasks": tasks, "movements": movements, "plan": {}}


def quiet_plan() -> dict:
    """Quiet period: a Polsek patrol circuit on two days and the logistics escort."""
    tasks = _tasks([
        ("PAT-1", "2024-02-11", "patrol", "", 4, "POLSEK-1", "unit", "POLSEK-1", -1.18, 113.84,
         "Patroli politik uang"),
        ("R-0211", "2024-02-11", "reserve", "", 60, "POLRES", "unit", "POLRES", -1.16, 113.88,
         "Cadangan Polres"),
        ("PAT-1", "2024-02-12", "patrol", "", 4, "POLSEK-1", "unit", "POLSEK-1", -1.18, 113.84,
         "Patroli politik uang"),
        ("ESC-LOG", "2024-02-13", "escort", "", 6, "POLRES", "venue", "V-KPU", -1.19, 113.86,
         "Pengawalan logistik gudang ke PPK"),
    ])
    loop = [(113.84, -1.18), (113.82, -1.17), (113.83, -1.18), (113.87, -1.17), (113.84, -1.18)]
    movements = [
        _line("PAT-1", "patrol", "2024-02-11", 4, 180, loop),
        _line("PAT-1", "patrol", "2024-02-12", 4, 180, loop),
        _line("ESC-LOG", "escort", "2024-02-13", 6, 40, [(113.88, -1.16), (113.86, -1.19)]),
    ]
    return {"tasks": tasks, "movements": movements, "plan": {}}


def announcement_plan() -> dict:
    """Announcement: a guard at the KPU office and its Sispamkota ladder."""
    tasks = _tasks([
        ("G-KPU", "2024-03-20", "venue_guard", "", 30, "POLRES", "venue", "V-KPU", -1.19,
         113.86, "Penjagaan Kantor KPU"),
        ("R-0320", "2024-03-20", "reserve", "", 40, "POLRES", "unit", "POLRES", -1.16, 113.88,
         "Cadangan Polres"),
    ])
    steps = [("guard", "Penjagaan kantor KPU", "POLRES", 30, 0),
             ("polsek_negotiation", "Negosiasi Polsek", "POLSEK-1", 8, 7),
             ("polres_reinforcement", "Perkuatan Polres", "POLRES", 40, 18),
             ("dalmas_platoon", "Peleton Dalmas", "POLRES", 30, 18),
             ("water_cannon", "Water cannon", "POLRES", 5, 25),
             ("phh_brimob", "PHH Brimob (BKO)", "BRIMOB", 60, 120)]
    plan = {"stage": "announcement", "escalation": [
        {"venue_id": "V-KPU", "step": s, "label": lab, "unit_id": u, "personnel": p,
         "minutes_to_site": m} for s, lab, u, p, m in steps]}
    return {"tasks": tasks, "movements": [], "plan": plan}


def render_plan(stage: str, **overrides) -> str:
    """Render the tiny stage with the operations plan of ``stage`` (voting, campaign,
    quiet_period, announcement); keyword overrides go to ``render_stage_map``, table names
    (``units``, ``venues``...) replace the tiny stage's tables."""
    from riskmap.maps import render_stage_map

    d = tiny_stage()
    plan = {"voting": voting_plan, "campaign": campaign_plan, "quiet_period": quiet_plan,
            "announcement": announcement_plan}[stage]()
    as_of = {"voting": "2024-02-14", "campaign": "2023-11-28", "quiet_period": "2024-02-11",
             "announcement": "2024-03-20"}[stage]
    window_end = {"voting": "2024-02-14", "campaign": "2024-02-10",
                  "quiet_period": "2024-02-13", "announcement": "2024-03-31"}[stage]
    kwargs = {
        "region_name": "Kabupaten Uji", "stage": stage, "as_of": as_of,
        "window_end": window_end, "generated": "2026-11-28", "synthetic": True,
        "previous_area_risk": d["previous_area_risk"], "map_config": {}, "passphrase": None,
        "tasks": plan["tasks"], "movements": plan["movements"], "plan": plan["plan"],
    }
    tables = {**d, **{k: v for k, v in plan.items() if k in d}}
    for name in ("areas", "area_risk", "tps_risk", "posts", "venues", "incidents", "units",
                 "reach"):
        if name in overrides:
            tables[name] = overrides.pop(name)
    kwargs.update(overrides)
    return render_stage_map(tables["areas"], tables["area_risk"], tables["tps_risk"],
                            tables["posts"], tables["venues"], tables["incidents"],
                            tables["units"], tables["reach"], **kwargs)
