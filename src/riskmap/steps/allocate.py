"""Step ``allocate``: the operations plan of one stage (tasks, movements, posts), reach, roster."""

from __future__ import annotations

import argparse
import json
import sys

import geopandas as gpd
import pandas as pd

from riskmap.geo import WGS84, points_from_lonlat
from riskmap.planner.plan import plan_stage
from riskmap.roster import write_roster
from riskmap.steps._common import (
    active_venues,
    params_from,
    read_venue_scores,
    read_work,
    run_step,
    step_parser,
    write_csv,
    write_geojson,
    write_json,
)

TPS_COLUMNS = [
    "tps_id",
    "village_code",
    "lat",
    "lon",
    "voters",
    "risk_score",
    "risk_class",
    "post_id",
]
TPS_EXTRA = ["expected_incidents", "hard_to_reach", "special", "top_factors"]
POST_COLUMNS = [
    "post_id",
    "lat",
    "lon",
    "personnel",
    "site_kind",
    "site_id",
    "covered_tps",
    "covered_weight",
    "radius_km",
]


def scored_tps(tps: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Join the model's TPS scores to the ingested TPS table (one row per accepted TPS)."""
    scores = scores.drop(
        columns=[c for c in ("village_code", "lat", "lon", "voters") if c in scores]
    )
    return tps.merge(scores, on="tps_id", how="left", validate="1:1")


def movements_wgs84(movements: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The movement lines in WGS84 with the contract's properties first (none: an empty
    feature collection)."""
    cols = ["task_id", "task", "date", "personnel", "minutes"]
    if movements is None or len(movements) == 0:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=WGS84)
    extra = [c for c in movements.columns if c not in cols and c != movements.geometry.name]
    out = movements[cols + extra].copy()
    out = gpd.GeoDataFrame(out, geometry=movements.geometry.to_crs(WGS84).to_numpy(), crs=WGS84)
    return out.sort_values(["date", "task_id"], kind="stable").reset_index(drop=True)


def allocate(args: argparse.Namespace) -> None:
    params = params_from(args)
    work = read_work(args.work)
    stage_work = args.work / args.stage
    start, end = work.stage_window(args.stage)
    budget = int(work.meta["region"]["stages"][args.stage]["personnel"])
    tps = scored_tps(work.tps, pd.read_csv(stage_work / "tps_scores.csv", dtype={"tps_id": str}))
    names = work.areas[["village_code", "village_name"]]
    tps = tps.merge(names, on="village_code", how="left", validate="m:1")
    venues = active_venues(work.venues, read_venue_scores(args.work, args.stage))
    crs = work.crs
    areas = work.utm("areas")
    area_scores = args.out / "area_risk.csv"
    if area_scores.exists():
        scores = pd.read_csv(area_scores, dtype={"village_code": str})
        keep = [c for c in ("village_code", "risk_score", "risk_class", "expected_incidents")
                if c in scores]
        areas = areas.merge(scores[keep], on="village_code", how="left", validate="1:1")
    res = plan_stage(
        points_from_lonlat(tps, crs=crs),
        points_from_lonlat(venues, crs=crs),
        work.utm("units"),
        stage=args.stage,
        budget=budget,
        allocation=params["allocation"],
        reach=params["reach"],
        routes=work.routes_utm(args.work),
        areas=areas,
        start=start.date(),
        end=end.date(),
    )
    tps["post_id"] = tps["tps_id"].map(res.tps_post).fillna("")
    tps = tps.sort_values("tps_id").reset_index(drop=True)
    write_csv(tps[TPS_COLUMNS + [c for c in TPS_EXTRA if c in tps]], args.out / "tps_risk.csv")

    posts = res.posts.reset_index(drop=True)
    write_csv(posts, args.out / "posts.csv")
    write_geojson(
        gpd.GeoDataFrame(posts, geometry=gpd.points_from_xy(posts["lon"], posts["lat"]), crs=WGS84),
        args.out / "posts.geojson",
    )
    write_csv(res.reach, args.out / "reach.csv")
    write_roster(res.roster, args.out / "roster.xlsx", args.out / "roster.csv")
    write_csv(res.tasks, args.out / "tasks.csv")
    write_geojson(movements_wgs84(res.movements), args.out / "movements.geojson")

    model_info = json.loads((stage_work / "model.json").read_text(encoding="utf-8"))
    plan = {
        **res.plan_info,
        "stage": args.stage,
        "as_of": start.date().isoformat(),
        "window_end": end.date().isoformat(),
        "personnel_budget": budget,
        "input_sha256": work.meta["input_sha256"],
        "model": model_info,
        "region": {
            "name": work.meta["region"].get("name"),
            "code": work.meta["region"].get("code"),
            "synthetic": bool(work.meta["region"].get("synthetic", False)),
        },
    }
    write_json(plan, args.out / "plan.json")


def main(argv: list[str] | None = None) -> int:
    return run_step(allocate, step_parser(__doc__).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
