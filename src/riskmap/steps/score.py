"""Step ``score``: features as of the stage's start, expected incidents, classes, backtest."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from riskmap.calendars import past_windows_for_region
from riskmap.model import score_stage
from riskmap.steps._common import (
    WorkTables,
    params_from,
    read_work,
    run_step,
    step_parser,
    write_csv,
    write_gpkg,
    write_json,
)

AREA_COLUMNS = [
    "village_code",
    "village_name",
    "subdistrict_name",
    "risk_score",
    "risk_class",
    "expected_incidents",
    "top_factors",
]


def score_tables(work: WorkTables, stage: str, params: dict):
    """Run the model for one stage on the ingested tables.

    Training windows: region.yaml's ``past_elections`` when listed, else the built-in KPU
    calendars (national elections and the Pilkada listed under ``pilkada``), else rolling
    windows (chosen inside the model).
    """
    start, end = work.stage_window(stage)
    region = work.meta["region"]
    windows, info = past_windows_for_region(region)
    calendar = {s: (pd.Timestamp(w["start"]), pd.Timestamp(w["end"]))
                for s, w in (region.get("stages") or {}).items()}
    return score_stage(
        work.utm("areas"),
        work.utm("tps"),
        work.utm("venues"),
        work.utm("incidents"),
        work.utm("units"),
        stage=stage,
        start=start,
        end=end,
        past_windows=windows,
        features=params["features"],
        model=params["model"],
        classes=params["classes"],
        calendar=calendar,
        window_source=info["source"],
        window_notes=info["notes"],
    )


def score(args: argparse.Namespace) -> None:
    params = params_from(args)
    work = read_work(args.work)
    res = score_tables(work, args.stage, params)
    start, end = work.stage_window(args.stage)
    areas = work.areas.drop(columns=[c for c in AREA_COLUMNS[3:] if c in work.areas])
    area_risk = areas.merge(res.area_risk, on="village_code", how="left", validate="1:1")
    area_risk = area_risk.sort_values("village_code").reset_index(drop=True)
    extra = [c for c in res.area_risk.columns if c not in AREA_COLUMNS]
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(area_risk[AREA_COLUMNS + extra], args.out / "area_risk.csv")
    write_gpkg(
        area_risk[AREA_COLUMNS + extra + ["subdistrict_code", "geometry"]],
        args.out / "area_risk.gpkg",
        layer="area_risk",
    )
    backtest = {
        "stage": args.stage,
        "as_of": start.date().isoformat(),
        "window_end": end.date().isoformat(),
        "model": res.model_info,
        **res.backtest,
    }
    write_json(backtest, args.out / "backtest.json")
    stage_work = args.work / args.stage
    stage_work.mkdir(parents=True, exist_ok=True)
    write_csv(res.tps_risk, stage_work / "tps_scores.csv")
    write_csv(res.venue_risk, stage_work / "venue_scores.csv")
    write_json(res.model_info, stage_work / "model.json")


def main(argv: list[str] | None = None) -> int:
    return run_step(score, step_parser(__doc__).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
