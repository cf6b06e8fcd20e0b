"""Training windows without hand-typed calendars: the built-in KPU calendars, rolling windows,
the calibrated fallback, the region-wide prior, the level, the class rule, location precision
and consistent reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PAST, centre, code, history_items, make_areas, make_incidents
from shapely.geometry import Point

from riskmap.calendars import STAGES, builtin_elections, past_windows_for_region
from riskmap.features import feature_settings, incident_counts, prepare_region
from riskmap.model import (
    WindowStore,
    apply_dispersion,
    assign_classes,
    classes_as_of,
    history_thresholds,
    model_terms,
    rolling_windows,
    score_stage,
)
from riskmap.simulate import simulate_region

START, END = pd.Timestamp("2023-11-28"), pd.Timestamp("2024-02-10")
CURRENT_2024 = {"campaign": {"start": "2023-11-28", "end": "2024-02-10"},
                "quiet_period": {"start": "2024-02-11", "end": "2024-02-13"},
                "voting": {"start": "2024-02-14", "end": "2024-02-14"},
                "recapitulation": {"start": "2024-02-15", "end": "2024-03-19"},
                "announcement": {"start": "2024-03-20", "end": "2024-04-22"}}


# --- the calendar data --------------------------------------------------------------------


def test_builtin_calendars_cover_the_elections_asked_for():
    got = {(e["kind"], e["year"]) for e in builtin_elections()}
    for year in (2014, 2019, 2024):
        assert ("national", year) in got
    for year in (2015, 2017, 2018, 2020, 2024):
        assert ("pilkada", year) in got
    names = [e["name"] for e in builtin_elections()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("election", builtin_elections(), ids=lambda e: e["name"])
def test_every_election_has_ordered_non_overlapping_stages_and_sources(election):
    stages = election["stages"]
    assert {"campaign", "quiet_period", "voting", "recapitulation"} <= set(stages)
    ordered = [stages[s] for s in STAGES if s in stages]
    for a, b in ordered:
        assert a <= b
    for (_, b0), (a1, _) in zip(ordered, ordered[1:], strict=False):
        assert b0 < a1, f"{election['name']}: stages overlap or are out of order"
    assert stages["voting"][0] == stages["voting"][1]           # voting is one day
    assert election["sources"] and all(len(s) > 20 for s in election["sources"])
    assert any("PKPU" in s for s in election["sources"])
    if "announcement" not in stages:                             # a left-out stage says why
        assert "left out" in election["note"]


def test_a_region_takes_national_elections_by_default_and_says_so():
    windows, info = past_windows_for_region({"stages": CURRENT_2024})
    assert info["source"] == "built-in calendar"
    assert info["elections"] == ["Pemilu Legislatif 2014", "Pemilu Presiden 2014", "Pemilu 2019"]
    assert not any("Pilkada" in w[0] for w in windows)
    assert any("no `pilkada:` list" in n for n in info["notes"])
    # the current election (Pemilu 2024) is never a training window for itself
    assert all(b < pd.Timestamp("2023-11-28") for _, _, _, b in windows)


def test_declared_pilkada_are_added_and_past_elections_override():
    pilkada_2024 = {"campaign": {"start": "2024-09-25", "end": "2024-11-23"}}
    windows, info = past_windows_for_region({"stages": pilkada_2024,
                                             "pilkada": [2017, 2020, 2024, 2011]})
    assert "Pilkada Serentak 2017" in info["elections"]
    assert "Pilkada Serentak 2020" in info["elections"]
    assert "Pemilu 2024" in info["elections"]
    assert "Pilkada Serentak 2024" not in info["elections"]     # the current one
    assert any("2011" in n for n in info["notes"])
    listed = [{"name": "Pemilu 2019", "stages": {"voting": {"start": "2019-04-17",
                                                             "end": "2019-04-17"}}}]
    windows, info = past_windows_for_region({"stages": CURRENT_2024, "past_elections": listed,
                                             "pilkada": [2017]})
    assert info["source"] == "region.yaml"
    assert windows == [("Pemilu 2019", "voting", pd.Timestamp("2019-04-17"),
                        pd.Timestamp("2019-04-17"))]


# --- which windows the model trains on ------------------------------------------------------


def _score(sim, stage, windows, source, **kw):
    a, b = sim.stages[stage]
    return score_stage(sim.areas, sim.tps, sim.venues, sim.incidents, sim.units, stage=stage,
                       start=a, end=b, past_windows=windows, calendar=sim.stages,
                       window_source=source, **kw)


def test_contract_keys_only_region_gets_the_glm_on_builtin_windows():
    sim = simulate_region(shape="grid", n_tps=150, seed=3, calendar="builtin")
    assert sim.incidents["date"].min().year == 2013
    stages = {s: {"start": str(a.date()), "end": str(b.date())} for s, (a, b) in
              sim.stages.items()}
    windows, info = past_windows_for_region({"stages": stages})     # no past_elections
    res = _score(sim, "campaign", windows, info["source"])
    assert res.model_info["model"] == "poisson_glm"
    assert res.model_info["training_windows_source"] == "built-in calendar"
    used = {w["election"] for w in res.backtest["training_windows"]["windows"]}
    assert used == {"Pemilu Presiden 2014", "Pemilu 2019"}      # 2014 legislative: no history


def test_rolling_windows_when_no_calendar_covers_the_history():
    sim = simulate_region(shape="grid", n_tps=150, seed=4)     # elections every five years
    res = _score(sim, "voting", [], "region.yaml")
    info = res.backtest["training_windows"]
    assert res.model_info["model"] == "poisson_glm"
    assert info["source"] == "rolling windows" and info["period_years"] == 5
    assert "rolling" in res.model_info["training_windows_reason"]
    starts = sorted(pd.Timestamp(w["start"]) for w in info["windows"] if w["stage"] == "voting")
    assert starts[-1] == pd.Timestamp("2019-02-14")            # the same day five years before


def test_rolling_windows_shift_the_whole_calendar():
    cal = {"campaign": (pd.Timestamp("2023-11-28"), pd.Timestamp("2024-02-10")),
           "voting": (pd.Timestamp("2024-02-14"), pd.Timestamp("2024-02-14"))}
    got = rolling_windows(cal, period_years=2, first_date=pd.Timestamp("2019-06-01"))
    assert [(w[0], w[1], w[2].date().isoformat()) for w in got] == [
        ("rolling -4 y", "campaign", "2019-11-28"), ("rolling -4 y", "voting", "2020-02-14"),
        ("rolling -2 y", "campaign", "2021-11-28"), ("rolling -2 y", "voting", "2022-02-14")]
    assert rolling_windows(cal, period_years=2, first_date=pd.Timestamp("2023-01-01")) == []


def test_calibrated_fallback_follows_the_counts_and_the_recent_rate(tiny):
    # two years of history only: no calendar window and no full rolling cycle
    items = [(4, "2023-03-01", "clash", 1)] * 6 + [(7, "2022-12-01", "riot", 1)] * 2 + \
        [(2, "2022-02-01", "clash", 1)]
    res = score_stage(tiny["areas"], tiny["tps"], tiny["venues"], make_incidents(items),
                      tiny["units"], stage="campaign", start=START, end=END, past_windows=[])
    ar = res.area_risk.set_index("village_code")["expected_incidents"]
    assert res.model_info["model"] == "weighted_index"
    assert "calibrated fallback" in res.model_info["reason"]
    # total: the last 365 days' rate (8 incidents) for a 75-day window
    assert ar.sum() == pytest.approx(8 / 365 * 75, abs=2e-3)
    # the naive ranking (last year's counts) is kept at the top: village 4, then village 7
    assert ar.idxmax() == code(4)
    assert ar[code(7)] > ar.drop([code(4), code(7)]).max()


def test_a_handful_of_incidents_does_not_make_a_hotspot(tiny):
    # one incident last year: Laplace smoothing towards the index keeps its village within a
    # small factor of the others (the raw count map would put all of last year's share there)
    items = [(4, "2023-06-01", "clash", 1)]
    res = score_stage(tiny["areas"], tiny["tps"], tiny["venues"], make_incidents(items),
                      tiny["units"], stage="campaign", start=START, end=END, past_windows=[])
    ar = res.area_risk.set_index("village_code")["expected_incidents"]
    assert res.model_info["model"] == "weighted_index"
    assert ar.idxmax() == code(4)
    assert ar[code(4)] < 4 * ar.drop(code(4)).median()
    lots = score_stage(tiny["areas"], tiny["tps"], tiny["venues"],
                       make_incidents(items * 60), tiny["units"], stage="campaign",
                       start=START, end=END, past_windows=[])
    al = lots.area_risk.set_index("village_code")["expected_incidents"]
    assert al[code(4)] > 10 * al.drop(code(4)).median()     # a long record outweighs the prior


def test_dispersion_shrinks_density_keeps_ranking_and_total():
    mu = np.array([0.1, 0.5, 2.0, 8.0])
    area = np.array([1.0, 4.0, 2.0, 1.0])
    out = apply_dispersion(mu, area, 0.5)
    assert out.sum() == pytest.approx(mu.sum())
    assert list(np.argsort(out / area)) == list(np.argsort(mu / area))
    assert (out / area).max() / (out / area).min() == pytest.approx(
        np.sqrt((mu / area).max() / (mu / area).min()))
    assert np.array_equal(apply_dispersion(mu, area, 1.0), mu)


def test_cross_validated_dispersion_is_reported_and_shrinks_a_thin_history():
    sim = simulate_region(shape="voronoi", n_tps=150, seed=2)
    a, b = sim.stages["campaign"]

    def run(model):
        return score_stage(sim.areas, sim.tps, sim.venues, sim.incidents, sim.units,
                           stage="campaign", start=a, end=b, past_windows=sim.past_windows,
                           model=model)

    res, off = run({}), run({"dispersion": "none"})
    info = res.model_info
    assert info["dispersion"] == "cross_validated"
    assert 0.0 < info["dispersion_slope"] <= 1.0
    assert info["dispersion_heldout_incidents"] > 0
    # the slope moves towards 1 by n / (n + k): more pseudo-incidents, nearer 1
    stiff = run({"dispersion_prior_incidents": 1e6}).model_info["dispersion_slope"]
    assert stiff >= info["dispersion_slope"] and stiff == pytest.approx(1.0, abs=1e-3)
    e, e0 = (r.area_risk["expected_incidents"].to_numpy() for r in (res, off))
    km2 = sim.areas.set_index("village_code").area.reindex(res.area_risk["village_code"])
    km2 = km2.to_numpy()                                # planar UTM m2: same order as km2
    assert e.sum() == pytest.approx(e0.sum(), rel=1e-3)
    assert info["dispersion_slope"] < 1.0
    assert e.max() / e.mean() < e0.max() / e0.mean()
    top = np.argsort(-e0 / km2)[:10]                   # (expected counts are rounded)
    assert list(np.argsort(-e / km2)[:10]) == list(top)


def test_never_an_all_zero_map_when_the_stage_windows_held_nothing(tiny):
    # incidents only in the campaign windows: the voting windows held none
    voting_days = {w[2] for w in PAST if w[1] == "voting"}
    items = [it for it in history_items() if pd.Timestamp(it[1]) not in voting_days]
    res = score_stage(tiny["areas"], tiny["tps"], tiny["venues"], make_incidents(items),
                      tiny["units"], stage="voting", start=pd.Timestamp("2024-02-14"),
                      end=pd.Timestamp("2024-02-14"), past_windows=PAST,
                      model={"min_training_incidents": 5})
    exp = res.area_risk["expected_incidents"]
    assert res.model_info["model"] == "poisson_glm"
    assert "region-wide prior" in res.model_info["prior"]
    assert exp.sum() > 0 and (exp > 0).sum() >= len(exp) - 1


def test_level_follows_a_growing_record():
    # a data source whose coverage grew: 70 % of the incidents before 2017 are missing
    sim = simulate_region(shape="grid", n_tps=150, seed=5)
    inc = sim.incidents
    rng = np.random.default_rng(0)
    inc = inc[(inc["date"] >= pd.Timestamp("2017-01-01")) | (rng.random(len(inc)) < 0.3)]
    a, b = sim.stages["campaign"]

    def run(level):
        return score_stage(sim.areas, sim.tps, sim.venues, inc, sim.units, stage="campaign",
                           start=a, end=b, past_windows=sim.past_windows,
                           model={"level": level})

    res, flat = run("recent"), run("none")
    assert res.model_info["level_factor"] > 1.2
    assert res.model_info["level_windows"] == "Pemilu 2019"
    assert res.area_risk["expected_incidents"].sum() > \
        1.2 * flat.area_risk["expected_incidents"].sum()
    lc = res.backtest["level_calibration"]
    assert {"expected_before", "expected_after", "observed"} <= set(lc)
    assert lc["origins"] >= 2


# --- classes, precision, reasons ------------------------------------------------------------


def test_history_class_rule_moves_with_expected_incidents():
    th = {"rawan": 0.2, "sangat_rawan": 0.8}
    calm = assign_classes(np.array([0.05, 0.1, 0.3, 0.9]), classes={"method": "history"},
                          thresholds=th)
    hot = assign_classes(np.array([0.5, 1.0, 1.5, 3.0]), classes={"method": "history"},
                         thresholds=th)
    assert list(calm) == ["kurang_rawan", "kurang_rawan", "rawan", "sangat_rawan"]
    assert (hot == "sangat_rawan").sum() == 3 > (calm == "sangat_rawan").sum()
    shares = assign_classes(np.array([0.5, 1.0, 1.5, 3.0]), classes={"method": "shares",
                                                                      "sangat_rawan_share": 0.25})
    assert (shares == "sangat_rawan").sum() == 1


def test_backtest_classes_use_only_the_windows_before_each_origin():
    # the history thresholds of an earlier origin come from the windows before it: a record
    # that is calm up to 2019 and hot afterwards must not lift the 2019 origin's thresholds
    sim = simulate_region(shape="grid", n_tps=150, seed=6)
    store_windows = sim.past_windows
    region = prepare_region(sim.areas, sim.tps, sim.venues, sim.incidents, sim.units)
    fset = feature_settings({})
    start = sim.stages["campaign"][0]
    store = WindowStore(region, settings=fset, past_windows=store_windows, cutoff=start,
                        terms=model_terms(fset))
    origin = [w for w in store_windows if w[1] == "campaign"][-1]       # the last earlier one
    days = (origin[3] - origin[2]).days + 1
    now = history_thresholds(store, stage="campaign", days=days, classes={"method": "history"})
    then = history_thresholds(store, stage="campaign", days=days,
                              classes={"method": "history"}, before=origin[2])
    assert then["windows"] == now["windows"] - 1          # the origin's own window is not used
    exp = np.linspace(0.0, 2.0 * now["sangat_rawan"], len(region.village_code))
    got = classes_as_of(store, exp, origin=origin, classes={"method": "history"})
    want = assign_classes(exp, classes={"method": "history"}, thresholds=then)
    assert list(got) == list(want)


def test_class_rule_is_reported(tiny):
    res = score_stage(tiny["areas"], tiny["tps"], tiny["venues"], tiny["incidents"],
                      tiny["units"], stage="campaign", start=START, end=END, past_windows=PAST)
    assert res.model_info["class_rule"].startswith("history: sangat rawan where expected")
    other = score_stage(tiny["areas"], tiny["tps"], tiny["venues"], tiny["incidents"],
                        tiny["units"], stage="campaign", start=START, end=END,
                        past_windows=PAST, classes={"method": "shares"})
    assert other.model_info["class_rule"].startswith("shares:")


def test_admin_centroid_events_are_spread_not_given_to_the_village(tiny):
    inc = make_incidents([(5, "2023-06-01", "demonstration", 1)] * 4
                         + [(1, "2023-06-02", "clash", 1)])
    inc["geo_precision"] = [3, 3, 3, 2, 1]
    region = prepare_region(make_areas(), tiny["tps"], tiny["venues"], inc, tiny["units"])
    counts = incident_counts(region, "2023-01-01", "2023-12-31")
    assert counts.sum() == pytest.approx(5.0)
    # village 5 keeps half of the precision-2 event; the three centroid events are spread
    spread = (3 + 0.5) / 9
    assert counts[4] == pytest.approx(0.5 + spread)
    assert counts[0] == pytest.approx(1.0 + spread)
    assert counts[8] == pytest.approx(spread)
    # without the column every event stays where it is
    plain = prepare_region(make_areas(), tiny["tps"], tiny["venues"],
                           inc.drop(columns="geo_precision"), tiny["units"])
    assert incident_counts(plain, "2023-01-01", "2023-12-31")[4] == 4.0


def test_fallback_reasons_follow_the_sign_and_the_regional_mean(tiny):
    units = tiny["units"].copy()
    units["geometry"] = [Point(centre(1))]
    res = score_stage(tiny["areas"], tiny["tps"], tiny["venues"], tiny["incidents"], units,
                      stage="campaign", start=START, end=END, past_windows=[],
                      model={"kind": "weighted_index"})
    texts = res.area_risk["top_factors"].tolist()
    assert not any("dekat pusat kecamatan/kantor polisi" in t for t in texts)
    region = prepare_region(make_areas(), tiny["tps"], tiny["venues"], tiny["incidents"], units)
    mean_km = region.police_km_village.mean()
    for t, km in zip(texts, region.police_km_village, strict=True):
        if "jauh dari kantor polisi" in t:
            assert km > mean_km
