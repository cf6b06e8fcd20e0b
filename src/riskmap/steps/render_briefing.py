"""Step ``render_briefing``: the stage's briefing pack (map.png, briefing.pdf, kecamatan.csv).

Reads the stage's published outputs (``area_risk.csv``, ``tps_risk.csv``, ``posts.csv``,
``reach.csv``, ``plan.json``, and the planner's ``tasks.csv`` / ``movements.geojson`` when the
stage's folder has them), the previous stage's ``area_risk.csv`` and the ingested areas,
units and venues.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from riskmap._errors import RegionInputError
from riskmap.briefing import (
    MapTitle,
    budget_curve_points,
    budget_curve_svg,
    class_changes,
    data_uri,
    escalation_rows,
    html_to_pdf,
    kecamatan_table,
    key_figures,
    markers_from_plan,
    plan_point,
    points_to_subdistricts,
    render_static_map,
    reserve_ladder,
    tasks_per_polsek,
)
from riskmap.briefing.pdf import TypesetterMissingError, briefing_html
from riskmap.briefing.strings import KECAMATAN_COLUMNS, TEXT
from riskmap.config import section_settings
from riskmap.io import atomic_path
from riskmap.maps.layers import simplify_areas
from riskmap.maps.strings import CLASS_LABELS, STAGE_LABELS, format_date_id, format_number_id
from riskmap.spreadsheet import write_human_csv
from riskmap.steps._common import params_from, read_work, run_step, step_parser, timed_part

log = logging.getLogger("riskmap")


TASK_COLUMNS = ["task_id", "date", "task", "personnel", "unit_id", "lat", "lon"]


def _read_csv(path: Path, *, required: list[str] | None = None, **kwargs: Any) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, **kwargs)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise RegionInputError(f"{path}: cannot be read as a table ({exc})") from None
    missing = [c for c in required or [] if c not in frame.columns]
    if missing:
        msg = f"{path}: missing column(s) {', '.join(missing)}"
        raise RegionInputError(msg)
    return frame


def read_plan(path: Path) -> dict[str, Any]:
    """The stage's ``plan.json`` (a readable error when it is not a JSON object)."""
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegionInputError(f"{path}: cannot be read as JSON ({exc})") from None
    if not isinstance(plan, dict):
        raise RegionInputError(f"{path}: expected a JSON object")
    return plan


def read_tasks(out: Path) -> pd.DataFrame | None:
    """The planner's ``tasks.csv`` of the stage, or None when the plan has none."""
    path = out / "tasks.csv"
    if not path.is_file():
        return None
    return _read_csv(
        path, required=TASK_COLUMNS,
        dtype={"task_id": str, "task": str, "post_id": str, "unit_id": str, "site_kind": str,
               "site_id": str, "date": str},
        keep_default_na=False, na_values={"lat": [""], "lon": [""], "personnel": [""]},
    )


def read_movements(out: Path) -> gpd.GeoDataFrame | None:
    """The planner's ``movements.geojson`` of the stage, or None when absent or empty."""
    path = out / "movements.geojson"
    if not path.is_file():
        return None
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # a broken file is reported, never a traceback
        raise RegionInputError(f"{path}: cannot be read as GeoJSON ({exc})") from None
    if frame.empty:
        return None
    if "task" not in frame:
        raise RegionInputError(f"{path}: its features lack the property 'task'")
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return frame


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on the hex colour ``fill``.

    Examples
    --------
    >>> ink_on("#bd0026"), ink_on("#ffffb2")
    ('#ffffff', '#111111')
    """
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if luminance < 0.45 else "#111111"


def _fmt(value: Any, column: str) -> str:
    if column == "Perkiraan insiden":
        return format_number_id(float(value), decimals=2)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number_id(int(value))
    return str(value)


def render(args: argparse.Namespace) -> None:
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    params = params_from(args)
    map_cfg = section_settings(params.get("map"), "map")
    settings = section_settings(params.get("briefing"), "briefing")
    work = read_work(args.work)
    region = work.meta["region"]
    start, end = work.stage_window(args.stage)
    out = args.out

    area_risk = _read_csv(out / "area_risk.csv", dtype={"village_code": str}, required=[
        "village_code", "village_name", "subdistrict_name", "risk_class", "expected_incidents"])
    tps_risk = _read_csv(out / "tps_risk.csv", dtype={"tps_id": str, "village_code": str,
                                                      "post_id": str}, keep_default_na=False)
    posts = _read_csv(out / "posts.csv", dtype={"post_id": str, "site_id": str},
                      required=["post_id", "lat", "lon", "personnel"])
    reach = _read_csv(out / "reach.csv", dtype=str, keep_default_na=False,
                      required=["target_kind", "target_id", "beyond_limit"])
    plan = read_plan(out / "plan.json")
    previous = (_read_csv(Path(args.previous), dtype={"village_code": str})
                if args.previous else None)
    tasks, movements = read_tasks(out), read_movements(out)

    team_size = int((plan.get("coverage") or {}).get("team_size") or 2)
    post_kec = points_to_subdistricts(posts, work.areas, crs=work.crs)
    kecamatan = kecamatan_table(area_risk, tps_risk, posts, reach,
                                post_subdistricts=post_kec, team_size=team_size)
    changes = class_changes(area_risk, previous, max_factors=int(settings["max_factors"]))
    task_table, from_tasks = tasks_per_polsek(tasks, posts, work.units)
    figures = key_figures(area_risk, tps_risk, plan, kecamatan, changes,
                          has_previous=previous is not None)

    stage_label = STAGE_LABELS.get(args.stage, args.stage)
    as_of = format_date_id(start)
    window = f"{format_date_id(start)} {TEXT['until']} {format_date_id(end)}"
    title = MapTitle(region=str(region.get("name", "")), stage_label=stage_label, as_of=as_of,
                     window=window, marking=map_cfg["marking"],
                     synthetic=bool(region.get("synthetic", False)))
    simple = simplify_areas(work.areas, tolerance_m=float(settings["simplify_m"]), decimals=6)
    markers = markers_from_plan(tasks, posts)
    with timed_part("map_png"):
        rendered = render_static_map(
            simple, area_risk, tps_risk, markers, work.units, movements=movements, title=title,
            crs=work.crs, class_colors=map_cfg["class_colors"], settings=settings,
            markers_are_tasks=tasks is not None and not tasks.empty, figures=figures,
        )
    with atomic_path(out / "map.png") as tmp:
        Path(tmp).write_bytes(rendered.png)

    with atomic_path(out / "kecamatan.csv") as tmp:
        write_human_csv(kecamatan, tmp)

    colors = map_cfg["class_colors"]
    limit = int(settings["max_changes_listed"])
    change_rows = [
        {
            "village": r.village_name, "subdistrict": r.subdistrict_name,
            "previous": CLASS_LABELS.get(r.previous_class, r.previous_class),
            "current": CLASS_LABELS.get(r.risk_class, r.risk_class),
            "previous_color": colors.get(r.previous_class, "#ffffff"),
            "current_color": colors.get(r.risk_class, "#ffffff"),
            "previous_ink": ink_on(colors.get(r.previous_class, "#ffffff")),
            "current_ink": ink_on(colors.get(r.risk_class, "#ffffff")),
            "direction": TEXT["rose"] if r.step > 0 else TEXT["fell"],
            "direction_class": "rose" if r.step > 0 else "fell",
            "factors": r.factors,
        }
        for r in changes.head(limit).itertuples()
    ]
    points = budget_curve_points(plan)
    own = plan_point(plan)
    chart_uri = ""
    if points:
        with timed_part("chart"):
            svg = budget_curve_svg(points, current=plan.get("personnel_assigned"),
                                   family=settings["font_family"], plan=own)
        chart_uri = data_uri(svg, "image/svg+xml")
    ladder = reserve_ladder(plan, work.units)
    html = briefing_html({
        "text": TEXT, "region": title.region, "stage_label": stage_label, "as_of": as_of,
        "window": window, "marking": title.marking, "synthetic": title.synthetic,
        "map_uri": data_uri(rendered.jpeg, "image/jpeg"), "figures": figures,
        "kecamatan_columns": KECAMATAN_COLUMNS,
        "kecamatan_rows": [[_fmt(v, c) for c, v in zip(KECAMATAN_COLUMNS, row, strict=True)]
                           for row in kecamatan.itertuples(index=False)],
        "has_previous": previous is not None, "changes": change_rows,
        "changes_more": max(len(changes) - limit, 0),
        "tasks_from_plan": from_tasks, "task_columns": list(task_table.columns),
        "task_rows": [[_fmt(v, c) for c, v in zip(task_table.columns, row, strict=True)]
                      for row in task_table.itertuples(index=False)],
        "chart_uri": chart_uri,
        "curve_points": [
            {"personnel": format_number_id(x), "share": format_number_id(y, decimals=1) + " %",
             "current": x == plan.get("personnel_assigned")}
            for x, y in points
        ],
        "curve_note": TEXT["budget_curve_what_if"] + (
            " " + TEXT["budget_curve_plan_note"].format(
                share=format_number_id(own[1], decimals=1), officers=format_number_id(own[0]))
            if own else ""),
        "show_escalation": args.stage == "announcement" or bool(plan.get("escalation")),
        "escalation": escalation_rows(plan, work.venues, work.units),
        "reserve_ladder": ladder["steps"], "reserve_officers": ladder["officers"],
        "reserve_site": ladder["site"],
    })
    with timed_part("pdf_typeset"):
        pdf = html_to_pdf(html)
    with atomic_path(out / "briefing.pdf") as tmp:
        Path(tmp).write_bytes(pdf)
    log.info("map.png %.0f kB, briefing.pdf %.0f kB, kecamatan.csv %d rows",
             len(rendered.png) / 1024, len(pdf) / 1024, len(kecamatan))


def _render_or_report(args: argparse.Namespace) -> None:
    try:
        render(args)
    except TypesetterMissingError as exc:  # a machine problem, reported like bad input
        raise RegionInputError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = step_parser(__doc__)
    parser.add_argument("--previous", default="", help="the previous stage's area_risk.csv")
    return run_step(_render_or_report, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
