# The operations plan: the stage's tasks per day (teams, guards, patrols, escorts, reserve),
# their posts and movement lines, reach to help and the roster.


rule allocate:
    input:
        region=rules.ingest.output.region,
        tps=rules.ingest.output.tps,
        venues=rules.ingest.output.venues,
        units=rules.ingest.output.units,
        areas=rules.ingest.output.areas,
        routes=rules.ingest.output.routes,
        tps_scores=rules.score.output.tps_scores,
        venue_scores=rules.score.output.venue_scores,
        model=rules.score.output.model,
        area_csv=rules.score.output.area_csv,
    output:
        tps_risk=OUT / "{stage}" / "tps_risk.csv",
        posts_csv=OUT / "{stage}" / "posts.csv",
        posts_geojson=OUT / "{stage}" / "posts.geojson",
        plan=OUT / "{stage}" / "plan.json",
        reach=OUT / "{stage}" / "reach.csv",
        roster_csv=OUT / "{stage}" / "roster.csv",
        roster_xlsx=OUT / "{stage}" / "roster.xlsx",
        tasks=OUT / "{stage}" / "tasks.csv",
        movements=OUT / "{stage}" / "movements.geojson",
    params:
        cfg=lambda w: step_params("allocate", w.stage),
    log:
        LOGS / "{stage}" / "allocate.log",
    benchmark:
        BENCH / "{stage}" / "allocate.tsv"
    shell:
        "python -m riskmap.steps.allocate --stage {wildcards.stage} --work {WORK:q}"
        " --out {OUT:q}/{wildcards.stage} --params {params.cfg:q} --log {log:q}"
