"""Step ``summarise``: the roll-up of one stage over every region of a many-region run.

Reads only the regions' published outputs (``OUT/<region>/<stage>/``) and their run status
(``OUT/<region>/_work/status.json``); writes ``OUT/_summary/<stage>/summary.csv``,
``area_risk.gpkg`` (every region's villages, with a ``region`` column) and the overview
``map.html``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import yaml

from riskmap.config import section_settings
from riskmap.geo import WGS84
from riskmap.io import atomic_path
from riskmap.maps.overview import RegionOverview, render_overview_map
from riskmap.steps._common import run_step, write_csv, write_gpkg
from riskmap.summary import figures_from_outputs, summary_row, summary_table

log = logging.getLogger("riskmap")

#: Status of a region whose region.yaml does not list the stage being summarised.
NO_STAGE = "stage_not_listed"


def region_identity(region_dir: Path) -> tuple[str, str]:
    """Return ``(name, code)`` from a region's ``region.yaml``, blank when unreadable."""
    try:
        data = yaml.safe_load((region_dir / "region.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    name, code = data.get("name"), data.get("code")
    return ("" if name is None else str(name)), ("" if code is None else str(code))


def read_stage_outputs(stage_dir: Path, expected: list[str]):
    """Return the published tables of one region's stage, or a reason why they are missing."""
    missing = [name for name in expected if not (stage_dir / name).is_file()]
    if missing:
        return None, f"missing output: {', '.join(missing)}"
    area_risk = pd.read_csv(stage_dir / "area_risk.csv", dtype={"village_code": str})
    tps_risk = pd.read_csv(
        stage_dir / "tps_risk.csv", dtype={"tps_id": str, "post_id": str}, keep_default_na=False
    )
    plan = json.loads((stage_dir / "plan.json").read_text(encoding="utf-8"))
    return (area_risk, tps_risk, plan), ""


def summarise(args: argparse.Namespace) -> None:
    params = json.loads(args.params)
    settings = section_settings(params.get("summary"), "summary")
    class_colors = (params.get("map") or {}).get("class_colors") or section_settings(None, "map")[
        "class_colors"
    ]
    rows, frames, overviews = [], [], []
    for status_path in sorted(args.status, key=lambda p: p.parent.parent.name):
        region = status_path.parent.parent.name
        status = json.loads(status_path.read_text(encoding="utf-8"))
        name, code = region_identity(args.regions_dir / region)
        stage_dir = args.results / region / args.stage
        reason = status.get("reason", "") if status.get("status") != "ok" else ""
        if not reason and not any(s.endswith(f"/{args.stage}") for s in status.get("steps", [])):
            reason = NO_STAGE
        tables = None
        if not reason:
            tables, reason = read_stage_outputs(stage_dir, args.expected)
        if tables is None:
            rows.append(summary_row(region, name=name, code=code, status=reason))
            overviews.append(RegionOverview(region=region, name=name, code=code, status=reason))
            continue
        area_risk, tps_risk, plan = tables
        figures = figures_from_outputs(area_risk, tps_risk, plan)
        rows.append(summary_row(region, name=name, code=code, status="ok", figures=figures))
        gdf = pyogrio.read_dataframe(stage_dir / "area_risk.gpkg").to_crs(WGS84)
        gdf.insert(0, "region", region)
        frames.append(gdf)
        overviews.append(
            RegionOverview(
                region=region,
                name=name,
                code=code,
                status="ok",
                figures=figures,
                villages=gdf,
                link=f"../../{region}/{args.stage}/map.html",
            )
        )
    table = summary_table(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(table, args.out / "summary.csv")
    if frames:
        columns = list(dict.fromkeys(c for f in frames for c in f.columns if c != "geometry"))
        merged = pd.concat([f.reindex(columns=[*columns, "geometry"]) for f in frames])
        gdf = gpd.GeoDataFrame(merged.reset_index(drop=True), geometry="geometry", crs=WGS84)
    else:
        gdf = gpd.GeoDataFrame({"region": pd.Series(dtype=str)}, geometry=[], crs=WGS84)
    write_gpkg(gdf, args.out / "area_risk.gpkg", layer="area_risk")
    html = render_overview_map(
        overviews, stage=args.stage, settings=settings, class_colors=class_colors
    )
    with atomic_path(args.out / "map.html") as tmp:
        Path(tmp).write_text(html, encoding="utf-8")
    bad = table[table["status"] != "ok"]
    log.info(
        "%s: %d regions, %d ok; overview map %.1f kB",
        args.stage,
        len(table),
        len(table) - len(bad),
        len(html.encode("utf-8")) / 1024,
    )
    for _, row in bad.iterrows():
        log.warning("region %s: %s", row["region"], row["status"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--results", type=Path, required=True, help="the run's OUT folder")
    parser.add_argument("--regions-dir", type=Path, required=True)
    parser.add_argument("--status", type=Path, nargs="+", required=True)
    parser.add_argument(
        "--expected",
        nargs="+",
        default=["area_risk.csv", "area_risk.gpkg", "tps_risk.csv", "plan.json"],
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--params", default="{}")
    parser.add_argument("--log", type=Path, default=None)
    return run_step(summarise, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
