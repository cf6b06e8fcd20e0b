"""The Bahasa Indonesia reasons."""

from __future__ import annotations

import numpy as np

from riskmap.factors import NO_FACTOR, factor_phrase, top_factors_text, tps_notes


def test_top_factors_shares_order_and_cut():
    rows = [{"inc_recent": 3, "n_unrest": 5, "venue": 0.4, "venue_kind": "campaign_site",
             "venue_crowd": 1000.0, "voters": 1200.0}, {"voters": 10.0}]
    contributions = np.array([[0.41, 0.25, -0.3, 0.02], [-0.1, -0.2, 0.0, 0.0]])
    names = ["inc_unrest", "venue", "voters", "police_km"]
    out = top_factors_text(contributions, names, rows, stage="campaign", n_factors=3,
                           min_share=0.05)
    assert out[0] == ("5 insiden kericuhan/unjuk rasa dalam 5 tahun terakhir, 3 dalam 90 hari "
                      "terakhir (60%); dekat lokasi kampanye aktif pada tahap ini "
                      "(kerumunan ±1.000 orang) (37%)")
    assert out[1] == NO_FACTOR


def test_phrases_follow_the_direction():
    row = {"police_km": 12.34, "area_km2": 0.8, "close_contest": 0.96, "hard_to_reach": 0.5}
    kw = {"stage": "voting", "recent_days": 90, "history_days": 1825}
    assert factor_phrase("police_km", row, higher=True, **kw) == \
        "jauh dari kantor polisi (12,3 km)"
    assert "dekat pusat kecamatan" in factor_phrase("police_km", row, higher=False, **kw)
    assert factor_phrase("area_km2", row, higher=False, **kw) == "wilayah kecil (0,8 km²)"
    assert "selisih suara 4%" in factor_phrase("close_contest", row, higher=True, **kw)
    assert factor_phrase("hard_to_reach", row, **kw) == "50% TPS sulit dijangkau"


def test_tps_notes():
    notes = tps_notes(hard_to_reach=True, special=False, last_margin=0.03,
                      near_venue_kind="kpu_office")
    assert notes == ["TPS sulit dijangkau",
                     "selisih suara tipis di TPS ini pada pemilu lalu (3%)",
                     "TPS dalam 500 m dari kantor KPU yang aktif"]
    assert tps_notes(hard_to_reach=False, special=False, last_margin=float("nan"),
                     near_venue_kind=None) == []
