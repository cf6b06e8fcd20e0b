"""The demo's five stages get their briefing pack from the real pipeline (marked ``slow``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from riskmap.briefing.strings import KECAMATAN_COLUMNS
from riskmap.maps.strings import STAGE_LABELS, format_number_id

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def demo_out(demo_results) -> Path:
    """The session's demo run (tests/conftest.py): every stage's pack is a target of rule all."""
    return demo_results


@pytest.mark.parametrize("stage", list(STAGE_LABELS))
def test_demo_stage_pack(demo_out, stage):
    d = demo_out / stage
    image = Image.open(d / "map.png")
    assert image.size == (1920, 1080)
    assert np.asarray(image.convert("L"), dtype=float).std() > 30
    reader = PdfReader(d / "briefing.pdf")
    pages = [re.sub(r"\s+", " ", p.extract_text() or "") for p in reader.pages]
    assert len(pages) >= 5 + (stage == "announcement")
    for i, text in enumerate(pages, start=1):
        assert "TERBATAS" in text and f"Halaman {i} dari {len(pages)}" in text
    assert STAGE_LABELS[stage] in pages[0]
    if stage == "announcement":
        assert "Tangga eskalasi" in pages[-1] and "Dalmas" in pages[-1]
    table = pd.read_csv(d / "kecamatan.csv")
    body = " ".join(pages[1:3])
    for row in table.itertuples(index=False):
        cells = [format_number_id(v, decimals=2) if c == "Perkiraan insiden" else
                 format_number_id(int(v)) for c, v in zip(KECAMATAN_COLUMNS[1:], row[1:],
                                                          strict=True)]
        assert " ".join(cells[-6:]) in body, row[0]
    area = pd.read_csv(d / "area_risk.csv")
    tps = pd.read_csv(d / "tps_risk.csv")
    plan = json.loads((d / "plan.json").read_text())
    total = table.iloc[-1]
    assert total["Desa"] == len(area) and total["TPS"] == len(tps)
    posts = pd.read_csv(d / "posts.csv")
    # each post at its busiest day (a multi-day stage's posts are not all busy on one date)
    assert total["Personel"] == posts["personnel"].sum()
    if stage == "voting":
        assert total["Personel"] == plan["personnel_assigned"]
    assert total["Pos"] == plan["n_posts"]
    assert total["Perkiraan insiden"] == pytest.approx(area["expected_incidents"].sum(), abs=0.01)
    reach = pd.read_csv(d / "reach.csv")
    beyond = reach[(reach["target_kind"] == "tps") & reach["beyond_limit"]]
    assert total["TPS di luar batas waktu tempuh"] == len(beyond)
