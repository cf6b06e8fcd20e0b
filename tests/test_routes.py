"""The optional routes file: read, checked, every problem named."""

import json

import pytest

from riskmap._errors import RegionInputError
from riskmap.routes import find_routes, read_routes


def write(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def line(kind, speed=None, coords=((113.8, -1.2), (113.9, -1.1))):
    return {
        "type": "Feature",
        "properties": {"kind": kind, "speed_kmh": speed},
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
    }


def test_no_routes_file_gives_an_empty_table(tmp_path):
    assert find_routes(tmp_path) is None
    assert len(read_routes(None)) == 0


def test_routes_are_read(tmp_path):
    write(tmp_path / "routes.geojson", [line("road", 30), line("river")])
    routes = read_routes(find_routes(tmp_path))
    assert list(routes["kind"]) == ["road", "river"]
    assert routes["speed_kmh"].iloc[0] == 30 and routes["speed_kmh"].isna().iloc[1]


def test_every_bad_feature_is_named(tmp_path):
    point = {
        "type": "Feature",
        "properties": {"kind": "road"},
        "geometry": {"type": "Point", "coordinates": [113.8, -1.2]},
    }
    write(tmp_path / "routes.geojson", [line("jalan"), point, line("river", -5)])
    with pytest.raises(RegionInputError) as err:
        read_routes(find_routes(tmp_path))
    text = str(err.value)
    assert "fitur 1, kolom kind: 'jalan'" in text
    assert "fitur 2, geometri: Point" in text
    assert "fitur 3, kolom speed_kmh" in text


def test_unreadable_routes_file(tmp_path):
    (tmp_path / "routes.geojson").write_text("{not json")
    with pytest.raises(RegionInputError, match="routes.geojson: tidak dapat dibaca"):
        read_routes(find_routes(tmp_path))
