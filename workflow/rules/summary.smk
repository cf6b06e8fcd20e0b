# The roll-up of a many-region run, from the regions' published outputs only:
# OUT/_summary/<stage>/summary.csv, area_risk.gpkg and the overview map.html. Then a final check
# that fails the run (after the summary is written) when a region could not be used.

SUMMARY_OUTPUTS = ["summary.csv", "area_risk.gpkg", "map.html"]


rule summarise:
    input:
        statuses=expand(OUT / "{region}" / "_work" / "status.json", region=REGIONS),
    output:
        csv=OUT / "_summary" / "{stage}" / "summary.csv",
        gpkg=OUT / "_summary" / "{stage}" / "area_risk.gpkg",
        html=OUT / "_summary" / "{stage}" / "map.html",
    params:
        regions_dir=REGIONS_DIR,
        expected=STAGE_OUTPUTS,
        cfg=lambda w: section(w.stage, "summary", "map"),
    log:
        OUT / "_summary" / "logs" / "{stage}" / "summarise.log",
    benchmark:
        OUT / "_summary" / "benchmarks" / "{stage}" / "summarise.tsv"
    shell:
        "python -m riskmap.steps.summarise --stage {wildcards.stage} --results {OUT:q}"
        " --regions-dir {params.regions_dir:q} --status {input.statuses:q}"
        " --expected {params.expected:q} --out {OUT:q}/_summary/{wildcards.stage}"
        " --params {params.cfg:q} --log {log:q}"


rule check_regions:
    input:
        summaries=expand(OUT / "_summary" / "{stage}" / "summary.csv", stage=STAGES),
    output:
        OUT / "_summary" / "_work" / "regions_ok.txt",
    log:
        OUT / "_summary" / "logs" / "check_regions.log",
    benchmark:
        OUT / "_summary" / "benchmarks" / "check_regions.tsv"
    shell:
        "python -m riskmap.steps.check_regions --summaries {input.summaries:q}"
        " --ok {output:q} --log {log:q}"
