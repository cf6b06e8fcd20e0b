# The briefing pack: a static map for slides, an A4 PDF and the per-kecamatan table.


def planner_extras(wildcards):
    """tasks.csv / movements.geojson, when the allocate rule declares them."""
    declared = {Path(str(f)).name for f in rules.allocate.output}
    return [str(OUT / wildcards.stage / n) for n in ("tasks.csv", "movements.geojson")
            if n in declared]


rule render_briefing:
    input:
        region=rules.ingest.output.region,
        areas=rules.ingest.output.areas,
        venues=rules.ingest.output.venues,
        units=rules.ingest.output.units,
        area_risk=rules.score.output.area_csv,
        tps_risk=rules.allocate.output.tps_risk,
        posts=rules.allocate.output.posts_csv,
        plan=rules.allocate.output.plan,
        reach=rules.allocate.output.reach,
        previous=previous_area_risk,
        planner=planner_extras,
    output:
        png=report(
            OUT / "{stage}" / "map.png",
            caption="../report/map_png.rst",
            category="Bahan paparan",
            subcategory="{stage}",
        ),
        pdf=report(
            OUT / "{stage}" / "briefing.pdf",
            caption="../report/briefing_pdf.rst",
            category="Bahan paparan",
            subcategory="{stage}",
        ),
        kecamatan=OUT / "{stage}" / "kecamatan.csv",
    params:
        cfg=lambda w: step_params("render_briefing", w.stage),
        previous=lambda w, input: input.previous[0] if input.previous else "",
    log:
        LOGS / "{stage}" / "render_briefing.log",
    benchmark:
        BENCH / "{stage}" / "render_briefing.tsv"
    shell:
        "python -m riskmap.steps.render_briefing --stage {wildcards.stage} --work {WORK:q}"
        " --out {OUT:q}/{wildcards.stage} --previous={params.previous:q}"
        " --params {params.cfg:q} --log {log:q}"
