"""The briefing roster in Bahasa Indonesia: a sheet per kind of task, CSV and Excel."""

from __future__ import annotations

import datetime
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from riskmap.roster import (
    TASK_SHEET_COLUMNS,
    TEAM_COLUMNS,
    roster_from_tasks,
    roster_table,
    travel_label,
    write_roster,
)


def tasks_and_posts(stage: str = "voting"):
    tasks = pd.DataFrame({
        "task_id": ["TIM-0001-20240214", "CAD-POLRES-GM-20240214", "GJ-KPU-20240214",
                    "=cmd-20240214"],
        "date": ["2024-02-14"] * 4,
        "task": ["tps_team", "reserve", "venue_guard", "patrol"],
        "post_id": ["TIM-0001", "CAD-POLRES-GM", "GJ-KPU", "PTL-POLSEK-1"],
        "personnel": [4, 39, 6, 2],
        "unit_id": ["POLSEK-1", "POLRES-GM", "POLSEK-1", "POLSEK-1"],
        "site_kind": ["tps", "unit", "venue", "unit"],
        "site_id": ["6210011001001", "POLRES-GM", "KPU", "POLSEK-1"],
        "lat": [-1.2, -1.1016, -1.1, -1.15], "lon": [113.5, 113.8664, 113.86, 113.7],
        "description": ["Tim Pam TPS TIM-0001: 2 TPS", "Cadangan Polres Gunung Mas: 39",
                        "Pos jaga Kantor KPU", "=HYPERLINK(\"x\")"],
        "tps_ids": ["6210011001001;6210011001002", np.nan, np.nan, np.nan],
        "max_minutes": [34.6, np.nan, np.nan, np.nan],
    })
    posts = pd.DataFrame({
        "post_id": ["TIM-0001", "CAD-POLRES-GM", "GJ-KPU", "PTL-POLSEK-1"],
        "name": ["Tim Pam TPS TIM-0001", "Cadangan Polres Gunung Mas", "Pos jaga Kantor KPU",
                 "Patroli Polsek"],
        "nearest_polsek": ["Polsek Sepang", "Polsek Kurun", "Polsek Kurun", "Polsek Satu"],
        "terrain": ["river", "road", "road", "road"],
    })
    return tasks, posts


@pytest.mark.parametrize(("minutes", "terrain", "method", "text"), [
    (34.6, "river", "straight", "35 menit (sungai)"),
    (0.2, "road", "straight", "0 menit (jalan)"),
    (60.0, "road", "straight", "1 jam (jalan)"),
    (125.0, "river", "network", "2 jam 5 menit (sungai, menurut rute)"),
    (np.nan, "road", "straight", "-"),
])
def test_travel_label(minutes, terrain, method, text):
    assert travel_label(minutes, terrain, method) == text


def test_a_sheet_per_kind_of_task_in_bahasa_indonesia():
    tasks, posts = tasks_and_posts()
    sheets = roster_from_tasks(tasks, posts, stage="voting",
                               unit_names={"POLSEK-1": "Polsek Satu", "POLRES-GM": "Polres GM"})
    assert list(sheets) == ["Pam TPS", "Pos Jaga", "Patroli", "Cadangan"]
    team = sheets["Pam TPS"].iloc[0]
    assert list(sheets["Pam TPS"].columns) == TEAM_COLUMNS
    assert team["Tim"] == "TIM-0001" and team["Jumlah Personel"] == 4
    assert team["Daftar TPS"] == "6210011001001, 6210011001002" and team["Jumlah TPS"] == 2
    assert team["Waktu tempuh terjauh"] == "35 menit (sungai)"
    assert team["Asal Satuan"] == "Polsek Satu" and team["Polsek terdekat"] == "Polsek Sepang"
    reserve = sheets["Cadangan"].iloc[0]
    assert list(sheets["Cadangan"].columns) == TASK_SHEET_COLUMNS
    assert reserve["Lokasi"] == "Cadangan Polres Gunung Mas" and reserve["Jumlah Personel"] == 39
    assert reserve["Koordinat"] == "-1.101600, 113.866400"
    # the campaign's guards are its schedule by day
    camp = roster_from_tasks(tasks, posts, stage="campaign")
    assert "Jadwal Kampanye" in camp and "Pos Jaga" not in camp


def test_write_roster_csv_and_xlsx(tmp_path):
    tasks, posts = tasks_and_posts()
    sheets = roster_from_tasks(tasks, posts, stage="voting")
    xlsx, csv = tmp_path / "voting" / "roster.xlsx", tmp_path / "voting" / "roster.csv"
    write_roster(sheets, xlsx, csv)
    back = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert back.columns[0] == "Jenis Tugas"
    assert back["Jenis Tugas"].tolist() == ["Pam TPS", "Pos Jaga", "Patroli", "Cadangan"]
    assert len(back) == len(roster_table(sheets))
    # formula-like cells are neutralised in CSV and XLSX
    assert not any(v.startswith("=") for v in back["Keterangan"])
    assert csv.read_bytes().count(b"\r\n") == 0
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Pam TPS", "Pos Jaga", "Patroli", "Cadangan"]
    ws = wb["Pam TPS"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == TEAM_COLUMNS and rows[1][0] == "TIM-0001" and rows[1][3] == 4
    assert ws.freeze_panes == "A2" and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$1"
    patrol = list(wb["Patroli"].iter_rows(values_only=True))
    assert not str(patrol[1][1]).startswith("=") and not str(patrol[1][7]).startswith("=")
    # the same roster written twice gives the same bytes
    write_roster(sheets, tmp_path / "again.xlsx", tmp_path / "again.csv")
    assert csv.read_bytes() == (tmp_path / "again.csv").read_bytes()
    assert xlsx.read_bytes() == (tmp_path / "again.xlsx").read_bytes()
    # no clock reading in the workbook (openpyxl stamps the save time; it is fixed here)
    with zipfile.ZipFile(xlsx) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core
    assert str(datetime.date.today().year) not in core


def test_empty_stage_writes_a_note_sheet(tmp_path):
    write_roster({}, tmp_path / "r.xlsx", tmp_path / "r.csv")
    assert load_workbook(tmp_path / "r.xlsx").sheetnames == ["Roster"]
