"""The Polres reserve split: the units' weights are measured once per stage, then each date's
reserve is split by them."""

from __future__ import annotations

import geopandas as gpd
import pytest

from riskmap.planner.reserve import polres_shares, polres_weights, shares_of_polres


@pytest.fixture
def units():
    return gpd.GeoDataFrame(
        {"unit_id": ["S2", "A", "S1", "B", "S3"],
         "kind": ["polsek", "polres", "polsek", "polres", "polsek"],
         "personnel": [20, 30, 25, 10, 5]},
        geometry=gpd.points_from_xy([10, 0, 90, 100, 120], [0, 0, 0, 0, 0]), crs="EPSG:32749")


def test_weights_are_each_polres_units_personnel(units):
    weight = polres_weights(units)
    assert weight.to_dict() == {"A": 50.0, "B": 40.0}


@pytest.mark.parametrize("officers", [0, 1, 7, 10, 93])
def test_a_dates_split_by_the_weights_equals_the_one_step_split(units, officers):
    shares = shares_of_polres(polres_weights(units), officers)
    assert shares == polres_shares(units, officers)
    assert sum(shares.values()) == officers
    assert shares["A"] >= shares["B"]


def test_no_units_keep_one_reserve():
    empty = gpd.GeoDataFrame({"unit_id": [], "kind": [], "personnel": []}, geometry=[],
                             crs="EPSG:32749")
    assert polres_weights(empty) is None
    assert shares_of_polres(None, 12) == {"": 12}
