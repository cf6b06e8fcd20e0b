"""The briefing roster: one line per post, in Bahasa Indonesia, as CSV and Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from riskmap.reach import TERRAIN_LABEL
from riskmap.spreadsheet import neutralise_frame, write_human_csv

ROSTER_COLUMNS = [
    "Pos", "Lokasi", "Koordinat", "Jumlah Personel", "TPS yang dicakup", "Polsek terdekat",
    "Waktu tempuh",
]
_FIXED_TIME = dt.datetime(2000, 1, 1)


def travel_label(minutes: float, terrain: str, method: str = "straight") -> str:
    """Readable travel time, e.g. ``"35 menit (sungai)"`` or ``"1 jam 5 menit (jalan)"``.

    Examples
    --------
    >>> travel_label(34.6, "river")
    '35 menit (sungai)'
    >>> travel_label(65.0, "road", "network")
    '1 jam 5 menit (jalan, menurut rute)'
    >>> travel_label(float("nan"), "road")
    '-'
    """
    if minutes is None or not np.isfinite(minutes):
        return "-"
    m = int(np.floor(float(minutes) + 0.5))
    text = f"{m} menit" if m < 60 else (f"{m // 60} jam" + (f" {m % 60} menit" if m % 60 else ""))
    label = TERRAIN_LABEL.get(terrain, terrain)
    if method == "network":
        label += ", menurut rute"
    return f"{text} ({label})"


def _covered_label(ids: str) -> str:
    parts = [p for p in str(ids).split(";") if p]
    if not parts:
        return "-"
    return f"{len(parts)} TPS: " + ", ".join(parts)


def roster_from_posts(
    posts: pd.DataFrame,
    post_reach: pd.DataFrame,
    *,
    venue_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The roster table from the plan's posts and the reach of each post.

    Parameters
    ----------
    posts : DataFrame
        ``post_id``, ``lat``, ``lon``, ``personnel``, ``site_id``, ``name``, ``role``
        (cover, reserve, cover+reserve), ``reserve_personnel``, ``covered_tps_ids``,
        ``covered_venue_ids``, ``terrain``.
    post_reach : DataFrame
        One row per post (same order) from :func:`riskmap.reach.reach_table`:
        ``nearest_polsek_name``, ``polsek_minutes``, ``method``.
    venue_names : dict, optional
        Venue id to name, for the extra column of other places a post covers.

    Returns
    -------
    DataFrame
        Columns :data:`ROSTER_COLUMNS` plus ``Tempat lain yang dicakup``, sorted by ``Pos``.
    """
    venue_names = venue_names or {}
    rows = []
    for (_, post), (_, rch) in zip(posts.iterrows(), post_reach.iterrows(), strict=True):
        lokasi = str(post.get("name", "") or post["site_id"])
        role = str(post.get("role", "cover"))
        reserve = int(post.get("reserve_personnel", 0) or 0)
        if role in ("reserve", "cover+reserve") and reserve > 0:
            lokasi += f" (cadangan {reserve} personel)"
        venues = [v for v in str(post.get("covered_venue_ids", "")).split(";") if v]
        rows.append({
            "Pos": post["post_id"],
            "Lokasi": lokasi,
            "Koordinat": f"{post['lat']:.6f}, {post['lon']:.6f}",
            "Jumlah Personel": int(post["personnel"]),
            "TPS yang dicakup": ("cadangan untuk eskalasi" if role == "reserve"
                                 else _covered_label(post.get("covered_tps_ids", ""))),
            "Polsek terdekat": rch["nearest_polsek_name"] or "-",
            "Waktu tempuh": travel_label(rch["polsek_minutes"], post.get("terrain", "road"),
                                         rch["method"]),
            "Tempat lain yang dicakup": "; ".join(venue_names.get(v, v) for v in venues) or "-",
        })
    out = pd.DataFrame(rows, columns=[*ROSTER_COLUMNS, "Tempat lain yang dicakup"])
    return out.sort_values("Pos").reset_index(drop=True)


def write_roster(roster: pd.DataFrame, xlsx_path: Path | str, csv_path: Path | str) -> None:
    """Write the roster as UTF-8 CSV and as an Excel sheet ("Roster Pos") ready to print.

    Parameters
    ----------
    roster : DataFrame
        From :func:`roster_from_posts`.
    xlsx_path, csv_path : path
        Output files (folders are created).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    xlsx_path, csv_path = Path(xlsx_path), Path(csv_path)
    for p in (xlsx_path, csv_path):
        p.parent.mkdir(parents=True, exist_ok=True)
    roster = neutralise_frame(roster)
    write_human_csv(roster, csv_path)

    wb = Workbook()
    ws = wb.active
    ws.title = "Roster Pos"
    ws.append(list(roster.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in roster.itertuples(index=False):
        ws.append([v.item() if isinstance(v, np.generic) else v for v in row])
    widths = {"Pos": 8, "Lokasi": 42, "Koordinat": 24, "Jumlah Personel": 10,
              "TPS yang dicakup": 60, "Polsek terdekat": 26, "Waktu tempuh": 26,
              "Tempat lain yang dicakup": 50}
    for i, col in enumerate(roster.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(col, 16)
        if col in ("Lokasi", "TPS yang dicakup", "Tempat lain yang dicakup"):
            for cell in ws[get_column_letter(i)][1:]:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.properties.creator = "riskmap"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    wb.save(xlsx_path)
