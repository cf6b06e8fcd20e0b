"""Many regions in one run (``--config regions=DIR``): per-region outputs identical to their
single-region runs, the roll-up's figures, unusable regions listed while the others complete,
the overview map's offline page and links; plus the region discovery and the synthetic country.
"""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box
from tiny_region import write_tiny_region

from riskmap.config import ConfigError, discover_regions, region_stages_checked
from riskmap.maps.overview import encode_rings
from riskmap.runner import run_snakemake, run_snakemake_watched
from riskmap.simulate_country import (
    NATIONAL_REGIONS,
    NATIONAL_TPS,
    NATIONAL_VILLAGES,
    exact_total,
    fit_size_model,
    plan_regions,
    region_code,
)
from riskmap.summary import SUMMARY_COLUMNS, summary_row, summary_table

REPO = Path(__file__).resolve().parents[1]
STAGES = ["campaign", "voting", "announcement"]  # the tiny region's calendar
OK_REGIONS = ["alpha", "beta"]
COMPARED = ("*.csv", "*.json", "*.geojson", "*.gpkg", "map.html", "quarantine/*.csv")


def snakemake(out: Path, *config: str) -> subprocess.CompletedProcess:
    return run_snakemake(REPO / "Snakefile", config=[f"results={out}", *config],
                         directory=out.parent, cwd=out.parent, timeout=900)


def write_regions(root: Path) -> Path:
    """alpha and beta (tiny regions), broken (bad region.yaml), no_tps_lat (fatal input)."""
    write_tiny_region(root / "alpha")
    write_tiny_region(root / "beta", lon0=114.40, lat0=-1.90, personnel=30)
    broken = write_tiny_region(root / "broken", lon0=115.0, lat0=-2.5)
    (broken / "region.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    fatal = write_tiny_region(root / "no_tps_lat", lon0=113.0, lat0=-0.5)
    tps = pd.read_csv(fatal / "tps.csv", dtype=str)
    tps.drop(columns=["lat", "lon"]).to_csv(fatal / "tps.csv", index=False)
    (root / "_scratch").mkdir()  # skipped: not a region folder name
    (root / "notes").mkdir()  # skipped: no region.yaml
    return root


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    base = tmp_path_factory.mktemp("many")
    regions = write_regions(base / "regions")
    out = base / "out"
    proc = snakemake(out, f"regions={regions}")
    return regions, out, proc


@pytest.fixture(scope="module")
def singles(many, tmp_path_factory):
    regions, _, _ = many
    outs = {}
    for name in OK_REGIONS:
        out = tmp_path_factory.mktemp(f"single_{name}") / "out"
        proc = snakemake(out, f"region={regions / name}")
        assert proc.returncode == 0, proc.stderr[-3000:]
        outs[name] = out
    return outs


def published_files(stage_dir: Path) -> list[Path]:
    return sorted(p.relative_to(stage_dir) for pat in COMPARED for p in stage_dir.glob(pat))


@pytest.mark.slow
def test_unusable_regions_fail_the_run_after_the_others_complete(many):
    _, out, proc = many
    assert proc.returncode != 0
    assert "broken" in proc.stderr and "no_tps_lat" in proc.stderr
    for name in OK_REGIONS:
        status = json.loads((out / name / "_work" / "status.json").read_text())
        assert status["status"] == "ok" and status["reason"] == ""
        for stage in STAGES:
            assert (out / name / stage / "map.html").is_file()
            assert (out / name / "logs" / stage / "score.log").is_file()
    for name in ("broken", "no_tps_lat"):
        status = json.loads((out / name / "_work" / "status.json").read_text())
        assert status["status"] == "error" and status["reason"].startswith("ingest:")
    assert "region.yaml" in json.loads((out / "broken/_work/status.json").read_text())["reason"]
    assert not (out / "_scratch").exists() and not (out / "notes").exists()
    assert not (out / "_summary" / "_work" / "regions_ok.txt").exists()


@pytest.mark.slow
def test_each_region_is_byte_identical_to_its_single_region_run(many, singles):
    _, out, _ = many
    for name, single in singles.items():
        for stage in STAGES:
            files = published_files(single / stage)
            assert len(files) >= 12
            assert files == published_files(out / name / stage)
            for rel in files:
                a, b = (single / stage / rel).read_bytes(), (out / name / stage / rel).read_bytes()
                assert a == b, f"{name}/{stage}/{rel} differs from the single-region run"


@pytest.mark.slow
def test_summary_lists_every_region_and_equals_their_own_figures(many):
    _, out, _ = many
    for stage in STAGES:
        table = pd.read_csv(out / "_summary" / stage / "summary.csv", dtype={"code": str})
        assert list(table.columns) == list(SUMMARY_COLUMNS)
        assert list(table["region"]) == ["alpha", "beta", "broken", "no_tps_lat"]
        rows = table.set_index("region")
        assert "region.yaml" in rows.loc["broken", "status"]
        assert rows.loc["no_tps_lat", "status"] != "ok"
        assert pd.isna(rows.loc["broken", "villages"])
        for name in OK_REGIONS:
            row, folder = rows.loc[name], out / name / stage
            area = pd.read_csv(folder / "area_risk.csv")
            tps = pd.read_csv(folder / "tps_risk.csv", keep_default_na=False, dtype=str)
            plan = json.loads((folder / "plan.json").read_text())
            assert row["status"] == "ok" and row["code"] == "99.01"
            assert row["villages"] == len(area) and row["tps"] == len(tps)
            for cls in ("sangat_rawan", "rawan"):
                assert row[f"villages_{cls}"] == (area["risk_class"] == cls).sum()
                assert row[f"tps_{cls}"] == (tps["risk_class"] == cls).sum()
            assert row["expected_incidents"] == pytest.approx(
                area["expected_incidents"].sum(), abs=1e-4
            )
            assert row["personnel_budget"] == plan["personnel_budget"]
            assert row["personnel_assigned"] == plan["personnel_assigned"]
            assert row["tps_with_team"] == (tps["post_id"] != "").sum()


@pytest.mark.slow
def test_summary_area_risk_has_every_usable_village_with_its_region(many):
    _, out, _ = many
    gdf = gpd.read_file(out / "_summary" / "voting" / "area_risk.gpkg")
    assert "region" in gdf.columns and gdf.crs.to_epsg() == 4326
    for name in OK_REGIONS:
        own = gpd.read_file(out / name / "voting" / "area_risk.gpkg")
        mine = gdf[gdf["region"] == name].sort_values("village_code")
        assert len(mine) == len(own)
        assert list(mine["risk_class"]) == list(own.sort_values("village_code")["risk_class"])
    assert set(gdf["region"]) == set(OK_REGIONS)


@pytest.mark.slow
def test_overview_map_is_offline_and_links_to_each_region_map(many):
    _, out, _ = many
    page = out / "_summary" / "voting" / "map.html"
    html = page.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    csp = htmllib.unescape(csp)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "http" not in csp
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, flags=re.IGNORECASE)
    assert not re.search(r"@import|<link\b", html, flags=re.IGNORECASE)
    links = re.findall(r'<a class="ov-link" href="([^"]+)"', html)
    assert links == [f"../../{name}/voting/map.html" for name in OK_REGIONS]
    for link in links:
        assert (page.parent / link).resolve().is_file()
    assert "no_tps_lat" in html and "tidak dapat diproses" in html
    data = json.loads(re.search(r'id="ov-data">(.*?)</script>', html, flags=re.S).group(1))
    alpha = next(r for r in data["regions"] if r["id"] == "alpha")
    assert alpha["outline"] and len(alpha["villages"]) == 9


@pytest.mark.slow
def test_an_edited_region_file_reruns_that_region_and_no_other(many):
    # a region job declares no input and stamps the folder's files in a param
    regions, out, _ = many

    def planned() -> str:
        proc = snakemake(out, f"regions={regions}", "-n", "--quiet", "rules")
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc.stdout + proc.stderr

    assert not re.search(r"run_region\s+\d", planned())
    for name in ("tps.csv", "region.yaml"):
        path = regions / "alpha" / name
        before = path.stat()
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
        try:
            assert re.search(r"run_region\s+1\b", planned()), name
        finally:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert not re.search(r"run_region\s+\d", planned())


@pytest.mark.slow
def test_without_the_briefing_pack_the_other_outputs_are_the_same_bytes(many, tmp_path):
    # briefing_pack=false (a national run): no map.png, briefing.pdf, kecamatan.csv; the
    # contract's outputs as with the pack; the switches given as text on the command line
    _, out, _ = many
    regions = tmp_path / "regions"
    shutil.copytree(many[0] / "alpha", regions / "alpha")
    lean = tmp_path / "out"
    proc = snakemake(lean, f"regions={regions}", "briefing_pack=false", "warm_start=false")
    assert proc.returncode == 0, proc.stderr[-3000:]
    for stage in STAGES:
        files = published_files(out / "alpha" / stage)
        pack = [f for f in files if f.name in ("briefing.pdf", "kecamatan.csv")]
        assert pack and not any((lean / "alpha" / stage / f).exists() for f in pack)
        assert not (lean / "alpha" / stage / "map.png").exists()
        assert (out / "alpha" / stage / "map.png").is_file()
        for rel in set(files) - set(pack):
            a = (out / "alpha" / stage / rel).read_bytes()
            assert a == (lean / "alpha" / stage / rel).read_bytes(), f"{stage}/{rel}"
    steps = pd.read_csv(lean / "alpha" / "benchmarks" / "steps.tsv", sep="\t")
    assert not steps["step"].str.startswith("render_briefing").any()


@pytest.mark.slow
def test_region_timings_split_the_briefing_into_its_parts(many):
    _, out, _ = many
    steps = pd.read_csv(out / "alpha" / "benchmarks" / "steps.tsv", sep="\t", dtype={"parts": str})
    briefing = steps[steps["step"].str.startswith("render_briefing/")]
    assert len(briefing) == len(STAGES)
    for cell, cpu in zip(briefing["parts"], briefing["cpu"], strict=True):
        parts = dict(item.split("=") for item in cell.split(";"))
        assert {"map_png", "pdf_typeset"} <= set(parts)
        assert 0 < float(parts["map_png"]) + float(parts["pdf_typeset"]) <= cpu + 0.01
    assert steps.loc[steps["step"].str.startswith("score/"), "parts"].isna().all()


def test_many_region_run_plans_one_job_per_region_and_stage_summaries(tmp_path):
    regions = tmp_path / "regions"
    write_tiny_region(regions / "a")
    write_tiny_region(regions / "b", lon0=114.4)
    proc = snakemake(tmp_path / "out", f"regions={regions}", "-n", "--quiet", "rules")
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout + proc.stderr
    assert re.search(r"run_region\s+2\b", text), text
    assert re.search(r"summarise\s+3\b", text), text
    assert re.search(r"check_regions\s+1\b", text), text
    assert "ingest" not in text


def test_watched_run_reports_the_output_and_snakemake_s_own_cpu(tmp_path):
    regions = tmp_path / "regions"
    write_tiny_region(regions / "a")
    out = tmp_path / "out"
    proc, own = run_snakemake_watched(
        REPO / "Snakefile", config=[f"results={out}", f"regions={regions}"],
        directory=tmp_path, before=["-n", "--quiet", "rules"], interval=0.05)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert re.search(r"run_region\s+1\b", proc.stdout + proc.stderr)
    # reading the workflow and planning is CPU work of Snakemake's own process (seconds)
    assert 0.2 < own < 60


def test_single_region_mode_is_unchanged(tmp_path):
    region = write_tiny_region(tmp_path / "region")
    proc = snakemake(tmp_path / "out", f"region={region}", "-n", "--quiet", "rules")
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout + proc.stderr
    assert re.search(r"ingest\s+1\b", text) and re.search(r"render_map\s+3\b", text)
    assert "run_region" not in text and "summarise" not in text
    assert re.search(r"render_briefing\s+3\b", text)
    proc = snakemake(tmp_path / "out", f"region={region}", "briefing_pack=false", "-n", "--quiet",
                     "rules")
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout + proc.stderr
    assert re.search(r"render_map\s+3\b", text) and "render_briefing" not in text


def test_empty_regions_folder_is_a_readable_configuration_error(tmp_path):
    (tmp_path / "regions").mkdir()
    proc = snakemake(tmp_path / "out", f"regions={tmp_path / 'regions'}", "-n")
    assert proc.returncode != 0
    assert "no region folder found" in proc.stderr and "Traceback" not in proc.stderr


def test_discover_regions_skips_hidden_underscore_and_yaml_less_folders(tmp_path):
    for name in ("b", "a", "_summary", ".git", "c_no_yaml"):
        (tmp_path / name).mkdir()
    for name in ("a", "b", "_summary", ".git"):
        (tmp_path / name / "region.yaml").write_text("name: x\n")
    assert discover_regions(tmp_path) == ["a", "b"]
    with pytest.raises(ConfigError, match="not found"):
        discover_regions(tmp_path / "missing")
    stages, problem = region_stages_checked(tmp_path / "a")
    assert stages == [] and "stages" in problem


def test_summary_table_sorts_regions_and_blanks_figures_of_unusable_ones():
    rows = [
        summary_row(
            "b",
            name="B",
            code="62.10",
            figures={"villages": 3, "tps": 9, "expected_incidents": 1.25},
        ),
        summary_row("a", status="ingest: tps.csv: column lat missing", figures={"villages": 5}),
    ]
    table = summary_table(rows)
    assert list(table["region"]) == ["a", "b"]
    assert pd.isna(table.loc[0, "villages"]) and table.loc[1, "villages"] == 3
    assert table.loc[1, "expected_incidents"] == 1.25


def test_encode_rings_round_trips_to_the_rounded_coordinates():
    poly = Polygon([(113.12345, -1.5), (113.2, -1.5), (113.2, -1.43333), (113.12345, -1.5)])
    [[ring]] = encode_rings(poly, 4)
    xy = np.cumsum(np.array(ring).reshape(-1, 2), axis=0) / 1e4
    assert xy.tolist() == [[113.1234, -1.5], [113.2, -1.5], [113.2, -1.4333]]
    assert encode_rings(box(0, 0, 1e-6, 1e-6), 3) == []


def test_national_set_sums_exactly_and_is_deterministic():
    specs = plan_regions(NATIONAL_REGIONS, seed=5, national=True)
    sizes = np.array([s.n_tps for s in specs])
    assert len(specs) == 514 and sizes.sum() == NATIONAL_TPS
    assert sizes.min() >= 150 and sizes.max() <= 20_000 and sizes.max() > 10_000
    assert sum(s.n_villages for s in specs) == pytest.approx(NATIONAL_VILLAGES, rel=0.01)
    assert specs == plan_regions(NATIONAL_REGIONS, seed=5, national=True)
    assert [s.n_tps for s in plan_regions(NATIONAL_REGIONS, seed=6, national=True)] != list(sizes)
    assert len({s.code for s in specs}) == 514 and len({(s.lon, s.lat) for s in specs}) == 514
    assert region_code(513) == "19.34"


def test_size_model_matches_the_facts_it_is_fitted_to():
    m = fit_size_model()
    assert np.exp(m.mu + m.sigma**2 / 2) == pytest.approx(NATIONAL_TPS / NATIONAL_REGIONS)
    assert exact_total(np.array([5.0, 1.0, 1.0]), 10, lo=2, hi=6).tolist() == [6, 2, 2]
    with pytest.raises(ValueError):
        exact_total(np.array([1.0, 1.0]), 100, lo=1, hi=10)


def test_simulate_country_writes_region_folders_with_the_planned_sizes(tmp_path):
    from riskmap.simulate_country import main

    assert main(["--regions", "2", "--seed", "3", "--out", str(tmp_path)]) == 0
    specs = plan_regions(2, seed=3)
    for spec in specs:
        folder = tmp_path / spec.folder
        tps = pd.read_csv(folder / "tps.csv", dtype=str)
        areas = gpd.read_file(folder / "areas.geojson")
        assert len(tps) == spec.n_tps and tps["tps_id"].is_unique
        assert set(tps["village_code"]) <= set(areas["village_code"])
        assert areas["village_code"].str.startswith(spec.code + ".").all()
        assert f'code: "{spec.code}"' in (folder / "region.yaml").read_text()
        assert region_stages_checked(folder)[1] == ""
    first = (tmp_path / specs[0].folder / "tps.csv").read_bytes()
    assert main(["--regions", "2", "--seed", "3", "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / specs[0].folder / "tps.csv").read_bytes() == first


def test_warm_server_runs_a_region_job_in_the_callers_folder_and_environment(tmp_path):
    from riskmap.warm import run_remote

    sock = tmp_path / "warm.sock"
    server = subprocess.Popen([sys.executable, "-m", "riskmap.warm", "serve", str(sock)])
    try:
        os.environ["RISKMAP_WARM_PID"] = str(server.pid)
        work = tmp_path / "job"
        work.mkdir()
        cwd = Path.cwd()
        os.chdir(work)
        try:
            argv = [
                "--region",
                "r1",
                "--steps",
                "[]",
                "--problem=region.yaml: broken",
                "--status",
                "out/status.json",
            ]
            status = run_remote(argv, path=str(sock))
        finally:
            os.chdir(cwd)
            del os.environ["RISKMAP_WARM_PID"]
        assert status == 0
        record = json.loads((work / "out" / "status.json").read_text())
        assert record == {
            "region": "r1",
            "status": "error",
            "reason": "region.yaml: broken",
            "steps": [],
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert run_remote(["--region", "x"], path=str(tmp_path / "none.sock")) is None


def test_warm_preload_imports_what_the_steps_import_only_where_used():
    """A region forked from the warm process imports none of these again: the planner's stage
    modules, the roster's spreadsheet writer and (where Pango loads) WeasyPrint."""
    from riskmap.planner.plan import STAGE_MODULES
    from riskmap.warm import preload

    loaded = set(preload())
    stage_modules = {module for pairs in STAGE_MODULES.values() for module, _ in pairs}
    assert stage_modules <= loaded
    assert {"openpyxl", "matplotlib.pyplot", "riskmap.steps.render_briefing"} <= loaded
    try:
        import weasyprint  # noqa: F401
    except OSError:
        assert "weasyprint" not in loaded
    else:
        assert "weasyprint" in loaded
