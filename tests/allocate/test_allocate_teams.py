"""Pam TPS sectors: the capacitated p-median against brute force, the heuristic, subproblems."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskmap.planner.tps_teams import (
    best_two_sectors,
    brute_force_sectors,
    candidate_bases,
    heuristic_sectors,
    load_units,
    loads_and_quotas,
    reoptimise_pairs,
    sectors_of_group,
    solve_sectors,
    split_sectors,
    stretch_pattern,
    subproblems,
    teams_needed,
)

PATTERN = {"kurang_rawan": {"officers": 2, "per_tps": 4, "linmas": 6},
           "rawan": {"officers": 4, "per_tps": 2, "linmas": 8},
           "sangat_rawan": {"officers": 6, "per_tps": 2, "linmas": 8}}


def instance(seed: int, n: int):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 8000, (n, 2))
    minutes = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) / 1000 * 2.1
    load = rng.choice([0.25, 0.5], n, p=[0.6, 0.4])
    weight = rng.gamma(1.0, 1.0, n)
    return minutes, load, weight


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 7))
def test_exact_sectors_match_brute_force(seed, n):
    minutes, load, weight = instance(seed, n)
    p = teams_needed(load)
    cost = minutes * weight[None, :]
    sol = solve_sectors(cost, candidate_bases(minutes, n, 60.0), load, p, max_nodes=10_000)
    best = brute_force_sectors(minutes, weight, load, p, 60.0)
    if not np.isfinite(best):
        assert sol is None
        return
    assert sol is not None and sol.status == "optimal" and sol.gap == 0.0
    assert sol.objective == pytest.approx(best, rel=1e-6, abs=1e-9)
    # capacity: at most a team's worth per base
    assert all(load[sol.base == j].sum() <= 1 + 1e-9 for j in np.unique(sol.base))


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(6, 20))
def test_heuristic_sectors_are_feasible_and_bounded(seed, n):
    minutes, load, weight = instance(seed, n)
    p = teams_needed(load) + 1
    base, bound = heuristic_sectors(minutes, weight, load, p, max_minutes=60.0)
    if base is None:
        return
    assert (base[base] == base).all()  # a base is in its own sector
    for j in np.unique(base):
        assert load[base == j].sum() <= 1 + 1e-9
    assert (minutes[base, np.arange(n)] <= 60.0 + 1e-9).all()
    cost = float((minutes * weight[None, :])[base, np.arange(n)].sum())
    assert bound <= cost + 1e-6


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 7), limit=st.sampled_from([6.0, 60.0]))
def test_two_sectors_by_dynamic_programme_match_brute_force(seed, n, limit):
    minutes, load, weight = instance(seed, n)
    cost = minutes * weight[None, :]
    units, cap, exact = load_units(load)
    assert exact
    got = best_two_sectors(cost, minutes <= limit, units, cap)
    best = brute_force_sectors(minutes, weight, load, 2, limit)
    if not np.isfinite(best):
        assert got is None
        return
    assert got is not None
    obj, base = got
    assert obj == pytest.approx(best, rel=1e-9, abs=1e-12)
    assert float(cost[base, np.arange(n)].sum()) == pytest.approx(obj, rel=1e-9, abs=1e-12)
    assert len(np.unique(base)) == 2 and (base[base] == base).all()
    assert all(load[base == j].sum() <= 1 + 1e-9 for j in np.unique(base))
    assert (minutes[base, np.arange(n)] <= limit + 1e-9).all()


def test_load_units_are_exact_or_rounded_up():
    units, cap, exact = load_units(np.array([0.25, 0.5, 0.1, 1 / 3]))
    assert exact and cap == 60 and units.tolist() == [15, 30, 6, 20]
    # no small common unit: each load rounded up to 1/120 of a team, never down
    load = np.array([0.25, np.pi / 10, 1 / 997])
    units, cap, exact = load_units(load)
    assert not exact and cap == 120
    assert (units / cap >= load).all() and (units / cap - load < 1 / 120).all()


def test_two_sectors_with_scaled_loads_stay_within_true_capacity():
    # the last resort's factor leaves no small common unit: a TPS fills 0.268 of a team, so
    # three fit in a team and four (1.07) do not
    minutes, _, weight = instance(5, 7)
    cost = minutes * weight[None, :]
    load = np.full(7, 0.25 * 1.0731)
    units, cap, exact = load_units(load)
    assert not exact
    assert best_two_sectors(cost, minutes <= 60.0, units, cap) is None  # 7 = 3 + 4: no split
    six = np.arange(6)
    obj, base = best_two_sectors(cost[np.ix_(six, six)], minutes[np.ix_(six, six)] <= 60.0,
                                 units[six], cap)
    assert sorted(np.bincount(base)[np.unique(base)].tolist()) == [3, 3]
    assert obj == pytest.approx(brute_force_sectors(minutes[np.ix_(six, six)], weight[six],
                                                    load[six], 2, 60.0))


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(8, 24))
def test_pair_reoptimisation_keeps_the_plan_feasible_and_never_costs_more(seed, n):
    minutes, load, weight = instance(seed, n)
    cost = minutes * weight[None, :]
    allowed = minutes <= 60.0
    p = teams_needed(load) + 1
    start, _ = heuristic_sectors(minutes, weight, load, p, max_minutes=60.0, pairs=False)
    if start is None:
        return
    base = reoptimise_pairs(cost, minutes, allowed, load, start)
    before = float(cost[start, np.arange(n)].sum())
    after = float(cost[base, np.arange(n)].sum())
    assert after <= before + 1e-9
    assert len(np.unique(base)) == len(np.unique(start)) and (base[base] == base).all()
    assert all(load[base == j].sum() <= 1 + 1e-9 for j in np.unique(base))
    assert allowed[base, np.arange(n)].all()
    # a second pass finds nothing left to improve between neighbours
    again = reoptimise_pairs(cost, minutes, allowed, load, base)
    assert float(cost[again, np.arange(n)].sum()) == pytest.approx(after)


def test_pair_reoptimisation_brings_the_heuristic_to_the_exact_optimum():
    # 30 random 16-TPS subproblems with one spare team: cost pooled over them
    exact_sum = plain_sum = pairs_sum = 0.0
    for seed in range(30):
        minutes, load, weight = instance(seed, 16)
        cost = minutes * weight[None, :]
        p = teams_needed(load) + 1
        plain, _ = heuristic_sectors(minutes, weight, load, p, max_minutes=60.0, pairs=False)
        pairs, _ = heuristic_sectors(minutes, weight, load, p, max_minutes=60.0)
        exact = solve_sectors(cost, candidate_bases(minutes, 16, 60.0), load, p,
                              max_nodes=10_000)
        assert plain is not None and pairs is not None and exact.status == "optimal"
        exact_sum += exact.objective
        plain_sum += float(cost[plain, np.arange(16)].sum())
        pairs_sum += float(cost[pairs, np.arange(16)].sum())
    assert exact_sum / plain_sum < 0.99  # the construction alone is measurably off
    assert exact_sum / pairs_sum > 0.995  # re-solving pairs closes most of it


def test_a_tps_whose_own_minutes_exceed_the_limit_can_still_be_a_base():
    # on a route network a TPS's own travel (its connector to the network) can exceed the
    # limit; every method still plans (it was a crash of the LP relaxation's model)
    minutes, load, weight = instance(3, 12)
    minutes[0, 0] = 90.0
    for exact in (True, False):
        sol = sectors_of_group(minutes, weight, load, k=12, max_minutes=60.0,
                               max_nodes=1000, exact=exact)
        assert (sol.base[sol.base] == sol.base).all()
        assert all(load[sol.base == j].sum() <= 1 + 1e-9 for j in np.unique(sol.base))


@pytest.mark.parametrize(("seed", "n"), [(31, 10), (46, 12), (108, 8)])
def test_a_team_is_added_only_when_no_plan_with_fewer_exists(seed, n):
    # every team exactly full: the construction (regret assignment) finds no plan with p
    # teams, the feasibility MILP does, and the local search then improves it
    minutes, load, weight = instance(seed, n)
    p = teams_needed(load)
    assert load.sum() == pytest.approx(p)
    plain, _ = heuristic_sectors(minutes, weight, load, p, max_minutes=60.0)
    assert plain is None
    sol = sectors_of_group(minutes, weight, load, k=n, max_minutes=60.0, max_nodes=2000,
                           exact=False)
    assert sol.p == p and len(np.unique(sol.base)) == p
    assert all(load[sol.base == j].sum() <= 1 + 1e-9 for j in np.unique(sol.base))
    exact = solve_sectors(minutes * weight[None, :], candidate_bases(minutes, n, 60.0), load, p,
                          max_nodes=10_000)
    assert sol.objective <= exact.objective * 1.01


def test_sectors_of_group_adds_a_team_when_the_limit_leaves_none():
    # two far pairs: 1 team's worth of load but the limit needs two sectors
    pts = np.array([[0, 0], [100, 0], [50_000, 0], [50_100, 0]], float)
    minutes = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) / 1000 * 2.1
    load = np.full(4, 0.25)
    for exact in (True, False):
        sol = sectors_of_group(minutes, np.ones(4), load, k=4, max_minutes=60.0,
                               max_nodes=1000, exact=exact)
        assert sol.p == 2 and len(np.unique(sol.base)) == 2
        assert sol.base[0] == sol.base[1] and sol.base[2] == sol.base[3]


def test_subproblems_partition_each_kecamatan_into_small_groups():
    rng = np.random.default_rng(1)
    pts = rng.uniform(0, 10_000, (50, 2))
    ids = [f"T{i:02d}" for i in range(50)]
    sub = ["A"] * 30 + ["B"] * 20
    groups = subproblems(pts, ids, sub, np.full(50, 0.25), 12)
    flat = np.sort(np.concatenate(groups))
    assert flat.tolist() == list(range(50))
    assert max(len(g) for g in groups) <= 12
    assert all(len({sub[i] for i in g}) == 1 for g in groups)


def test_stretch_pattern_follows_the_order_and_limits():
    classes = np.array(["kurang_rawan"] * 8 + ["rawan"] * 2, dtype=object)
    groups = [np.arange(10)]
    st_ = stretch_pattern(classes, groups, PATTERN, 6, order=["kurang_rawan", "rawan"],
                          max_per_team={"kurang_rawan": 10, "rawan": 4}, min_officers=1)
    assert st_.per_tps["kurang_rawan"] == 8 and st_.per_tps["rawan"] == 2
    assert not st_.thinned
    # capped kurang rawan: rawan stretches next
    st2 = stretch_pattern(classes, groups, PATTERN, 6, order=["kurang_rawan", "rawan"],
                          max_per_team={"kurang_rawan": 6, "rawan": 4}, min_officers=1)
    assert st2.per_tps["kurang_rawan"] == 6 and st2.per_tps["rawan"] > 2
    load, quota = loads_and_quotas(classes, st_.per_tps, st_.officers)
    assert quota.sum() == pytest.approx(6.0) and load.sum() == pytest.approx(2.0)


def test_split_sectors_last_resort():
    pts = np.array([[0, 0], [1, 0], [100, 0], [101, 0]], float)
    base = split_sectors(pts, ["a", "b", "c", "d"], np.ones(4), 2)
    assert len(np.unique(base)) == 2 and base[0] == base[1] and base[2] == base[3]
