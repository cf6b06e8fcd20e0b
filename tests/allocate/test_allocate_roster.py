"""The briefing roster in Bahasa Indonesia: table, CSV and Excel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from riskmap.roster import ROSTER_COLUMNS, roster_from_posts, travel_label, write_roster


def posts_and_reach():
    posts = pd.DataFrame({
        "post_id": ["P002", "P001"],
        "lat": [-1.1016, -1.2],
        "lon": [113.8664, 113.5],
        "personnel": [39, 4],
        "site_kind": ["unit", "tps"],
        "site_id": ["POLRES-GM", "6210011001001"],
        "name": ["Polres Gunung Mas", "TPS 6210011001001 (Sepang Simpang)"],
        "role": ["reserve", "cover"],
        "reserve_personnel": [39, 0],
        "covered_tps_ids": ["", "6210011001001;6210011001002"],
        "covered_venue_ids": ["", "KPU-GM"],
        "terrain": ["road", "river"],
    })
    reach = pd.DataFrame({"nearest_polsek_name": ["Polsek Kurun", "Polsek Sepang"],
                          "polsek_minutes": [0.8, 34.6], "method": ["straight", "straight"]})
    return posts, reach


@pytest.mark.parametrize(("minutes", "terrain", "method", "text"), [
    (34.6, "river", "straight", "35 menit (sungai)"),
    (0.2, "road", "straight", "0 menit (jalan)"),
    (60.0, "road", "straight", "1 jam (jalan)"),
    (125.0, "river", "network", "2 jam 5 menit (sungai, menurut rute)"),
    (np.nan, "road", "straight", "-"),
])
def test_travel_label(minutes, terrain, method, text):
    assert travel_label(minutes, terrain, method) == text


def test_roster_rows_in_bahasa_indonesia():
    posts, reach = posts_and_reach()
    roster = roster_from_posts(posts, reach, venue_names={"KPU-GM": "Kantor KPU Gunung Mas"})
    assert list(roster.columns[:7]) == ROSTER_COLUMNS
    assert roster["Pos"].tolist() == ["P001", "P002"]
    first, reserve = roster.iloc[0], roster.iloc[1]
    assert first["Koordinat"] == "-1.200000, 113.500000"
    assert first["Jumlah Personel"] == 4
    assert first["TPS yang dicakup"] == "2 TPS: 6210011001001, 6210011001002"
    assert first["Polsek terdekat"] == "Polsek Sepang"
    assert first["Waktu tempuh"] == "35 menit (sungai)"
    assert first["Tempat lain yang dicakup"] == "Kantor KPU Gunung Mas"
    assert reserve["Lokasi"] == "Polres Gunung Mas (cadangan 39 personel)"
    assert reserve["Koordinat"] == "-1.101600, 113.866400"
    assert reserve["TPS yang dicakup"] == "cadangan untuk eskalasi"


def test_write_roster_csv_and_xlsx(tmp_path):
    posts, reach = posts_and_reach()
    roster = roster_from_posts(posts, reach)
    xlsx, csv = tmp_path / "voting" / "roster.xlsx", tmp_path / "voting" / "roster.csv"
    write_roster(roster, xlsx, csv)
    back = pd.read_csv(csv, dtype=str)
    assert list(back.columns) == list(roster.columns)
    assert back["Waktu tempuh"].tolist() == ["35 menit (sungai)", "1 menit (jalan)"]
    assert csv.read_bytes().count(b"\r\n") == 0
    ws = load_workbook(xlsx).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(roster.columns)
    assert rows[1][0] == "P001" and rows[1][3] == 4
    assert ws.freeze_panes == "A2"
    # the same roster written twice gives the same CSV bytes
    csv2 = tmp_path / "again.csv"
    write_roster(roster, tmp_path / "again.xlsx", csv2)
    assert csv.read_bytes() == csv2.read_bytes()
