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
