"""The interface the pipeline codes against: load_region, write_quarantine, atomic writes."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tiny_region import write_tiny_region  # noqa: E402

from riskmap._errors import RegionInputError  # noqa: E402
from riskmap.io import (  # noqa: E402
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    load_region,
    write_quarantine,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def tiny(tmp_path):
    return write_tiny_region(tmp_path / "region")


def test_tiny_region_loads_with_contract_columns_and_dtypes(tiny):
    region = load_region(tiny)
    assert len(region.areas) == 9 and region.areas.crs.to_epsg() == 4326
    assert list(region.tps.columns) == ["tps_id", "village_code", "lat", "lon", "voters",
                                        "hard_to_reach", "special", "last_margin"]
    assert len(region.tps) == 18
    assert region.tps["voters"].dtype == "int64"
    assert region.tps["special"].dtype == bool and not region.tps["special"].any()
    assert region.tps["last_margin"].isna().all()
    assert region.tps["hard_to_reach"].sum() == 2
    assert str(region.incidents["date"].dtype) == "datetime64[ns]"
    assert str(region.venues["start"].dtype) == "datetime64[ns]"
    assert region.venues["start"].isna().sum() == 2
    assert region.meta["stages"]["campaign"]["personnel"] == 20
    assert region.meta["stages"]["announcement"]["personnel"] == 12
    assert region.meta["past_elections"][0]["name"] == "Pemilu 2019"
    assert region.meta["columns"] == {} and region.meta["synthetic"] is True
    assert list(region.input_files) == sorted(region.input_files)
    assert set(region.input_files) == {"areas.geojson", "incidents.csv", "region.yaml",
                                       "tps.csv", "units.csv", "venues.csv"}
    for name, q in region.quality.items():
        assert q["rows_read"] == q["accepted"] + q["quarantined"] == len(
            getattr(region, name.split(".")[0])), name


def test_demo_region_is_fully_accepted():
    region = load_region(REPO / "data" / "regions" / "gunung-mas")
    assert len(region.tps) == 390 and len(region.areas) == 127
    assert all(q["quarantined"] == 0 for q in region.quality.values())


def test_quarantine_files_show_formula_like_cells_inert(tiny, tmp_path):
    venues = pd.read_csv(tiny / "venues.csv", dtype=str, keep_default_na=False)
    venues.loc[0, "venue_id"] = "=HYPERLINK(\"http://x\",\"klik\")"
    venues.loc[0, "lat"] = ""
    venues.to_csv(tiny / "venues.csv", index=False)
    write_quarantine(load_region(tiny), tmp_path)
    back = pd.read_csv(tmp_path / "quarantine" / "venues.csv", dtype=str)
    assert back["venue_id"].tolist() == ["'=HYPERLINK(\"http://x\",\"klik\")"]
    assert back["reason"].tolist() == ["missing_coordinates"]
    assert back["row"].tolist() == ["2"]


def test_write_quarantine_is_deterministic_and_complete(tiny, tmp_path):
    region = load_region(tiny)
    write_quarantine(region, tmp_path / "a")
    write_quarantine(load_region(tiny), tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a" / "quarantine").iterdir())
    assert names == ["areas.csv", "incidents.csv", "tps.csv", "units.csv", "venues.csv"]
    for rel in ["quality.json", *(f"quarantine/{n}" for n in names)]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    header = (tmp_path / "a" / "quarantine" / "tps.csv").read_text().splitlines()
    assert header == ['"row","tps_id","village_code","lat","lon","voters","hard_to_reach",'
                      '"reason","reason_text"']


def test_write_quarantine_gives_every_stage_folder_the_same_files(tiny, tmp_path):
    region = load_region(tiny)
    write_quarantine(region, tmp_path / "one")
    write_quarantine(region, tmp_path / "s1", tmp_path / "s2", tmp_path / "s3")
    expected = {p.relative_to(tmp_path / "one"): p.read_bytes()
                for p in (tmp_path / "one").rglob("*") if p.is_file()}
    assert len(expected) == 6
    for stage in ("s1", "s2", "s3"):
        got = {p.relative_to(tmp_path / stage): p.read_bytes()
               for p in (tmp_path / stage).rglob("*") if p.is_file()}
        assert got == expected


def test_missing_required_column_is_fatal_with_a_readable_message(tiny):
    tps = pd.read_csv(tiny / "tps.csv").drop(columns=["voters"])
    tps.to_csv(tiny / "tps.csv", index=False)
    with pytest.raises(RegionInputError) as info:
        load_region(tiny)
    text = str(info.value)
    assert "tps.csv" in text and "voters" in text
    assert info.value.problems[0].code == "missing_column"


def test_atomic_helpers_replace_whole_files(tmp_path):
    target = tmp_path / "sub" / "x.txt"
    atomic_write_text(target, "one\n")
    atomic_write_bytes(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "two\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.txt"]


def test_a_write_killed_part_way_then_rerun_gives_the_same_files(tiny, tmp_path, monkeypatch):
    import os

    region = load_region(tiny)
    write_quarantine(region, tmp_path / "clean")
    calls = {"n": 0}
    real_replace = os.replace

    def dying_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        write_quarantine(region, tmp_path / "run")
    monkeypatch.setattr(os, "replace", real_replace)
    leftovers = [p.name for p in (tmp_path / "run").rglob("*") if p.name.startswith(".")]
    assert leftovers == []
    write_quarantine(region, tmp_path / "run")
    clean = sorted(p.relative_to(tmp_path / "clean") for p in (tmp_path / "clean").rglob("*"))
    run = sorted(p.relative_to(tmp_path / "run") for p in (tmp_path / "run").rglob("*"))
    assert clean == run
    for rel in clean:
        if (tmp_path / "clean" / rel).is_file():
            assert (tmp_path / "clean" / rel).read_bytes() == (tmp_path / "run" / rel).read_bytes()


def test_messages_follow_the_configured_language(tiny):
    tps = pd.read_csv(tiny / "tps.csv")
    tps.loc[0, "lat"] = None
    tps.to_csv(tiny / "tps.csv", index=False)
    en = load_region(tiny, ingest={"language": "en"}).quarantine["tps.csv"]["reason_text"][0]
    id_ = load_region(tiny).quarantine["tps.csv"]["reason_text"][0]
    assert en.startswith("tps.csv, row 2, column 'lat'") and "coordinates are empty" in en
    assert id_.startswith("tps.csv, baris 2, kolom 'lat'") and "koordinat kosong" in id_


def test_region_across_the_equator_keeps_both_hemispheres(tmp_path):
    folder = write_tiny_region(tmp_path / "eq", lon0=109.30, lat0=-0.027)
    region = load_region(folder)
    assert len(region.tps) == 18
    assert (region.tps["lat"] > 0).any() and (region.tps["lat"] < 0).any()
