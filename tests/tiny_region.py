"""A tiny hand-built region folder in the contract's format, placed anywhere on Earth.

A 3 x 3 grid of square villages (about 2 km a side) in two kecamatan, two TPS per village,
a KPU office, a PPK office, two campaign sites, a Polres and a Polsek, and incidents spread
over one past election and the current one. Used by the workflow tests (equator included).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from riskmap.geo import WGS84

STEP_DEG = 0.018  # about 2 km

REGION_YAML = """\
name: Kabupaten Uji
code: "99.01"
synthetic: true
personnel: {personnel}
stages:
  campaign:       {{start: 2023-11-28, end: 2024-02-10}}
  voting:         {{start: 2024-02-14, end: 2024-02-14}}
  announcement:   {{start: 2024-03-20, end: 2024-03-31, personnel: 12}}
past_elections:
  - name: Pemilu 2019
    stages:
      campaign:       {{start: 2018-09-23, end: 2019-04-13}}
      voting:         {{start: 2019-04-17, end: 2019-04-17}}
      announcement:   {{start: 2019-05-21, end: 2019-05-31}}
"""


def village_grid(lon0: float, lat0: float) -> gpd.GeoDataFrame:
    """Nine square villages with south-west corner at (lon0, lat0)."""
    rows = []
    for i in range(3):
        for j in range(3):
            k = i * 3 + j + 1
            sub = "99.01.01" if j < 2 else "99.01.02"
            rows.append(
                {
                    "village_code": f"{sub}.20{k:02d}",
                    "village_name": f"Desa Uji {k}",
                    "subdistrict_code": sub,
                    "subdistrict_name": "Kecamatan Barat" if j < 2 else "Kecamatan Timur",
                    "geometry": box(
                        lon0 + j * STEP_DEG,
                        lat0 + i * STEP_DEG,
                        lon0 + (j + 1) * STEP_DEG,
                        lat0 + (i + 1) * STEP_DEG,
                    ),
                }
            )
    return gpd.GeoDataFrame(rows, crs=WGS84)


def write_tiny_region(
    folder: Path,
    *,
    lon0: float = 113.80,
    lat0: float = -1.20,
    personnel: int = 20,
    routes: bool = True,
) -> Path:
    """Write the tiny region to ``folder`` and return it (with a road and a river)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    areas = village_grid(lon0, lat0)
    areas.to_file(folder / "areas.geojson", driver="GeoJSON", engine="pyogrio")
    tps = []
    for n, (_, v) in enumerate(areas.iterrows()):
        c = v.geometry.centroid
        for t in (1, 2):
            tps.append(
                {
                    "tps_id": v["village_code"].replace(".", "") + f"{t:03d}",
                    "village_code": v["village_code"],
                    "lat": round(c.y + (t - 1.5) * 0.004, 6),
                    "lon": round(c.x + (t - 1.5) * 0.004, 6),
                    "voters": 150 + 10 * n + t,
                    "hard_to_reach": n == 8,
                }
            )
    pd.DataFrame(tps).to_csv(folder / "tps.csv", index=False)
    mid = areas.geometry.iloc[4].centroid
    corner = areas.geometry.iloc[0].centroid
    pd.DataFrame(
        [
            {
                "venue_id": "KPU",
                "kind": "kpu_office",
                "name": "Kantor KPU",
                "lat": mid.y,
                "lon": mid.x + 0.002,
                "start": "",
                "end": "",
                "expected_crowd": 300,
            },
            {
                "venue_id": "PPK1",
                "kind": "ppk_office",
                "name": "Kantor PPK Barat",
                "lat": corner.y,
                "lon": corner.x,
                "start": "",
                "end": "",
                "expected_crowd": 50,
            },
            {
                "venue_id": "K2019",
                "kind": "campaign_site",
                "name": "Lapangan 2019",
                "lat": mid.y,
                "lon": mid.x,
                "start": "2019-01-10",
                "end": "2019-01-10",
                "expected_crowd": 1000,
            },
            {
                "venue_id": "K2024",
                "kind": "campaign_site",
                "name": "Lapangan 2024",
                "lat": corner.y + 0.003,
                "lon": corner.x,
                "start": "2024-01-10",
                "end": "2024-01-11",
                "expected_crowd": 1500,
            },
        ]
    ).to_csv(folder / "venues.csv", index=False)
    pd.DataFrame(
        [
            {
                "unit_id": "POLRES",
                "kind": "polres",
                "name": "Polres Uji",
                "lat": mid.y,
                "lon": mid.x - 0.003,
                "personnel": 15,
            },
            {
                "unit_id": "POLSEK1",
                "kind": "polsek",
                "name": "Polsek Timur",
                "lat": areas.geometry.iloc[2].centroid.y,
                "lon": areas.geometry.iloc[2].centroid.x,
                "personnel": 5,
            },
        ]
    ).to_csv(folder / "units.csv", index=False)
    incidents = []
    dates = [
        "2018-11-02",
        "2019-01-10",
        "2019-01-11",
        "2019-04-17",
        "2019-05-22",
        "2019-05-23",
        "2021-06-01",
        "2023-12-05",
        "2024-01-10",
        "2024-02-14",
        "2024-03-21",
    ]
    for n, d in enumerate(dates):
        v = areas.geometry.iloc[(n * 4) % 9].centroid if n % 3 else mid
        incidents.append(
            {
                "incident_id": f"I{n + 1:03d}",
                "date": d,
                "kind": ["demonstration", "clash", "intimidation"][n % 3],
                "lat": round(v.y + 0.001 * (n % 4), 6),
                "lon": round(v.x - 0.001 * (n % 3), 6),
                "severity": 1 + n % 3,
                "description": f"Kejadian uji {n + 1}",
            }
        )
    pd.DataFrame(incidents).to_csv(folder / "incidents.csv", index=False)
    if routes:
        write_routes(folder / "routes.geojson", lon0, lat0)
    (folder / "region.yaml").write_text(REGION_YAML.format(personnel=personnel), encoding="utf-8")
    return folder


def write_routes(path: Path, lon0: float, lat0: float) -> None:
    """A road along the grid's diagonal and a river across its middle row."""
    side = 3 * STEP_DEG
    features = [
        {
            "type": "Feature",
            "properties": {"kind": "road", "speed_kmh": 30},
            "geometry": {
                "type": "LineString",
                "coordinates": [[lon0, lat0], [lon0 + side, lat0 + side]],
            },
        },
        {
            "type": "Feature",
            "properties": {"kind": "river", "speed_kmh": None},
            "geometry": {
                "type": "LineString",
                "coordinates": [[lon0, lat0 + side / 2], [lon0 + side, lat0 + side / 2]],
            },
        },
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
