"""A hand-built announcement stage of the tiny region, with the planner's contract files.

The tiny region (tests/tiny_region.py: 3 x 3 villages, Kecamatan Barat = columns 1-2,
Kecamatan Timur = column 3) is ingested by the real ingest step; the stage's outputs are
written here by hand so that every figure of the briefing is known in advance:

============  ====  ==  =  ==  ===  ==  =  ==  ========  ===  ========  ===  ======
Kecamatan     Desa  SR  R  KR  TPS  SR  R  KR  expected  Pos  Personel  Tim  beyond
============  ====  ==  =  ==  ===  ==  =  ==  ========  ===  ========  ===  ======
Barat            6   1  2   3   12   2  4   6      2.70    1         6    3       1
Timur            3   1  1   1    6   2  2   2      1.80    2         6    3       2
============  ====  ==  =  ==  ===  ==  =  ==  ========  ===  ========  ===  ======

Village ``k`` (1-9) has ``expected_incidents`` 0.1 k. The previous stage had every village
kurang rawan except village 9 (sangat rawan): five villages rose, one fell.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tiny_region import village_grid, write_tiny_region  # noqa: E402

from riskmap.steps import ingest as ingest_step  # noqa: E402

LON0, LAT0 = 113.80, -1.20
CLASSES = {1: "rawan", 2: "rawan", 3: "sangat_rawan", 4: "kurang_rawan", 5: "sangat_rawan",
           6: "rawan", 7: "kurang_rawan", 8: "kurang_rawan", 9: "kurang_rawan"}
PREVIOUS = {k: ("sangat_rawan" if k == 9 else "kurang_rawan") for k in range(1, 10)}
EXPECTED_TABLE = {
    "Kecamatan Barat": [6, 1, 2, 3, 12, 2, 4, 6, 2.7, 1, 6, 3, 1],
    "Kecamatan Timur": [3, 1, 1, 1, 6, 2, 2, 2, 1.8, 2, 6, 3, 2],
    "Jumlah": [9, 2, 3, 4, 18, 4, 6, 8, 4.5, 3, 12, 6, 3],
}


def _village_code(k: int) -> str:
    sub = "99.01.01" if (k - 1) % 3 < 2 else "99.01.02"
    return f"{sub}.20{k:02d}"


def _area_risk(classes: dict[int, str]) -> pd.DataFrame:
    areas = village_grid(LON0, LAT0)
    rows = []
    for k in range(1, 10):
        code = _village_code(k)
        v = areas[areas["village_code"] == code].iloc[0]
        score = {"kurang_rawan": 10.0, "rawan": 40.0, "sangat_rawan": 80.0}[classes[k]] + k
        rows.append({
            "village_code": code, "village_name": v["village_name"],
            "subdistrict_name": v["subdistrict_name"], "risk_score": score,
            "risk_class": classes[k], "expected_incidents": round(0.1 * k, 4),
            "top_factors": f"faktor utama desa {k} (60%); faktor kedua (20%); faktor ketiga (10%);"
                           " faktor keempat (5%)",
        })
    return pd.DataFrame(rows)


def write_stage(base: Path, *, tasks: bool = True) -> dict[str, Path]:
    """Write the tiny region, ingest it and hand-build its announcement stage; return paths."""
    region = write_tiny_region(base / "region")
    work, out = base / "out" / "_work", base / "out"
    stage_dirs = [out / s for s in ("campaign", "voting", "announcement")]
    assert ingest_step.main(["--region", str(region), "--work", str(work), "--stage-dirs",
                             *map(str, stage_dirs)]) == 0
    stage = out / "announcement"
    _area_risk(CLASSES).to_csv(stage / "area_risk.csv", index=False)
    _area_risk(PREVIOUS).to_csv(out / "voting" / "area_risk.csv", index=False)
    tps_in = pd.read_csv(region / "tps.csv", dtype={"tps_id": str, "village_code": str})
    k_of = {_village_code(k): k for k in range(1, 10)}
    tps_in["risk_class"] = [CLASSES[k_of[c]] for c in tps_in["village_code"]]
    tps_in["risk_score"] = 50.0
    tps_in["post_id"] = ""
    tps_in[["tps_id", "village_code", "lat", "lon", "voters", "risk_score", "risk_class",
            "post_id", "hard_to_reach"]].to_csv(stage / "tps_risk.csv", index=False)
    units = pd.read_csv(region / "units.csv")
    polres, polsek = units.iloc[0], units.iloc[1]
    v9 = tps_in[tps_in["village_code"] == _village_code(9)].iloc[0]
    pd.DataFrame([
        {"post_id": "P001", "lat": polres["lat"], "lon": polres["lon"], "personnel": 6,
         "site_kind": "unit", "site_id": "POLRES", "covered_tps": 4, "covered_weight": 1.0,
         "radius_km": 5.0, "nearest_polsek": "Polsek Timur"},
        {"post_id": "P002", "lat": polsek["lat"], "lon": polsek["lon"], "personnel": 4,
         "site_kind": "unit", "site_id": "POLSEK1", "covered_tps": 4, "covered_weight": 1.0,
         "radius_km": 5.0, "nearest_polsek": "Polsek Timur"},
        {"post_id": "P003", "lat": v9["lat"], "lon": v9["lon"], "personnel": 2,
         "site_kind": "tps", "site_id": v9["tps_id"], "covered_tps": 1, "covered_weight": 0.5,
         "radius_km": 5.0, "nearest_polsek": "Polsek Timur"},
    ]).to_csv(stage / "posts.csv", index=False)
    beyond = set(tps_in.loc[tps_in["village_code"] == _village_code(9), "tps_id"])
    beyond.add(tps_in.loc[tps_in["village_code"] == _village_code(7), "tps_id"].iloc[0])
    pd.DataFrame({
        "target_kind": "tps", "target_id": tps_in["tps_id"],
        "nearest_polsek_id": "POLSEK1", "nearest_polsek_name": "Polsek Timur",
        "polsek_minutes": 10.0, "beyond_limit": tps_in["tps_id"].isin(beyond),
    }).to_csv(stage / "reach.csv", index=False)
    plan = {
        "stage": "announcement", "as_of": "2024-03-20", "personnel_budget": 12,
        "personnel_assigned": 12, "n_posts": 3, "covered_weight_share": 0.75,
        "coverage": {"team_size": 2},
        "budget_curve": {"keterangan": "perkiraan cakupan bila jumlah personel berbeda",
                         "points": [{"personnel": 6, "covered_weight_share": 0.5, "posts": 2},
                                    {"personnel": 24, "covered_weight_share": 0.95,
                                     "posts": 8}]},
        "escalation": [
            {"venue_id": "KPU", "order": 2, "step": "polres_reinforcement",
             "label": "Penebalan dari Polres", "unit_id": "POLRES",
             "personnel": 6, "minutes_to_site": 3.2},
            {"venue_id": "KPU", "order": 1, "step": "polsek_negotiation",
             "label": "Mediasi oleh Polsek", "unit_id": "POLSEK1",
             "personnel": 4, "minutes_to_site": 7.6},
            {"venue_id": "KPU", "order": 3, "step": "dalmas_platoon", "label": "Pleton Dalmas",
             "unit_id": "POLRES", "personnel": 30, "minutes_to_site": 45},
        ],
    }
    (stage / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    if tasks:
        kpu = pd.read_csv(region / "venues.csv").set_index("venue_id").loc["KPU"]
        rows = []
        for n, (date, task, unit, personnel, site_kind, site_id, lat, lon) in enumerate([
            ("2024-03-20", "venue_guard", "POLRES", 4, "venue", "KPU", kpu["lat"], kpu["lon"]),
            ("2024-03-21", "venue_guard", "POLRES", 4, "venue", "KPU", kpu["lat"], kpu["lon"]),
            ("2024-03-20", "patrol", "POLSEK1", 2, "unit", "POLSEK1", polsek["lat"],
             polsek["lon"]),
            ("2024-03-20", "reserve", "POLRES", 6, "unit", "POLRES", polres["lat"],
             polres["lon"]),
            ("2024-03-21", "escort", "POLRES", 2, "venue", "KPU", kpu["lat"], kpu["lon"]),
        ], start=1):
            rows.append({"task_id": f"T{n:03d}", "date": date, "task": task,
                         "post_id": "", "personnel": personnel, "unit_id": unit,
                         "site_kind": site_kind, "site_id": site_id, "lat": lat, "lon": lon,
                         "description": f"tugas uji {n}"})
        pd.DataFrame(rows).to_csv(stage / "tasks.csv", index=False)
        lines = gpd.GeoDataFrame(
            {"task_id": ["T003", "T005"], "task": ["patrol", "escort"],
             "date": ["2024-03-20", "2024-03-21"], "personnel": [2, 2], "minutes": [40.0, 15.0]},
            geometry=[LineString([(polsek["lon"], polsek["lat"]), (LON0 + 0.05, LAT0 + 0.01),
                                  (LON0 + 0.04, LAT0 + 0.045)]),
                      LineString([(kpu["lon"], kpu["lat"]), (polres["lon"], polres["lat"]),
                                  (LON0 + 0.002, LAT0 + 0.002)])],
            crs="EPSG:4326",
        )
        lines.to_file(stage / "movements.geojson", driver="GeoJSON", engine="pyogrio")
    return {"region": region, "work": work, "out": stage,
            "previous": out / "voting" / "area_risk.csv"}


def step_args(paths: dict[str, Path], *, previous: bool = True) -> list[str]:
    """The command-line arguments of ``render_briefing`` for the hand-built stage."""
    return ["--stage", "announcement", "--work", str(paths["work"]), "--out", str(paths["out"]),
            f"--previous={paths['previous'] if previous else ''}", "--params", "{}"]
