# Read and validate the region folder once; every stage gets its quality report.


def region_files(wildcards):
    return sorted(str(p) for p in REGION.iterdir() if p.is_file() and not p.name.startswith("."))


rule ingest:
    input:
        region_files,
    output:
        region=WORK / "ingest" / "region.json",
        areas=WORK / "ingest" / "areas.gpkg",
        tps=WORK / "ingest" / "tps.csv",
        venues=WORK / "ingest" / "venues.csv",
        incidents=WORK / "ingest" / "incidents.csv",
        units=WORK / "ingest" / "units.csv",
        routes=WORK / "ingest" / "routes.geojson",
        quality=expand(OUT / "{stage}" / "quality.json", stage=STAGES),
        quarantine=expand(
            OUT / "{stage}" / "quarantine" / "{table}.csv", stage=STAGES, table=QUARANTINE_TABLES
        ),
    params:
        region=REGION,
        stage_dirs=[OUT / s for s in STAGES],
        cfg=ingest_params(),
    log:
        LOGS / "ingest.log",
    benchmark:
        BENCH / "ingest.tsv"
    shell:
        "python -m riskmap.steps.ingest --region {params.region:q} --work {WORK:q}"
        " --stage-dirs {params.stage_dirs:q} --params {params.cfg:q} --log {log:q}"
