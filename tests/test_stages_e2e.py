"""All five stages of the demo, end to end, without a browser (runs in every environment).

One pipeline run of the embedded Gunung Mas region (the session's ``demo_results``) with the
shipped config: the per-stage overrides of ``config/stages/<stage>.yaml`` and the
announcement's own personnel in ``region.yaml``. Every contract file of every stage is there
with its columns (``contract.STAGE_FILES``), and every override is shown to have taken effect:
each override key has an evidence reader below that finds the value the stage actually used
in its outputs, so a pipeline that ignored an override, or an override without evidence,
fails here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from contract import CLASSES, STAGE_FILES, STAGES, missing_contract
from pipeline_support import DEMO, REPO, pipeline_env

from riskmap.config import deep_merge, load_stage_overrides, section_defaults, stage_config


def _shipped():
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    return cfg, load_stage_overrides(REPO / "config" / "stages")


def _leaves(node: dict, where: tuple = ()):
    for key, value in node.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, (*where, key))
        else:
            yield (*where, key), value


def _plan(stage_dir: Path) -> dict:
    return json.loads((stage_dir / "plan.json").read_text(encoding="utf-8"))


def _radius(stage_dir: Path, stage: str) -> float:
    """The coverage radius the plan used: every post that is not a team base (a team's radius
    is its farthest TPS) reaches exactly that far."""
    posts = pd.read_csv(stage_dir / "posts.csv")
    posts = posts[~posts["role"].astype(str).eq("tps_team")] if "role" in posts else posts
    radii = set(posts["radius_km"].astype(float))
    used = float(_plan(stage_dir)["settings"]["radius_km"])
    assert radii <= {used}, f"posts of {stage} have other radii: {sorted(radii)} (plan: {used})"
    return used


def _reserve_max_share(stage_dir: Path, stage: str) -> float:
    """The cap on the reserve's share, and that no date of the plan breaks it."""
    plan = _plan(stage_dir)
    cap = plan["settings"]["reserve_max_share"]
    if cap is not None:
        assert plan["tasks"]["reserve_share_max"] <= cap + 1e-9, (stage, plan["tasks"])
    return cap


def _hard_to_reach_factor(stage_dir: Path, stage: str) -> float:
    return float(_plan(stage_dir)["settings"]["hard_to_reach_factor"])


def _tps_local_weight(stage_dir: Path, stage: str) -> float:
    return float(re.search(r"w=([0-9.]+)", _plan(stage_dir)["model"]["tps_split"]).group(1))


def _venue_bandwidth(stage_dir: Path, stage: str) -> float:
    """The bandwidth is not written out: rerun the score step on a copy of the run's work
    folder with the shipped default instead of the stage's value. The village risk must
    then differ from the pipeline's, which so must have used the stage's value."""
    cfg, overrides = _shipped()
    used = stage_config(cfg, overrides, stage)
    default = section_defaults("features")["venue_bandwidth_m"]
    params = {n: used[n] for n in ("features", "model", "classes")}
    params["features"] = {**params["features"], "venue_bandwidth_m": default}
    scratch = Path(stage_dir).parent.parent / f"scratch-{stage}"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(stage_dir.parent / "_work", scratch / "_work")
    proc = subprocess.run(
        [sys.executable, "-m", "riskmap.steps.score", "--stage", stage, "--work",
         str(scratch / "_work"), "--out", str(scratch / stage), "--params",
         json.dumps(params, sort_keys=True), "--log", str(scratch / "score.log")],
        env=pipeline_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with_default = (scratch / stage / "area_risk.csv").read_bytes()
    shutil.rmtree(scratch, ignore_errors=True)
    if with_default == (stage_dir / "area_risk.csv").read_bytes():
        return default
    return used["features"]["venue_bandwidth_m"]


# Where a stage's outputs show the value it used for an override key (section.key...).
OVERRIDE_EVIDENCE = {
    "allocation.radius_km": _radius,
    "allocation.reserve_share": lambda d, s: _plan(d)["settings"]["reserve_share"],
    "allocation.reserve.max_share": _reserve_max_share,
    "allocation.demand.hard_to_reach_factor": _hard_to_reach_factor,
    "model.tps_local_weight": _tps_local_weight,
    "features.venue_bandwidth_m": _venue_bandwidth,
}


def stage_overrides() -> list[tuple[str, str, object]]:
    """(stage, dotted key, value) of every leaf in config/stages/<stage>.yaml."""
    _, overrides = _shipped()
    return [(stage, ".".join(path), value) for stage in STAGES
            for path, value in _leaves(overrides.get(stage, {}))]


def test_every_stage_has_every_contract_file_with_its_columns(demo_results):
    problems = {stage: missing_contract(demo_results / stage) for stage in STAGES}
    assert not any(problems.values()), problems
    for stage in STAGES:
        d = demo_results / stage
        area = pd.read_csv(d / "area_risk.csv", dtype={"village_code": str})
        tps = pd.read_csv(d / "tps_risk.csv", dtype={"tps_id": str, "post_id": str})
        posts = pd.read_csv(d / "posts.csv", dtype={"post_id": str})
        plan = _plan(d)
        assert len(area) == 127 and area["village_code"].is_unique, stage
        assert area["risk_score"].between(0, 100).all() and set(area["risk_class"]) <= CLASSES
        assert (area["expected_incidents"] >= 0).all()
        assert len(tps) == 390 and tps["tps_id"].is_unique, stage
        assert set(tps["post_id"].dropna()) <= set(posts["post_id"]), stage
        assert (posts["personnel"] >= 1).all(), stage
        assert plan["stage"] == stage and plan["personnel_assigned"] <= plan["personnel_budget"]
        quality = json.loads((d / "quality.json").read_text(encoding="utf-8"))
        for name, q in quality.items():
            assert q["rows_read"] == q["accepted"] + q["quarantined"], (stage, name)
        assert "TERBATAS" in (d / "map.html").read_text(encoding="utf-8")
    voting = pd.read_csv(demo_results / "voting" / "tps_risk.csv", dtype={"post_id": str})
    assert voting["post_id"].notna().all()  # on voting day every TPS has a team


def test_the_contract_list_is_checked_in_full(demo_results, tmp_path):
    """missing_contract finds a dropped file and a renamed column (it is not vacuous)."""
    stage = tmp_path / "voting"
    shutil.copytree(demo_results / "voting", stage)
    (stage / "posts.geojson").unlink()
    tps = pd.read_csv(stage / "tps_risk.csv", dtype=str)
    tps.rename(columns={"post_id": "pos"}).to_csv(stage / "tps_risk.csv", index=False)
    problems = missing_contract(stage)
    assert any(p.startswith("posts.geojson") for p in problems), problems
    assert any(p.startswith("tps_risk.csv: columns") for p in problems), problems
    assert len(STAGE_FILES) >= 12


def test_every_stage_override_has_evidence():
    overrides = stage_overrides()
    assert {s for s, _, _ in overrides} >= {"quiet_period", "recapitulation", "announcement",
                                            "voting", "campaign"}
    lacking = sorted({key for _, key, _ in overrides} - set(OVERRIDE_EVIDENCE))
    assert not lacking, f"add an evidence reader for {lacking} to OVERRIDE_EVIDENCE"


@pytest.mark.parametrize(("stage", "key", "value"), stage_overrides(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_each_stage_override_took_effect(demo_results, stage, key, value):
    cfg, overrides = _shipped()
    section, *rest = key.split(".")
    default = section_defaults(section)
    for k in rest:
        default = default[k]
    assert value != default, f"{stage}: {key} = {value!r} is the default; nothing to prove"
    used = OVERRIDE_EVIDENCE[key](demo_results / stage, stage)
    assert used == pytest.approx(value), f"{stage} used {key} = {used!r}, override says {value!r}"
    # and a stage without this override used the default (the override is not global)
    for other in STAGES:
        merged = deep_merge(cfg, overrides.get(other, {}))
        node = merged[section]
        for k in rest:
            node = node[k]
        if node == default and key != "features.venue_bandwidth_m":
            got = OVERRIDE_EVIDENCE[key](demo_results / other, other)
            assert got == pytest.approx(default), (other, key, got)
            break


def test_region_personnel_override_took_effect(demo_results):
    region = yaml.safe_load((DEMO / "region.yaml").read_text(encoding="utf-8"))
    for stage in STAGES:
        want = region["stages"][stage].get("personnel", region["personnel"])
        plan = _plan(demo_results / stage)
        assert plan["personnel_budget"] == want, stage
        tasks = pd.read_csv(demo_results / stage / "tasks.csv")
        assert tasks.groupby("date")["personnel"].sum().max() <= want, stage
    assert _plan(demo_results / "announcement")["personnel_budget"] == 120 != region["personnel"]
