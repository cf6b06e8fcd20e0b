# Features as of the stage's start, the count model, classes and the backtest.


rule score:
    input:
        region=rules.ingest.output.region,
        areas=rules.ingest.output.areas,
        tps=rules.ingest.output.tps,
        venues=rules.ingest.output.venues,
        incidents=rules.ingest.output.incidents,
        units=rules.ingest.output.units,
    output:
        area_csv=report(
            OUT / "{stage}" / "area_risk.csv",
            caption="../report/area_risk.rst",
            category="Tabel risiko desa",
            subcategory="{stage}",
        ),
        area_gpkg=OUT / "{stage}" / "area_risk.gpkg",
        backtest=OUT / "{stage}" / "backtest.json",
        tps_scores=WORK / "{stage}" / "tps_scores.csv",
        venue_scores=WORK / "{stage}" / "venue_scores.csv",
        model=WORK / "{stage}" / "model.json",
    params:
        cfg=lambda w: step_params("score", w.stage),
    log:
        LOGS / "{stage}" / "score.log",
    benchmark:
        BENCH / "{stage}" / "score.tsv"
    shell:
        "python -m riskmap.steps.score --stage {wildcards.stage} --work {WORK:q}"
        " --out {OUT:q}/{wildcards.stage} --params {params.cfg:q} --log {log:q}"
