"""Areas above the village, equal-area km2, overlapping polygons, UTF-16 exports and points
the buffer lets in: what a Polda's or a real office's files look like."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from riskmap.geo import WGS84, area_km2, equal_area_crs, overlapping_areas, utm_crs_for
from riskmap.io import inspect_region, load_region
from riskmap.io._areas import validate_areas
from riskmap.io._read import read_csv_file

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _areas(codes, boxes, **extra):
    data = {"village_code": codes, "village_name": [f"Wilayah {c}" for c in codes], **extra}
    return gpd.GeoDataFrame(data, geometry=list(boxes), crs=WGS84)


@pytest.mark.parametrize(("codes", "level", "parent"), [
    (["62", "63"], "province", ""),
    (["62.10", "62.11"], "regency", "62"),
    (["6210", "6211"], "regency", "62"),
    (["62.10.02", "62.10.03"], "district", "62.10"),
])
def test_areas_of_one_level_above_the_village_are_accepted(codes, level, parent):
    gdf = _areas(codes, [box(113.0, -1.0, 113.5, -0.5), box(113.5, -1.0, 114.0, -0.5)])
    res = validate_areas(gdf, "areas.geojson")
    assert not res.fatal, res.fatal
    assert res.quality["accepted"] == 2
    assert set(res.table["area_level"]) == {level}
    assert res.table["subdistrict_code"].iloc[0] == parent
    assert any(w.startswith("area_level_above_village:") for w in res.quality["warnings"])


def test_a_national_file_of_kabupaten_is_not_bad_village_codes():
    # 514 kabupaten/kota codes: formerly 514 times bad_village_code.
    codes = [f"{p:02d}.{k:02d}" for p in range(11, 95) for k in range(1, 8)][:514]
    boxes = [box(95 + (i % 46), -11 + (i // 46) * 1.5, 95.9 + (i % 46), -10 + (i // 46) * 1.5)
             for i in range(514)]
    res = validate_areas(_areas(codes, boxes), "areas.geojson")
    assert not res.fatal and res.quality["accepted"] == 514
    assert res.quality["reasons"] == {}


def test_mixed_levels_are_refused_with_a_clear_message():
    gdf = _areas(["62.10", "62.10.02.2001", "62.11"],
                 [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)])
    res = validate_areas(gdf, "areas.geojson", lang="en")
    assert [p.code for p in res.fatal] == ["mixed_area_levels"]
    from riskmap._errors import describe

    text = describe(res.fatal[0], lang="en")
    assert "2 regency (rows 1, 3), 1 village (rows 2)" in text


def test_village_files_still_require_the_subdistrict_name():
    gdf = _areas(["62.10.02.1012"], [box(0, 0, 1, 1)])
    res = validate_areas(gdf, "areas.geojson")
    assert [(p.code, p.column) for p in res.fatal] == [("missing_column", "subdistrict_name")]


def test_tps_incidents_and_venues_locate_to_kabupaten_areas(tmp_path):
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    for p in (CORPUS / "cases" / "areas_kabupaten_codes").iterdir():
        if p.name != "expect.yaml":
            shutil.copy(p, folder / p.name)
    region = load_region(folder)
    assert sorted(region.tps["village_code"]) == ["62.10", "62.11"]
    assert list(region.areas["area_level"]) == ["regency", "regency"]
    assert region.incidents["incident_id"].tolist() == ["INS-0001"]


def test_area_km2_is_equal_area_for_a_region_across_utm_zones():
    # One-degree cells along the equator-near latitudes of Indonesia, 95E..141E.
    cells = [box(lon, -3.0, lon + 1.0, -2.0) for lon in range(95, 141)]
    gdf = gpd.GeoDataFrame({"village_code": [str(i) for i in range(len(cells))]},
                           geometry=cells, crs=WGS84)
    km2 = area_km2(gdf).to_numpy()
    # Every cell has the same true area (same latitudes): equal-area keeps them equal.
    assert km2.max() / km2.min() == pytest.approx(1.0, abs=1e-3)
    assert km2[0] == pytest.approx(12336, rel=0.01)  # 1 x 1 degree at 2.5 S
    one_zone = gdf.geometry.to_crs(utm_crs_for(gdf)).area.to_numpy() / 1e6
    assert one_zone.max() / one_zone.min() > 1.15  # what one UTM zone would have done
    assert equal_area_crs(gdf).coordinate_operation.method_name.startswith("Lambert")


def test_ingested_areas_carry_their_km2(tmp_path):
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    region = load_region(folder)
    assert region.areas["area_km2"].round(2).tolist() == [4.93, 4.93]


def test_overlaps_are_found_fast_for_thousands_of_villages():
    n = 60  # 3,600 villages on a grid, every 7th drawn 3 % too wide into its east neighbour
    step = 0.01
    boxes, codes = [], []
    for i in range(n):
        for j in range(n):
            k = i * n + j
            grow = step * 0.03 if k % 7 == 0 and j < n - 1 else 0.0
            boxes.append(box(110 + j * step, -1 + i * step, 110 + (j + 1) * step + grow,
                             -1 + (i + 1) * step))
            codes.append(f"62.10.{i:02d}.{2000 + j}")
    gdf = gpd.GeoDataFrame({"village_code": codes, "village_name": codes}, geometry=boxes,
                           crs=WGS84)
    t0 = time.perf_counter()
    found = overlapping_areas(gdf, tolerance_m2=100)
    elapsed = time.perf_counter() - t0
    expected = sum(1 for k in range(n * n) if k % 7 == 0 and k % n < n - 1)
    assert len(found) == expected
    assert np.allclose(found["overlap_m2"], found["overlap_m2"].iloc[0], rtol=1e-3)
    assert found["overlap_m2"].iloc[0] == pytest.approx(0.03 * 1113 * 1105, rel=0.02)
    assert elapsed < 5.0, elapsed
    assert overlapping_areas(gdf, tolerance_m2=1e6).empty


def test_excel_unicode_text_export_is_read_like_any_csv(tmp_path):
    text = ("tps_id\tvillage_code\tlat\tlon\tvoters\r\n"
            "6210021012001\t62.10.02.1012\t-1,1\t113,8\t250\r\n")
    for codec, bom, label in (("utf-16-le", b"\xff\xfe", "UTF-16 LE"),
                              ("utf-16-be", b"\xfe\xff", "UTF-16 BE")):
        path = tmp_path / f"tps-{codec}.csv"
        path.write_bytes(bom + text.encode(codec))
        raw = read_csv_file(path)
        assert list(raw.cells.columns) == ["tps_id", "village_code", "lat", "lon", "voters"]
        assert raw.cells.iloc[0].tolist() == ["6210021012001", "62.10.02.1012", "-1,1", "113,8",
                                              "250"]
        assert [(w.code, dict(w.params)["encoding"]) for w in raw.warnings] == [
            ("text_encoding", label)]


def test_points_let_in_by_the_buffer_are_reported_per_table(tmp_path):
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    for p in (CORPUS / "cases" / "incidents_in_buffer_moved_to_nearest_village").iterdir():
        if p.name != "expect.yaml":
            shutil.copy(p, folder / p.name)
    region = inspect_region(folder, ingest={"language": "en"})
    inc = region.quality["incidents.csv"]["warnings"]
    assert inc == ["moved_to_nearest_area: 1 points outside the areas but within 1000 m of them "
                   "accepted and counted in the nearest area: rows 3 (-> 62.10.02.2001)"]
    tps = region.quality["tps.csv"]["warnings"]
    assert len(tps) == 1 and "rows 3 (-> 62.10.02.2001)" in tps[0]
    assert region.quality["venues.csv"]["warnings"] == []


def test_geo_precision_reaches_the_ingested_incidents(tmp_path):
    import subprocess
    import sys

    import pandas as pd

    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    shutil.copy(CORPUS / "cases" / "incidents_geo_precision" / "incidents.csv",
                folder / "incidents.csv")
    work, stage = tmp_path / "out" / "_work", tmp_path / "out" / "voting"
    proc = subprocess.run([sys.executable, "-m", "riskmap.steps.ingest", "--region", str(folder),
                           "--work", str(work), "--stage-dirs", str(stage)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ingested = pd.read_csv(work / "ingest" / "incidents.csv", dtype=str)
    assert ingested.set_index("incident_id")["geo_precision"].to_dict() == {
        "INS-0001": "1", "INS-0002": "3", "INS-0003": "1"}
    areas = gpd.read_file(work / "ingest" / "areas.gpkg")
    assert list(areas["area_level"]) == ["village", "village"]
    assert areas["area_km2"].round(2).tolist() == [4.93, 4.93]


def _region_meta(code):
    return {"name": "Wilayah Uji", "code": code, "personnel": 10,
            "stages": {"voting": {"start": "2024-02-14", "end": "2024-02-14"}}}


@pytest.mark.parametrize("code", ["ID", "62", "62.10", "62.10.02", "62.10.02.2001"])
def test_region_code_accepts_every_level_the_areas_accept_and_the_country(code):
    from riskmap.io._meta import validate_meta

    meta, problems = validate_meta(_region_meta(code))
    assert problems == []
    assert meta["code"] == code


@pytest.mark.parametrize("code", ["IDN", "id", "00.1", "62.1", "62.10.2", 62.1])
def test_region_code_refuses_what_is_no_kemendagri_code(code):
    from riskmap.io._meta import validate_meta

    _, problems = validate_meta(_region_meta(code))
    assert [(p.code, p.column) for p in problems] == [("bad_region_yaml", "code")]
