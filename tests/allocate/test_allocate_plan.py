"""The operations plan of a stage on tiny hand-built regions with known answers."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.planner.plan import fit_to_budget, plan_stage
from riskmap.planner.reserve import polres_shares

CRS = "EPSG:32749"  # UTM 49S (Central Kalimantan); coordinates below are metres
X0, Y0 = 500_000.0, 9_880_000.0
POST_COLUMNS = ["post_id", "lat", "lon", "personnel", "site_kind", "site_id", "covered_tps",
                "covered_weight", "radius_km"]


def tps_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """TPS at (dx, dy) km from the origin; defaults for every other column."""
    out = []
    for n, r in enumerate(rows):
        out.append({
            "tps_id": r.get("id", f"T{n:02d}"), "village_code": "99.01.01.2001",
            "voters": r.get("voters", 0), "hard_to_reach": r.get("htr", False),
            "special": False, "risk_score": 50.0, "risk_class": r.get("cls", "kurang_rawan"),
            "expected_incidents": r.get("inc", 1.0),
            "geometry_x": X0 + 1000 * r["dx"], "geometry_y": Y0 + 1000 * r.get("dy", 0.0),
        })
    df = pd.DataFrame(out)
    return gpd.GeoDataFrame(df.drop(columns=["geometry_x", "geometry_y"]),
                            geometry=gpd.points_from_xy(df["geometry_x"], df["geometry_y"]),
                            crs=CRS)


def venue_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    df = pd.DataFrame([{
        "venue_id": r["id"], "kind": r.get("kind", "campaign_site"), "name": r.get("name", r["id"]),
        "expected_crowd": r.get("crowd", 0), "expected_incidents": r.get("inc", 1.0),
        "x": X0 + 1000 * r["dx"], "y": Y0 + 1000 * r.get("dy", 0.0)} for r in rows],
        columns=["venue_id", "kind", "name", "expected_crowd", "expected_incidents", "x", "y"])
    return gpd.GeoDataFrame(df.drop(columns=["x", "y"]),
                            geometry=gpd.points_from_xy(df["x"], df["y"]), crs=CRS)


def unit_frame(rows: list[dict] | None = None) -> gpd.GeoDataFrame:
    rows = rows if rows is not None else [
        {"id": "POLRES", "kind": "polres", "name": "Polres Uji", "dx": -20.0},
        {"id": "POLSEK-1", "kind": "polsek", "name": "Polsek Satu", "dx": 0.0, "dy": -1.0},
    ]
    df = pd.DataFrame([{"unit_id": r["id"], "kind": r["kind"], "name": r["name"],
                        "personnel": 10, "x": X0 + 1000 * r["dx"],
                        "y": Y0 + 1000 * r.get("dy", 0.0)} for r in rows],
                      columns=["unit_id", "kind", "name", "personnel", "x", "y"])
    return gpd.GeoDataFrame(df.drop(columns=["x", "y"]),
                            geometry=gpd.points_from_xy(df["x"], df["y"]), crs=CRS)


NO_VENUES = venue_frame([])
EXACT = {"demand": {"tps_voters_scale": 0, "min_weight": 0.0}}


def alloc(**kw) -> dict:
    base = {"reserve_share": 0.0, "radius_km": 3.0, **EXACT,
            "teams": {"patrol_officers_per_polsek": 0}}
    for k, v in kw.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            base[k] = {**base[k], **v}
        else:
            base[k] = v
    return base


TASK_COLUMNS = ["task_id", "date", "task", "post_id", "personnel", "unit_id", "site_kind",
                "site_id", "lat", "lon", "description"]
VOTING = dt.date(2024, 2, 14)


def random_rows(seed: int, n: int = 14) -> list[dict]:
    rng = np.random.default_rng(seed)
    classes = rng.choice(["kurang_rawan", "rawan", "sangat_rawan"], size=n, p=[0.6, 0.3, 0.1])
    return [{"dx": float(rng.uniform(0, 20)), "dy": float(rng.uniform(0, 20)), "cls": c,
             "inc": float(rng.gamma(1.0, 0.5)), "htr": bool(rng.random() < 0.2)}
            for c in classes]


# --------------------------------------------------------------------------------------------
# Properties: every TPS exactly once, budget per day, time limit
# --------------------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    budget=st.integers(min_value=1, max_value=60),
    share=st.sampled_from([0.0, 0.1, 0.2, 0.5]),
    patrol=st.sampled_from([0, 2]),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_voting_day_every_tps_in_one_team_within_budget_and_time(budget, share, patrol, seed):
    tps = tps_frame(random_rows(seed))
    res = plan_stage(tps, NO_VENUES, unit_frame(), stage="voting", budget=budget,
                     allocation=alloc(reserve_share=share,
                                      teams={"patrol_officers_per_polsek": patrol}),
                     start=VOTING)
    tasks, posts = res.tasks, res.posts
    # budget per date, whole officers, every officer placed
    per_day = tasks.groupby("date")["personnel"].sum()
    assert (per_day <= budget).all() and int(per_day.max()) == budget
    assert res.plan_info["personnel_assigned"] <= budget
    assert tasks["personnel"].dtype.kind == "i" and (tasks["personnel"] >= 1).all()
    # every TPS in exactly one team, at a post of posts.csv
    assert (res.tps_post != "").all()
    assert set(res.tps_post) <= set(posts["post_id"])
    teams = tasks[tasks["task"] == "tps_team"]
    listed = [i for ids in teams["tps_ids"] for i in ids.split(";")]
    assert sorted(listed) == sorted(tps["tps_id"]) and len(listed) == len(set(listed))
    # no team beyond its time limit (unless too few officers for the sectors it needs, said
    # in plan.json), and its base is one of its TPS
    relaxed = {r["rule"] for r in res.plan_info["bko"]["relaxed"]}
    if "max_minutes" not in relaxed:
        assert (teams["max_minutes"] <= 60.0 + 1e-6).all()
    else:
        assert len(teams) == (budget - res.plan_info["tasks"]["by_date"][0]["patrol"]
                              - res.plan_info["tasks"]["by_date"][0]["reserve"])
    assert all(b in ids.split(";") for b, ids in zip(teams["site_id"], teams["tps_ids"],
                                                     strict=True))
    assert (posts["personnel"] >= 1).all() and posts["personnel"].dtype.kind == "i"


def test_zero_budget_gives_an_empty_plan_without_error():
    res = plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, unit_frame(), stage="voting",
                     budget=0, allocation=alloc(), start=VOTING)
    assert len(res.posts) == 0 and len(res.tasks) == 0
    assert list(res.posts.columns[:9]) == POST_COLUMNS
    assert res.plan_info["personnel_assigned"] == 0


# --------------------------------------------------------------------------------------------
# Sectors, pattern, stretch and BKO: known answers
# --------------------------------------------------------------------------------------------


def test_two_clusters_make_two_teams_of_the_2019_pattern():
    # 4 kurang rawan TPS around x=0 and 4 around x=10 km: 2 officers per 4 TPS
    rows = ([{"id": f"A{i}", "dx": 0.2 * i} for i in range(4)]
            + [{"id": f"B{i}", "dx": 10 + 0.2 * i} for i in range(4)])
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=10,
                     allocation=alloc(), start=VOTING)
    teams = res.tasks[res.tasks["task"] == "tps_team"].sort_values("site_id")
    assert teams["personnel"].tolist() == [2, 2]
    assert teams["tps_ids"].tolist() == ["A0;A1;A2;A3", "B0;B1;B2;B3"]
    # the base minimising travel to the others is an inner TPS
    assert teams["site_id"].tolist() in (["A1", "B1"], ["A1", "B2"], ["A2", "B1"],
                                         ["A2", "B2"])
    bko = res.plan_info["bko"]
    assert bko["officers_full_pattern"] == 4 and bko["kebutuhan_bko"] == 0
    assert bko["linmas"] == 12  # 6 Linmas per group of 4 kurang rawan TPS
    # 6 officers no team needs wait in reserve at the Polres
    reserve = res.tasks[res.tasks["task"] == "reserve"]
    assert reserve["personnel"].tolist() == [6] and reserve["unit_id"].tolist() == ["POLRES"]
    assert res.plan_info["teams"]["solver"]["status"] == "heuristic"  # the default method
    # the exact MILP (teams.exact_max_tps) proves the same sectors optimal
    exact = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=10,
                       allocation=alloc(teams={"exact_max_tps": 100}), start=VOTING)
    exact_teams = exact.tasks[exact.tasks["task"] == "tps_team"].sort_values("site_id")
    assert exact_teams["tps_ids"].tolist() == teams["tps_ids"].tolist()
    assert exact.plan_info["teams"]["solver"]["status"] == "optimal"
    assert exact.plan_info["teams"]["solver"]["gap"] == 0.0
    assert exact.plan_info["teams"]["solver"]["objective"] == pytest.approx(
        res.plan_info["teams"]["solver"]["objective"])


def test_sangat_rawan_pattern_six_per_two():
    rows = [{"id": f"S{i}", "dx": 0.3 * i, "cls": "sangat_rawan"} for i in range(4)]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=20,
                     allocation=alloc(), start=VOTING)
    teams = res.tasks[res.tasks["task"] == "tps_team"]
    assert sorted(teams["personnel"].tolist()) == [6, 6]
    assert sorted(teams["covered_tps"].tolist()) == [2, 2]


STRETCH_ROWS = ([{"id": f"K{i}", "dx": 0.1 * i} for i in range(8)]
                + [{"id": f"R{i}", "dx": 0.1 * i, "dy": 0.2, "cls": "rawan"} for i in range(2)])


def test_short_budget_stretches_kurang_rawan_first_and_reports_bko():
    # full pattern: 8 x 2/4 + 2 x 4/2 = 8 officers; 6 available
    res = plan_stage(tps_frame(STRETCH_ROWS), NO_VENUES, unit_frame(), stage="voting",
                     budget=6, allocation=alloc(), start=VOTING)
    bko = res.plan_info["bko"]
    assert bko["officers_full_pattern"] == 8
    assert bko["officers_for_tps_teams"] == 6
    assert bko["kebutuhan_bko"] == 2
    assert bko["linmas"] == 20  # 8 x 6/4 + 2 x 8/2
    used = bko["pattern_used"]
    assert used["kurang_rawan"]["tps_per_team"] == 8.0  # 5, 6, 7 still need 8, 7, 7
    assert used["rawan"]["tps_per_team"] == 2.0 and used["sangat_rawan"]["tps_per_team"] == 2.0
    assert [s["class"] for s in bko["stretch_steps"]] == ["kurang_rawan"] * 4
    assert bko["thinned"] is False
    assert int(res.tasks["personnel"].sum()) == 6
    assert (res.tps_post != "").all()


def test_stretch_order_is_configuration():
    res = plan_stage(tps_frame(STRETCH_ROWS), NO_VENUES, unit_frame(), stage="voting",
                     budget=6, allocation=alloc(teams={"stretch_order": ["rawan", "kurang_rawan"]}),
                     start=VOTING)
    used = res.plan_info["bko"]["pattern_used"]
    assert used["rawan"]["tps_per_team"] == 4.0
    assert used["kurang_rawan"]["tps_per_team"] == 4.0


def test_budget_below_the_stretched_pattern_thins_teams_but_keeps_every_tps():
    rows = [{"id": f"S{i}", "dx": 2.0 * i, "cls": "sangat_rawan"} for i in range(6)]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=3,
                     allocation=alloc(), start=VOTING)
    assert (res.tps_post != "").all()
    assert int(res.tasks["personnel"].sum()) == 3
    bko = res.plan_info["bko"]
    assert bko["thinned"] is True and bko["kebutuhan_bko"] == 18 - 3


def test_too_few_officers_for_the_time_limit_still_gives_every_tps_a_team():
    rows = [{"id": f"T{i}", "dx": 30.0 * i} for i in range(4)]  # 42 min apart by road
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=2,
                     allocation=alloc(), start=VOTING)
    assert (res.tps_post != "").all()
    teams = res.tasks[res.tasks["task"] == "tps_team"]
    assert sorted(teams["tps_ids"]) == ["T0;T1", "T2;T3"]
    assert [r["rule"] for r in res.plan_info["bko"]["relaxed"]] == ["max_minutes"]


def test_river_tps_is_never_put_in_a_team_beyond_the_limit():
    # H is 8 km away by river: 8 x 1.6 / 12 km/h = 64 min > 60, so it is its own team
    rows = [{"id": f"C{i}", "dx": 0.2 * i} for i in range(3)] + [
        {"id": "H", "dx": 8.0, "htr": True}]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=10,
                     allocation=alloc(), start=VOTING)
    teams = res.tasks[res.tasks["task"] == "tps_team"].set_index("site_id")
    assert teams.loc["H", "tps_ids"] == "H"
    assert res.tps_post["H"] == teams.loc["H", "post_id"]
    # a looser limit lets the land team take it
    loose = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=10,
                       allocation=alloc(teams={"max_minutes": 120}), start=VOTING)
    assert loose.plan_info["teams"]["n_teams"] == 1


def test_presets_change_the_team_size():
    rows = [{"id": f"R{i}", "dx": 0.1 * i, "cls": "rawan"} for i in range(4)]
    papua = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=30,
                       allocation=alloc(staffing={"preset": "papua_barat_2024"}), start=VOTING)
    # 2 officers per up to 4 rawan TPS
    teams = papua.tasks[papua.tasks["task"] == "tps_team"]
    assert teams["personnel"].tolist() == [2] and teams["covered_tps"].tolist() == [4]


# --------------------------------------------------------------------------------------------
# Reserve, several Polres, Polsek patrols, other stages
# --------------------------------------------------------------------------------------------


TWO_POLRES = [
    {"id": "POLRES-A", "kind": "polres", "name": "Polres A", "dx": -20.0},
    {"id": "POLRES-B", "kind": "polres", "name": "Polres B", "dx": 40.0},
    {"id": "POLSEK-A1", "kind": "polsek", "name": "Polsek A1", "dx": -10.0},
    {"id": "POLSEK-B1", "kind": "polsek", "name": "Polsek B1", "dx": 30.0},
]


def test_several_polres_each_keep_their_own_reserve():
    units = unit_frame(TWO_POLRES)
    units["personnel"] = [30, 10, 20, 0]  # A: 30 + 20, B: 10 + 0
    assert polres_shares(units, 12) == {"POLRES-A": 10, "POLRES-B": 2}
    res = plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, units, stage="voting", budget=14,
                     allocation=alloc(), start=VOTING)
    reserve = res.tasks[res.tasks["task"] == "reserve"].set_index("unit_id")["personnel"]
    assert reserve.to_dict() == {"POLRES-A": 11, "POLRES-B": 2}
    assert res.plan_info["reserve"]["by_polres"] == {"POLRES-A": 11, "POLRES-B": 2}
    posts = res.posts.set_index("site_id")
    assert posts.loc["POLRES-B", "role"] == "reserve"


def test_voting_day_polsek_patrol_teams():
    units = unit_frame(TWO_POLRES)
    res = plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, units, stage="voting", budget=20,
                     allocation=alloc(teams={"patrol_officers_per_polsek": 3}), start=VOTING)
    patrols = res.tasks[res.tasks["task"] == "patrol"]
    assert sorted(patrols["unit_id"]) == ["POLSEK-A1", "POLSEK-B1"]
    assert patrols["personnel"].tolist() == [3, 3]


def test_quiet_period_reserve_is_capped_and_the_rest_patrols():
    start, end = dt.date(2024, 2, 11), dt.date(2024, 2, 13)
    res = plan_stage(tps_frame(random_rows(3)), NO_VENUES, unit_frame(), stage="quiet_period",
                     budget=50, allocation=alloc(reserve={"max_share": 0.4}), start=start,
                     end=end)
    by_day = res.tasks.groupby(["date", "task"])["personnel"].sum().unstack(fill_value=0)
    assert len(by_day) == 3
    assert (by_day.sum(axis=1) <= 50).all()
    assert (by_day["reserve"] <= 20).all()
    assert (by_day["patrol"] >= 1).all()
    assert res.plan_info["tasks"]["reserve_share_max"] <= 0.4
    assert set(res.movements["task_id"]) <= set(res.tasks["task_id"])


def test_fit_to_budget_cuts_the_lowest_priority_first():
    tasks = pd.DataFrame({"task_id": ["g", "p1", "p2"], "date": ["2024-02-15"] * 3,
                          "task": ["venue_guard", "patrol", "patrol"], "personnel": [10, 4, 2]})
    out, cuts = fit_to_budget(tasks, 12)
    assert out.set_index("task_id")["personnel"].to_dict() == {"g": 10, "p1": 1, "p2": 1}
    assert cuts[0]["cut"] == 4
    out, cuts = fit_to_budget(tasks, 10)
    assert int(out["personnel"].sum()) <= 10 and "g" in set(out["task_id"])
    assert cuts[0]["cut"] == 16 - int(out["personnel"].sum())


# --------------------------------------------------------------------------------------------
# Contract, determinism, input checks
# --------------------------------------------------------------------------------------------


def test_outputs_follow_the_contract():
    res = plan_stage(tps_frame(random_rows(7)), NO_VENUES, unit_frame(), stage="voting",
                     budget=25, allocation=alloc(), start=VOTING)
    assert list(res.tasks.columns[:11]) == TASK_COLUMNS
    assert list(res.posts.columns[:9]) == POST_COLUMNS
    assert set(res.tasks["task"]) <= {"tps_team", "venue_guard", "patrol", "escort", "reserve"}
    assert res.tasks["task_id"].is_unique
    assert set(res.tasks["post_id"]) - {""} == set(res.posts["post_id"])
    info = res.plan_info
    for key in ("personnel_budget", "personnel_assigned", "n_posts", "demand_weight",
                "covered_weight_share", "solver", "tasks", "bko", "budget_curve"):
        assert key in info
    assert info["covered_weight_share"] == 1.0
    assert info["tasks"]["by_date"][0]["date"] == "2024-02-14"
    assert set(res.roster) >= {"Pam TPS", "Cadangan"}


def test_same_inputs_give_identical_plans():
    def run():
        res = plan_stage(tps_frame(random_rows(11, 30)), NO_VENUES, unit_frame(),
                         stage="voting", budget=30, allocation=alloc(), start=VOTING)
        return (res.tasks.to_csv(index=False), res.posts.to_csv(index=False),
                json.dumps(res.plan_info, sort_keys=True, default=str))
    assert run() == run()


def test_input_order_does_not_change_the_plan():
    tps = tps_frame(random_rows(5, 20))
    a = plan_stage(tps, NO_VENUES, unit_frame(), stage="voting", budget=20, allocation=alloc(),
                   start=VOTING)
    b = plan_stage(tps.iloc[::-1], NO_VENUES, unit_frame(), stage="voting", budget=20,
                   allocation=alloc(), start=VOTING)
    assert a.tasks.to_csv(index=False) == b.tasks.to_csv(index=False)


def test_bad_config_is_reported_with_the_key():
    from riskmap.config import ConfigError

    with pytest.raises(ConfigError, match="stretch_order"):
        plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, unit_frame(), stage="voting", budget=4,
                   allocation=alloc(teams={"stretch_order": ["medium"]}))


def test_no_units_puts_the_reserve_at_the_centre():
    empty = gpd.GeoDataFrame({"unit_id": [], "kind": [], "name": []}, geometry=[], crs=CRS)
    res = plan_stage(tps_frame([{"dx": 0.0}, {"dx": 2.0}]), NO_VENUES, empty, stage="voting",
                     budget=10, allocation=alloc(), start=VOTING)
    reserve = res.posts[res.posts["role"] == "reserve"]
    assert reserve["site_kind"].tolist() == ["other"]
    assert (res.tps_post != "").all()


def test_inputs_in_degrees_or_mixed_crs_are_refused_with_every_problem_named():
    tps = tps_frame([{"dx": 0.0}]).to_crs("EPSG:4326")
    with pytest.raises(ValueError) as err:
        plan_stage(tps, NO_VENUES, unit_frame(), stage="voting", budget=4)
    assert "geographic" in str(err.value)


def test_budget_curve_reports_coverage_for_other_budgets():
    res = plan_stage(tps_frame(random_rows(2)), NO_VENUES, unit_frame(), stage="voting",
                     budget=20, allocation=alloc(budget_curve=[0.5, 2.0]), start=VOTING)
    points = res.plan_info["budget_curve"]["points"]
    assert [p["personnel"] for p in points] == [10, 20, 40]
    shares = [p["covered_weight_share"] for p in points]
    assert shares == sorted(shares)


def test_personnel_per_date_and_kind_sums_each_dates_tasks():
    import datetime as dt

    import pandas as pd

    from riskmap.planner.plan import personnel_per_date_and_kind

    tasks = pd.DataFrame({
        "date": ["2024-02-14", "2024-02-14", "2024-02-15", "2024-02-14"],
        "task": ["tps_team", "reserve", "patrol", "tps_team"],
        "personnel": [2, 5, 3, 4],
    })
    dates = [dt.date(2024, 2, 13), dt.date(2024, 2, 14), dt.date(2024, 2, 15)]
    rows = personnel_per_date_and_kind(tasks, dates, ["tps_team", "patrol", "reserve"])
    assert rows == [
        {"date": "2024-02-13", "personnel": 0, "tps_team": 0, "patrol": 0, "reserve": 0},
        {"date": "2024-02-14", "personnel": 11, "tps_team": 6, "patrol": 0, "reserve": 5},
        {"date": "2024-02-15", "personnel": 3, "tps_team": 0, "patrol": 3, "reserve": 0},
    ]
    assert personnel_per_date_and_kind(tasks.iloc[:0], dates[:1], ["patrol"]) == [
        {"date": "2024-02-13", "personnel": 0, "patrol": 0}]
