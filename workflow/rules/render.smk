# The commander's map: one self-contained HTML file per stage, in Bahasa Indonesia.


def previous_area_risk(wildcards):
    prev = previous_stage(wildcards.stage)
    return [str(OUT / prev / "area_risk.csv")] if prev else []


rule render_map:
    input:
        region=rules.ingest.output.region,
        areas=rules.ingest.output.areas,
        venues=rules.ingest.output.venues,
        incidents=rules.ingest.output.incidents,
        units=rules.ingest.output.units,
        area_risk=rules.score.output.area_csv,
        venue_scores=rules.score.output.venue_scores,
        tps_risk=rules.allocate.output.tps_risk,
        posts=rules.allocate.output.posts_csv,
        reach=rules.allocate.output.reach,
        # the operations plan (tasks.csv, movements.geojson, plan.json): read from the stage's
        # folder when the allocate rule writes them; a plan without them still renders
        plan=getattr(rules.allocate.output, "plan", []),
        tasks=getattr(rules.allocate.output, "tasks", []),
        movements=getattr(rules.allocate.output, "movements", []),
        previous=previous_area_risk,
    output:
        html=report(
            OUT / "{stage}" / "map.html",
            caption="../report/map.rst",
            category="Peta risiko",
            subcategory="{stage}",
        ),
    params:
        cfg=lambda w: step_params("render_map", w.stage),
        previous=lambda w, input: input.previous[0] if input.previous else "",
    log:
        LOGS / "{stage}" / "render_map.log",
    benchmark:
        BENCH / "{stage}" / "render_map.tsv"
    shell:
        "python -m riskmap.steps.render_map --stage {wildcards.stage} --work {WORK:q}"
        " --out {OUT:q}/{wildcards.stage} --previous={params.previous:q}"
        " --params {params.cfg:q} --log {log:q}"
