# riskmap: election-security risk maps and posting plans, one set per election stage.
#   snakemake --cores all                                   # the embedded Gunung Mas demo
#   snakemake --cores 2 --config region=DIR results=OUT     # any region folder
#   snakemake --cores 2 --config regions=DIR results=OUT    # every region folder in DIR
# Rules are thin: each calls one step of the riskmap package (python -m riskmap.steps.<rule>).

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from riskmap.config import (
    ConfigError,
    coerce_flags,
    discover_regions,
    load_stage_overrides,
    region_stages,
    region_stages_checked,
    stage_config,
    validate_config,
    STAGES as ALL_STAGES,
)


configfile: Path(workflow.basedir) / "config" / "config.yaml"


# The published files of one stage of one region: rule all asks for them (single region) and
# the summary checks them (many regions). Add a new per-stage output here, in one place.
STAGE_OUTPUTS = [
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
    "map.png",
    "briefing.pdf",
    "kecamatan.csv",
]
QUARANTINE_TABLES = ["areas", "tps", "venues", "incidents", "units"]
# The briefing pack of a stage (rule render_briefing); `briefing_pack: false` leaves it out.
BRIEFING_OUTPUTS = ["map.png", "briefing.pdf", "kecamatan.csv"]

try:
    coerce_flags(config)
    validate_config(config)
    STAGE_OVERRIDES = load_stage_overrides(Path(workflow.basedir) / "config" / "stages")
    OUT = Path(config["results"])
    MANY = bool(config.get("regions"))
    if MANY:
        REGIONS_DIR = Path(config["regions"])
        REGIONS = discover_regions(REGIONS_DIR)
        REGION_STAGES = {r: region_stages_checked(REGIONS_DIR / r) for r in REGIONS}
        listed = {s for stages in REGION_STAGES.values() for s in stages[0]}
        STAGES = [s for s in ALL_STAGES if s in listed] or list(ALL_STAGES)
    else:
        REGION = Path(config["region"])
        STAGES = region_stages(REGION)
    STAGE_CONFIG = {s: stage_config(config, STAGE_OVERRIDES, s) for s in STAGES}
    BRIEFING_PACK = bool(config.get("briefing_pack", True))
    if not BRIEFING_PACK:
        STAGE_OUTPUTS = [n for n in STAGE_OUTPUTS if n not in BRIEFING_OUTPUTS]
except ConfigError as exc:
    # A readable message and a non-zero status, without a Python traceback.
    sys.stderr.write(f"riskmap: configuration error\n{exc}\n")
    sys.exit(1)

WORK = OUT / "_work"
LOGS = OUT / "logs"
BENCH = OUT / "benchmarks"


wildcard_constraints:
    stage="|".join(STAGES),


def section(stage, *names):
    """The config sections a rule needs for one stage, as one JSON string."""
    return json.dumps({n: STAGE_CONFIG[stage][n] for n in names}, sort_keys=True)


# The stage steps, in the order a stage runs them, and the config sections each reads: the
# single-region rules and the many-region jobs pass the same (step_params), so that a section
# added here reaches both.
STEP_SECTIONS = {
    "score": ("features", "model", "classes"),
    "allocate": ("allocation", "reach"),
    "render_map": ("map",),
    "render_briefing": ("map", "briefing"),
}


# The steps a stage runs (render_briefing only when the briefing pack is made).
STAGE_STEPS = [s for s in STEP_SECTIONS if BRIEFING_PACK or s != "render_briefing"]


def step_params(step, stage):
    """The --params JSON of a stage step: its config sections for the stage."""
    return section(stage, *STEP_SECTIONS[step])


def ingest_params():
    """The --params JSON of the ingest step."""
    return json.dumps({"ingest": config.get("ingest", {})}, sort_keys=True)


def previous_stage(stage, stages=None):
    stages = STAGES if stages is None else stages
    i = stages.index(stage)
    return stages[i - 1] if i > 0 else None


if MANY:

    include: "workflow/rules/regions.smk"
    include: "workflow/rules/summary.smk"

    # One warm process per run imports the libraries once; region jobs fork from it
    # (riskmap.warm). Not started for a dry run; jobs fall back to their own process without it.
    WARM_SOCKET = Path(tempfile.gettempdir()) / f"riskmap-warm-{os.getpid()}.sock"

    onstart:
        if config.get("warm_start", True):
            server = subprocess.Popen(
                [shutil.which("python") or sys.executable, "-m", "riskmap.warm", "serve",
                 str(WARM_SOCKET)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            os.environ["RISKMAP_WARM_SOCKET"] = str(WARM_SOCKET)
            os.environ["RISKMAP_WARM_PID"] = str(server.pid)
            os.environ["RISKMAP_WARM_HOST"] = socket.gethostname()

    onsuccess:
        WARM_SOCKET.unlink(missing_ok=True)

    onerror:
        WARM_SOCKET.unlink(missing_ok=True)

    rule all:
        input:
            expand(OUT / "_summary" / "{stage}" / "{name}", stage=STAGES, name=SUMMARY_OUTPUTS),
            rules.check_regions.output,
        default_target: True

else:

    include: "workflow/rules/ingest.smk"
    include: "workflow/rules/score.smk"
    include: "workflow/rules/allocate.smk"
    include: "workflow/rules/render.smk"
    include: "workflow/rules/briefing.smk"

    rule all:
        input:
            expand(OUT / "{stage}" / "{name}", stage=STAGES, name=STAGE_OUTPUTS),
        default_target: True
