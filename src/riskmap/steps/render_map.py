"""Step ``render_map``: the commander's self-contained HTML map for one stage."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path

import pandas as pd

from riskmap.io import atomic_path
from riskmap.maps import render_stage_map
from riskmap.maps.plan import read_movements
from riskmap.steps._common import (
    active_venues,
    params_from,
    read_venue_scores,
    read_work,
    run_step,
    step_parser,
)

log = logging.getLogger("riskmap")


def passphrase_from(map_config: dict) -> str | None:
    """The map passphrase: from the environment variable named in config, else config itself."""
    env_name = map_config.get("passphrase_env") or "RISKMAP_MAP_PASSPHRASE"
    value = os.environ.get(env_name) or map_config.get("passphrase")
    return value or None


def read_operations_plan(out: Path) -> tuple[pd.DataFrame | None, list[dict], dict]:
    """Return the stage's ``tasks.csv``, ``movements.geojson`` features and ``plan.json``.

    Each is read from the stage's output folder when it is there; a plan made before the
    operations planner has none of them and gives ``(None, [], {})``. A file that cannot be
    read is left off the map with a warning in the log (the rest of the map is still made).
    """
    tasks, movements, plan = None, [], {}
    try:
        if (out / "tasks.csv").exists():
            tasks = pd.read_csv(out / "tasks.csv", dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as err:
        log.warning("tasks.csv not drawn on the map: %s", err)
    try:
        movements = read_movements(out / "movements.geojson")
    except (ValueError, AttributeError) as err:
        log.warning("movements.geojson not drawn on the map: %s", err)
    try:
        if (out / "plan.json").exists():
            plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    except ValueError as err:
        log.warning("plan.json's escalation not drawn on the map: %s", err)
    return tasks, movements, plan


def render(args: argparse.Namespace) -> None:
    params = params_from(args)
    map_config = params["map"]
    work = read_work(args.work)
    start, end = work.stage_window(args.stage)
    region = work.meta["region"]
    area_risk = pd.read_csv(args.out / "area_risk.csv", dtype={"village_code": str})
    tps_risk = pd.read_csv(
        args.out / "tps_risk.csv",
        dtype={"tps_id": str, "village_code": str, "post_id": str},
        keep_default_na=False,
    )
    posts = pd.read_csv(args.out / "posts.csv", dtype={"post_id": str, "site_id": str})
    reach = pd.read_csv(args.out / "reach.csv", dtype=str, keep_default_na=False)
    previous = None
    if args.previous:
        previous = pd.read_csv(args.previous, dtype={"village_code": str})
    tasks, movements, plan = read_operations_plan(Path(args.out))
    incidents = work.incidents[work.incidents["date"] < start].reset_index(drop=True)
    html = render_stage_map(
        work.areas,
        area_risk,
        tps_risk,
        posts,
        active_venues(work.venues, read_venue_scores(args.work, args.stage)),
        incidents,
        work.units,
        reach,
        region_name=region.get("name", ""),
        stage=args.stage,
        as_of=start.date().isoformat(),
        window_end=end.date().isoformat(),
        generated=dt.date.today().isoformat(),
        synthetic=bool(region.get("synthetic", False)),
        previous_area_risk=previous,
        map_config=map_config,
        passphrase=passphrase_from(map_config),
        tasks=tasks,
        movements=movements,
        plan=plan,
    )
    with atomic_path(args.out / "map.html") as tmp:
        Path(tmp).write_text(html, encoding="utf-8")
    log.info("map.html: %.1f kB", len(html.encode("utf-8")) / 1024)


def main(argv: list[str] | None = None) -> int:
    parser = step_parser(__doc__)
    parser.add_argument("--previous", default="", help="the previous stage's area_risk.csv")
    return run_step(render, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
