"""The demo region: real counts kept, synthetic points inside their villages, deterministic."""

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from riskmap.demo import build_demo_region

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources" / "kalteng"
SHIPPED = REPO / "data" / "regions" / "gunung-mas"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    build_demo_region(SOURCES, out)
    return out


def test_rebuild_matches_the_shipped_region_byte_for_byte(built):
    for name in [
        "areas.geojson",
        "tps.csv",
        "venues.csv",
        "incidents.csv",
        "units.csv",
        "region.yaml",
    ]:
        assert (built / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_real_counts_are_kept(built):
    areas = gpd.read_file(built / "areas.geojson")
    tps = pd.read_csv(built / "tps.csv", dtype={"tps_id": str})
    assert len(areas) == 127 and areas["subdistrict_code"].nunique() == 12
    assert len(tps) == 390 and tps["tps_id"].is_unique
    real = pd.read_csv(SOURCES / "gunungmas_tps2024_per_desa.csv", dtype=str)
    per_desa = tps.groupby("village_code").size()
    expected = real.set_index("kode_wilayah")["tps_total"].astype(int)
    assert per_desa.sort_index().equals(expected.sort_index())


def test_tps_fall_inside_their_village(built):
    areas = gpd.read_file(built / "areas.geojson").set_index("village_code")
    tps = pd.read_csv(built / "tps.csv", dtype={"tps_id": str})
    pts = gpd.GeoSeries(gpd.points_from_xy(tps["lon"], tps["lat"]), crs=4326)
    inside = [areas.geometry[c].covers(p) for c, p in zip(tps["village_code"], pts, strict=True)]
    assert all(inside)


def test_hard_to_reach_starts_in_miri_manasa(built):
    tps = pd.read_csv(built / "tps.csv", dtype={"tps_id": str})
    hard = tps[tps["hard_to_reach"]]
    assert 16 <= len(hard) <= 24
    assert (hard["village_code"].str.startswith("62.10.09")).sum() >= 9


def test_incident_history_spans_the_elections(built):
    inc = pd.read_csv(built / "incidents.csv")
    years = set(inc["date"].str[:4])
    assert {"2014", "2019", "2020", "2024"} <= years
    assert inc["description"].str.contains("sintetis").all()
    assert inc["incident_id"].is_unique


def test_region_yaml_is_labelled_synthetic(built):
    import yaml

    meta = yaml.safe_load((built / "region.yaml").read_text())
    assert meta["synthetic"] is True and meta["personnel"] == 193
    assert len(meta["past_elections"]) == 3
