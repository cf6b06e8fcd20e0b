"""The static map for slides (``map.png``): geopandas + matplotlib, no browser, no network.

One figure: the map on the left (villages by class, kecamatan boundaries and names, TPS, the
plan's posts or tasks sized by officers, patrol and escort lines, police units, scale bar and
north arrow) and a panel on the right (marking, title block, legend). Drawn with the Agg
backend at a fixed size and dpi, saved without a timestamp or software tag: the same inputs
give the same PNG bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.patheffects as pe  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrow, Patch, Rectangle  # noqa: E402
from PIL import Image  # noqa: E402

from riskmap.briefing.strings import TASK_LABELS, TEXT  # noqa: E402
from riskmap.maps.strings import CLASS_LABELS, CLASS_ORDER  # noqa: E402

POST_COLOR = "#08519c"
PATROL_COLOR = "#08519c"
ESCORT_COLOR = "#6a3d9a"
NO_CLASS_COLOR = "#d9d9d9"
MARKING_COLOR = "#b30000"
TASK_MARKERS = {"tps_team": "o", "venue_guard": "s", "reserve": "*", "patrol": "D",
                "escort": "^"}


@dataclass(frozen=True)
class RenderedMap:
    """The static map as files: ``png`` (map.png) and ``jpeg`` (the copy the PDF embeds).

    WeasyPrint copies a JPEG into the PDF as it is, while a PNG is decoded and re-encoded:
    the JPEG keeps the PDF step quick.
    """

    png: bytes
    jpeg: bytes


@dataclass(frozen=True)
class MapTitle:
    """What the title block says.

    Attributes
    ----------
    region : str
        Region name (``region.yaml`` ``name``).
    stage_label : str
        The stage in Bahasa Indonesia (e.g. ``Pemungutan Suara``).
    as_of : str
        The as-of date, already formatted (``14 Februari 2024``).
    window : str
        The stage window, formatted (``14 Februari 2024 s.d. 14 Februari 2024``).
    marking : str
        Security marking (``TERBATAS``).
    synthetic : bool
        Whether the region's data are synthetic (adds the DATA SINTETIS line).
    """

    region: str
    stage_label: str
    as_of: str
    window: str
    marking: str
    synthetic: bool


def nice_scale_length(span_m: float) -> float:
    """Return a round scale-bar length (1, 2 or 5 x 10^k metres) near a fifth of ``span_m``.

    Examples
    --------
    >>> nice_scale_length(100_000)
    20000.0
    >>> nice_scale_length(37_000)
    5000.0
    """
    target = max(span_m / 5.0, 1.0)
    power = 10 ** np.floor(np.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return float(step * power)
    return float(power)


def _overlaps(box, boxes) -> bool:
    return any(box.overlaps(b) for b in boxes)


#: Label offsets (points) a label tries, its anchor first, then rings around it.
LABEL_OFFSETS = [(0, 0)] + [
    (r * np.cos(a), r * np.sin(a))
    for r in (14, 28, 42, 56, 70, 84)
    for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)
]

#: Placements already found in this process (the index in :data:`LABEL_OFFSETS` of each
#: label, None for one written smaller at its anchor), keyed on everything they depend on:
#: the five stage maps of a region place the same kecamatan names on the same frame.
_PLACEMENTS: dict[tuple, list[int | None]] = {}
_PLACEMENTS_KEPT = 8


def placement_key(ax, order: pd.DataFrame, *, fontsize: float, family: str,
                  avoid: list) -> tuple:
    """What a label placement depends on: the labels, their font, the boxes to avoid and
    the axes' frame on the figure (data-to-pixel transform, figure size and dpi)."""
    fig = ax.figure
    return (
        tuple(zip(order["text"], order["x"], order["y"], strict=True)),
        float(fontsize), str(family),
        tuple(tuple(np.asarray(b.bounds, float)) for b in avoid),
        ax.transData.get_affine().get_matrix().tobytes(),
        tuple(ax.bbox.bounds), tuple(fig.get_size_inches()), float(fig.dpi),
    )


def place_labels(
    ax, labels: pd.DataFrame, *, fontsize: float, family: str, avoid: list | None = None
) -> list:
    """Write ``labels`` (``x``, ``y``, ``text``) on ``ax`` so that no two overlap.

    Each label tries its anchor, then a ring of offsets; the first position whose box
    overlaps no placed label (nor a box in ``avoid``) wins. A label that fits nowhere is
    written smaller at its anchor rather than dropped. Larger labels are placed first. The
    same labels on the same frame are placed as the first time (found once per process).

    Returns
    -------
    list
        The drawn text artists.
    """
    renderer = ax.figure.canvas.get_renderer()
    placed_boxes = list(avoid or [])
    halo = [pe.withStroke(linewidth=4, foreground="white")]
    artists = []
    order = labels.assign(_len=labels["text"].str.len()).sort_values(
        ["_len", "text"], ascending=[False, True], kind="stable"
    )
    key = placement_key(ax, order, fontsize=fontsize, family=family, avoid=placed_boxes)
    known = _PLACEMENTS.get(key)
    found: list[int | None] = []
    for k, row in enumerate(order.itertuples()):
        chosen = None
        # one label artist tried at each offset in turn (moving it measures what a new
        # artist at that offset would); a known placement tries only its answer
        text = ax.annotate(
            row.text, (row.x, row.y), xytext=LABEL_OFFSETS[0], textcoords="offset points",
            ha="center", va="center", fontsize=fontsize, family=family,
            fontweight="bold", color="#222222", path_effects=halo, zorder=8,
        )
        tries = range(len(LABEL_OFFSETS)) if known is None else [
            i for i in (known[k],) if i is not None]
        for i in tries:
            text.xyann = LABEL_OFFSETS[i]
            box = text.get_window_extent(renderer).expanded(1.05, 1.15)
            if known is not None or not _overlaps(box, placed_boxes):
                chosen = (text, box)
                found.append(i)
                break
        if chosen is None:
            text.remove()
            text = ax.annotate(
                row.text, (row.x, row.y), ha="center", va="center", fontsize=fontsize * 0.75,
                family=family, fontweight="bold", color="#222222", path_effects=halo, zorder=8,
            )
            chosen = (text, text.get_window_extent(renderer))
            found.append(None)
        placed_boxes.append(chosen[1])
        artists.append(chosen[0])
    remember_placement(key, found)
    return artists


def remember_placement(key: tuple, found: list[int | None]) -> None:
    """Keep a label placement for the next map with the same labels and frame."""
    if key not in _PLACEMENTS and len(_PLACEMENTS) >= _PLACEMENTS_KEPT:
        _PLACEMENTS.pop(next(iter(_PLACEMENTS)))
    _PLACEMENTS[key] = found


def _scale_bar(ax, *, fontsize: float, family: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_scale_length(x1 - x0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    half = length / 2
    ax.add_patch(Rectangle((bx, by), half, h, facecolor="black", edgecolor="black", zorder=9))
    ax.add_patch(Rectangle((bx + half, by), half, h, facecolor="white", edgecolor="black",
                           zorder=9))
    halo = [pe.withStroke(linewidth=3, foreground="white")]
    for frac in (0, 0.5, 1):
        ax.text(bx + frac * length, by + 1.6 * h, f"{frac * length / 1000:g}".replace(".", ","),
                ha="center",
                va="bottom", fontsize=fontsize * 0.8, family=family, zorder=9,
                path_effects=halo)
    ax.text(bx + length + 0.01 * (x1 - x0), by + h / 2, TEXT["km"], ha="left", va="center",
            fontsize=fontsize * 0.8, family=family, zorder=9, path_effects=halo)


def _north_arrow(ax, *, fontsize: float, family: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x1 - 0.06 * (x1 - x0), y1 - 0.14 * (y1 - y0)
    length = 0.07 * (y1 - y0)
    ax.add_patch(FancyArrow(x, y, 0, length, width=0.012 * (x1 - x0),
                            head_width=0.035 * (x1 - x0), head_length=0.035 * (y1 - y0),
                            length_includes_head=True, color="black", zorder=9))
    ax.text(x, y - 0.01 * (y1 - y0), TEXT["north"], ha="center", va="top",
            fontsize=fontsize * 1.2, fontweight="bold", family=family, zorder=9,
            path_effects=[pe.withStroke(linewidth=3, foreground="white")])


def marker_sizes(personnel: pd.Series, *, per_officer: float, minimum: float) -> np.ndarray:
    """Marker areas (square points): ``minimum`` plus ``per_officer`` for each officer.

    Examples
    --------
    >>> marker_sizes(pd.Series([2, 10]), per_officer=10.0, minimum=50.0).tolist()
    [70.0, 150.0]
    """
    officers = np.clip(pd.to_numeric(personnel, errors="coerce").fillna(1).to_numpy(), 1, None)
    return minimum + officers.astype(float) * per_officer


def render_static_map(
    areas: gpd.GeoDataFrame,
    area_risk: pd.DataFrame,
    tps_risk: pd.DataFrame,
    markers: pd.DataFrame,
    units: pd.DataFrame,
    *,
    movements: gpd.GeoDataFrame | None,
    title: MapTitle,
    crs: Any,
    class_colors: Mapping[str, str],
    settings: Mapping[str, Any],
    markers_are_tasks: bool,
    figures: Sequence[Mapping[str, Any]] = (),
) -> RenderedMap:
    """Draw the stage's static map and return it as PNG (and JPEG) bytes.

    Parameters
    ----------
    areas : GeoDataFrame
        Village polygons (any CRS, already simplified if wanted): ``village_code``,
        ``subdistrict_name``.
    area_risk : DataFrame
        ``village_code``, ``risk_class``.
    tps_risk : DataFrame
        ``lat``, ``lon``, ``risk_class``; optional ``hard_to_reach``.
    markers : DataFrame
        What the plan posts: ``lat``, ``lon``, ``personnel``, ``task`` (a tasks.csv kind, or
        ``post`` for the posts of ``posts.csv``).
    units : DataFrame
        Police units: ``kind``, ``lat``, ``lon``.
    movements : GeoDataFrame or None
        Patrol and escort lines (``task``), any CRS.
    title : MapTitle
        The title block.
    crs
        Projected CRS (metres) the map is drawn in.
    class_colors : mapping
        Fill colour per risk class (``map.class_colors``).
    settings : mapping
        The ``briefing`` config section.
    markers_are_tasks : bool
        Whether ``markers`` are the planner's tasks (legend per task kind) or posts.
    figures : sequence of mapping
        Key figures (``label``, ``text``, ``alert``, as from
        :func:`riskmap.briefing.tables.key_figures`), written in the room the map leaves
        beside it (a tall region leaves a column; a wide one leaves none and gets none).

    Returns
    -------
    RenderedMap
        The PNG file, and a JPEG of the same pixels (``briefing.pdf_map_jpeg_quality``).
    """
    family = settings["font_family"]
    text_pt, label_pt = float(settings["text_pt"]), float(settings["label_pt"])
    dpi = int(settings["dpi"])
    fig = Figure(figsize=(settings["width_px"] / dpi, settings["height_px"] / dpi), dpi=dpi,
                 facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.005, 0.01, 0.70, 0.98))
    panel = fig.add_axes((0.715, 0.0, 0.285, 1.0))
    panel.set_axis_off()
    ax.set_axis_off()

    villages = areas.to_crs(crs).merge(
        area_risk[["village_code", "risk_class"]], on="village_code", how="left"
    )
    colors = villages["risk_class"].map(dict(class_colors)).fillna(NO_CLASS_COLOR)
    villages.plot(ax=ax, color=colors.tolist(), edgecolor="#7f7f7f", linewidth=0.4, zorder=1)
    kecamatan = villages.dissolve(by="subdistrict_name", as_index=False, sort=True)
    kecamatan.boundary.plot(ax=ax, color="#252525", linewidth=1.6, zorder=2)
    gpd.GeoSeries([villages.union_all()], crs=crs).boundary.plot(
        ax=ax, color="black", linewidth=2.6, zorder=2
    )

    if len(tps_risk):
        tps = gpd.GeoDataFrame(
            tps_risk, geometry=gpd.points_from_xy(tps_risk["lon"], tps_risk["lat"]),
            crs="EPSG:4326",
        ).to_crs(crs)
        hard = (tps["hard_to_reach"].astype(str).str.lower().isin(["true", "1"])
                if "hard_to_reach" in tps else pd.Series(False, index=tps.index))
        ax.scatter(tps.geometry.x[~hard], tps.geometry.y[~hard], s=9, c="#252525",
                   linewidths=0, zorder=4)
        ax.scatter(tps.geometry.x[hard], tps.geometry.y[hard], s=40, facecolors="white",
                   edgecolors="#252525", linewidths=1.4, marker="D", zorder=4)

    if movements is not None and len(movements):
        lines = movements.to_crs(crs)
        for kind, color, style in (("patrol", PATROL_COLOR, (0, (4, 2))),
                                   ("escort", ESCORT_COLOR, "solid")):
            sel = lines[lines["task"].astype(str) == kind]
            if len(sel):
                sel.plot(ax=ax, color=color, linewidth=2.6, linestyle=style, zorder=5)

    if len(units):
        u = gpd.GeoDataFrame(
            units, geometry=gpd.points_from_xy(units["lon"], units["lat"]), crs="EPSG:4326"
        ).to_crs(crs)
        polsek = u[u["kind"] == "polsek"]
        polres = u[u["kind"] == "polres"]
        ax.scatter(polsek.geometry.x, polsek.geometry.y, s=110, marker="^", c="black",
                   edgecolors="white", linewidths=1.2, zorder=6)
        ax.scatter(polres.geometry.x, polres.geometry.y, s=260, marker="s", c="black",
                   edgecolors="white", linewidths=1.5, zorder=6)

    per_officer = float(settings["post_marker_pt2_per_officer"])
    minimum = float(settings["post_marker_min_pt2"])
    if len(markers):
        m = gpd.GeoDataFrame(
            markers, geometry=gpd.points_from_xy(markers["lon"], markers["lat"]),
            crs="EPSG:4326",
        ).to_crs(crs)
        sizes = marker_sizes(m["personnel"], per_officer=per_officer, minimum=minimum)
        m = m.assign(_s=sizes).sort_values("_s", ascending=False, kind="stable")
        for kind, group in m.groupby("task", sort=True):
            ax.scatter(group.geometry.x, group.geometry.y, s=group["_s"],
                       marker=TASK_MARKERS.get(str(kind), "o"), facecolors=POST_COLOR,
                       edgecolors="white", linewidths=1.0, alpha=0.75, zorder=7)

    ax.set_aspect("equal")
    ax.set_anchor("E")
    x0, y0, x1, y1 = villages.total_bounds
    pad = 0.03 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)

    reps = kecamatan.geometry.representative_point()
    labels = pd.DataFrame({"x": reps.x.to_numpy(), "y": reps.y.to_numpy(),
                           "text": kecamatan["subdistrict_name"].astype(str).str.upper()})
    place_labels(ax, labels, fontsize=label_pt, family=family)
    _scale_bar(ax, fontsize=text_pt, family=family)
    _north_arrow(ax, fontsize=text_pt, family=family)

    _draw_figures(fig, ax, figures, settings=settings)
    _draw_panel(panel, title=title, villages=villages, class_colors=class_colors,
                markers=markers, movements=movements, settings=settings,
                markers_are_tasks=markers_are_tasks)

    return encode_canvas(fig, jpeg_quality=int(settings["pdf_map_jpeg_quality"]))


def encode_canvas(fig: Figure, *, jpeg_quality: int) -> RenderedMap:
    """Draw ``fig`` once and encode its pixels as PNG and JPEG.

    The figure is opaque (white), so both are RGB: the PNG without the alpha channel
    matplotlib's own writer keeps is smaller and faster to compress, and carries no
    ``Software`` text. Pixels are identical to ``savefig``'s at the figure's dpi.
    """
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]))
    png, jpeg = io.BytesIO(), io.BytesIO()
    image.save(png, format="PNG")
    image.save(jpeg, format="JPEG", quality=jpeg_quality, optimize=False)
    return RenderedMap(png=png.getvalue(), jpeg=jpeg.getvalue())


def _draw_figures(fig, ax, figures: Sequence[Mapping[str, Any]], *,
                  settings: Mapping[str, Any]) -> None:
    """Key figures in the column left of the map, when the map leaves one wide enough."""
    ax.apply_aspect()
    free = ax.get_position().x0
    if not figures or free < 0.16:
        return
    family = settings["font_family"]
    text_pt = float(settings["text_pt"])
    fig.text(0.015, 0.965, TEXT["key_figures"].upper(), fontsize=text_pt, fontweight="bold",
             va="top", family=family)
    step = min(0.86 / len(figures), 0.11)
    y = 0.91
    for f in figures:
        color = MARKING_COLOR if f.get("alert") else "#111111"
        fig.text(0.015, y, str(f["text"]), fontsize=text_pt * 1.6, fontweight="bold",
                 color=color, va="top", family=family)
        fig.text(0.015, y - 0.045, str(f["label"]), fontsize=text_pt * 0.75, va="top",
                 family=family, color="#333333", wrap=True)
        y -= step


def _draw_panel(
    panel, *, title: MapTitle, villages: gpd.GeoDataFrame, class_colors: Mapping[str, str],
    markers: pd.DataFrame, movements: gpd.GeoDataFrame | None, settings: Mapping[str, Any],
    markers_are_tasks: bool,
) -> None:
    family = settings["font_family"]
    text_pt, title_pt = float(settings["text_pt"]), float(settings["title_pt"])
    panel.add_patch(Rectangle((0.03, 0.925), 0.94, 0.065, transform=panel.transAxes,
                              facecolor=MARKING_COLOR, edgecolor="none"))
    panel.text(0.5, 0.957, title.marking, transform=panel.transAxes, ha="center", va="center",
               fontsize=title_pt, fontweight="bold", color="white", family=family)
    y = 0.895
    panel.text(0.04, y, TEXT["title"], transform=panel.transAxes, fontsize=title_pt * 0.8,
               fontweight="bold", va="top", family=family)
    y -= 0.055
    for line, weight, size in (
        (title.region, "bold", text_pt * 1.2),
        (f"{TEXT['stage']}: {title.stage_label}", "bold", text_pt * 1.2),
        (f"{TEXT['as_of']} {title.as_of}", "normal", text_pt),
        (f"{TEXT['window']}: {title.window}", "normal", text_pt * 0.8),
    ):
        panel.text(0.04, y, line, transform=panel.transAxes, fontsize=size, fontweight=weight,
                   va="top", family=family, wrap=True)
        y -= 0.045 if size > text_pt * 0.9 else 0.038
    if title.synthetic:
        panel.add_patch(Rectangle((0.03, y - 0.048), 0.94, 0.05, transform=panel.transAxes,
                                  facecolor="#fff3cd", edgecolor="#b8860b", linewidth=1.5))
        panel.text(0.5, y - 0.023, TEXT["synthetic"], transform=panel.transAxes, ha="center",
                   va="center", fontsize=text_pt * 0.85, fontweight="bold", color="#7a5200",
                   family=family)
        y -= 0.075

    counts = villages["risk_class"].value_counts()
    handles = [
        Patch(facecolor=class_colors[c], edgecolor="#7f7f7f",
              label=f"{CLASS_LABELS[c]} ({int(counts.get(c, 0))} {TEXT['villages']})")
        for c in reversed(CLASS_ORDER)
    ]
    handles.append(Line2D([], [], color="#252525", linewidth=1.6,
                          label=TEXT["kecamatan_boundary"]))
    handles.append(Line2D([], [], marker="o", linestyle="none", markersize=4,
                          markerfacecolor="#252525", markeredgewidth=0, label=TEXT["tps"]))
    handles.append(Line2D([], [], marker="D", linestyle="none", markersize=7,
                          markerfacecolor="white", markeredgecolor="#252525",
                          markeredgewidth=1.4, label=TEXT["tps_hard"]))
    handles.append(Line2D([], [], marker="s", linestyle="none", markersize=11,
                          markerfacecolor="black", label=TEXT["polres"]))
    handles.append(Line2D([], [], marker="^", linestyle="none", markersize=10,
                          markerfacecolor="black", label=TEXT["polsek"]))
    per_officer = float(settings["post_marker_pt2_per_officer"])
    minimum = float(settings["post_marker_min_pt2"])
    if markers_are_tasks and len(markers):
        for kind in TASK_LABELS:
            if kind in set(markers["task"].astype(str)):
                handles.append(Line2D([], [], marker=TASK_MARKERS[kind], linestyle="none",
                                      markersize=11, markerfacecolor=POST_COLOR, alpha=0.75,
                                      markeredgecolor="white", label=TASK_LABELS[kind]))
    size_handles = []
    if len(markers):
        personnel = pd.to_numeric(markers["personnel"], errors="coerce").fillna(1)
        for officers in sorted({int(personnel.min()), int(np.median(personnel)),
                                int(personnel.max())}):
            size = float(np.sqrt(minimum + max(officers, 1) * per_officer))
            size_handles.append(Line2D([], [], marker="o", linestyle="none", markersize=size,
                                       markerfacecolor=POST_COLOR, alpha=0.75,
                                       markeredgecolor="white",
                                       label=f"{officers} {TEXT['officers']}"))
    if movements is not None and len(movements):
        kinds = set(movements["task"].astype(str))
        if "patrol" in kinds:
            handles.append(Line2D([], [], color=PATROL_COLOR, linewidth=2.6,
                                  linestyle=(0, (4, 2)), label=TEXT["patrol"]))
        if "escort" in kinds:
            handles.append(Line2D([], [], color=ESCORT_COLOR, linewidth=2.6,
                                  label=TEXT["escort"]))
    legend = panel.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(0.02, y - 0.005), frameon=False,
        prop={"family": family, "size": text_pt * 0.85}, title=TEXT["legend"],
        title_fontproperties={"family": family, "size": text_pt, "weight": "bold"},
        alignment="left", labelspacing=0.55, handletextpad=0.8, borderaxespad=0.0,
    )
    legend.set_zorder(3)
    note = TEXT["tasks"] if markers_are_tasks else TEXT["posts"]
    if size_handles:
        # The officer sizes get their own legend below, spaced for the largest marker.
        renderer = panel.figure.canvas.get_renderer()
        box = legend.get_window_extent(renderer).transformed(panel.transAxes.inverted())
        font = text_pt * 0.85
        largest = max(h.get_markersize() for h in size_handles)
        sizes = panel.legend(
            handles=size_handles, loc="upper left", bbox_to_anchor=(0.02, box.y0 - 0.02),
            frameon=False, prop={"family": family, "size": font}, title=note,
            title_fontproperties={"family": family, "size": text_pt * 0.85, "weight": "bold"},
            alignment="left", labelspacing=max(0.55, largest / font - 0.6),
            handletextpad=0.8 + max(0.0, (largest - font) / font / 2), borderaxespad=0.0,
            handlelength=max(2.0, largest / font),
        )
        panel.add_artist(legend)
        sizes.set_zorder(3)
