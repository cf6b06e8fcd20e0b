"""Step ``ingest``: read and validate the region folder; hand the clean tables to the stages."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from riskmap.geo import utm_crs_for
from riskmap.io import load_region, write_quarantine
from riskmap.routes import find_routes, read_routes
from riskmap.steps._common import (
    TABLES,
    run_step,
    sha256_of,
    write_csv,
    write_geojson,
    write_gpkg,
    write_json,
)

log = logging.getLogger("riskmap")


def ingest(args: argparse.Namespace) -> None:
    params = json.loads(args.params)
    region = load_region(args.region, ingest=params.get("ingest") or None)
    folder = Path(args.work) / "ingest"
    folder.mkdir(parents=True, exist_ok=True)
    crs = utm_crs_for(region.areas)
    routes_path = find_routes(args.region)
    routes = read_routes(routes_path)
    input_files = dict(region.input_files)
    if routes_path is not None:
        input_files[routes_path.name] = routes_path
    meta = {
        "region": region.meta,
        "utm_crs": crs.to_string(),
        "input_sha256": {name: sha256_of(path) for name, path in sorted(input_files.items())},
        "routes": {"file": routes_path.name if routes_path else None, "features": len(routes)},
    }
    write_json(meta, folder / "region.json")
    write_gpkg(region.areas, folder / "areas.gpkg", layer="areas")
    write_geojson(routes, folder / "routes.geojson")
    for name in TABLES:
        frame = getattr(region, name).copy()
        for col in ("date", "start", "end"):
            if col in frame:
                frame[col] = frame[col].dt.strftime("%Y-%m-%d")
        write_csv(frame, folder / f"{name}.csv")
    write_quarantine(region, *[Path(stage_dir) for stage_dir in args.stage_dirs])
    for name, q in sorted(region.quality.items()):
        log.info(
            "%s: %s read, %s accepted, %s quarantined",
            name,
            q.get("rows_read"),
            q.get("accepted"),
            q.get("quarantined"),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--region", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--stage-dirs", nargs="+", type=Path, required=True)
    parser.add_argument("--params", default="{}")
    parser.add_argument("--log", type=Path, default=None)
    return run_step(ingest, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
