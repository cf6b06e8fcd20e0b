"""Backtest figures on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.backtest import (
    calibration_by_class,
    capture_at_area,
    pai_pei,
    poisson_deviance,
    rolling_origin_backtest,
    rounded,
    sangat_rawan_hits,
    scale_baseline,
)


def test_capture_fills_the_area_budget_by_rank_with_a_pro_rata_boundary():
    rank = np.array([3.0, 1.0, 2.0])
    area = np.array([1.0, 1.0, 2.0])
    obs = np.array([4.0, 0.0, 4.0])
    assert capture_at_area(rank, area, obs, 0.25) == pytest.approx(0.5)
    assert capture_at_area(rank, area, obs, 0.5) == pytest.approx(0.75)
    assert capture_at_area(rank, area, obs, 1.0) == pytest.approx(1.0)
    assert np.isnan(capture_at_area(rank, area, np.zeros(3), 0.5))


def test_ties_are_one_block_whatever_the_row_order():
    area = np.ones(4)
    obs = np.array([2.0, 0.0, 0.0, 0.0])
    a = capture_at_area(np.array([1.0, 1.0, 0.0, 0.0]), area, obs, 0.25)
    b = capture_at_area(np.array([1.0, 1.0, 0.0, 0.0])[::-1], area, obs[::-1], 0.25)
    assert a == b == pytest.approx(0.5)


def test_pai_pei_against_observed_best():
    area = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    obs = np.array([5.0, 3.0, 2.0, 0, 0, 0, 0, 0, 0, 0])
    perfect = pai_pei(obs, area, obs, [0.1, 0.2])
    assert perfect["pei"]["10%"] == pytest.approx(1.0)
    assert perfect["pai"]["10%"] == pytest.approx(5.0)     # 50 % of incidents in 10 % of area
    wrong = pai_pei(obs[::-1].copy(), area, obs, [0.1])
    assert wrong["hit_rate"]["10%"] == 0.0 and wrong["pei"]["10%"] == 0.0
    second = pai_pei(np.array([3.0, 5, 2, 0, 0, 0, 0, 0, 0, 0]), area, obs, [0.1])
    assert second["pei"]["10%"] == pytest.approx(3.0 / 5.0)


def test_poisson_deviance():
    y = np.array([0.0, 1.0, 3.0])
    assert poisson_deviance(y, y) == pytest.approx(0.0, abs=1e-8)
    mu = np.array([1.0, 1.0, 1.0])
    expected = 2 * np.mean([0 - (0 - 1), 0.0, 3 * np.log(3) - 2])
    assert poisson_deviance(mu, y) == pytest.approx(expected)


def test_calibration_and_sangat_rawan_hits():
    classes = ["kurang_rawan", "rawan", "sangat_rawan", "sangat_rawan"]
    cal = calibration_by_class(np.array([1.0, 2.0, 3.0, 1.0]), np.array([1.0, 1.0, 4.0, 0.0]),
                               classes)
    assert cal["sangat_rawan"] == {"villages": 2, "expected": 4.0, "observed": 4.0,
                                   "observed_over_expected": 1.0}
    assert cal["rawan"]["observed_over_expected"] == 0.5
    hits = sangat_rawan_hits(np.array([1.0, 1.0, 4.0, 0.0]), classes)
    assert hits["share_of_incidents"] == pytest.approx(4 / 6)
    assert hits["share_of_villages_with_incident"] == 0.5


def test_scale_baseline_keeps_the_total():
    out = scale_baseline(np.array([0.0, 1.0, 3.0]), 8.0)
    assert out.sum() == pytest.approx(8.0) and (out > 0).all()
    assert scale_baseline(np.zeros(4), 2.0).tolist() == [0.5] * 4


def test_rolling_origin_backtest_summary_and_rounding():
    area = np.ones(4)
    obs = {"a": np.array([3.0, 1.0, 0.0, 0.0]), "b": np.zeros(4)}
    origins = [("E1", "campaign", np.datetime64("2019-01-01"), np.datetime64("2019-01-31"), "a"),
               ("E2", "campaign", np.datetime64("2020-01-01"), np.datetime64("2020-01-31"), "b")]
    res = rolling_origin_backtest(
        origins,
        predict=lambda o: {"expected": np.array([2.0, 1.0, 0.5, 0.5]), "model": "m",
                           "n_training_windows": 1},
        observed=lambda o: obs[o[4]],
        baselines=lambda o: {"flat": np.ones(4)},
        area=area, classify=lambda e, _o: np.array(["sangat_rawan", "rawan", "kurang_rawan",
                                                   "kurang_rawan"]),
        shares=[0.25])
    assert res["summary"]["evaluated_origins"] == 1
    assert res["summary"]["model"]["pei"]["25%"] == pytest.approx(1.0)
    assert res["summary"]["baselines"]["flat"]["pei"]["25%"] == pytest.approx(1 / 3)
    assert "note" in res["origins"][1]
    assert rounded({"x": [np.float64(1.23456789), float("nan")]}) == {"x": [1.2346, None]}
