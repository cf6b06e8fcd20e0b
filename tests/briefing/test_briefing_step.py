"""The render_briefing step on a hand-built stage: PDF pages, figures, PNG, determinism."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from briefing_stage import EXPECTED_TABLE, step_args, write_stage
from PIL import Image
from pypdf import PdfReader

from riskmap.briefing.strings import KECAMATAN_COLUMNS, TASK_LABELS
from riskmap.maps.strings import format_number_id
from riskmap.steps import render_briefing


def pages_text(pdf: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(pdf).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_kecamatan_csv_holds_the_known_figures(briefed):
    table = pd.read_csv(briefed["out"] / "kecamatan.csv")
    assert list(table.columns) == KECAMATAN_COLUMNS
    got = {row[0]: list(row[1:]) for row in table.itertuples(index=False)}
    assert got.keys() == EXPECTED_TABLE.keys()
    for name, expected in EXPECTED_TABLE.items():
        assert got[name] == pytest.approx(expected), name


def test_pdf_pages_each_have_text_marking_and_page_number(briefed):
    pages = pages_text(briefed["out"] / "briefing.pdf")
    # map, key figures + kecamatan, class changes, tasks per Polsek, curve, escalation ladder
    assert len(pages) == 6
    for i, text in enumerate(pages, start=1):
        assert "TERBATAS" in text, f"page {i} lacks the marking"
        assert f"Halaman {i} dari {len(pages)}" in squash(text)
        assert len(text.strip()) > 80, f"page {i} is nearly empty"
    assert "DATA SINTETIS" in pages[0]
    assert "Penetapan Hasil" in pages[0] and "Keadaan per 20 Maret 2024" in squash(pages[0])


def test_pdf_table_and_key_figures_equal_the_csv_and_plan(briefed):
    pages = [squash(t) for t in pages_text(briefed["out"] / "briefing.pdf")]
    table = pd.read_csv(briefed["out"] / "kecamatan.csv")
    for row in table.itertuples(index=False):
        cells = [format_number_id(v, decimals=2) if c == "Perkiraan insiden" else
                 format_number_id(int(v)) for c, v in zip(KECAMATAN_COLUMNS[1:], row[1:],
                                                          strict=True)]
        assert " ".join([row[0], *cells]) in pages[1], row[0]
    plan = json.loads((briefed["out"] / "plan.json").read_text())
    total = table.iloc[-1]
    assert f"{plan['personnel_assigned']} / {plan['personnel_budget']}" in pages[1]
    assert f"{total['Desa sangat rawan']} / {total['Desa rawan']} dari {total['Desa']}" in pages[1]
    assert f"{total['TPS sangat rawan']} / {total['TPS rawan']} dari {total['TPS']}" in pages[1]
    assert "75 %" in pages[1]  # covered_weight_share


def test_pdf_lists_changes_tasks_and_escalation(briefed):
    pages = [squash(t) for t in pages_text(briefed["out"] / "briefing.pdf")]
    changes = pages[2]
    assert changes.count(" naik ") == 5 and changes.count(" turun ") == 1
    assert "faktor utama desa 5" in changes and "faktor keempat" not in changes
    tasks = pd.read_csv(briefed["out"] / "tasks.csv")
    kinds = [k for k in TASK_LABELS if k in set(tasks["task"])]
    header = " ".join(["Satuan", *(TASK_LABELS[k] for k in kinds), "Tugas", "Personel"])
    assert header in pages[3]
    for unit, name in (("POLRES", "Polres Uji"), ("POLSEK1", "Polsek Timur"), (None, "Jumlah")):
        rows = tasks if unit is None else tasks[tasks["unit_id"] == unit]
        cells = [int(rows.loc[rows["task"] == k, "personnel"].sum()) for k in kinds]
        cells += [rows["task_id"].nunique(), int(rows["personnel"].sum())]
        assert " ".join([name, *map(str, cells)]) in pages[3], name
    for label in ("Jaga lokasi", "Patroli", "Cadangan", "Pengawalan"):
        assert label in pages[3] and label in TASK_LABELS.values()
    assert "Cakupan menurut jumlah personel" in pages[4]
    plan = json.loads((briefed["out"] / "plan.json").read_text())
    curve = sorted((p["personnel"], p["covered_weight_share"])
                   for p in plan["budget_curve"]["points"])
    assert "Jumlah personel " + " ".join(str(x) for x, _ in curve) in pages[4]
    shares = " ".join(format_number_id(100 * y, decimals=1) + " %" for _, y in curve)
    assert "Cakupan bobot kerawanan (%) " + shares in pages[4]
    # the plan's own coverage is said apart from the what-if curve, with its officers
    own = format_number_id(100 * plan["covered_weight_share"], decimals=1)
    assert f"Rencana tahap ini: {own} % dari bobot kerawanan dengan " \
        f"{plan['personnel_assigned']} personel" in pages[4]
    ladder = pages[5]
    assert ladder.index("Mediasi oleh Polsek") < ladder.index("Penebalan dari Polres") < \
        ladder.index("Pleton Dalmas")
    assert "Kantor KPU 1 Mediasi oleh Polsek Polsek Timur 4 8" in ladder


def test_map_png_is_full_hd_and_not_blank(briefed):
    image = Image.open(briefed["out"] / "map.png")
    assert image.size[0] >= 1920 and image.size[1] >= 1080
    pixels = np.asarray(image.convert("RGB"), dtype=float)
    assert pixels.std() > 30
    # the risk classes' colours are on it (the map config's YlOrRd steps)
    colours = {tuple(c) for c in pixels.reshape(-1, 3)[::7].astype(int)}
    for hex_colour in ("#bd0026", "#fd8d3c", "#ffffb2"):
        rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, hex_colour


def test_two_renders_give_identical_bytes(briefed, tmp_path):
    again = dict(briefed)
    again["out"] = tmp_path / "announcement"
    again["out"].mkdir()
    for name in ("area_risk.csv", "tps_risk.csv", "posts.csv", "reach.csv", "plan.json",
                 "tasks.csv", "movements.geojson"):
        (again["out"] / name).write_bytes((briefed["out"] / name).read_bytes())
    assert render_briefing.main(step_args(again)) == 0
    for name in ("map.png", "briefing.pdf", "kecamatan.csv"):
        assert (again["out"] / name).read_bytes() == (briefed["out"] / name).read_bytes(), name


def test_pdf_has_no_date_in_its_metadata(briefed):
    meta = PdfReader(briefed["out"] / "briefing.pdf").metadata
    assert meta["/CreationDate"].startswith("D:2000")
    assert "/ModDate" not in meta or meta["/ModDate"].startswith("D:2000")
    png = (briefed["out"] / "map.png").read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png


def test_without_tasks_or_previous_stage(tmp_path):
    paths = write_stage(tmp_path, tasks=False)
    assert render_briefing.main(step_args(paths, previous=False)) == 0
    pages = [squash(t) for t in pages_text(paths["out"] / "briefing.pdf")]
    assert "Tahap pertama" in pages[2]
    assert "belum memuat tasks.csv" in pages[3]
    # the posts by the unit they stand at (P001 Polres, P002 Polsek), else the nearest Polsek
    assert "Polres Uji 1 6" in pages[3] and "Polsek Timur 2 6" in pages[3]
    assert "Jumlah 3 12" in pages[3]
    image = Image.open(io.BytesIO((paths["out"] / "map.png").read_bytes()))
    assert image.size == (1920, 1080)


def test_formula_like_names_are_neutralised_in_kecamatan_csv(tmp_path):
    paths = write_stage(tmp_path, tasks=False)
    area = pd.read_csv(paths["out"] / "area_risk.csv", dtype={"village_code": str})
    area["subdistrict_name"] = area["subdistrict_name"].replace("Kecamatan Timur", "=1+2")
    area.to_csv(paths["out"] / "area_risk.csv", index=False)
    assert render_briefing.main(step_args(paths)) == 0
    text = (paths["out"] / "kecamatan.csv").read_text(encoding="utf-8")
    assert "\n\"'=1+2\"," in text  # quoted text with a leading apostrophe: never a formula


@pytest.mark.parametrize("broken", ["plan.json", "tasks.csv", "movements.geojson"])
def test_broken_inputs_stop_with_a_message_not_a_traceback(tmp_path, broken):
    paths = write_stage(tmp_path)
    (paths["out"] / broken).write_bytes(b"\x00{not valid\xff")
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "riskmap.steps.render_briefing",
                           *step_args(paths)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert broken in proc.stderr
