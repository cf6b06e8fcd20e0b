# Many regions (--config regions=DIR): one job per region folder, running the same step
# commands as the single-region rules (ingest once, then score, allocate, render_map, render_briefing per stage)
# in one process, so that the libraries load once per region. Outputs: OUT/{region}/<stage>/,
# work in OUT/{region}/_work/, logs in OUT/{region}/logs/. A region that cannot be used gets a
# status.json saying why instead of stopping the other regions.


wildcard_constraints:
    region="|".join(REGIONS),


def folder_stamp(region):
    """Every file of the region folder by name, size and modification time, hashed.

    A job parameter, so that an edited, added or removed file (region.yaml included) reruns
    the region as an input would. A region job declares no input: Snakemake measures the
    inputs of every waiting job each time it starts one (``JobScheduler.update_input_sizes``),
    and with a national run's 514 waiting regions that kept its own process busy on most of a
    core, with six files per region and still with one.
    """
    folder = REGIONS_DIR / region
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        stat = path.stat()
        digest.update(f"{path.name}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def region_steps(region):
    """The step commands of one region: the single-region rules' arguments, region-rooted."""
    out, stages = OUT / region, REGION_STAGES[region][0]
    work, logs = out / "_work", out / "logs"
    steps = [
        {
            "name": "ingest",
            "module": "ingest",
            "argv": ["--region", str(REGIONS_DIR / region), "--work", str(work),
                     "--stage-dirs", *[str(out / s) for s in (stages or ALL_STAGES)],
                     "--params", ingest_params(),
                     "--log", str(logs / "ingest.log")],
        }
    ]
    for stage in stages:
        prev = previous_stage(stage, stages)
        previous = [f"--previous={out / prev / 'area_risk.csv' if prev else ''}"]
        for module in STAGE_STEPS:
            extra = previous if module in ("render_map", "render_briefing") else []
            steps.append({
                "name": f"{module}/{stage}",
                "module": module,
                "argv": ["--stage", stage, "--work", str(work), "--out", str(out / stage), *extra,
                         "--params", step_params(module, stage),
                         "--log", str(logs / stage / f"{module}.log")],
            })
    return steps


rule run_region:
    output:
        status=OUT / "{region}" / "_work" / "status.json",
    params:
        stamp=lambda w: folder_stamp(w.region),
        steps=lambda w: json.dumps(region_steps(w.region)),
        problem=lambda w: REGION_STAGES[w.region][1],
        timings=lambda w: OUT / w.region / "benchmarks" / "steps.tsv",
    log:
        OUT / "{region}" / "logs" / "run_region.log",
    benchmark:
        OUT / "{region}" / "benchmarks" / "run_region.tsv"
    shell:
        "python -m riskmap.steps.run_region --region {wildcards.region:q} --steps {params.steps:q}"
        " --problem={params.problem:q} --status {output.status:q} --timings {params.timings:q}"
        " 2> {log:q}"
