"""Human-facing tables: formula-like cells are neutralised, numbers stay numbers."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from riskmap.spreadsheet import neutralise_cell, neutralise_frame, write_human_csv

HOSTILE = {
    "+62 812 5555 0101": "'+62 812 5555 0101",
    '=HYPERLINK("http://evil.example","klik")': '\'=HYPERLINK("http://evil.example","klik")',
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "\tcmd": "'\tcmd",
    "\rcmd": "'\rcmd",
    "-1+1": "'-1+1",
    "Balai Desa Tewah": "Balai Desa Tewah",
    "": "",
}


@pytest.mark.parametrize(("cell", "safe"), list(HOSTILE.items()))
def test_formula_like_text_gets_an_apostrophe(cell, safe):
    assert neutralise_cell(cell) == safe


def test_numbers_booleans_and_missing_values_stay_as_they_are():
    for value in (-3, -2.5, 0, 7, True, None):
        assert neutralise_cell(value) is value or neutralise_cell(value) == value
    frame = pd.DataFrame({"Lokasi": ["+62 Pos", "Pos 2"], "Personel": [-1, 4],
                          "Jarak": [-0.5, 1.25], "=Kolom": ["a", "b"]})
    safe = neutralise_frame(frame)
    assert safe["Lokasi"].tolist() == ["'+62 Pos", "Pos 2"]
    assert safe["Personel"].dtype == frame["Personel"].dtype
    assert safe["Personel"].tolist() == [-1, 4] and safe["Jarak"].tolist() == [-0.5, 1.25]
    assert list(safe.columns) == ["Lokasi", "Personel", "Jarak", "'=Kolom"]
    assert frame["Lokasi"].tolist() == ["+62 Pos", "Pos 2"]  # the input is not changed


def test_write_human_csv_writes_inert_cells(tmp_path):
    frame = pd.DataFrame({"Pos": list(HOSTILE), "Personel": range(len(HOSTILE))})
    path = tmp_path / "t.csv"
    write_human_csv(frame, path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == list(HOSTILE.values())
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(HOSTILE))]
    assert all(not r[0].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows[1:])


def test_roster_csv_and_xlsx_are_neutralised(tmp_path):
    from riskmap.roster import TASK_SHEET_COLUMNS, write_roster

    row = {c: "" for c in TASK_SHEET_COLUMNS}
    row.update({"Pos": "P-001", "Lokasi": "+62 812 555", "Jumlah Personel": 4,
                "Keterangan": "=HYPERLINK(\"x\")"})
    sheets = {"Pos Jaga": pd.DataFrame([row], columns=TASK_SHEET_COLUMNS)}
    write_roster(sheets, tmp_path / "roster.xlsx", tmp_path / "roster.csv")
    back = pd.read_csv(tmp_path / "roster.csv", dtype=str, keep_default_na=False)
    assert back["Lokasi"].iloc[0] == "'+62 812 555"
    assert back["Keterangan"].iloc[0] == "'=HYPERLINK(\"x\")"
    wb = openpyxl.load_workbook(tmp_path / "roster.xlsx")
    values = [c.value for row in wb["Pos Jaga"].iter_rows() for c in row]
    assert "'+62 812 555" in values or "+62 812 555" not in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert 4 in values  # a number stays a number
