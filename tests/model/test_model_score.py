"""score_stage on the tiny region: the interface, determinism, no look-ahead, the fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PAST, history_items, make_incidents

from riskmap.model import (
    _SOLVED,
    SOLVED_MAX,
    assign_classes,
    fit_poisson_glm,
    risk_score_from_expected,
    score_stage,
    solved_once,
)

START, END = pd.Timestamp("2023-11-28"), pd.Timestamp("2024-02-10")


def run(t, *, past=PAST, incidents=None, stage="campaign", start=START, end=END, **kw):
    return score_stage(t["areas"], t["tps"], t["venues"],
                       t["incidents"] if incidents is None else incidents, t["units"],
                       stage=stage, start=start, end=end, past_windows=past, **kw)


def test_interface_columns_order_and_ranges(tiny):
    res = run(tiny)
    ar, tr = res.area_risk, res.tps_risk
    assert list(ar.columns) == ["village_code", "risk_score", "risk_class", "expected_incidents",
                                "top_factors"]
    assert ar["village_code"].tolist() == sorted(tiny["areas"]["village_code"])
    assert list(tr.columns) == ["tps_id", "risk_score", "risk_class", "expected_incidents",
                                "top_factors"]
    assert tr["tps_id"].tolist() == sorted(tiny["tps"]["tps_id"])
    assert ar["risk_score"].between(0, 100).all() and ar["risk_score"].max() == 100.0
    assert (ar["expected_incidents"] >= 0).all()
    assert set(ar["risk_class"]) <= {"kurang_rawan", "rawan", "sangat_rawan"}
    assert res.model_info["model"] == "poisson_glm"
    assert res.model_info["n_training_windows"] == 4       # 2014 has no history before it
    assert "reason" in res.model_info
    # village 1, hot in every past window, is on top: rawan at least by the history rule,
    # sangat rawan by the shares rule
    top = ar.sort_values("expected_incidents").iloc[-1]
    assert top["village_code"] == "99.01.01.2001" and top["risk_class"] != "kurang_rawan"
    shares = run(tiny, classes={"method": "shares"}).area_risk
    top = shares.sort_values("expected_incidents").iloc[-1]
    assert top["village_code"] == "99.01.01.2001" and top["risk_class"] == "sangat_rawan"
    assert "insiden" in top["top_factors"] and "%" in top["top_factors"]


def test_tps_split_sums_to_village_and_hard_to_reach_is_rawan(tiny):
    res = run(tiny)
    ar = res.area_risk.set_index("village_code")
    tr = res.tps_risk.merge(tiny["tps"][["tps_id", "village_code", "hard_to_reach"]], on="tps_id")
    sums = tr.groupby("village_code")["expected_incidents"].sum()
    assert np.allclose(sums, ar.loc[sums.index, "expected_incidents"], atol=2e-4)
    assert (tr.loc[tr["hard_to_reach"], "risk_class"] != "kurang_rawan").all()
    assert tr.loc[tr["hard_to_reach"], "top_factors"].str.startswith("TPS sulit dijangkau").all()


def test_venue_risk_lists_only_active_venues(tiny):
    res = run(tiny, start=pd.Timestamp("2024-01-05"), end=pd.Timestamp("2024-01-31"))
    assert res.venue_risk["venue_id"].tolist() == ["KPU"]
    res = run(tiny)
    assert res.venue_risk["venue_id"].tolist() == ["KAMP1", "KPU"]
    assert (res.venue_risk["expected_incidents"] >= 0).all()


def test_deterministic(tiny):
    a, b = run(tiny), run(tiny)
    pd.testing.assert_frame_equal(a.area_risk, b.area_risk)
    pd.testing.assert_frame_equal(a.tps_risk, b.tps_risk)
    assert a.backtest == b.backtest and a.model_info == b.model_info


def test_no_look_ahead_incidents_from_the_start_on_change_nothing(tiny):
    base = run(tiny)
    future = history_items() + [(9, "2023-11-28", "riot", 3)] * 5 + \
        [(8, "2024-01-15", "clash", 3)] * 7 + [(7, "2025-06-01", "clash", 1)]
    res = run(tiny, incidents=make_incidents(future))
    pd.testing.assert_frame_equal(base.area_risk, res.area_risk)
    pd.testing.assert_frame_equal(base.tps_risk, res.tps_risk)
    pd.testing.assert_frame_equal(base.venue_risk, res.venue_risk)
    assert base.backtest == res.backtest and base.model_info == res.model_info
    # ... while an incident the day before the start does change the map
    before = history_items() + [(9, "2023-11-27", "riot", 3)] * 5
    changed = run(tiny, incidents=make_incidents(before))
    assert not changed.area_risk["expected_incidents"].equals(base.area_risk["expected_incidents"])


def test_fallback_to_weighted_index_without_history(tiny):
    res = run(tiny, past=[], model={"rolling_windows": False})
    assert res.model_info["model"] == "weighted_index"
    assert "history too thin" in res.model_info["reason"]
    ar = res.area_risk
    assert ar["risk_score"].max() == 100.0
    # the rate of the last 365 days (2 incidents) scaled to the 75-day window
    assert ar["expected_incidents"].sum() == pytest.approx(2 / 365 * 75, abs=1e-3)
    assert res.backtest["summary"] == {"evaluated_origins": 0}


def test_forced_index_and_backtest_structure(tiny):
    res = run(tiny, model={"kind": "weighted_index"})
    assert res.model_info["model"] == "weighted_index"
    glm = run(tiny)
    bt = glm.backtest
    assert [o["election"] for o in bt["origins"]] == ["Pemilu 2014", "Pemilu 2019", "Pilkada 2020"]
    evaluated = [o for o in bt["origins"] if "model_figures" in o]
    assert evaluated, "the 2019 campaign has incidents and must be evaluated"
    fig = evaluated[-1]["model_figures"]
    assert set(fig["pei"]) == {"5%", "10%", "20%"}
    assert set(evaluated[-1]["baselines"]) == {"previous_same_stage", "prospective_hotspot"}
    assert set(fig["calibration"]) == {"kurang_rawan", "rawan", "sangat_rawan"}
    import json

    json.dumps(bt)   # JSON-serialisable


def test_glm_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    n = 20000
    x = rng.normal(size=(n, 2))
    X = np.column_stack([np.ones(n), x])
    offset = np.log(rng.integers(1, 30, n).astype(float))
    y = rng.poisson(np.exp(-2.0 + 0.7 * x[:, 0] - 0.4 * x[:, 1] + offset))
    beta = fit_poisson_glm(X, y, offset, np.zeros(3))
    assert beta == pytest.approx([-2.0, 0.7, -0.4], abs=0.05)
    # the intercept makes expected and observed totals agree
    assert np.exp(X @ beta + offset).sum() == pytest.approx(y.sum(), rel=1e-6)


def test_assign_classes_shares_ties_and_thresholds():
    mu = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0])
    c = assign_classes(mu, classes={"method": "shares", "sangat_rawan_share": 0.1,
                                    "rawan_share": 0.2})
    assert c.tolist() == ["sangat_rawan", "rawan", "rawan"] + ["kurang_rawan"] * 7
    tied = assign_classes(np.ones(10), classes={"method": "shares"})
    assert set(tied) == {"kurang_rawan"}
    assert set(assign_classes(np.zeros(4), classes={})) == {"kurang_rawan"}
    t = assign_classes(mu, classes={"method": "thresholds", "rawan_threshold": 1.0,
                                    "sangat_rawan_threshold": 4.0})
    assert t.tolist() == ["sangat_rawan"] * 2 + ["rawan"] * 6 + ["kurang_rawan"] * 2
    sd = assign_classes(mu, classes={"method": "sd"})
    assert sd[0] == "sangat_rawan" and sd[-1] == "kurang_rawan"
    with pytest.raises(ValueError, match="classes.method"):
        assign_classes(mu, classes={"method": "quartiles"})


def test_risk_score_is_monotone_in_expected():
    mu = np.array([0.0, 0.1, 0.5, 0.5, 2.0, 7.0])
    s = risk_score_from_expected(mu)
    assert s[0] == 0.0 and s[-1] == 100.0
    assert np.all(np.diff(s) >= 0) and s[2] == s[3]
    assert risk_score_from_expected(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


def test_additive_venue_fit_recovers_rates():
    from riskmap.model import fit_poisson_additive

    rng = np.random.default_rng(1)
    n = 30000
    x = rng.normal(size=n)
    X = np.column_stack([np.ones(n), x])
    G = np.zeros((n, 2))
    G[: n // 2, 0] = rng.exponential(1.0, n // 2)     # stage A exposures
    G[n // 2:, 1] = rng.exponential(1.0, n - n // 2)  # stage B exposures
    mu = np.exp(-1.5 + 0.5 * x) + G @ np.array([0.8, 0.0])
    y = rng.poisson(mu)
    beta, gamma = fit_poisson_additive(X, y, np.zeros(n), np.zeros(2), G, gamma_penalty=0.0)
    assert beta == pytest.approx([-1.5, 0.5], abs=0.06)
    assert gamma[0] == pytest.approx(0.8, abs=0.06)
    assert gamma[1] == pytest.approx(0.0, abs=0.03) and gamma[1] >= 0.0


def test_a_crowd_in_history_gives_a_venue_rate_and_a_reason(tiny):
    import geopandas as gpd
    from conftest import centre
    from shapely.geometry import Point

    # rallies in a different village each campaign, each with incidents around it
    rallies = [("RALLY19", 7, "2018-09-23", "2019-04-13"), ("RALLY20", 8, "2020-09-26",
                                                           "2020-12-05"),
               ("RALLY24", 9, "2023-11-28", "2024-02-10")]
    rally = gpd.GeoDataFrame(
        {"venue_id": [r[0] for r in rallies], "kind": ["campaign_site"] * 3,
         "name": [f"Lapangan {r[1]}" for r in rallies],
         "start": pd.to_datetime([r[2] for r in rallies]),
         "end": pd.to_datetime([r[3] for r in rallies]), "expected_crowd": [2000.0] * 3},
        geometry=[Point(*centre(r[1])) for r in rallies], crs=tiny["venues"].crs)
    venues = pd.concat([tiny["venues"], rally], ignore_index=True)
    items = history_items() + [(7, "2018-09-23", "clash", 1)] * 4 + \
        [(8, "2020-09-26", "clash", 1)] * 4
    t = {**tiny, "venues": venues, "incidents": make_incidents(items)}
    res = run(t)
    assert res.model_info["venue_effect"] == "additive"
    assert res.model_info["venue_rate_per_stage"]["campaign"] > 0
    v9 = res.area_risk.set_index("village_code").loc["99.01.03.2009"]
    assert "dekat lokasi kampanye aktif pada tahap ini" in v9["top_factors"]
    vr = res.venue_risk.set_index("venue_id")
    assert set(vr.index) == {"KAMP1", "KPU", "RALLY24"}
    assert vr.loc["RALLY24", "expected_incidents"] > vr.loc["KPU", "expected_incidents"]
    # multiplicative mode still runs and says so
    res_m = run(t, model={"venue_effect": "multiplicative"})
    assert res_m.model_info["venue_effect"] == "multiplicative"
    assert "venue" in res_m.model_info["coefficients_per_sd"]


def test_training_windows_need_an_earlier_election():
    from riskmap.model import training_windows

    assert [w[0] for w in training_windows(PAST, START)] == [w[0] for w in PAST]
    kept = training_windows(PAST, START, min_history=1)
    assert {w[0] for w in kept} == {"Pemilu 2019", "Pilkada 2020"}
    assert {w[0] for w in training_windows(PAST, START, min_history=2)} == {"Pilkada 2020"}
    # a window that runs into the stage start is cut the day before
    cut = training_windows([("E", "campaign", pd.Timestamp("2023-11-01"),
                             pd.Timestamp("2023-12-31"))], START)
    assert cut[0][3] == pd.Timestamp("2023-11-27")


def test_empty_incidents_venues_and_units(tiny):
    empty_venues = tiny["venues"].iloc[0:0]
    empty_units = tiny["units"].iloc[0:0]
    res = score_stage(tiny["areas"], tiny["tps"], empty_venues, make_incidents([]), empty_units,
                      stage="voting", start=pd.Timestamp("2024-02-14"),
                      end=pd.Timestamp("2024-02-14"), past_windows=PAST)
    assert res.model_info["model"] == "weighted_index"
    # never an all-zero map: no incident on record gives the region-wide prior, and says so
    exp = res.area_risk["expected_incidents"]
    assert (exp > 0).sum() >= len(exp) - 1      # (rounded to 4 decimals)
    assert exp.sum() == pytest.approx(1.0 / 365, abs=1e-3)
    assert "prior" in res.model_info["prior"]
    assert set(res.area_risk["risk_class"]) == {"kurang_rawan"}
    # hard-to-reach TPS are still at least rawan (rawan geografis)
    assert set(res.tps_risk.loc[res.tps_risk["tps_id"] == "T91", "risk_class"]) == {"rawan"}
    assert res.venue_risk.empty and list(res.venue_risk.columns) == ["venue_id",
                                                                     "expected_incidents"]


def test_a_refit_of_the_same_inputs_is_solved_once_and_cannot_be_changed_by_a_caller():
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(60), rng.normal(size=(60, 2))])
    y = rng.poisson(2.0, size=60).astype(float)
    offset, penalty = np.zeros(60), np.array([0.0, 1e-3, 1e-3])
    calls = []

    def solve():
        calls.append(1)
        return fit_poisson_glm(X, y, offset, penalty)

    first = solved_once(("glm", X, y, offset, penalty), solve)
    first[:] = 0.0  # a caller scribbling on its copy
    again = solved_once(("glm", X.copy(), y.copy(), offset, penalty), solve)
    assert len(calls) == 1
    np.testing.assert_array_equal(again, fit_poisson_glm(X, y, offset, penalty))
    y2 = y.copy()
    y2[0] += 1.0  # other data: solved again, another answer
    other = solved_once(("glm", X, y2, offset, penalty), lambda: fit_poisson_glm(X, y2, offset,
                                                                                 penalty))
    assert not np.array_equal(other, again)
    for i in range(SOLVED_MAX + 5):  # the memory is bounded
        solved_once(("n", i), lambda i=i: i)
    assert len(_SOLVED) == SOLVED_MAX
