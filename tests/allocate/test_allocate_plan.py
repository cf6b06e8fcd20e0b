"""The posting plan of a stage on tiny hand-built regions with known answers."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskmap.allocate import plan_stage

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
    base = {"reserve_share": 0.0, "radius_km": 3.0, **EXACT}
    base.update(kw)
    return base


# --------------------------------------------------------------------------------------------
# Budget
# --------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    budget=st.integers(min_value=0, max_value=60),
    team=st.integers(min_value=1, max_value=4),
    share=st.sampled_from([0.0, 0.1, 0.2, 0.5]),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_budget_is_never_exceeded_and_personnel_are_whole(budget, team, share, seed):
    rng = np.random.default_rng(seed)
    classes = rng.choice(["kurang_rawan", "rawan", "sangat_rawan"], size=14, p=[0.6, 0.3, 0.1])
    rows = [{"dx": float(rng.uniform(0, 20)), "dy": float(rng.uniform(0, 20)), "cls": c,
             "inc": float(rng.gamma(1.0, 0.5)), "htr": bool(rng.random() < 0.2)}
            for c in classes]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=budget,
                     allocation=alloc(team_size=team, reserve_share=share))
    posts = res.posts
    assert res.plan_info["personnel_assigned"] <= budget
    assert int(posts["personnel"].sum()) == res.plan_info["personnel_assigned"]
    # every officer is placed: at a post or in the reserve at the Polres
    assert res.plan_info["personnel_assigned"] == budget
    assert (posts["personnel"] >= 1).all()
    assert posts["personnel"].dtype.kind == "i"
    cover = posts[posts["role"] != "reserve"]
    assert (cover["personnel"] >= team).all()
    assert len(cover) <= (budget - res.plan_info["reserve"]["officers_by_share"]) // team


def test_reserve_is_a_unit_post_at_the_polres():
    rows = [{"dx": 0.0}, {"dx": 10.0}]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=20,
                     allocation=alloc(reserve_share=0.25))
    reserve = res.posts[res.posts["role"] == "reserve"]
    assert len(reserve) == 1
    assert reserve["site_kind"].iat[0] == "unit"
    assert reserve["site_id"].iat[0] == "POLRES"
    info = res.plan_info["reserve"]
    assert info["officers_by_share"] == 5
    # 2 posts x (one team of 2, requirement 0.5 each) = 4 at posts, the 11 left join the reserve
    assert int(res.posts.loc[res.posts["role"] == "cover", "personnel"].sum()) == 4
    assert reserve["personnel"].iat[0] == 16 == info["officers"]
    assert info["surplus_added"] == 11


def test_budget_too_small_for_a_team_keeps_everyone_in_reserve():
    res = plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, unit_frame(), stage="voting",
                     budget=1, allocation=alloc())
    assert res.posts["role"].tolist() == ["reserve"]
    assert res.posts["personnel"].tolist() == [1]
    assert res.tps_post.tolist() == [""]
    assert res.plan_info["covered_weight_share"] == 0.0
    assert any(r["rule"] == "coverage" for r in res.plan_info["staffing"]["relaxed"])


def test_zero_budget_gives_an_empty_plan():
    res = plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, unit_frame(), stage="voting",
                     budget=0, allocation=alloc())
    assert len(res.posts) == 0
    assert list(res.posts.columns[:9]) == POST_COLUMNS
    assert res.plan_info["n_posts"] == 0 and res.plan_info["personnel_assigned"] == 0


# --------------------------------------------------------------------------------------------
# Staffing rules
# --------------------------------------------------------------------------------------------


def test_every_sangat_rawan_tps_gets_its_own_post_when_the_budget_allows():
    rows = ([{"id": f"S{i}", "dx": 0.5 * i, "cls": "sangat_rawan", "inc": 0.1} for i in range(3)]
            + [{"id": f"K{i}", "dx": 0.3 * i, "dy": 0.5, "inc": 5.0} for i in range(6)])
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=40,
                     allocation=alloc())
    posts = res.posts.set_index("site_id")
    for sid in ("S0", "S1", "S2"):
        assert posts.loc[sid, "site_kind"] == "tps"
        assert res.tps_post[sid] == posts.loc[sid, "post_id"]
    assert res.plan_info["staffing"]["sangat_rawan_own_posts"] == 3
    rules = [r["rule"] for r in res.plan_info["staffing"]["relaxed"]]
    assert "sangat_rawan_own_post" not in rules


def test_sangat_rawan_own_post_relaxed_when_posts_run_short():
    rows = [{"id": f"S{i}", "dx": 5.0 * i, "cls": "sangat_rawan", "inc": 1.0 + i}
            for i in range(3)]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=4,
                     allocation=alloc())
    relaxed = {r["rule"]: r for r in res.plan_info["staffing"]["relaxed"]}
    rule = relaxed["sangat_rawan_own_post"]
    assert rule["shortfall_posts"] == 1
    assert rule["tps_without_own_post"] == ["S0"]  # the lightest one
    assert sorted(res.posts.loc[res.posts["role"] == "cover", "site_id"]) == ["S1", "S2"]
    assert "keterangan" in rule and "TPS sangat rawan" in rule["keterangan"]


def test_ratio_rule_relaxation_and_shortfall_are_reported():
    # 8 rawan TPS within one radius: 2019 national ratio 4 per 2 = 2 officers each = 16
    rows = [{"dx": 0.1 * i, "cls": "rawan"} for i in range(8)]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=10,
                     allocation=alloc())
    cover = res.posts[res.posts["role"] == "cover"]
    assert len(cover) == 1 and cover["personnel"].iat[0] == 10
    assert cover["covered_tps"].iat[0] == 8
    staffing = res.plan_info["staffing"]
    ratio = [r for r in staffing["relaxed"] if r["rule"] == "ratio"]
    assert len(ratio) == 1
    assert ratio[0]["required"] == 16 and ratio[0]["assigned"] == 10
    assert ratio[0]["shortfall"] == 6 == staffing["shortfall"]
    assert res.plan_info["personnel_assigned"] == 10


def test_ratios_are_met_when_the_budget_allows_and_presets_change_them():
    rows = [{"dx": 0.1 * i, "cls": "rawan"} for i in range(8)]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=30,
                     allocation=alloc())
    cover = res.posts[res.posts["role"] == "cover"]
    assert cover["personnel"].tolist() == [16]
    assert res.plan_info["staffing"]["relaxed"] == []
    papua = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=30,
                       allocation=alloc(staffing={"preset": "papua_barat_2024"}))
    # 2 per up to 4 rawan TPS: 8 rawan TPS need 4
    assert papua.posts.loc[papua.posts["role"] == "cover", "personnel"].tolist() == [4]
    assert papua.plan_info["staffing"]["preset"] == "papua_barat_2024"


# --------------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------------


def test_hard_to_reach_tps_is_never_covered_by_a_distant_post():
    # five TPS within 0.8 km; the hard-to-reach TPS H is 2.7 km from C4, inside the 3 km
    # radius of a post there, but a post at H itself would reach only C3 and C4
    rows = [{"id": f"C{i}", "dx": 0.2 * i, "inc": 1.0} for i in range(5)]
    rows.append({"id": "H", "dx": 3.5, "htr": True, "inc": 0.5})
    tps = tps_frame(rows)
    res = plan_stage(tps, NO_VENUES, unit_frame(), stage="voting", budget=2, allocation=alloc())
    assert res.tps_post["H"] == ""
    assert all(res.tps_post[f"C{i}"] == "P001" for i in range(5))
    assert res.plan_info["covered_weight"] == pytest.approx(5.0)
    assert res.plan_info["covered_weight_share"] == pytest.approx(5.0 / 5.5, abs=1e-4)
    assert "H" not in res.posts["covered_tps_ids"].iat[0].split(";")
    # a longer river radius set in config does cover it
    river = plan_stage(tps, NO_VENUES, unit_frame(), stage="voting", budget=2,
                       allocation=alloc(river_radius_km=2.8))
    assert river.tps_post["H"] == "P001"
    assert river.plan_info["covered_weight_share"] == pytest.approx(1.0)
    # with two posts the hard-to-reach TPS gets a post at itself
    two = plan_stage(tps, NO_VENUES, unit_frame(), stage="voting", budget=4, allocation=alloc())
    own = two.posts[two.posts["site_id"] == "H"]
    assert len(own) == 1 and two.tps_post["H"] == own["post_id"].iat[0]


def test_mclp_picks_the_heavier_cluster_and_radius_limits_coverage():
    rows = ([{"id": f"A{i}", "dx": 0.1 * i, "inc": 1.0} for i in range(3)]
            + [{"id": f"B{i}", "dx": 20 + 0.1 * i, "inc": 2.0} for i in range(2)])
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=2,
                     allocation=alloc())
    assert res.plan_info["covered_weight"] == pytest.approx(4.0)
    assert res.tps_post[["B0", "B1"]].tolist() == ["P001", "P001"]
    assert res.tps_post[["A0", "A1", "A2"]].tolist() == ["", "", ""]
    assert res.plan_info["solver"]["status"] == "optimal"
    assert res.plan_info["solver"]["gap"] == 0.0
    assert res.plan_info["solver"]["fallback_used"] is False


def test_non_voting_stage_covers_venues_and_still_maps_tps_to_posts():
    tps = tps_frame([{"id": "T1", "dx": 0.0}, {"id": "T2", "dx": 30.0}])
    venues = venue_frame([{"id": "KPU", "kind": "kpu_office", "dx": 0.5, "crowd": 300,
                           "inc": 2.0}])
    res = plan_stage(tps, venues, unit_frame(), stage="announcement", budget=10,
                     allocation=alloc())
    info = res.plan_info
    assert info["demand_weight"]["tps_in_demand"] is False
    assert info["demand_weight"]["n_demand_venues"] == 1
    # weight = 2.0 x (1 + 300/100)
    assert info["demand_weight"]["total_weight"] == pytest.approx(8.0)
    assert info["covered_weight_share"] == 1.0
    cover = res.posts[res.posts["role"] == "cover"]
    assert len(cover) == 1
    # venue requirement: 2 per 100 of a crowd of 300
    assert cover["personnel"].iat[0] == 6
    assert res.tps_post.to_dict() == {"T1": cover["post_id"].iat[0], "T2": ""}


# --------------------------------------------------------------------------------------------
# The interface
# --------------------------------------------------------------------------------------------


def _demo_like(seed: int = 3):
    rng = np.random.default_rng(seed)
    rows = [{"id": f"T{i:03d}", "dx": float(rng.uniform(0, 25)), "dy": float(rng.uniform(0, 25)),
             "cls": str(rng.choice(["kurang_rawan", "rawan", "sangat_rawan"], p=[.7, .25, .05])),
             "inc": float(rng.gamma(0.7, 0.3)), "voters": int(rng.integers(80, 300)),
             "htr": bool(rng.random() < 0.1)} for i in range(60)]
    venues = venue_frame([{"id": "KPU", "kind": "kpu_office", "dx": 10, "dy": 10, "crowd": 300},
                          {"id": "PPK-1", "kind": "ppk_office", "dx": 3, "dy": 20}])
    return tps_frame(rows), venues


def test_outputs_follow_the_contract():
    tps, venues = _demo_like()
    res = plan_stage(tps, venues, unit_frame(), stage="voting", budget=40,
                     allocation={}, reach={})
    posts = res.posts
    assert list(posts.columns[:9]) == POST_COLUMNS
    assert posts["post_id"].tolist() == [f"P{i:03d}" for i in range(1, len(posts) + 1)]
    assert set(posts["site_kind"]) <= {"tps", "venue", "unit", "other"}
    assert (posts["lat"].round(6) == posts["lat"]).all()
    wgs = tps.to_crs("EPSG:4326").set_index("tps_id").geometry
    at_tps = posts[posts["site_kind"] == "tps"]
    assert len(at_tps) > 0
    for sid, lat, lon in zip(at_tps["site_id"], at_tps["lat"], at_tps["lon"], strict=True):
        assert lat == round(wgs[sid].y, 6) and lon == round(wgs[sid].x, 6)
    assert list(res.tps_post.index) == tps["tps_id"].tolist()
    assert set(res.tps_post) - {""} <= set(posts["post_id"])
    cover = posts[posts["role"] != "reserve"]
    # covered_tps matches the TPS -> post mapping
    counts = res.tps_post[res.tps_post != ""].value_counts()
    for pid, n in zip(cover["post_id"], cover["covered_tps"], strict=True):
        assert counts.get(pid, 0) == n
    assert res.plan_info["covered_weight"] == pytest.approx(posts["covered_weight"].sum(),
                                                            abs=1e-3)
    assert len(res.reach) == len(tps) + len(venues)
    assert list(res.roster.columns[:7]) == ["Pos", "Lokasi", "Koordinat", "Jumlah Personel",
                                            "TPS yang dicakup", "Polsek terdekat",
                                            "Waktu tempuh"]
    assert len(res.roster) == len(posts)
    json.dumps(res.plan_info)  # serialisable
    for key in ("personnel_budget", "personnel_assigned", "n_posts", "demand_weight",
                "covered_weight_share", "solver", "staffing", "reserve"):
        assert key in res.plan_info
    for key in ("name", "status", "gap", "time_limit_s", "fallback_used"):
        assert key in res.plan_info["solver"]


def test_same_inputs_give_identical_plans():
    tps, venues = _demo_like(7)
    a = plan_stage(tps, venues, unit_frame(), stage="voting", budget=30)
    shuffled = tps.sample(frac=1.0, random_state=1)
    b_ids = shuffled["tps_id"].tolist()
    b = plan_stage(shuffled, venues, unit_frame(), stage="voting", budget=30)
    c = plan_stage(tps, venues, unit_frame(), stage="voting", budget=30)
    pd.testing.assert_frame_equal(a.posts, c.posts)
    pd.testing.assert_frame_equal(a.reach, c.reach)
    pd.testing.assert_frame_equal(a.roster, c.roster)
    assert json.dumps(a.plan_info, sort_keys=True) == json.dumps(c.plan_info, sort_keys=True)
    # the order of the input rows changes nothing (ties are broken by id)
    pd.testing.assert_frame_equal(a.posts, b.posts)
    assert json.dumps(a.plan_info, sort_keys=True) == json.dumps(b.plan_info, sort_keys=True)
    assert list(b.tps_post.index) == b_ids  # tps_post follows the input order
    assert a.tps_post.equals(b.tps_post.reindex(a.tps_post.index))


def test_greedy_swap_solver_setting_and_fallback_reported(monkeypatch):
    tps, venues = _demo_like(11)
    heur = plan_stage(tps, venues, unit_frame(), stage="voting", budget=30,
                      allocation={"solver": {"name": "greedy_swap"}})
    assert heur.plan_info["solver"]["name"] == "greedy+swap"
    assert heur.plan_info["solver"]["fallback_used"] is False

    import pulp

    def broken(self, *args, **kwargs):
        raise pulp.PulpSolverError("no solver here")

    monkeypatch.setattr(pulp.LpProblem, "solve", broken)
    fb = plan_stage(tps, venues, unit_frame(), stage="voting", budget=30)
    assert fb.plan_info["solver"]["fallback_used"] is True
    assert fb.plan_info["solver"]["status"] == "cbc_failed"
    assert fb.plan_info["personnel_assigned"] <= 30
    assert fb.plan_info["covered_weight"] == pytest.approx(heur.plan_info["covered_weight"])


def test_bad_config_is_reported_with_the_key():
    from riskmap.config import ConfigError

    with pytest.raises(ConfigError, match="radius_kms"):
        plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, unit_frame(), stage="voting", budget=4,
                   allocation={"radius_kms": 3})
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        plan_stage(tps_frame([{"dx": 0.0}]), NO_VENUES, unit_frame(), stage="voting", budget=4,
                   allocation={"staffing": {"preset": "nope"}})


def test_no_units_puts_the_reserve_at_the_centre():
    tps = tps_frame([{"dx": 0.0}, {"dx": 2.0}])
    res = plan_stage(tps, NO_VENUES, unit_frame([]), stage="voting", budget=10,
                     allocation=alloc(reserve_share=0.5))
    reserve = res.posts[res.posts["role"] == "reserve"]
    assert reserve["site_kind"].tolist() == ["other"]
    assert res.reach["nearest_polsek_id"].eq("").all()
    assert res.reach["beyond_limit"].all()


def test_hard_to_reach_factor_weighs_isolated_tps_up():
    # one post: a cluster of two TPS (weight 2) or a lone hard-to-reach TPS (weight 1.5)
    rows = [{"id": "C0", "dx": 0.0}, {"id": "C1", "dx": 0.2},
            {"id": "H", "dx": 10.0, "htr": True, "inc": 1.5}]
    plain = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=2,
                       allocation=alloc())
    assert plain.tps_post["H"] == "" and plain.tps_post["C0"] == "P001"
    weighted = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=2,
                          allocation=alloc(demand={"hard_to_reach_factor": 2.0,
                                                   "tps_voters_scale": 0, "min_weight": 0}))
    assert weighted.tps_post["H"] == "P001" and weighted.tps_post["C0"] == ""
    assert "x 2 if hard to reach" in weighted.plan_info["demand_weight"]["tps"]
    assert weighted.plan_info["demand_weight"]["total_weight"] == pytest.approx(5.0)


def test_inputs_in_degrees_or_mixed_crs_are_refused_with_every_problem_named():
    tps = tps_frame([{"dx": 0.0}])
    with pytest.raises(ValueError, match="tps: CRS EPSG:4326 is geographic"):
        plan_stage(tps.to_crs("EPSG:4326"), NO_VENUES, unit_frame(), stage="voting", budget=4)
    with pytest.raises(ValueError, match="CRS mismatch") as err:
        plan_stage(tps, NO_VENUES, unit_frame().to_crs("EPSG:32750").drop(columns="name"),
                   stage="voting", budget=4)
    assert "units: missing column(s) name" in str(err.value)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), budget=st.integers(2, 24),
       river=st.sampled_from([0.0, 0.5, 1.5]))
def test_coverage_always_respects_radius_and_river_rule(seed, budget, river):
    rng = np.random.default_rng(seed)
    rows = [{"id": f"T{i:02d}", "dx": float(rng.uniform(0, 12)), "dy": float(rng.uniform(0, 6)),
             "inc": float(rng.gamma(1.0, 1.0)), "htr": bool(rng.random() < 0.3)}
            for i in range(16)]
    tps = tps_frame(rows)
    res = plan_stage(tps, NO_VENUES, unit_frame(), stage="voting", budget=budget,
                     allocation=alloc(river_radius_km=river))
    posts = res.posts.set_index("post_id")
    units = unit_frame()
    xy = dict(zip(tps["tps_id"], zip(tps.geometry.x, tps.geometry.y, strict=True), strict=True))
    unit_xy = dict(zip(units["unit_id"], zip(units.geometry.x, units.geometry.y, strict=True),
                       strict=True))
    site_xy = {pid: (xy[sid] if kind == "tps" else unit_xy[sid])
               for pid, sid, kind in zip(posts.index, posts["site_id"], posts["site_kind"],
                                         strict=True)}
    covered = 0.0
    for r in rows:
        pid = res.tps_post[r["id"]]
        if not pid:
            continue
        covered += r["inc"]
        post = posts.loc[pid]
        assert post["role"] != "reserve"
        sx, sy = site_xy[pid]
        d_km = np.hypot(xy[r["id"]][0] - sx, xy[r["id"]][1] - sy) / 1000
        if r["htr"]:
            assert post["site_id"] == r["id"] or d_km <= river + 1e-6
        else:
            assert d_km <= 3.0 + 1e-6
    assert res.plan_info["covered_weight"] == pytest.approx(covered, abs=1e-3)


def test_budget_curve_reports_coverage_for_other_budgets():
    # three separate TPS 10 km apart, weights 3, 2, 1: one post per extra team
    rows = [{"id": "A", "dx": 0.0, "inc": 3.0}, {"id": "B", "dx": 10.0, "inc": 2.0},
            {"id": "C", "dx": 20.0, "inc": 1.0}]
    res = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=4,
                     allocation=alloc(budget_curve=[0.5, 1.5, 2.0]))
    points = res.plan_info["budget_curve"]["points"]
    assert [p["personnel"] for p in points] == [2, 6, 8]
    assert [p["posts"] for p in points] == [1, 3, 4]
    assert [p["covered_weight_share"] for p in points] == [0.5, 1.0, 1.0]
    assert res.plan_info["covered_weight_share"] == pytest.approx(5 / 6, abs=1e-4)
    off = plan_stage(tps_frame(rows), NO_VENUES, unit_frame(), stage="voting", budget=4,
                     allocation=alloc(budget_curve=[]))
    assert off.plan_info["budget_curve"]["points"] == []
