"""The planted-truth simulator: shapes, determinism, the region folder and the CLI."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import spearmanr

from riskmap.features import incident_counts, prepare_region
from riskmap.simulate import SHAPES, STAGES, main, simulate_region, write_region

# Spearman of planted truth and realised counts per village, five stage windows pooled, on
# 300-TPS grids (98 villages, about 50 incidents): 0.31-0.57 over seeds 1-20; with the truth
# shuffled across villages (no relation) -0.21-0.19 over the same seeds.
RHO_MIN = 0.25


@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_make_valid_regions(shape):
    sim = simulate_region(shape=shape, n_tps=120, seed=3, n_past_elections=2)
    assert sim.areas.crs.to_epsg() == 32749
    assert sim.areas.geometry.is_valid.all() and sim.areas["village_code"].is_unique
    assert len(sim.tps) == 120 and sim.tps["tps_id"].is_unique
    assert set(sim.tps["village_code"]) <= set(sim.areas["village_code"])
    # every TPS lies in its own village
    joined = gpd.sjoin(sim.tps, sim.areas[["village_code", "geometry"]], predicate="within")
    assert (joined["village_code_left"] == joined["village_code_right"]).all()
    assert len(joined) == len(sim.tps)
    assert set(sim.truth) == set(STAGES)
    assert all(len(v) == len(sim.areas) and (v >= 0).all() for v in sim.truth.values())
    assert len(sim.past_windows) == 10
    assert sim.incidents["date"].is_monotonic_increasing
    assert set(sim.units["kind"]) == {"polres", "polsek"}


def test_same_seed_same_region_other_seed_other_region():
    a = simulate_region(shape="voronoi", n_tps=90, seed=5, n_past_elections=1)
    b = simulate_region(shape="voronoi", n_tps=90, seed=5, n_past_elections=1)
    c = simulate_region(shape="voronoi", n_tps=90, seed=6, n_past_elections=1)
    pd.testing.assert_frame_equal(a.incidents, b.incidents)
    assert a.areas.geometry.equals(b.areas.geometry)
    assert not a.areas.geometry.equals(c.areas.geometry)


@pytest.fixture(scope="module")
def grid_sims():
    """Three 300-TPS grid regions (seeds 1-3) with their prepared geometry."""
    sims = [simulate_region(shape="grid", n_tps=300, seed=s, n_past_elections=1)
            for s in (1, 2, 3)]
    return [(s, prepare_region(s.areas, s.tps, s.venues, s.incidents, s.units)) for s in sims]


def test_truth_tracks_the_observed_total(grid_sims):
    truth = sum(s.truth["campaign"].sum() for s, _ in grid_sims)
    obs = sum(incident_counts(r, *s.stages["campaign"]).sum() for s, r in grid_sims)
    assert 0.6 * truth < obs < 1.4 * truth


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_truth_ranks_the_villages_like_their_realised_counts(grid_sims, seed):
    """Per village, the planted expected count and the realised count over the five stage
    windows agree in rank (Spearman): a simulator that planted one thing and drew another
    (truth in the wrong village order, a rate that does not reach the draws) fails here."""
    sim, region = grid_sims[seed - 1]
    truth = sum(sim.truth[stage] for stage in STAGES)
    counts = sum(incident_counts(region, *sim.stages[stage]) for stage in STAGES)
    assert len(truth) == len(counts) == len(sim.areas)
    rho = spearmanr(truth, counts).statistic
    assert rho > RHO_MIN, f"seed {seed}: Spearman {rho:.3f} <= {RHO_MIN}"


def test_write_region_folder(tmp_path):
    sim = simulate_region(shape="strip", n_tps=60, seed=2, n_past_elections=2)
    counts = write_region(sim, tmp_path)
    assert counts["tps"] == 60
    region = yaml.safe_load((tmp_path / "region.yaml").read_text())
    assert region["synthetic"] is True and set(region["stages"]) == set(STAGES)
    assert [e["name"] for e in region["past_elections"]] == ["Pemilu 2014", "Pemilu 2019"]
    areas = gpd.read_file(tmp_path / "areas.geojson")
    assert areas.crs.to_epsg() == 4326
    assert {"village_code", "village_name", "subdistrict_code", "subdistrict_name"} <= set(areas)
    tps = pd.read_csv(tmp_path / "tps.csv", dtype={"tps_id": str})
    assert list(tps.columns[:5]) == ["tps_id", "village_code", "lat", "lon", "voters"]
    assert tps["voters"].dtype.kind == "i"
    assert tps["lon"].between(113.8, 115).all() and tps["lat"].between(-1.5, 0).all()
    venues = pd.read_csv(tmp_path / "venues.csv")
    assert set(venues["kind"]) <= {"kpu_office", "ppk_office", "logistics_warehouse",
                                   "campaign_site", "party_office", "vvip_visit", "other"}
    inc = pd.read_csv(tmp_path / "incidents.csv")
    assert {"incident_id", "date", "kind", "lat", "lon", "severity"} <= set(inc.columns)
    assert inc["severity"].isin([1, 2, 3]).all()
    units = pd.read_csv(tmp_path / "units.csv")
    assert (units["kind"] == "polres").sum() == 1 and (units["personnel"] >= 0).all()
    truth = pd.read_csv(tmp_path / "truth" / "planted_truth.csv")
    assert list(truth.columns) == ["village_code", *STAGES]


def test_cli_writes_a_region(tmp_path, capsys):
    assert main(["--n-tps", "40", "--seed", "1", "--shape", "grid", "--out",
                 str(tmp_path / "r")]) == 0
    assert "tps=40" in capsys.readouterr().out
    assert (tmp_path / "r" / "region.yaml").exists()
    assert np.isclose(len(pd.read_csv(tmp_path / "r" / "tps.csv")), 40)


def test_a_large_region_keeps_kemendagri_codes_at_every_level():
    # 1,100 villages: the kecamatan are larger, never more than two digits of code can name
    from riskmap.io._parse import normalise_area_code
    from riskmap.simulate import MAX_SUBDISTRICTS, simulate_region

    sim = simulate_region(shape="voronoi", n_tps=3377, seed=5, n_past_elections=1)
    areas = sim.areas
    assert len(areas) > 1000
    assert areas["subdistrict_code"].nunique() <= MAX_SUBDISTRICTS
    assert areas["subdistrict_code"].str.fullmatch(r"99\.01\.\d{2}").all()
    for code in areas["village_code"]:
        assert normalise_area_code(code)[0] == code
