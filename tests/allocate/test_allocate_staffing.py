"""Staffing rules: ratio presets, the reserve, whole officers per post."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskmap.config import section_settings
from riskmap.staffing import (
    largest_remainder,
    ratio_table,
    reserve_officers,
    staff_posts,
    tps_requirements,
    venue_requirements,
)


def test_default_preset_is_the_2019_national_pattern():
    staffing = section_settings({}, "allocation")["staffing"]
    assert staffing["preset"] == "national_2019"
    assert ratio_table(staffing) == {"kurang_rawan": 0.5, "rawan": 2.0, "sangat_rawan": 3.0}


@pytest.mark.parametrize(("preset", "expected"), [
    ("papua_barat_2024", {"kurang_rawan": 0.25, "rawan": 0.5, "sangat_rawan": 2.0}),
    ("gunung_mas_2019", {"kurang_rawan": 0.4, "rawan": 1.0, "sangat_rawan": 1.0}),
    ("jakarta_barat_2024", {"kurang_rawan": 0.125, "rawan": 0.125, "sangat_rawan": 0.125}),
])
def test_other_presets(preset, expected):
    staffing = section_settings({"staffing": {"preset": preset}}, "allocation")["staffing"]
    assert ratio_table(staffing) == pytest.approx(expected)


def test_own_preset_from_config():
    own = {"kurang_rawan": {"officers": 1, "per_tps": 3}, "rawan": {"officers": 2, "per_tps": 1},
           "sangat_rawan": {"officers": 4, "per_tps": 1}}
    staffing = section_settings({"staffing": {"preset": "kapuas_2024",
                                              "presets": {"kapuas_2024": own}}},
                                "allocation")["staffing"]
    assert ratio_table(staffing) == pytest.approx(
        {"kurang_rawan": 1 / 3, "rawan": 2.0, "sangat_rawan": 4.0})
    assert "national_2019" in staffing["presets"]  # the built-in presets remain


def test_requirements_per_tps_and_venue():
    ratios = {"kurang_rawan": 0.5, "rawan": 2.0, "sangat_rawan": 3.0}
    req = tps_requirements(["rawan", "kurang_rawan", "sangat_rawan", "unknown"], ratios=ratios)
    assert req.tolist() == [2.0, 0.5, 3.0, 0.5]
    v = venue_requirements([300, np.nan, 50], officers_per_100_crowd=2, min_officers=2)
    assert v.tolist() == [6.0, 2.0, 2.0]


def test_reserve_rounds_half_up_and_never_exceeds_budget():
    assert reserve_officers(193, share=0.2) == 39   # 38.6
    assert reserve_officers(15, share=0.1) == 2     # 1.5
    assert reserve_officers(5, share=1.0) == 5
    assert reserve_officers(0, share=0.3) == 0


@given(quotas=st.lists(st.floats(min_value=0, max_value=50), min_size=1, max_size=30),
       total=st.integers(min_value=0, max_value=500))
def test_largest_remainder_sums_to_total_and_stays_within_one(quotas, total):
    out = largest_remainder(quotas, total)
    assert out.sum() == total
    assert (out >= 0).all()
    q = np.asarray(quotas)
    scaled = q / q.sum() * total if q.sum() > 0 else np.full(len(q), total / len(q))
    assert (np.abs(out - scaled) < 1 + 1e-9).all()


def test_staff_posts_meets_the_table_when_the_budget_allows():
    s = staff_posts([0.5, 3.5, 6.0], team_size=2, available=20)
    # max(team, requirement) = 2, 3.5, 6 -> 11.5, rounded up to 12 by largest remainder
    assert s.personnel.tolist() == [2, 4, 6]
    assert s.shortfall == 0 and s.relaxed == []


def test_staff_posts_scales_down_keeping_a_team_and_reports_the_shortfall():
    s = staff_posts([2.0, 10.0, 6.0], team_size=2, available=10)
    assert s.personnel.sum() == 10
    assert (s.personnel >= 2).all()
    assert s.personnel.tolist() == [2, 5, 3]  # extra 4 shared 0 : 8 : 4
    assert s.shortfall == 8
    assert s.relaxed[0]["rule"] == "ratio" and s.relaxed[0]["shortfall"] == 8


def test_staff_posts_refuses_more_posts_than_teams():
    with pytest.raises(ValueError, match="3 posts of 2 need 6 officers"):
        staff_posts([1, 1, 1], team_size=2, available=5)
