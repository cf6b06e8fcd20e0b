"""The riskmap command: check, init and the importers, with their exit statuses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from riskmap.cli import COMMANDS, main
from riskmap.io import load_region

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DATA = Path(__file__).resolve().parent / "data"


def test_init_writes_a_template_that_passes_check(tmp_path, capsys):
    folder = tmp_path / "polres-baru"
    assert main(["init", str(folder)]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["README.txt", "areas.geojson", "incidents.csv", "region.yaml", "tps.csv",
                     "units.csv", "venues.csv"]
    for name in ["tps.csv", "venues.csv", "incidents.csv", "units.csv"]:
        assert len(pd.read_csv(folder / name)) == 2, name
    assert "#" in (folder / "region.yaml").read_text()
    region = load_region(folder)
    assert all(q["quarantined"] == 0 for q in region.quality.values())
    capsys.readouterr()
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "HASIL: folder dapat dipakai" in out and "dikarantina" in out
    # A second init does not overwrite the analyst's files.
    assert main(["init", str(folder)]) == 1


def test_check_reports_fatal_problems_with_status_1_in_both_languages(tmp_path, capsys):
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    (folder / "tps.csv").write_text("tps_id,lat,lon\nX,-1.1,113.86\n")
    (folder / "incidents.csv").write_text(
        "incident_id,date,kind,lat,lon\nI1,2024-01-01,parade,-1.1,113.86\n"
        "I2,2024-01-02,riot,-1.1,113.86\n")
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "MASALAH FATAL" in out and "kolom wajib tidak ada" in out and "voters" in out
    assert "incidents.csv, baris 2, kolom 'kind', nilai 'parade': jenis tidak dikenal" in out
    assert main(["check", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "FATAL PROBLEMS" in out and "required column is missing" in out
    assert "incidents.csv, row 2, column 'kind', value 'parade': unknown kind" in out


def test_import_tallies_fills_tps_and_writes_the_anomaly_report(tmp_path, capsys):
    tps = tmp_path / "tps.csv"
    tps.write_text("tps_id,village_code,lat,lon,voters\n"
                   "6210021001002,62.10.02.1001,-1.1,113.8,1\n"
                   "6210021001013,62.10.02.1001,-1.1,113.8,1\n")
    out, report = tmp_path / "tps_filled.csv", tmp_path / "anomalies.csv"
    assert main(["import-tallies", str(DATA / "gunungmas_tps2019_dpt.csv"), "--tps", str(tps),
                 "-o", str(out), "--report", str(report)]) == 0
    filled = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(filled["voters"]) == ["294", "284"]
    assert list(filled["last_margin"]) == ["0.7288", ""]  # row 14 is flagged janggal
    rep = pd.read_csv(report)
    assert 14 in set(rep["row"]) and "flagged_anomalous" in set(rep["reason"])
    printed = capsys.readouterr().out
    assert "turnout_over_100: " in printed and "baris 23" in printed


def test_import_acled_writes_incidents_loadable_by_the_reader(tmp_path, capsys):
    src = tmp_path / "acled.csv"
    src.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,notes,fatalities\n"
        "IDN1,14 February 2024,Protests,Peaceful protest,-1.1005,113.8605,Demo di KPU,0\n"
        "IDN2,2024-02-15,Riots,Violent demonstration,-1.0995,113.8795,,0\n")
    with open(src, "a") as fh:
        fh.write("IDN3,2024-02-16,Riots,Mob violence,-7.25,112.75,Surabaya,0\n")
    out = tmp_path / "incidents.csv"
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    assert main(["import-acled", str(src), "-o", str(out), "--region", str(folder)]) == 0
    assert "1 kejadian di luar wilayah tidak ditulis" in capsys.readouterr().out
    shutil.copy(out, folder / "incidents.csv")
    region = load_region(folder)
    assert list(region.incidents["kind"]) == ["demonstration", "riot"]
    assert region.incidents["severity"].tolist() == [1, 2]


def test_missing_input_ends_with_a_message_not_a_traceback(tmp_path):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(["riskmap", "import-acled", str(tmp_path / "none.csv"), "-o",
                           str(tmp_path / "x.csv")], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "none.csv" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(["riskmap", "check", str(tmp_path / "nothing")], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 1 and "region.yaml" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_subcommands_are_a_registry(capsys):
    assert {"check", "init", "import-acled", "import-tallies", "reasons"} <= set(COMMANDS)
    assert main(["reasons", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "outside_region" in out and "FATAL (the run stops)" in out


def test_check_also_reads_the_optional_routes_file(tmp_path, capsys):
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    (folder / "routes.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"kind": "perahu"}, "geometry": {"type": "LineString", "coordinates": '
        '[[113.86, -1.10], [113.88, -1.10]]}}]}')
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "routes.geojson" in out and "perahu" in out


def test_import_acled_selects_types_keeps_precision_and_neutralises_the_report(tmp_path,
                                                                              capsys):
    src = tmp_path / "+62 acled.csv"  # the report's texts start with the file name
    src.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,geo_precision,"
        "notes\n"
        "IDN1,2024-02-14,Protests,Peaceful protest,-1.1005,113.8605,1,\n"
        "IDN2,2024-02-15,Battles,Armed clash,-1.0995,113.8795,2,\n"
        "IDN3,2024-02-16,Riots,Mob violence,-1.0995,113.8795,3,\n"
        "IDN4,yesterday,Riots,Mob violence,-1.0995,113.8795,3,\n")
    out, report = tmp_path / "incidents.csv", tmp_path / "rows.csv"
    assert main(["import-acled", str(src), "-o", str(out), "--report", str(report),
                 "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "1 ACLED events left out" in printed and "Battles/Armed clash 1" in printed
    written = pd.read_csv(out, dtype=str)
    assert list(written["incident_id"]) == ["IDN1", "IDN3"]
    assert list(written["geo_precision"]) == ["1", "3"]
    # The report is for people: a formula-like cell is made inert.
    rep = pd.read_csv(report, dtype=str)
    assert list(rep["row"]) == ["5"] and list(rep["reason"]) == ["bad_date"]
    assert rep["reason_text"].iloc[0].startswith("'+62 acled.csv, row 5")
    assert main(["import-acled", str(src), "-o", str(out), "--event-types", "Protests,Battles",
                 "--sub-event-types", ""]) == 0
    written = pd.read_csv(out, dtype=str)
    assert list(written["incident_id"]) == ["IDN1", "IDN2"]
    assert list(written["kind"]) == ["demonstration", "other"]
    # geo_precision reaches the validated incidents.
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    shutil.copy(out, folder / "incidents.csv")
    region = load_region(folder)
    assert region.incidents["geo_precision"].tolist() == [1, 2]


def test_check_names_overlapping_villages_in_hectares(tmp_path, capsys):
    folder = tmp_path / "r"
    shutil.copytree(CORPUS / "base", folder)
    shutil.copy(CORPUS / "cases" / "areas_overlapping_neighbours" / "areas.geojson",
                folder / "areas.geojson")
    assert main(["check", str(folder), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "1 pairs of areas overlap (largest 24.66 ha)" in out
    assert "Kelurahan Contoh (62.10.02.1012) / Desa Contoh (62.10.02.2001) 24.66 ha" in out
