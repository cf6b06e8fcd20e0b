"""Validating the point tables (tps, venues, incidents, units): every row accepted or quarantined.

:func:`validate_table` is pure: it takes the cells as read (:class:`~riskmap.io._read.RawTable`)
and the region's geometry (:class:`Space`) and returns the clean table, the quarantined rows
and the quality record. Each row gets every problem found in it; its first problem is its
``reason`` (so the counts per reason add up to the rows quarantined).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from riskmap._errors import Problem, describe, reason_text
from riskmap.geo import points_from_lonlat
from riskmap.io._parse import (
    area_code_at_level,
    classify_date,
    decide_date_order,
    header_key,
    kind_key,
    looks_like_bps,
    normalise_area_code,
    normalise_village_code,
    numeric_date,
    parse_boolean,
    parse_coordinate,
    parse_integer,
    parse_number,
    split_coordinate_pair,
    split_kpu_tps_code,
    uses_thousands_dots,
)
from riskmap.io._read import RawTable, reheader

# ----------------------------------------------------------------------------- the contract
VENUE_KINDS = ("kpu_office", "ppk_office", "logistics_warehouse", "campaign_site",
               "party_office", "vvip_visit", "other")
INCIDENT_KINDS = ("demonstration", "riot", "clash", "intimidation", "vote_buying", "vandalism",
                  "hate_speech", "logistics_disruption", "other")
UNIT_KINDS = ("polres", "polsek", "pos")

COLUMNS = {
    "tps": ("tps_id", "village_code", "lat", "lon", "voters", "hard_to_reach", "special",
            "last_margin"),
    "venues": ("venue_id", "kind", "name", "lat", "lon", "start", "end", "expected_crowd"),
    "incidents": ("incident_id", "date", "kind", "lat", "lon", "severity", "description",
                  "geo_precision"),
    "units": ("unit_id", "kind", "name", "lat", "lon", "personnel"),
    "areas": ("village_code", "village_name", "subdistrict_code", "subdistrict_name"),
}
REQUIRED = {
    "tps": ("tps_id", "village_code", "lat", "lon", "voters"),
    "venues": ("venue_id", "kind", "name", "lat", "lon"),
    "incidents": ("incident_id", "date", "kind", "lat", "lon"),
    "units": ("unit_id", "kind", "name", "lat", "lon", "personnel"),
}
ID_COLUMN = {"tps": "tps_id", "venues": "venue_id", "incidents": "incident_id",
             "units": "unit_id"}
KINDS = {"venues": VENUE_KINDS, "incidents": INCIDENT_KINDS, "units": UNIT_KINDS}

# Header aliases (normalised with header_key): Indonesian headers and common English ones.
_COMMON = {
    "lat": ("lintang", "latitude", "lat_dd", "y", "garis_lintang", "koordinat_lintang", "ltg"),
    "lon": ("bujur", "longitude", "long", "lng", "lon_dd", "x", "garis_bujur",
            "koordinat_bujur", "bjr"),
    "coordinates": ("koordinat", "coordinates", "titik_koordinat", "lokasi_koordinat", "latlon",
                    "lat_lon", "lat_long", "latlong", "koordinat_gps", "gps", "titik_gps"),
    "name": ("nama", "nama_lokasi", "nama_tempat", "nama_satuan", "nama_kantor"),
    "kind": ("jenis", "tipe", "kategori", "type", "jenis_kejadian", "jenis_lokasi",
             "jenis_satuan"),
}
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "areas": {
        "village_code": ("kode_desa", "kode_kelurahan", "kode_desa_kelurahan", "kode_desa_kel",
                         "kode_kel", "kd_desa", "kode_wilayah", "kode", "kode_kemendagri",
                         "kdepum", "desa_code", "code", "village_co", "villagecod"),
        "village_name": ("nama_desa", "desa", "nama_kelurahan", "desa_kelurahan", "nama",
                         "namobj", "name", "village", "village_na", "villagenam"),
        # Shapefiles cut field names to 10 characters: subdistrict_code -> subdistric,
        # subdistrict_name -> subdistr_1 (GDAL's laundering), village_code -> village_co.
        "subdistrict_code": ("kode_kecamatan", "kode_kec", "kd_kec", "kdcpum", "subdistric",
                             "subdist_co", "subdistr_c"),
        "subdistrict_name": ("kecamatan", "nama_kecamatan", "nama_kec", "wadmkc", "district",
                             "subdistr_1", "subdist_na", "subdistr_n"),
    },
    "tps": {
        "tps_id": ("kode_tps", "id_tps", "kode_tps_kpu", "tps_code"),
        "tps_number": ("nomor_tps", "no_tps", "nomer_tps", "tps_no", "tps_number", "no"),
        "village_code": ("kode_desa", "kode_kelurahan", "kode_desa_kelurahan", "kode_desa_kel",
                         "kode_kel", "kd_desa", "kode_wilayah", "kode_kemendagri", "desa_code"),
        "voters": ("jumlah_dpt", "dpt", "jml_dpt", "jumlah_pemilih", "pemilih", "total_dpt"),
        "hard_to_reach": ("sulit_dijangkau", "rawan_geografis", "terpencil", "sulit_dicapai"),
        "special": ("tps_khusus", "khusus", "tps_lokasi_khusus"),
        "last_margin": ("selisih", "margin", "selisih_suara", "margin_lalu", "selisih_2019"),
        "lat": _COMMON["lat"],
        "lon": _COMMON["lon"],
        "coordinates": _COMMON["coordinates"],
    },
    "venues": {
        "venue_id": ("kode_lokasi", "id_lokasi", "kode", "id"),
        "kind": _COMMON["kind"],
        "name": _COMMON["name"],
        "start": ("mulai", "tanggal_mulai", "tgl_mulai", "dari", "dari_tanggal"),
        "end": ("selesai", "tanggal_selesai", "tgl_selesai", "sampai", "sampai_tanggal"),
        "expected_crowd": ("perkiraan_massa", "jumlah_massa", "perkiraan_peserta", "massa",
                           "peserta"),
        "lat": _COMMON["lat"],
        "lon": _COMMON["lon"],
        "coordinates": _COMMON["coordinates"],
    },
    "incidents": {
        "incident_id": ("id_kejadian", "kode_kejadian", "no_kejadian", "nomor", "kode", "id",
                        "no"),
        "date": ("tanggal", "tgl", "tanggal_kejadian", "waktu", "tgl_kejadian"),
        "kind": _COMMON["kind"],
        "severity": ("tingkat", "tingkat_keparahan", "keparahan", "bobot"),
        "description": ("keterangan", "uraian", "deskripsi", "uraian_kejadian", "catatan"),
        "geo_precision": ("presisi", "presisi_lokasi", "ketelitian_lokasi", "ketepatan_lokasi",
                          "precision", "location_precision"),
        "lat": _COMMON["lat"],
        "lon": _COMMON["lon"],
        "coordinates": _COMMON["coordinates"],
    },
    "units": {
        "unit_id": ("kode_satuan", "id_satuan", "kode", "id"),
        "kind": _COMMON["kind"],
        "name": _COMMON["name"],
        "personnel": ("personel", "jumlah_personel", "jml_personel", "anggota",
                      "jumlah_anggota"),
        "lat": _COMMON["lat"],
        "lon": _COMMON["lon"],
        "coordinates": _COMMON["coordinates"],
    },
}

# Kind aliases (normalised with kind_key).
KIND_ALIASES: dict[str, dict[str, str]] = {
    "venues": {
        "kantor_kpu": "kpu_office", "kpu": "kpu_office", "kpu_kabupaten": "kpu_office",
        "kantor_ppk": "ppk_office", "ppk": "ppk_office", "sekretariat_ppk": "ppk_office",
        "gudang_logistik": "logistics_warehouse", "gudang": "logistics_warehouse",
        "gudang_kpu": "logistics_warehouse",
        "lokasi_kampanye": "campaign_site", "kampanye": "campaign_site",
        "tempat_kampanye": "campaign_site", "rapat_umum": "campaign_site",
        "kantor_partai": "party_office", "sekretariat_partai": "party_office",
        "posko_partai": "party_office", "posko_pemenangan": "party_office",
        "kunjungan_vvip": "vvip_visit", "vvip": "vvip_visit", "kunjungan_vip": "vvip_visit",
        "lainnya": "other", "lain_lain": "other",
    },
    "incidents": {
        "unjuk_rasa": "demonstration", "demo": "demonstration", "demonstrasi": "demonstration",
        "aksi_massa": "demonstration", "protest": "demonstration", "protes": "demonstration",
        "kerusuhan": "riot", "rusuh": "riot",
        "bentrok": "clash", "bentrokan": "clash", "perkelahian": "clash",
        "intimidasi": "intimidation", "ancaman": "intimidation",
        "politik_uang": "vote_buying", "money_politics": "vote_buying",
        "serangan_fajar": "vote_buying",
        "perusakan": "vandalism", "pengrusakan": "vandalism", "vandalisme": "vandalism",
        "perusakan_apk": "vandalism",
        "ujaran_kebencian": "hate_speech", "sara": "hate_speech", "hoaks": "hate_speech",
        "gangguan_logistik": "logistics_disruption", "logistik": "logistics_disruption",
        "lainnya": "other", "lain_lain": "other", "gangguan_kamtibmas": "other",
    },
    "units": {
        "pos_pam": "pos", "pospam": "pos", "pos_pengamanan": "pos", "pos_polisi": "pos",
        "polsubsektor": "pos", "polsubsek": "pos",
    },
}


# ----------------------------------------------------------------------------- the geometry
@dataclass
class Space:
    """The region's geometry used to check points: areas, UTM CRS, the buffered outline."""

    areas: gpd.GeoDataFrame  # EPSG:4326, village_code
    crs: CRS
    buffer_m: float
    region_code: str | None = None
    _outline: Any = field(default=None, repr=False)
    _areas_utm: Any = field(default=None, repr=False)
    _around: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._areas_utm = self.areas[["village_code", "geometry"]].to_crs(self.crs)
        outline = shapely.union_all(self._areas_utm.geometry.values)
        self._outline = outline.buffer(self.buffer_m)
        shapely.prepare(self._outline)

    @property
    def codes(self) -> set[str]:
        return set(self.areas["village_code"])

    @property
    def level(self) -> str:
        """The level of the area codes (``village`` unless the areas file is of kecamatan,
        kabupaten/kota or province areas)."""
        if "area_level" in self.areas.columns and len(self.areas):
            return str(self.areas["area_level"].iloc[0])
        return "village"

    def nearest_area(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The code of the area nearest to each point (the one holding it, if any)."""
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        out = np.full(len(lon), "", dtype=object)
        if len(lon) == 0 or len(self._areas_utm) == 0:
            return out
        ok, pts = self._points(lon, lat)
        geoms = self._areas_utm.geometry.to_numpy()
        near = shapely.STRtree(geoms).nearest(pts.geometry.to_numpy()[ok])
        out[ok] = self._areas_utm["village_code"].to_numpy()[near]
        return out

    def _points(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, gpd.GeoDataFrame]:
        ok = (np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
        frame = pd.DataFrame({"lon": np.where(ok, lon, 0.0), "lat": np.where(ok, lat, 0.0)})
        return ok, points_from_lonlat(frame, crs=self.crs)

    def inside(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether each point lies within the areas' union buffered by ``buffer_m``."""
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        if len(lon) == 0:
            return np.zeros(0, bool)
        ok, pts = self._points(lon, lat)
        return ok & shapely.contains(self._outline, pts.geometry.values)

    def village_at(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The village code whose polygon contains each point (``""`` when none does)."""
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        out = np.full(len(lon), "", dtype=object)
        if len(lon) == 0:
            return out
        ok, pts = self._points(lon, lat)
        pts = pts.assign(_i=np.arange(len(pts)))[ok]
        joined = gpd.sjoin(pts, self._areas_utm, how="inner", predicate="within")
        joined = joined.sort_values(["_i", "village_code"]).drop_duplicates("_i")
        out[joined["_i"].to_numpy()] = joined["village_code"].to_numpy()
        return out

    def around(self) -> str:
        """The region's bounding box, for hints (measured once: each point outside asks)."""
        if self._around is None:
            minx, miny, maxx, maxy = self.areas.total_bounds
            self._around = f"lat {miny:.2f}..{maxy:.2f}, lon {minx:.2f}..{maxx:.2f}"
        return self._around


# --------------------------------------------------------------------------- column mapping
def map_columns(
    headers: list[str], table: str, file: str, *, mapping: dict[str, str] | None = None
) -> tuple[dict[str, str], list[Problem]]:
    """Return ``{original header: contract column}`` and the warnings about aliases used.

    Priority: the region.yaml ``columns:`` mapping, then exact contract names, then the
    built-in aliases; a second column for the same contract name is ignored (reported).
    """
    aliases = ALIASES[table]
    known = set(COLUMNS[table]) | set(aliases)
    user = {header_key(k): v for k, v in (mapping or {}).items()}
    chosen: dict[str, str] = {}
    taken: dict[str, str] = {}
    warnings: list[Problem] = []
    for rank in (0, 1, 2):
        for h in headers:
            if h in chosen:
                continue
            key = header_key(h)
            target = None
            if rank == 0 and (h in (mapping or {}) or key in user):
                target = (mapping or {}).get(h) or user[key]
            elif rank == 1 and key in known:
                target = key
            elif rank == 2:
                target = next((c for c, names in aliases.items() if key in names), None)
            if target is None:
                continue
            if target in taken:
                warnings.append(Problem.make("column_ignored", file, found=h, column=target))
                chosen[h] = ""
                continue
            chosen[h] = target
            taken[target] = h
            if rank == 2:
                warnings.append(Problem.make("column_alias", file, found=h, column=target))
    return {h: c for h, c in chosen.items() if c}, warnings


def find_header(raw: RawTable, table: str, *, mapping: dict[str, str] | None = None,
                search: int = 10) -> tuple[RawTable, list[int]]:
    """Find the header row below title rows (``DAFTAR TPS ...`` above the real header).

    When the first row does not name every required column but one of the next ``search``
    rows names more of them, that row becomes the header; the rows above it are returned
    (as spreadsheet row numbers) to be reported.
    """

    def score(headers: list[str]) -> int:
        rename, _ = map_columns(headers, table, raw.file, mapping=mapping)
        return len(set(rename.values()) & set(REQUIRED[table]))

    best = score(list(raw.cells.columns))
    if best == len(REQUIRED[table]):
        return raw, []
    best_k = None
    records = raw.records or [list(r) for r in raw.cells.itertuples(index=False)]
    for k in range(min(search, len(records))):
        sc = score([str(c) for c in records[k]])
        if sc > best and sc >= 2:
            best, best_k = sc, k
    if best_k is None:
        return raw, []
    skipped = [raw.header_row] + list(raw.rows[:best_k])
    return reheader(raw, best_k), skipped


# ------------------------------------------------------------------------------ validation
@dataclass
class TableResult:
    """What validating one table gives: clean rows, quarantine, quality, fatal problems."""

    table: pd.DataFrame
    quarantine: pd.DataFrame
    quality: dict[str, Any]
    fatal: list[Problem]
    row_problems: list[Problem]
    warnings: list[Problem]


@dataclass
class _Ctx:
    file: str
    rows: list[int]
    problems: dict[int, list[Problem]]
    counters: Counter
    lang: str
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, i: int, code: str, column: str | None = None, value: Any = None, **params):
        self.problems.setdefault(i, []).append(
            Problem.make(code, self.file, row=self.rows[i], column=column, value=value, **params)
        )


def empty_table(table: str) -> pd.DataFrame:
    """The clean table with no rows and the contract's dtypes."""
    return typed_table(table, [])


def typed_table(table: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the clean table with the contract's columns and dtypes from parsed records."""
    cols = COLUMNS[table]
    frame = pd.DataFrame.from_records(records, columns=list(cols))
    for c in cols:
        if c in ("lat", "lon", "last_margin", "expected_crowd"):
            frame[c] = frame[c].astype("float64")
        elif c in ("voters", "personnel", "severity", "geo_precision"):
            frame[c] = frame[c].astype("int64")
        elif c in ("hard_to_reach", "special"):
            frame[c] = frame[c].astype(bool)
        elif c in ("start", "end", "date"):
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
        else:
            frame[c] = frame[c].astype(object).where(frame[c].notna(), "").astype(str)
            frame[c] = frame[c].astype(object)
    return frame.reset_index(drop=True)


def _coords(ctx: _Ctx, i: int, cells: dict[str, str]) -> tuple[float, float] | None:
    lat_t, lon_t = cells.get("lat", "").strip(), cells.get("lon", "").strip()
    if not lat_t or not lon_t:
        ctx.add(i, "missing_coordinates", column="lat" if not lat_t else "lon",
                value=lat_t or lon_t or None)
        return None
    parsed = {}
    for col, text in (("lat", lat_t), ("lon", lon_t)):
        try:
            value, axis, dms, comma = parse_coordinate(text)
        except ValueError:
            ctx.add(i, "bad_coordinates", column=col, value=text)
            return None
        parsed[col] = (value, axis)
        ctx.counters["dms_coordinates"] += dms
        ctx.counters["decimal_comma"] += comma
    # Hemisphere letters naming the other axis (113°E in the lat cell) are left as typed: the
    # spatial check then reports the row as swapped (or swaps it back when so configured).
    return parsed["lat"][0], parsed["lon"][0]


def _date(ctx: _Ctx, i: int, col: str, text: str, order: str) -> date | None:
    try:
        kind, val = classify_date(text)
        if kind != "numeric":
            return val  # type: ignore[return-value]
        try:
            d = numeric_date(val, order)  # type: ignore[arg-type]
        except LookupError:
            a, b, y = val  # type: ignore[misc]
            ctx.add(i, "ambiguous_date", column=col, value=text,
                    day_first=date(y, b, a).isoformat(), month_first=date(y, a, b).isoformat())
            return None
        if val[0] != val[1]:  # type: ignore[index]
            first = "day_first_dates" if d.day == val[0] else "month_first_dates"  # type: ignore
            ctx.counters[first] += 1
        return d
    except ValueError:
        ctx.add(i, "bad_date", column=col, value=text)
        return None


def _optional_integer(ctx, i, cells, col, lang, *, default, lo=None, hi=None):
    """An optional integer cell: ``default`` when empty or refused (a refusal is reported with
    its row and column by :func:`_number`)."""
    text = cells.get(col, "").strip()
    if not text:
        return default
    v = _number(ctx, i, col, text, integer=True, lo=lo, hi=hi, expected=_exp(col, lang))
    return default if v is None else v


def _number(ctx, i, col, text, *, integer, lo=None, hi=None, expected="", hint=""):
    try:
        if integer:
            value, comma = parse_integer(text)
        else:
            value, comma = parse_number(text)
    except ArithmeticError:
        ctx.add(i, "not_integer", column=col, value=text, expected=expected)
        return None
    except ValueError:
        ctx.add(i, "bad_number", column=col, value=text, expected=expected)
        return None
    ctx.counters["decimal_comma"] += comma
    ctx.counters["thousands_dots"] += integer and uses_thousands_dots(text)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        ctx.add(i, "out_of_range", column=col, value=text, expected=expected, hint=hint)
        return None
    return value


def _kind(ctx: _Ctx, i: int, table: str, text: str) -> str | None:
    key = kind_key(text)
    allowed = KINDS[table]
    if key in allowed:
        return key
    if key in KIND_ALIASES[table]:
        ctx.counters["kind_alias"] += 1
        ctx.examples.setdefault("kind_alias", [])
        pair = f"{text} -> {KIND_ALIASES[table][key]}"
        if pair not in ctx.examples["kind_alias"]:
            ctx.examples["kind_alias"].append(pair)
        return KIND_ALIASES[table][key]
    ctx.add(i, "unknown_kind", column="kind", value=text, allowed=", ".join(allowed))
    return None


_EXPECTED = {
    "voters": ("bilangan bulat >= 0 (jumlah DPT)", "a whole number >= 0 (registered voters)"),
    "personnel": ("bilangan bulat >= 0", "a whole number >= 0"),
    "severity": ("1 (ringan), 2 (serius) atau 3 (berat)", "1 (minor), 2 (serious) or 3 (grave)"),
    "expected_crowd": ("angka >= 0 (orang)", "a number >= 0 (people)"),
    "last_margin": ("selisih suara 0..1 (mis. 0.25)", "a vote margin 0..1 (e.g. 0.25)"),
    "id": ("kode unik", "a unique id"),
    "village_code": ("kode desa Kemendagri (62.10.02.1012)", "a Kemendagri village code "
                     "(62.10.02.1012)"),
    "kind": ("jenis", "a kind"),
    "name": ("nama", "a name"),
    "date": ("tanggal YYYY-MM-DD", "a date YYYY-MM-DD"),
    "geo_precision": ("1 (titik tepat), 2 (dekat), 3 (titik tengah wilayah administrasi)",
                      "1 (exact point), 2 (nearby), 3 (centroid of an administrative area)"),
}


def _exp(key: str, lang: str) -> str:
    id_, en = _EXPECTED[key]
    return en if lang == "en" else id_


def _tps_area_code(ctx: _Ctx, text: str, area_level: str) -> tuple[str, bool]:
    """A TPS's village code as the code of the area (of the areas file's level) holding it.

    With desa/kelurahan areas the code must be a village code. With areas of a higher level a
    village code (or any finer code) is taken up to that level (``62.10.02.1012`` ->
    ``62.10`` for kabupaten areas, counted as ``area_code_to_level``). Raises ``ValueError``.
    """
    if area_level == "village":
        return normalise_village_code(text)
    code, _level, changed = normalise_area_code(text)
    up = area_code_at_level(code, area_level)
    if up is None:
        raise ValueError("coarser than the areas")
    if up != code:
        ctx.counters["area_code_to_level"] += 1
    return up, changed


def _parse_row(table: str, ctx: _Ctx, i: int, cells: dict[str, str], order: str,
               options: dict[str, Any]) -> dict[str, Any]:
    lang = ctx.lang
    rec: dict[str, Any] = {}
    idc = ID_COLUMN[table]
    rec[idc] = cells.get(idc, "").strip()
    if not rec[idc]:
        ctx.add(i, "missing_value", column=idc, expected=_exp("id", lang))
    if table == "tps":
        text = cells.get("village_code", "").strip()
        split = split_kpu_tps_code(rec["tps_id"]) if rec["tps_id"] else None
        if not text and split:
            text = split[0]
            ctx.counters["village_code_from_tps_id"] += 1
        rec["village_code"] = text
        rec["_code_raw"] = text
        if not text:
            ctx.add(i, "missing_value", column="village_code", expected=_exp("village_code", lang))
        else:
            try:
                code, changed = _tps_area_code(ctx, text, options.get("area_level", "village"))
                rec["village_code"] = code
                rec["_normalised"] = changed
            except ValueError:
                if looks_like_bps(text, region_code=options.get("region_code")):
                    ctx.add(i, "bps_village_code", column="village_code", value=text,
                            example=options.get("example_code", "62.10.02.1012"))
                else:
                    ctx.add(i, "bad_village_code", column="village_code", value=text)
                rec["_code_bad"] = True
    if table in KINDS:
        text = cells.get("kind", "").strip()
        if not text:
            ctx.add(i, "missing_value", column="kind", expected=", ".join(KINDS[table]))
        else:
            rec["kind"] = _kind(ctx, i, table, text)
    if table in ("venues", "units"):
        rec["name"] = cells.get("name", "").strip()
        if not rec["name"]:
            ctx.add(i, "missing_value", column="name", expected=_exp("name", lang))
    if table == "incidents":
        text = cells.get("date", "").strip()
        if not text:
            ctx.add(i, "missing_value", column="date", expected=_exp("date", lang))
        else:
            rec["date"] = _date(ctx, i, "date", text, order)
    xy = _coords(ctx, i, cells)
    rec["lat"], rec["lon"] = xy if xy else (np.nan, np.nan)
    rec["_coords_ok"] = xy is not None
    if table == "tps":
        text = cells.get("voters", "").strip()
        if not text:
            ctx.add(i, "missing_value", column="voters", expected=_exp("voters", lang))
        else:
            rec["voters"] = _number(ctx, i, "voters", text, integer=True, lo=0,
                                    expected=_exp("voters", lang))
        for col in ("hard_to_reach", "special"):
            text = cells.get(col, "")
            try:
                rec[col] = parse_boolean(text)
            except ValueError:
                ctx.add(i, "bad_boolean", column=col, value=text)
        text = cells.get("last_margin", "").strip()
        rec["last_margin"] = np.nan
        if text:
            v = _number(ctx, i, "last_margin", text, integer=False, lo=0.0, hi=1.0,
                        expected=_exp("last_margin", lang),
                        hint="|suara1 - suara2| / suara sah" if lang != "en"
                        else "|votes1 - votes2| / valid votes")
            rec["last_margin"] = np.nan if v is None else v
    if table == "venues":
        for col in ("start", "end"):
            text = cells.get(col, "").strip()
            rec[col] = _date(ctx, i, col, text, order) if text else None
        if rec["start"] and rec["end"] and rec["start"] > rec["end"]:
            ctx.add(i, "date_order", column="end", value=cells.get("end", ""),
                    start=rec["start"].isoformat(), end=rec["end"].isoformat())
        rec["expected_crowd"] = _optional_integer(ctx, i, cells, "expected_crowd", lang,
                                                  default=np.nan, lo=0)
    if table == "incidents":
        rec["severity"] = _optional_integer(ctx, i, cells, "severity", lang, default=1,
                                            lo=1, hi=3)
        rec["description"] = cells.get("description", "").strip()
        rec["geo_precision"] = _optional_integer(ctx, i, cells, "geo_precision", lang,
                                                 default=1, lo=1, hi=3)
    if table == "units":
        text = cells.get("personnel", "").strip()
        if not text:
            ctx.add(i, "missing_value", column="personnel", expected=_exp("personnel", lang))
        else:
            rec["personnel"] = _number(ctx, i, "personnel", text, integer=True, lo=0,
                                       expected=_exp("personnel", lang))
    return rec


def _rows_text(rows: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" (+{len(rows) - limit})" if len(rows) > limit else "")


def validate_table(
    raw: RawTable,
    table: str,
    *,
    space: Space | None,
    mapping: dict[str, str] | None = None,
    date_order: str = "auto",
    fix_swapped: bool = False,
    trust_tps_location: str = "village_code",
    region_code: str | None = None,
    lang: str = "id",
) -> TableResult:
    """Validate one point table; return the clean rows, the quarantine and the quality record.

    Parameters
    ----------
    raw
        The cells as read.
    table
        ``"tps"``, ``"venues"``, ``"incidents"`` or ``"units"``.
    space
        The region's geometry; ``None`` skips the spatial checks (the areas are unusable and
        the run stops anyway).
    mapping
        The ``columns:`` mapping of region.yaml for this file (their header -> contract column).
    date_order
        ``"auto"`` (decided per file from the dates themselves), ``"day_first"`` or
        ``"month_first"``.
    fix_swapped
        Swap latitude/longitude back when they are swapped (reported) instead of quarantining.
    trust_tps_location
        ``"village_code"`` (keep the TPS's code) or ``"point"`` (take the village its point
        lies in) when the two disagree; reported either way.
    region_code
        The region's Kemendagri code (``"62.10"``), used to recognise BPS codes.
    lang
        Language of the reason texts (``"id"`` or ``"en"``).
    """
    file = raw.file
    raw, title_rows = find_header(raw, table, mapping=mapping)
    rename, warnings = map_columns(list(raw.cells.columns), table, file, mapping=mapping)
    if title_rows:
        warnings.insert(0, Problem.make("title_rows_skipped", file, n=len(title_rows),
                                        rows=_rows_text(title_rows)))
    warnings = list(raw.warnings) + warnings
    present = set(rename.values())
    fatal: list[Problem] = []
    derived_ids = False
    if table == "tps" and "tps_id" not in present and {"tps_number", "village_code"} <= present:
        derived_ids = True
        present.add("tps_id")
    split_pairs = False
    if "coordinates" in present and not {"lat", "lon"} & present:
        split_pairs = True
        present |= {"lat", "lon"}
    if table == "tps" and "village_code" not in present and "tps_id" in present:
        present.add("village_code")  # derived from 13-digit KPU codes, row by row
    found = ", ".join(str(c) for c in raw.cells.columns) or "-"
    for col in REQUIRED[table]:
        if col not in present:
            fatal.append(Problem.make("missing_column", file, column=col, found=found))
    n = len(raw.cells)
    if fatal:
        # The file cannot be used at all: every row is quarantined with the file's problem.
        located = [replace(p, row=r) for r in raw.rows for p in fatal[:1]]
        quality = _quality(n, 0, n, Counter(p.code for p in located), warnings, lang)
        return TableResult(empty_table(table),
                           quarantine_frame(raw, {i: [p] for i, p in enumerate(located)}, lang),
                           quality, fatal, [], warnings)

    cells_frame = raw.cells.rename(columns=rename)
    cells_frame = cells_frame[[c for c in cells_frame.columns if c in set(rename.values())]]
    records_in = cells_frame.to_dict("records")
    ctx = _Ctx(file=file, rows=list(raw.rows), problems={}, counters=Counter(), lang=lang)
    _mark_long_rows(ctx, raw)
    if split_pairs:
        _split_coordinate_pairs(ctx, records_in)
    if derived_ids:
        _compose_tps_ids(ctx, records_in)
    order = _file_date_order(records_in, table, date_order=date_order)
    options = {"region_code": region_code,
               "example_code": (sorted(space.codes)[0] if space is not None and len(space.codes)
                                else "62.10.02.1012"),
               "area_level": space.level if space is not None else "village"}
    recs = [_parse_row(table, ctx, i, cells, order, options)
            for i, cells in enumerate(records_in)]
    _mark_duplicates(ctx, recs, ID_COLUMN[table])
    swapped_fixed: list[int] = []
    mismatch: list[int] = []
    if space is not None and recs:
        swapped_fixed = _check_locations(ctx, recs, records_in, space, fix_swapped=fix_swapped)
        if table == "tps":
            mismatch = _check_villages(ctx, recs, space, region_code=region_code,
                                       example=options["example_code"],
                                       trust=trust_tps_location)
        warnings_outside = _outside_areas(ctx, recs, space, table)
    else:
        warnings_outside = []

    accepted, quarantined = [], []
    reasons: Counter = Counter()
    row_problems: list[Problem] = []
    for i, r in enumerate(recs):
        probs = ctx.problems.get(i)
        if probs:
            quarantined.append(i)
            reasons[probs[0].code] += 1
            row_problems.extend(probs)
        else:
            accepted.append({c: r.get(c) for c in COLUMNS[table]})
            ctx.counters["village_code_normalised"] += bool(r.get("_normalised"))
    frame = typed_table(table, accepted)
    warnings += _summary_warnings(ctx, order=order, swapped_fixed=swapped_fixed,
                                  mismatch=mismatch, trust=trust_tps_location)
    warnings += warnings_outside
    quality = _quality(n, len(accepted), len(quarantined), reasons, warnings, lang)
    quarantine = quarantine_frame(raw, {i: ctx.problems[i] for i in quarantined}, lang)
    if (n > 0 or table == "tps") and not accepted:
        fatal.append(Problem.make("no_usable_rows", file, rows_read=n,
                                  stem=file.rsplit(".", 1)[0]))
    return TableResult(frame, quarantine, quality, fatal, row_problems, warnings)


def _mark_long_rows(ctx: _Ctx, raw: RawTable) -> None:
    """Rows longer than the header: non-empty cells beyond it, or more cells (even empty)
    than the file's usual row (trailing separators on every row are harmless)."""
    n_raw = raw.n_raw or raw.n_cells
    usual = max(raw.n_header, Counter(n_raw).most_common(1)[0][0] if n_raw else 0)
    for i, (k, k_raw) in enumerate(zip(raw.n_cells, n_raw, strict=True)):
        if k > raw.n_header or k_raw > usual:
            ctx.add(i, "extra_fields", n=max(k, k_raw), n_header=raw.n_header)


def _split_coordinate_pairs(ctx: _Ctx, records: list[dict[str, str]]) -> None:
    """Fill ``lat``/``lon`` from a ``coordinates`` cell holding both (``-1.10, 113.86``)."""
    for i, cells in enumerate(records):
        text = cells.get("coordinates", "").strip()
        cells["lat"] = cells["lon"] = ""
        if not text:
            continue
        try:
            cells["lat"], cells["lon"] = split_coordinate_pair(text)
            ctx.counters["coordinates_split"] += 1
        except ValueError:
            ctx.add(i, "bad_coordinates", column="coordinates", value=text)


def _compose_tps_ids(ctx: _Ctx, records: list[dict[str, str]]) -> None:
    """Compose 13-digit KPU TPS ids from village code + TPS number (``TPS 001`` accepted)."""
    for cells in records:
        code_t = cells.get("village_code", "").strip()
        num_t = re.sub(r"^\s*tps[\s.:#-]*", "", cells.get("tps_number", ""), flags=re.I)
        try:
            code, _ = normalise_village_code(code_t)
            num, _ = parse_integer(num_t)
            cells["tps_id"] = code.replace(".", "") + f"{num:03d}"
            ctx.counters["tps_id_from_number"] += 1
        except (ValueError, ArithmeticError):
            cells["tps_id"] = ""


def _file_date_order(records: list[dict[str, str]], table: str, *, date_order: str) -> str:
    """The order of the file's a/b/yyyy dates, decided once from all its date columns."""
    numeric = []
    cols = ("date", "start", "end") if table in ("incidents", "venues") else ()
    for cells in records:
        for col in cols:
            text = cells.get(col, "").strip()
            if not text:
                continue
            try:
                kind, val = classify_date(text)
            except ValueError:
                continue
            if kind == "numeric":
                numeric.append(val)
    return decide_date_order(numeric, date_order=date_order)


def _mark_duplicates(ctx: _Ctx, recs: list[dict[str, Any]], idc: str) -> None:
    """The second and later rows with an id already seen get ``duplicate_id`` first."""
    first_seen: dict[str, int] = {}
    for i, rec in enumerate(recs):
        rid = rec[idc]
        if not rid:
            continue
        if rid in first_seen:
            ctx.problems.setdefault(i, []).insert(
                0, Problem.make("duplicate_id", ctx.file, row=ctx.rows[i], column=idc,
                                value=rid, first_row=ctx.rows[first_seen[rid]]))
        else:
            first_seen[rid] = i


def _check_locations(ctx: _Ctx, recs: list[dict[str, Any]], cells: list[dict[str, str]],
                     space: Space, *, fix_swapped: bool) -> list[int]:
    """Mark points outside the region (or swapped: fixed when allowed); return fixed rows."""
    lang = ctx.lang
    lat = np.array([r["lat"] for r in recs], float)
    lon = np.array([r["lon"] for r in recs], float)
    ok = np.array([r["_coords_ok"] for r in recs])
    inside = space.inside(lon, lat)
    swapped_inside = space.inside(lat, lon)
    flipped_inside = space.inside(lon, -lat)
    fixed: list[int] = []
    for i in np.flatnonzero(ok & ~inside):
        r = recs[i]
        if swapped_inside[i]:
            if fix_swapped:
                r["lat"], r["lon"] = r["lon"], r["lat"]
                fixed.append(ctx.rows[i])
                continue
            ctx.add(i, "swapped_coordinates", column="lat", value=cells_text(cells[i]),
                    lat=r["lat"], lon=r["lon"])
            continue
        if flipped_inside[i]:
            hint = (f"lintang tanpa tanda minus? dengan lat={-r['lat']} titiknya di dalam "
                    "wilayah" if lang != "en" else
                    f"latitude missing its minus sign? with lat={-r['lat']} the point is "
                    "inside the region")
        else:
            hint = (f"wilayah ini di sekitar {space.around()}" if lang != "en"
                    else f"the region lies around {space.around()}")
        ctx.add(i, "outside_region", column="lat", value=cells_text(cells[i]),
                lat=r["lat"], lon=r["lon"], buffer_m=f"{space.buffer_m:g}", hint=hint)
    return fixed


def _check_villages(ctx: _Ctx, recs: list[dict[str, Any]], space: Space, *,
                    region_code: str | None, example: str, trust: str) -> list[int]:
    """Mark TPS whose code is not in the areas; return rows whose point lies elsewhere
    (their code replaced by the point's village when ``trust == "point"``)."""
    lang = ctx.lang
    lat = np.array([r["lat"] for r in recs], float)
    lon = np.array([r["lon"] for r in recs], float)
    at = space.village_at(lon, lat)
    codes = space.codes
    mismatch: list[int] = []
    for i, r in enumerate(recs):
        code = r.get("village_code", "")
        if not code or r.get("_code_bad"):
            continue
        if code not in codes:
            if looks_like_bps(r["_code_raw"], region_code=region_code):
                ctx.add(i, "bps_village_code", column="village_code", value=r["_code_raw"],
                        example=example)
                continue
            if at[i]:
                hint = (f"titiknya terletak di desa {at[i]}" if lang != "en"
                        else f"its point lies in village {at[i]}")
            else:
                hint = ("periksa kode terhadap berkas areas" if lang != "en"
                        else "check the code against the areas file")
            ctx.add(i, "unknown_village", column="village_code", value=r["_code_raw"],
                    example=example, hint=hint)
            continue
        if i not in ctx.problems and at[i] and at[i] != code:
            mismatch.append(ctx.rows[i])
            if trust == "point":
                r["village_code"] = at[i]
    return mismatch


def _outside_areas(ctx: _Ctx, recs: list[dict[str, Any]], space: Space,
                   table: str) -> list[Problem]:
    """Report the accepted points that lie outside every area but inside the buffer.

    The buffer (``region_buffer_m``) lets them in; the pipeline then counts a venue, incident
    or unit in the nearest area, and a TPS in the area of its code. Never silent: one warning
    per table with the count and the rows (with the nearest area).
    """
    rows = [i for i, r in enumerate(recs) if i not in ctx.problems and r.get("_coords_ok")]
    if not rows:
        return []
    lat = np.array([recs[i]["lat"] for i in rows], float)
    lon = np.array([recs[i]["lon"] for i in rows], float)
    at = space.village_at(lon, lat)
    out_idx = [k for k in range(len(rows)) if not at[k]]
    if not out_idx:
        return []
    near = space.nearest_area(lon[out_idx], lat[out_idx])
    listed = [f"{ctx.rows[rows[k]]} (-> {code})" for k, code in zip(out_idx, near, strict=True)]
    shown = ", ".join(listed[:20]) + (f" (+{len(listed) - 20})" if len(listed) > 20 else "")
    code = "tps_outside_areas" if table == "tps" else "moved_to_nearest_area"
    return [Problem.make(code, ctx.file, n=len(out_idx), buffer_m=f"{space.buffer_m:g}",
                         rows=shown)]


def _summary_warnings(ctx: _Ctx, *, order: str, swapped_fixed: list[int],
                      mismatch: list[int], trust: str) -> list[Problem]:
    """One warning per kind of normalisation done on the file's accepted values."""
    c, file = ctx.counters, ctx.file
    out = [Problem.make(code, file, n=c[code])
           for code in ("decimal_comma", "dms_coordinates", "coordinates_split",
                        "thousands_dots", "village_code_normalised",
                        "village_code_from_tps_id", "tps_id_from_number",
                        "area_code_to_level") if c[code]]
    if c["day_first_dates"] and order != "month_first":
        out.append(Problem.make("day_first_dates", file, n=c["day_first_dates"], order=order))
    if c["month_first_dates"] and order != "day_first":
        out.append(Problem.make("month_first_dates", file, n=c["month_first_dates"],
                                order=order))
    if c["kind_alias"]:
        out.append(Problem.make("kind_alias", file, n=c["kind_alias"],
                                examples="; ".join(ctx.examples["kind_alias"][:5])))
    if swapped_fixed:
        out.append(Problem.make("swapped_coordinates_fixed", file, n=len(swapped_fixed),
                                rows=_rows_text(swapped_fixed)))
    if mismatch:
        out.append(Problem.make("village_mismatch", file, n=len(mismatch), trusted=trust,
                                rows=_rows_text(mismatch)))
    return out


def cells_text(cells: dict[str, str]) -> str:
    return f"{cells.get('lat', '')}, {cells.get('lon', '')}"


def _quality(n: int, accepted: int, quarantined: int, reasons: Counter,
             warnings: list[Problem], lang: str) -> dict[str, Any]:
    return {
        "rows_read": int(n),
        "accepted": int(accepted),
        "quarantined": int(quarantined),
        "reasons": dict(sorted(reasons.items())),
        "warnings": [f"{w.code}: {reason_text(w, lang=lang)}" for w in warnings],
    }


QUARANTINE_EXTRA = ("row", "reason", "reason_text")


def quarantine_frame(raw: RawTable | None, problems: dict[int, list[Problem]], lang: str,
                     *, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The quarantined rows as read (text) with ``row``, ``reason`` and ``reason_text``.

    ``reason`` is the row's first problem; ``reason_text`` describes every problem of the row.
    """
    if raw is None:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in
                             (*columns, *QUARANTINE_EXTRA)})
    idx = sorted(problems)
    base = raw.cells.iloc[idx].astype(object).reset_index(drop=True)
    for c in QUARANTINE_EXTRA:
        if c in base.columns:
            base = base.rename(columns={c: f"{c}_input"})
    base.insert(0, "row", pd.Series([raw.rows[i] for i in idx], dtype="int64"))
    base["reason"] = pd.Series([problems[i][0].code for i in idx], dtype=object)
    base["reason_text"] = pd.Series(
        [" | ".join(describe(p, lang=lang) for p in problems[i]) for i in idx], dtype=object)
    return base
