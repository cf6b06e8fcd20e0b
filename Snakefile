# riskmap: election-security risk maps and posting plans, one set per election stage.
#   snakemake --cores all                                   # the embedded Gunung Mas demo
#   snakemake --cores 2 --config region=DIR results=OUT     # any region folder
# Rules are thin: each calls one step of the riskmap package (python -m riskmap.steps.<rule>).

import json
import sys
from pathlib import Path

from riskmap.config import ConfigError, load_stage_overrides, region_stages, stage_config, validate_config


configfile: Path(workflow.basedir) / "config" / "config.yaml"


try:
    validate_config(config)
    STAGE_OVERRIDES = load_stage_overrides(Path(workflow.basedir) / "config" / "stages")
    REGION = Path(config["region"])
    OUT = Path(config["results"])
    STAGES = region_stages(REGION)
    STAGE_CONFIG = {s: stage_config(config, STAGE_OVERRIDES, s) for s in STAGES}
except ConfigError as exc:
    # A readable message and a non-zero status, without a Python traceback.
    sys.stderr.write(f"riskmap: configuration error\n{exc}\n")
    sys.exit(1)

WORK = OUT / "_work"
LOGS = OUT / "logs"
BENCH = OUT / "benchmarks"
QUARANTINE_TABLES = ["areas", "tps", "venues", "incidents", "units"]


wildcard_constraints:
    stage="|".join(STAGES),


def section(stage, *names):
    """The config sections a rule needs for one stage, as one JSON string."""
    return json.dumps({n: STAGE_CONFIG[stage][n] for n in names}, sort_keys=True)


def previous_stage(stage):
    i = STAGES.index(stage)
    return STAGES[i - 1] if i > 0 else None


include: "workflow/rules/ingest.smk"
include: "workflow/rules/score.smk"
include: "workflow/rules/allocate.smk"
include: "workflow/rules/render.smk"


rule all:
    input:
        expand(
            OUT / "{stage}" / "{name}",
            stage=STAGES,
            name=[
                "area_risk.csv",
                "area_risk.gpkg",
                "tps_risk.csv",
                "posts.csv",
                "posts.geojson",
                "plan.json",
                "backtest.json",
                "quality.json",
                "roster.csv",
                "roster.xlsx",
                "reach.csv",
                "tasks.csv",
                "movements.geojson",
                "map.html",
            ],
        ),
    default_target: True
