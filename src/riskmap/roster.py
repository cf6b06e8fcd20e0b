"""The briefing roster, in Bahasa Indonesia: a sheet per kind of task, as CSV and Excel.

Sheets (only those with rows): *Pam TPS* (a line per team with its TPS), *Jadwal Kampanye*
(the campaign's guards per day), *Pos Jaga*, *Patroli*, *Pengawalan* and *Cadangan*.
``roster.csv`` holds every sheet's rows in one table with a ``Jenis Tugas`` column; the
workbook is set up to print (landscape, fit to width, header row repeated).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from riskmap.io import atomic_write_bytes
from riskmap.reach import TERRAIN_LABEL
from riskmap.spreadsheet import neutralise_frame, write_human_csv

_FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = _FIXED_TIME.timetuple()[:6]


def fixed_time_xlsx(data: bytes) -> bytes:
    """The workbook ``data`` with every clock reading fixed: openpyxl stamps the save time
    into ``docProps/core.xml`` (``dcterms:modified``) and every zip entry; here they become
    2000-01-01, so the same roster always gives the same bytes.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> core = "<dcterms:modified>2031-05-06T07:08:09Z</dcterms:modified>"
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("docProps/core.xml", core)
    >>> out = zipfile.ZipFile(io.BytesIO(fixed_time_xlsx(buf.getvalue())))
    >>> out.read("docProps/core.xml").decode(), out.infolist()[0].date_time
    ('<dcterms:modified>2000-01-01T00:00:00Z</dcterms:modified>', (2000, 1, 1, 0, 0, 0))
    """
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


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


TASK_SHEETS = {
    "tps_team": "Pam TPS", "venue_guard": "Pos Jaga", "patrol": "Patroli",
    "escort": "Pengawalan", "reserve": "Cadangan",
}
"""The roster sheet of each kind of task (campaign guards go to ``Jadwal Kampanye``)."""

TEAM_COLUMNS = [
    "Tim", "Basis", "Koordinat", "Jumlah Personel", "Asal Satuan", "Jumlah TPS", "Daftar TPS",
    "Waktu tempuh terjauh", "Polsek terdekat",
]
TASK_SHEET_COLUMNS = [
    "Tanggal", "Kode Tugas", "Pos", "Lokasi", "Koordinat", "Jumlah Personel", "Asal Satuan",
    "Keterangan",
]


def _unit_label(unit_id: str, unit_names: dict[str, str]) -> str:
    uid = str(unit_id or "")
    return unit_names.get(uid, uid) or "-"


def roster_from_tasks(
    tasks: pd.DataFrame,
    posts: pd.DataFrame,
    *,
    stage: str,
    post_reach: pd.DataFrame | None = None,
    unit_names: dict[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The roster sheets from the stage's tasks.

    Parameters
    ----------
    tasks : DataFrame
        ``tasks.csv`` rows (``tps_team`` rows may carry ``tps_ids`` and ``max_minutes``).
    posts : DataFrame
        The posts (``post_id``, ``name``, ``nearest_polsek``, ``terrain``...).
    stage : str
        In the campaign, venue guards form the ``Jadwal Kampanye`` sheet (by day).
    post_reach : DataFrame, optional
        Unused rows' order is the posts'; gives the reach ``method`` for travel labels.
    unit_names : dict, optional
        Unit id -> name, for the ``Asal Satuan`` column.

    Returns
    -------
    dict
        Sheet name -> table, in a fixed order; empty sheets are left out.
    """
    unit_names = unit_names or {}
    method = "straight"
    if post_reach is not None and len(post_reach) and "method" in post_reach:
        method = str(post_reach["method"].iloc[0])
    sheets: dict[str, pd.DataFrame] = {}
    if tasks is None or tasks.empty:
        return sheets
    post_info = posts.set_index("post_id") if len(posts) else pd.DataFrame()
    teams = tasks[tasks["task"] == "tps_team"].drop_duplicates("post_id")
    if len(teams):
        rows = []
        for _, t in teams.sort_values("post_id").iterrows():
            ids = [i for i in str(t.get("tps_ids", "") or "").split(";") if i and i != "nan"]
            near = post_info["nearest_polsek"].get(t["post_id"], "-") \
                if "nearest_polsek" in post_info else "-"
            terrain = post_info["terrain"].get(t["post_id"], "road") \
                if "terrain" in post_info else "road"
            rows.append({
                "Tim": t["post_id"], "Basis": f"TPS {t['site_id']}",
                "Koordinat": f"{float(t['lat']):.6f}, {float(t['lon']):.6f}",
                "Jumlah Personel": int(t["personnel"]),
                "Asal Satuan": _unit_label(t["unit_id"], unit_names),
                "Jumlah TPS": len(ids), "Daftar TPS": ", ".join(ids) or "-",
                "Waktu tempuh terjauh": travel_label(float(t.get("max_minutes", np.nan)),
                                                     terrain, method),
                "Polsek terdekat": near or "-",
            })
        sheets["Pam TPS"] = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    order = ["venue_guard", "patrol", "escort", "reserve"]
    for kind in order:
        part = tasks[tasks["task"] == kind]
        if part.empty:
            continue
        name = "Jadwal Kampanye" if (kind == "venue_guard" and stage == "campaign") \
            else TASK_SHEETS[kind]
        t = part.sort_values(["date", "task_id"])
        pid = t["post_id"].fillna("").astype(str)
        lokasi = pid.map(post_info["name"]).fillna("").astype(str) \
            if "name" in post_info else pd.Series("", index=t.index)
        site = t["site_id"].fillna("").astype(str).replace("", "-")
        frame = pd.DataFrame({
            "Tanggal": t["date"].astype(str), "Kode Tugas": t["task_id"].astype(str),
            "Pos": pid.replace("", "-"), "Lokasi": lokasi.where(lokasi != "", site),
            "Koordinat": [f"{float(a):.6f}, {float(b):.6f}" for a, b in zip(t["lat"], t["lon"],
                                                                             strict=True)],
            "Jumlah Personel": t["personnel"].astype(int),
            "Asal Satuan": [_unit_label(u, unit_names) for u in t["unit_id"].fillna("")],
            "Keterangan": t["description"].fillna("").astype(str),
        })
        sheets[name] = frame[TASK_SHEET_COLUMNS].reset_index(drop=True)
    return sheets


def roster_table(sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every sheet's rows in one table (``Jenis Tugas`` first), for ``roster.csv``."""
    frames = [df.assign(**{"Jenis Tugas": name}) for name, df in sheets.items() if len(df)]
    if not frames:
        return pd.DataFrame(columns=["Jenis Tugas", *TASK_SHEET_COLUMNS])
    cols: list[str] = ["Jenis Tugas"]
    for f in frames:
        cols += [c for c in f.columns if c not in cols]
    return pd.concat(frames, ignore_index=True)[cols].astype(object).fillna("")


def write_roster(sheets: dict[str, pd.DataFrame], xlsx_path: Path | str,
                 csv_path: Path | str) -> None:
    """Write the roster as one UTF-8 CSV and as an Excel workbook, a sheet per kind of task.

    Parameters
    ----------
    sheets : dict
        From :func:`roster_from_tasks` (sheet name -> table).
    xlsx_path, csv_path : path
        Output files (folders are created).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    xlsx_path, csv_path = Path(xlsx_path), Path(csv_path)
    for p in (xlsx_path, csv_path):
        p.parent.mkdir(parents=True, exist_ok=True)
    write_human_csv(neutralise_frame(roster_table(sheets)), csv_path)

    wb = Workbook()
    wb.remove(wb.active)
    if not sheets:
        sheets = {"Roster": pd.DataFrame({"Keterangan": ["Tidak ada tugas pada tahap ini"]})}
    widths = {"Lokasi": 40, "Keterangan": 70, "Daftar TPS": 70, "Koordinat": 24, "Basis": 22,
              "Asal Satuan": 26, "Polsek terdekat": 26, "Waktu tempuh terjauh": 24,
              "Kode Tugas": 26}
    wrap = {"Lokasi", "Keterangan", "Daftar TPS"}
    for name, frame in sheets.items():
        frame = neutralise_frame(frame)
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(frame.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for row in frame.itertuples(index=False):
            ws.append([v.item() if isinstance(v, np.generic) else v for v in row])
        for i, col in enumerate(frame.columns, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = widths.get(col, 14)
            if col in wrap:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.creator = "riskmap"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(xlsx_path, fixed_time_xlsx(buffer.getvalue()))
