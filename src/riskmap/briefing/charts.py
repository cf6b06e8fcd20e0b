"""The briefing's chart: coverage of the risk weight against officers (the BKO argument)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from riskmap.briefing.strings import TEXT  # noqa: E402

LINE_COLOR = "#08519c"
NOW_COLOR = "#b30000"


def budget_curve_points(plan: Mapping[str, Any]) -> list[tuple[int, float]]:
    """Return the what-if points of ``plan.json`` as (officers, coverage %) sorted by officers.

    The what-if places the officers at posts by the maximal-covering model; the stage's own
    plan (its tasks) is another thing and is drawn apart (:func:`plan_point`).

    Examples
    --------
    >>> budget_curve_points({"budget_curve": {"points": [
    ...     {"personnel": 200, "covered_weight_share": 0.9},
    ...     {"personnel": 100, "covered_weight_share": 0.6}]}})
    [(100, 60.0), (200, 90.0)]
    """
    curve = plan.get("budget_curve") or {}
    raw: Sequence[Mapping[str, Any]] = curve.get("points", []) if isinstance(curve, Mapping) else []
    points = {}
    for p in raw:
        try:
            points[int(p["personnel"])] = round(100.0 * float(p["covered_weight_share"]), 1)
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(points.items())


def plan_point(plan: Mapping[str, Any]) -> tuple[int, float] | None:
    """The stage plan's own (officers assigned, coverage %), or None when ``plan.json`` lacks it.

    Examples
    --------
    >>> plan_point({"personnel_assigned": 120, "covered_weight_share": 0.574})
    (120, 57.4)
    >>> plan_point({}) is None
    True
    """
    assigned, share = plan.get("personnel_assigned"), plan.get("covered_weight_share")
    try:
        return int(assigned), round(100.0 * float(share), 1)
    except (TypeError, ValueError):
        return None


def budget_curve_svg(
    points: Sequence[tuple[int, float]], *, current: int | None, family: str,
    plan: tuple[int, float] | None = None,
) -> str:
    """Draw the what-if coverage-vs-officers curve, and the stage plan's own coverage as a
    separate marked point (``plan``), and return it as an SVG document (text).

    The SVG carries no date and a fixed id salt, so the same points give the same text.
    """
    fig = Figure(figsize=(9.0, 4.2), dpi=100, facecolor="white")
    ax = fig.add_axes((0.09, 0.15, 0.88, 0.8))
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    ax.plot(xs, ys, color=LINE_COLOR, linewidth=2.5, marker="o", markersize=7, zorder=3)
    for x, y in points:
        ax.annotate(f"{y:g} %".replace(".", ","), (x, y), xytext=(-7, 7),
                    textcoords="offset points", ha="right", fontsize=11, family=family)
    if plan is not None:
        ax.plot([plan[0]], [plan[1]], linestyle="none", marker="D", markersize=10,
                color=NOW_COLOR, zorder=4)
        ax.annotate(f"{TEXT['budget_curve_plan']}: {plan[1]:g} %".replace(".", ","), plan,
                    xytext=(8, -14), textcoords="offset points", color=NOW_COLOR,
                    fontsize=11, family=family)
    if current is not None:
        ax.axvline(current, color=NOW_COLOR, linestyle="--", linewidth=1.8, zorder=2)
        ax.annotate(f"{TEXT['budget_curve_now']}: {current}", (current, 3), xytext=(6, 0),
                    textcoords="offset points", color=NOW_COLOR, fontsize=11, family=family)
    ax.set_ylim(0, 108)
    ax.set_xlim(0, max(xs + [current or 0]) * 1.08 if xs else 1)
    ax.set_xlabel(TEXT["budget_curve_x"], fontsize=12, family=family)
    ax.set_ylabel(TEXT["budget_curve_y"], fontsize=12, family=family)
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(family)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "riskmap", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
