"""The briefing's pure parts: labels without overlap, class changes, tasks, curve, CSS text."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from riskmap.briefing import (  # noqa: E402
    budget_curve_points,
    budget_curve_svg,
    class_changes,
    markers_from_plan,
    plan_point,
    tasks_per_polsek,
)
from riskmap.briefing.pdf import css_string  # noqa: E402
from riskmap.briefing.static_map import nice_scale_length, place_labels  # noqa: E402


def test_crowded_labels_do_not_overlap():
    fig = Figure(figsize=(8, 6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    labels = pd.DataFrame({"x": [50, 50.5, 51, 49, 50], "y": [50, 50, 51, 49.5, 52],
                           "text": ["KAHAYAN HULU UTARA", "RUNGAN HULU", "TEWAH", "KURUN",
                                    "MIRI MANASA"]})
    artists = place_labels(ax, labels, fontsize=14, family="DejaVu Sans")
    renderer = fig.canvas.get_renderer()
    boxes = [a.get_window_extent(renderer) for a in artists]
    assert len(boxes) == 5
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def _crowded_frame(xmax: float = 100):
    fig = Figure(figsize=(8, 6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, 100)
    return fig, ax


def _placed(artists) -> list[tuple]:
    return [(a.get_text(), tuple(np.round(a.xyann, 9)), a.get_fontsize()) for a in artists]


def test_labels_on_the_same_frame_are_placed_as_the_first_time(monkeypatch):
    from riskmap.briefing import static_map

    labels = pd.DataFrame({"x": [50, 50.5, 51, 49, 50, 50.2], "y": [50, 50, 51, 49.5, 52, 50.5],
                           "text": ["KAHAYAN HULU UTARA", "RUNGAN HULU", "TEWAH", "KURUN",
                                    "MIRI MANASA", "SEPANG"]})
    monkeypatch.setattr(static_map, "_PLACEMENTS", {})
    fresh = _placed(place_labels(_crowded_frame()[1], labels, fontsize=30, family="DejaVu Sans"))
    assert len(static_map._PLACEMENTS) == 1
    assert len({offset for _, offset, _ in fresh}) > 1  # crowded: labels moved off anchors
    again = _placed(place_labels(_crowded_frame()[1], labels, fontsize=30, family="DejaVu Sans"))
    assert again == fresh
    assert len(static_map._PLACEMENTS) == 1
    # another frame is another placement, found afresh
    place_labels(_crowded_frame(xmax=60)[1], labels, fontsize=30, family="DejaVu Sans")
    assert len(static_map._PLACEMENTS) == 2


def test_scale_bar_length_is_round():
    for span in (3_000, 47_000, 180_000, 1_200_000):
        length = nice_scale_length(span)
        assert length <= span / 5 + 1e-9
        assert str(int(length)).strip("0") in {"1", "2", "5"}


def test_class_changes_largest_first_with_their_factors():
    now = pd.DataFrame({
        "village_code": ["a", "b", "c", "d"], "village_name": ["A", "B", "C", "D"],
        "subdistrict_name": ["K"] * 4, "risk_score": [90.0, 50.0, 10.0, 60.0],
        "risk_class": ["sangat_rawan", "rawan", "kurang_rawan", "rawan"],
        "top_factors": ["f1; f2; f3", "g1; g2", "h1", "i1"],
    })
    before = pd.DataFrame({"village_code": ["a", "b", "c", "d"],
                           "risk_class": ["kurang_rawan", "kurang_rawan", "rawan", "rawan"]})
    out = class_changes(now, before, max_factors=2)
    assert out["village_code"].tolist() == ["a", "b", "c"]
    assert out["step"].tolist() == [2, 1, -1]
    assert out["factors"].iloc[0] == "f1; f2"
    assert class_changes(now, None, max_factors=2).empty


def test_tasks_per_polsek_sums_every_day_and_kind():
    tasks = pd.DataFrame({
        "task_id": ["T1", "T1", "T2", "T3"], "date": ["d1", "d2", "d1", "d1"],
        "task": ["tps_team", "tps_team", "patrol", "reserve"], "personnel": [2, 2, 3, 10],
        "unit_id": ["S1", "S1", "S1", "R"], "lat": [0, 0, 0, 0], "lon": [0, 0, 0, 0],
    })
    units = pd.DataFrame({"unit_id": ["S1", "R"], "name": ["Polsek Satu", "Polres"]})
    table, from_tasks = tasks_per_polsek(tasks, pd.DataFrame(), units)
    assert from_tasks
    rows = table.set_index("Satuan")
    assert rows.loc["Polres", "Personel"] == 10 and rows.loc["Polsek Satu", "Personel"] == 7
    assert rows.loc["Polsek Satu", "Tim TPS"] == 4 and rows.loc["Polsek Satu", "Tugas"] == 2
    assert rows.loc["Jumlah", "Personel"] == 17 and rows.loc["Jumlah", "Tugas"] == 3
    markers = markers_from_plan(tasks, pd.DataFrame())
    assert set(markers["task"]) == {"tps_team", "reserve"}  # patrols are lines
    assert markers.loc[markers["task"] == "tps_team", "personnel"].tolist() == [2]


def test_budget_curve_svg_is_stable_and_dateless():
    plan = {"budget_curve": {"points": [{"personnel": 50, "covered_weight_share": 0.4},
                                        {"personnel": 150, "covered_weight_share": 0.9}]},
            "personnel_assigned": 100, "covered_weight_share": 0.7}
    points = budget_curve_points(plan)
    # the what-if curve alone: the plan's own coverage is another measure, drawn apart
    assert points == [(50, 40.0), (150, 90.0)]
    assert plan_point(plan) == (100, 70.0)
    a = budget_curve_svg(points, current=100, family="DejaVu Sans", plan=plan_point(plan))
    b = budget_curve_svg(points, current=100, family="DejaVu Sans", plan=plan_point(plan))
    assert a == b and "<svg" in a and "dc:date" not in a
    assert "Rencana tahap ini: 70 %" in a
    assert "Rencana tahap ini" not in budget_curve_svg(points, current=100,
                                                       family="DejaVu Sans")
    assert budget_curve_points({"budget_curve": {"points": [{"personnel": "x"}]}}) == []


def test_css_string_cannot_break_out_of_the_stylesheet():
    text = str(css_string('Kab. "X"; } body { display: none } </style>'))
    assert text.startswith('"') and text.endswith('"') and text.count('"') == 2
    assert "</style>" not in text and "<" not in text


def test_reserve_ladder_from_a_plan_without_escalation():
    units = pd.DataFrame({"unit_id": ["R"], "name": ["Polres Uji"]})
    plan = {"reserve": {"officers": 20, "site_id": "R",
                        "tahapan_eskalasi": ["1. Polsek", "2. Polres", "3. Dalmas"]}}
    from riskmap.briefing import reserve_ladder

    ladder = reserve_ladder(plan, units)
    assert ladder == {"steps": ["1. Polsek", "2. Polres", "3. Dalmas"], "officers": 20,
                      "site": "Polres Uji"}
    assert reserve_ladder({}, units)["steps"] == []
