"""The contract's per-stage output files (docs: CONTRACT.md), in one place for every test.

``STAGE_FILES`` maps each file of ``OUT/<stage>/`` to what the tests check in it: the leading
columns of a CSV or GeoPackage layer (in order), the feature properties of a GeoJSON, the
top-level keys of a JSON file, or ``None`` (the file must exist and not be empty). Extend it
here when a stage gains a file; the end-to-end, determinism and workflow tests all read it.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")
CLASSES = {"kurang_rawan", "rawan", "sangat_rawan"}

AREA_COLUMNS = ["village_code", "village_name", "subdistrict_name", "risk_score", "risk_class",
                "expected_incidents", "top_factors"]
TPS_COLUMNS = ["tps_id", "village_code", "lat", "lon", "voters", "risk_score", "risk_class",
               "post_id"]
POST_COLUMNS = ["post_id", "lat", "lon", "personnel", "site_kind", "site_id", "covered_tps",
                "covered_weight", "radius_km"]
PLAN_KEYS = ["stage", "as_of", "personnel_budget", "personnel_assigned", "n_posts",
             "demand_weight", "covered_weight_share", "solver", "input_sha256"]

STAGE_FILES: dict[str, list[str] | None] = {
    "area_risk.csv": AREA_COLUMNS,
    "area_risk.gpkg": AREA_COLUMNS,
    "tps_risk.csv": TPS_COLUMNS,
    "posts.csv": POST_COLUMNS,
    "posts.geojson": POST_COLUMNS[:1] + POST_COLUMNS[3:],
    "plan.json": PLAN_KEYS,
    "quality.json": None,
    "quarantine/tps.csv": ["reason", "reason_text"],
    "backtest.json": None,
    "reach.csv": None,
    "roster.csv": None,
    "roster.xlsx": None,
    "map.html": None,
    "map.png": None,
    "briefing.pdf": None,
    "kecamatan.csv": None,
    "tasks.csv": ["task_id", "date", "task", "post_id", "personnel", "unit_id", "site_kind",
                  "site_id", "lat", "lon", "description"],
    "movements.geojson": ["task_id", "task", "date", "personnel", "minutes"],
}

# Byte-identical between two runs of the same inputs: every file of these kinds, anywhere
# under OUT/ except the run's own logs and Snakemake benchmark timings.
DETERMINISTIC_SUFFIXES = (".csv", ".json", ".geojson", ".png", ".pdf", ".xlsx")
NOT_COMPARED_DIRS = ("logs", "benchmarks")


def file_columns(path: Path) -> list[str]:
    """Return the columns (CSV, GeoPackage), properties (GeoJSON) or keys (JSON) of ``path``."""
    if path.suffix == ".csv":
        return list(pd.read_csv(path, dtype=str, nrows=0).columns)
    if path.suffix == ".gpkg":
        return [c for c in gpd.read_file(path, rows=1).columns if c != "geometry"]
    data = json.loads(path.read_text(encoding="utf-8"))
    if path.suffix == ".geojson":
        features = data["features"]
        return list(features[0]["properties"]) if features else []
    return list(data)


def missing_contract(stage_dir: Path) -> list[str]:
    """Return what ``stage_dir`` lacks of ``STAGE_FILES`` (files, or columns in order)."""
    problems = []
    for name, wanted in STAGE_FILES.items():
        path = stage_dir / name
        if not path.is_file() or path.stat().st_size == 0:
            problems.append(f"{name}: missing or empty")
            continue
        if wanted is None:
            continue
        got = file_columns(path)
        if path.suffix == ".geojson" and not json.loads(path.read_text())["features"]:
            continue  # an empty FeatureCollection (a stage without movements) lacks nothing
        if path.suffix in (".csv", ".gpkg") and name != "quarantine/tps.csv":
            if got[: len(wanted)] != wanted:
                problems.append(f"{name}: columns {got[: len(wanted)]}, expected {wanted}")
        elif not set(wanted) <= set(got):
            problems.append(f"{name}: lacks {sorted(set(wanted) - set(got))}")
    return problems


def deterministic_files(out: Path) -> list[str]:
    """Return the relative paths of every CSV, JSON, GeoJSON, PNG, PDF and XLSX under ``out``
    (sorted)."""
    return sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*")
        if p.is_file() and p.suffix in DETERMINISTIC_SUFFIXES
        and p.relative_to(out).parts[0] not in NOT_COMPARED_DIRS)
