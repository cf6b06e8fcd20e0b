"""Workflow tests: the whole pipeline on tiny regions, every contract file and column,
determinism, no look-ahead, and a region across the equator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from contract import CLASSES, STAGE_FILES, deterministic_files, missing_contract
from contract import PLAN_KEYS as CONTRACT_PLAN_KEYS
from pipeline_support import pipeline_env
from pipeline_support import run_pipeline as run_tests_pipeline
from tiny_region import write_tiny_region

REPO = Path(__file__).resolve().parents[1]
STAGES = ["campaign", "voting", "announcement"]  # the tiny region's calendar

CONTRACT_COLUMNS = {  # the CSV files' leading columns, from the one list in tests/contract.py
    name: cols for name, cols in STAGE_FILES.items()
    if cols and name.endswith(".csv") and "/" not in name
}
PLAN_KEYS = set(CONTRACT_PLAN_KEYS)


def run_pipeline(region: Path, out: Path, *extra: str, **env: str) -> subprocess.CompletedProcess:
    return run_tests_pipeline(region, out, *extra, env=pipeline_env(**env), timeout=600)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("tiny")
    region = write_tiny_region(base / "region")
    out = base / "out"
    proc = run_pipeline(region, out)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return region, out


def test_every_contract_file_and_column(tiny_run):
    region, out = tiny_run
    tps_in = pd.read_csv(region / "tps.csv", dtype=str)
    for stage in STAGES:
        d = out / stage
        assert missing_contract(d) == [], stage
        for name, cols in CONTRACT_COLUMNS.items():
            frame = pd.read_csv(d / name, dtype=str, keep_default_na=False)
            assert list(frame.columns[: len(cols)]) == cols, (stage, name)
        area = pd.read_csv(d / "area_risk.csv")
        assert len(area) == 9 and area["village_code"].is_unique
        assert area["risk_score"].between(0, 100).all()
        assert set(area["risk_class"]) <= CLASSES
        assert (area["expected_incidents"] >= 0).all()
        assert area["top_factors"].notna().all()
        tps = pd.read_csv(d / "tps_risk.csv", dtype={"tps_id": str})
        assert sorted(tps["tps_id"]) == sorted(tps_in["tps_id"])
        posts = pd.read_csv(d / "posts.csv")
        assert (posts["personnel"] >= 1).all()
        assert set(posts["site_kind"]) <= {"tps", "venue", "unit", "other"}
        covered = tps.loc[tps["post_id"].notna(), "post_id"]
        assert set(covered) <= set(posts["post_id"])
        plan = json.loads((d / "plan.json").read_text())
        assert PLAN_KEYS <= set(plan)
        assert plan["stage"] == stage
        assert plan["personnel_assigned"] <= plan["personnel_budget"]
        tasks = pd.read_csv(d / "tasks.csv")
        daily = tasks.groupby("date")["personnel"].sum()
        assert (daily <= plan["personnel_budget"]).all()
        assert plan["personnel_assigned"] == int(daily.max())
        moves = json.loads((d / "movements.geojson").read_text())
        assert {f["properties"]["task_id"] for f in moves["features"]} <= set(tasks["task_id"])
        if stage == "voting":  # one day: every officer at a post, every TPS with a team
            assert plan["personnel_assigned"] == int(posts["personnel"].sum())
            assert tps["post_id"].notna().all()
        assert set(plan["input_sha256"]) >= {
            "tps.csv",
            "region.yaml",
            "incidents.csv",
            "routes.geojson",
        }
        gj = json.loads((d / "posts.geojson").read_text())
        assert len(gj["features"]) == len(posts)
        gpkg = gpd.read_file(d / "area_risk.gpkg")
        assert len(gpkg) == 9 and gpkg.crs.to_epsg() == 4326
        quality = json.loads((d / "quality.json").read_text())
        for name, q in quality.items():
            assert q["rows_read"] == q["accepted"] + q["quarantined"], name
        assert (d / "quarantine" / "tps.csv").exists()
        html = (d / "map.html").read_text()
        assert "<html" in html.lower()
        assert (d / "backtest.json").exists()
        reach = pd.read_csv(d / "reach.csv")
        assert "network" in set(reach["method"]), "routes.geojson was not used for reach"
    assert json.loads((out / "announcement" / "plan.json").read_text())["personnel_budget"] == 12


def test_same_inputs_give_identical_outputs(tiny_run, tmp_path):
    """A second run, in other processes with another PYTHONHASHSEED, writes the same bytes
    in every CSV, JSON and GeoJSON (the 1,500-TPS version is tests/test_determinism.py)."""
    region, out = tiny_run
    out2 = tmp_path / "out2"
    proc = run_pipeline(region, out2, PYTHONHASHSEED="4242")
    assert proc.returncode == 0, proc.stderr[-4000:]
    files = deterministic_files(out)
    assert files == deterministic_files(out2)
    assert {f"{s}/{n}" for s in STAGES for n in CONTRACT_COLUMNS} <= set(files)
    for name in files:
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), f"{name} differs"


def test_incidents_from_the_stage_start_on_change_nothing(tiny_run, tmp_path):
    """No look-ahead: add incidents dated on and after the voting day's start; the voting
    stage's outputs must stay byte-identical (the later announcement stage may change)."""
    region, out = tiny_run
    region2 = tmp_path / "region"
    shutil.copytree(region, region2)
    inc = pd.read_csv(region2 / "incidents.csv", dtype=str)
    extra = pd.DataFrame(
        [
            {
                "incident_id": f"LATE{k}",
                "date": d,
                "kind": "riot",
                "lat": inc["lat"].iloc[k],
                "lon": inc["lon"].iloc[k],
                "severity": "3",
                "description": "sesudah tanggal peta",
            }
            for k, d in enumerate(["2024-02-14", "2024-02-15", "2024-03-01", "2024-03-25"])
        ]
    )
    pd.concat([inc, extra]).to_csv(region2 / "incidents.csv", index=False)
    out2 = tmp_path / "out"
    proc = run_pipeline(region2, out2)
    assert proc.returncode == 0, proc.stderr[-4000:]
    for name in [
        "area_risk.csv",
        "tps_risk.csv",
        "posts.csv",
        "posts.geojson",
        "backtest.json",
        "reach.csv",
    ]:
        assert (out / "voting" / name).read_bytes() == (out2 / "voting" / name).read_bytes(), name
    plan1 = json.loads((out / "voting" / "plan.json").read_text())
    plan2 = json.loads((out2 / "voting" / "plan.json").read_text())
    plan1.pop("input_sha256")
    plan2.pop("input_sha256")
    assert plan1 == plan2


def test_region_across_the_equator(tmp_path):
    region = write_tiny_region(tmp_path / "region", lon0=109.30, lat0=-0.027)
    out = tmp_path / "out"
    proc = run_pipeline(region, out)
    assert proc.returncode == 0, proc.stderr[-4000:]
    tps = pd.read_csv(out / "voting" / "tps_risk.csv")
    assert (tps["lat"] > 0).any() and (tps["lat"] < 0).any()
    assert tps["post_id"].notna().any()


def test_bad_region_stops_with_a_message(tmp_path):
    region = write_tiny_region(tmp_path / "region")
    tps = pd.read_csv(region / "tps.csv").drop(columns=["voters"])
    tps.to_csv(region / "tps.csv", index=False)
    proc = run_pipeline(region, tmp_path / "out")
    assert proc.returncode != 0
    assert "tps.csv" in proc.stderr and "voters" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_dry_run_plans_every_stage_of_the_demo(tmp_path):
    proc = run_pipeline(REPO / "data" / "regions" / "gunung-mas", tmp_path / "out", "-n")
    assert proc.returncode == 0, proc.stderr[-4000:]
    for stage in ["campaign", "quiet_period", "voting", "recapitulation", "announcement"]:
        assert f"stage={stage}" in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "config, needle",
    [(["region=/no/such/region"], "region.yaml not found"), (["colour=red"], "colour")],
)
def test_configuration_errors_are_readable(tmp_path, config, needle):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(
        [
            "snakemake",
            "--snakefile",
            str(REPO / "Snakefile"),
            "--cores",
            "1",
            "-n",
            "--directory",
            str(tmp_path),
            "--config",
            *config,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr and 'File "' not in proc.stderr
