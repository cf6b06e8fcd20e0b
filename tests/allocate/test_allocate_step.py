"""The allocate step's movement lines: WGS84, contract properties first, empty when none."""

from __future__ import annotations

import json

import geopandas as gpd
from shapely.geometry import LineString

from riskmap.steps._common import write_geojson
from riskmap.steps.allocate import movements_wgs84

CRS = "EPSG:32749"


def test_movements_in_wgs84_with_the_contract_properties(tmp_path):
    lines = gpd.GeoDataFrame(
        {"task_id": ["E-2", "E-1"], "task": ["escort", "escort"],
         "date": ["2024-02-13", "2024-02-13"], "personnel": [4, 2], "minutes": [35.0, 12.5],
         "note": ["b", "a"]},
        geometry=[LineString([(500_000, 9_880_000), (510_000, 9_880_000)]),
                  LineString([(500_000, 9_880_000), (500_000, 9_890_000)])], crs=CRS)
    out = movements_wgs84(lines)
    assert out.crs.to_epsg() == 4326
    assert list(out.columns[:5]) == ["task_id", "task", "date", "personnel", "minutes"]
    assert out["task_id"].tolist() == ["E-1", "E-2"]
    x0, y0 = out.geometry.iloc[0].coords[0]
    assert abs(x0 - 111.0) < 1e-6 and -1.2 < y0 < -1.0  # UTM 49S: central meridian 111 E
    write_geojson(out, tmp_path / "m.geojson")
    data = json.loads((tmp_path / "m.geojson").read_text(encoding="utf-8"))
    assert data["features"][0]["geometry"]["type"] == "LineString"


def test_no_movements_give_an_empty_collection(tmp_path):
    empty = gpd.GeoDataFrame({"task_id": []}, geometry=[], crs=CRS)
    write_geojson(movements_wgs84(empty), tmp_path / "m.geojson")
    data = json.loads((tmp_path / "m.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["features"] == []
