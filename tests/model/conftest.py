"""A tiny hand-built region in UTM zone 49S for the model tests.

Nine 1 km square villages on a 3 x 3 grid (codes V1..V9 by row from the south-west), one or
two TPS near each village's centre, a KPU office in V5 (always active), a campaign site in V1
active 2024-01-01..2024-01-02, a Polres in V5, and incidents placed by the tests.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

CRS = "EPSG:32749"
X0, Y0 = 700_000.0, 9_870_000.0
SIDE = 1000.0


def centre(k: int) -> tuple[float, float]:
    """Centre of village ``k`` (1..9)."""
    i, j = divmod(k - 1, 3)
    return X0 + (j + 0.5) * SIDE, Y0 + (i + 0.5) * SIDE


def make_areas() -> gpd.GeoDataFrame:
    rows = []
    for k in range(1, 10):
        i, j = divmod(k - 1, 3)
        rows.append({"village_code": code(k), "village_name": f"Desa {k}",
                     "subdistrict_code": f"99.01.0{1 + i}",
                     "subdistrict_name": f"Kecamatan {1 + i}",
                     "geometry": box(X0 + j * SIDE, Y0 + i * SIDE, X0 + (j + 1) * SIDE,
                                     Y0 + (i + 1) * SIDE)})
    return gpd.GeoDataFrame(rows, crs=CRS)


def code(k: int) -> str:
    """Village code of village ``k``: one kecamatan per grid row, codes sort in ``k`` order."""
    return f"99.01.0{1 + (k - 1) // 3}.200{k}"


def make_tps() -> gpd.GeoDataFrame:
    rows = []
    for k in range(1, 10):
        cx, cy = centre(k)
        for t in (1, 2) if k in (3, 5) else (1,):
            rows.append({"tps_id": f"T{k}{t}", "village_code": code(k),
                         "voters": 200 + 10 * k + t, "hard_to_reach": k == 9,
                         "special": False, "last_margin": 0.05 if k == 3 else np.nan,
                         "geometry": Point(cx + 100 * (t - 1), cy)})
    return gpd.GeoDataFrame(rows, crs=CRS)


def make_venues() -> gpd.GeoDataFrame:
    c5, c1 = centre(5), centre(1)
    return gpd.GeoDataFrame({
        "venue_id": ["KPU", "KAMP1"], "kind": ["kpu_office", "campaign_site"],
        "name": ["Kantor KPU", "Lapangan"],
        "start": pd.to_datetime([pd.NaT, "2024-01-01"]),
        "end": pd.to_datetime([pd.NaT, "2024-01-02"]),
        "expected_crowd": [300.0, 1000.0],
    }, geometry=[Point(*c5), Point(*c1)], crs=CRS)


def make_units() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"unit_id": ["POLRES"], "kind": ["polres"], "name": ["Polres"],
                             "personnel": [50]}, geometry=[Point(*centre(5))], crs=CRS)


def make_incidents(items: list[tuple[int, str, str, int]]) -> gpd.GeoDataFrame:
    """Incidents ``(village k, date, kind, severity)`` at the village centre."""
    rows = [{"incident_id": f"I{n:03d}", "date": pd.Timestamp(d), "kind": kind, "severity": sev,
             "geometry": Point(*centre(k))} for n, (k, d, kind, sev) in enumerate(items)]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS) if rows else gpd.GeoDataFrame(
        {"incident_id": [], "date": pd.to_datetime([]), "kind": [], "severity": []},
        geometry=[], crs=CRS)
    return frame


PAST = [
    ("Pemilu 2014", "campaign", pd.Timestamp("2014-03-16"), pd.Timestamp("2014-04-05")),
    ("Pemilu 2014", "voting", pd.Timestamp("2014-04-09"), pd.Timestamp("2014-04-09")),
    ("Pemilu 2019", "campaign", pd.Timestamp("2018-09-23"), pd.Timestamp("2019-04-13")),
    ("Pemilu 2019", "voting", pd.Timestamp("2019-04-17"), pd.Timestamp("2019-04-17")),
    ("Pilkada 2020", "campaign", pd.Timestamp("2020-09-26"), pd.Timestamp("2020-12-05")),
    ("Pilkada 2020", "voting", pd.Timestamp("2020-12-09"), pd.Timestamp("2020-12-09")),
]


def history_items() -> list[tuple[int, str, str, int]]:
    """A history where village 1 is hot in every past window, village 2 a little."""
    items = []
    for _, stage, s0, _ in PAST:
        d = s0.date().isoformat()
        for _ in range(6 if stage == "campaign" else 3):
            items.append((1, d, "clash", 2))
        items.append((2, d, "intimidation", 1))
    items.append((1, "2023-10-01", "demonstration", 3))
    items.append((5, "2023-11-01", "vote_buying", 1))
    return items


@pytest.fixture
def tiny():
    """The tiny region's tables (incidents: the history of :func:`history_items`)."""
    return {"areas": make_areas(), "tps": make_tps(), "venues": make_venues(),
            "incidents": make_incidents(history_items()), "units": make_units()}
