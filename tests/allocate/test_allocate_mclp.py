"""The covering problem: sparse coverage sets, exact MILP, greedy+swap."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from riskmap.planner.coverage import (
    _cbc_log_summary,
    coverage_sets,
    covered_weight,
    greedy_swap,
    solve_mclp,
)


def brute_force(cover, w, p, forced=()):
    """The optimum by trying every set of p sites (tiny instances only)."""
    m = cover.shape[1]
    free = [j for j in range(m) if j not in forced]
    best = 0.0
    for k in range(0, max(0, p - len(forced)) + 1):
        for combo in combinations(free, k):
            best = max(best, covered_weight(cover, w, list(forced) + list(combo)))
    return best


def random_instance(seed, n=12, m=9, size=10_000.0):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, size, (n, 2))
    s = rng.uniform(0, size, (m, 2))
    w = rng.gamma(1.0, 1.0, n)
    return d, s, w


def test_coverage_sets_match_a_brute_force_distance_check():
    d, s, _ = random_instance(1, n=40, m=30)
    cov = coverage_sets(d, s, radius_m=2500.0).toarray()
    assert (cov == (cdist(d, s) <= 2500.0)).all()


def test_restricted_demand_is_covered_only_by_its_own_site_or_the_river_radius():
    d = np.array([[0.0, 0.0], [1000.0, 0.0], [200.0, 0.0]])
    s = np.array([[0.0, 0.0], [1500.0, 0.0], [5000.0, 0.0]])
    own = np.array([-1, 1, 2])  # demand 2 "is" site 2 (its own TPS) whatever the coordinates
    cov = coverage_sets(d, s, radius_m=3000.0, restricted=np.array([False, True, True]),
                        restricted_radius_m=0.0, own_site=own).toarray()
    assert cov.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    cov = coverage_sets(d, s, radius_m=3000.0, restricted=np.array([False, True, True]),
                        restricted_radius_m=1000.0, own_site=own).toarray()
    assert cov[1].tolist() == [1, 1, 0]
    assert cov[2].tolist() == [1, 0, 1]


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 100_000), p=st.integers(1, 4), radius=st.sampled_from([1500, 3000]))
def test_exact_solver_matches_brute_force(seed, p, radius):
    d, s, w = random_instance(seed)
    cov = coverage_sets(d, s, radius_m=float(radius))
    sol = solve_mclp(cov, w, p, max_nodes=None)
    assert sol.objective == pytest.approx(brute_force(cov, w, p), rel=1e-9, abs=1e-9)
    assert len(sol.chosen) <= p
    assert sol.objective == pytest.approx(covered_weight(cov, w, sol.chosen))
    if sol.name == "cbc":
        assert sol.status == "optimal" and sol.gap == 0.0


def test_forced_sites_are_kept():
    d, s, w = random_instance(5)
    cov = coverage_sets(d, s, radius_m=3000.0)
    sol = solve_mclp(cov, w, 3, forced=[7, 8])
    assert {7, 8} <= set(sol.chosen.tolist())
    assert sol.objective == pytest.approx(brute_force(cov, w, 3, forced=(7, 8)))
    heur = greedy_swap(cov, w, 3, forced=[7, 8])
    assert {7, 8} <= set(heur.tolist())
    with pytest.raises(ValueError, match="forced"):
        solve_mclp(cov, w, 1, forced=[7, 8])


def test_greedy_swap_improves_on_plain_greedy():
    # Greedy takes the middle site (weight 3) first and then one side (2): 5.
    # Two sides cover 2 + 2 + 2 (middle demand covered by both sides): 6.
    import scipy.sparse as sp

    cover = sp.csr_matrix(np.array([
        [1, 0, 0],   # left demand, weight 2: only the left site
        [1, 1, 1],   # middle demand, weight 2.5: every site
        [0, 0, 1],   # right demand, weight 2: only the right site
        [1, 1, 0],   # 0.6 near the left, also seen from the middle site
        [0, 1, 1],   # 0.6 near the right, also seen from the middle site
    ]))
    w = np.array([2.0, 2.5, 2.0, 0.6, 0.6])
    chosen = greedy_swap(cover, w, 2)
    assert covered_weight(cover, w, chosen) == pytest.approx(7.7)
    assert chosen.tolist() == [0, 2]


def test_trivial_instances():
    import scipy.sparse as sp

    sol = solve_mclp(sp.csr_matrix((3, 2)), np.ones(3), 2)
    assert sol.status == "trivial" and sol.objective == 0.0 and sol.gap == 0.0
    sol = solve_mclp(sp.csr_matrix(np.eye(2)), np.ones(2), 0)
    assert sol.chosen.tolist() == [] and sol.objective == 0.0


def test_cbc_log_parsing():
    done = "Cbc0001I Search completed - best objective -26.66, took 41 iterations"
    assert _cbc_log_summary(done)[0] == "optimal"
    partial = ("Cbc0010I ...\nPartial search - best objective -50 (best possible -52.5), "
               "took 1000 iterations")
    status, bound = _cbc_log_summary(partial)
    assert status == "node_limit" and bound == pytest.approx(52.5)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 100_000), p=st.integers(0, 6))
def test_lazy_greedy_chooses_what_plain_greedy_chooses(seed, p):
    from riskmap.planner.coverage import lazy_greedy

    d, s, w = random_instance(seed, n=40, m=20)
    cov = coverage_sets(d, s, radius_m=2500.0)
    lazy = lazy_greedy(cov, w, p)
    plain = greedy_swap(cov, w, p, max_sweeps=0)
    assert covered_weight(cov, w, lazy) == pytest.approx(covered_weight(cov, w, plain))
