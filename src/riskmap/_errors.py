"""Input problems: reason codes, readable messages (Bahasa Indonesia and English), the fatal error.

Every problem found in a region folder is a :class:`Problem`: a reason code from
:data:`REASONS` plus where it is (file, spreadsheet row, column, value) and the parameters of
its message. A problem is *fatal* (the run stops with :class:`RegionInputError`), a *row*
problem (the row goes to the quarantine) or a *warning* (the row is kept; the quality report
says what was noticed or normalised). :func:`describe` turns a problem into one readable line
in the analyst's terms: file, row, column, value, what is wrong, what was expected, a hint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Reason:
    """One reason code: its kind and its message in each language.

    Each message is ``(what, expected, hint)``; any of them may hold ``{name}`` fields filled
    from the problem's parameters, and ``expected``/``hint`` may be empty.
    """

    kind: str  # "fatal", "row" or "warning"
    id: tuple[str, str, str]
    en: tuple[str, str, str]


R = Reason
REASONS: dict[str, Reason] = {
    # ---------------------------------------------------------------- fatal (the run stops)
    "missing_file": R(
        "fatal",
        ("berkas wajib tidak ada", "{expected}", "`riskmap init DIR` membuat contoh foldernya"),
        ("required file is missing", "{expected}", "`riskmap init DIR` writes a template folder"),
    ),
    "ambiguous_file": R(
        "fatal",
        ("ada lebih dari satu berkas untuk tabel yang sama: {found}", "satu berkas saja",
         "hapus atau ganti nama yang tidak dipakai"),
        ("more than one file for the same table: {found}", "exactly one file",
         "remove or rename the one not in use"),
    ),
    "unreadable_file": R(
        "fatal",
        ("berkas tidak dapat dibaca ({detail})", "{expected}",
         "simpan ulang sebagai CSV UTF-8 atau XLSX"),
        ("file cannot be read ({detail})", "{expected}", "save it again as UTF-8 CSV or XLSX"),
    ),
    "missing_column": R(
        "fatal",
        ("kolom wajib tidak ada", "kolom `{column}` (kolom yang ada: {found})",
         "ganti nama kolom atau petakan di region.yaml, `columns: {{{file}: {{\"judul Anda\": "
         "{column}}}}}`"),
        ("required column is missing", "a column `{column}` (columns found: {found})",
         "rename the column or map it in region.yaml, `columns: {{{file}: {{\"your header\": "
         "{column}}}}}`"),
    ),
    "no_usable_rows": R(
        "fatal",
        ("tidak ada baris yang dapat dipakai ({rows_read} dibaca, semua dikarantina)",
         "paling sedikit satu baris yang sah",
         "lihat alasan per baris di quarantine/{stem}.csv atau laporan `riskmap check`"),
        ("no usable rows ({rows_read} read, all quarantined)", "at least one valid row",
         "see the reason of each row in quarantine/{stem}.csv or the `riskmap check` report"),
    ),
    "no_crs": R(
        "fatal",
        ("batas wilayah tidak punya sistem koordinat (CRS)",
         "GeoJSON (WGS84), GeoPackage, atau SHP beserta berkas .prj",
         "ekspor ulang dari QGIS dengan CRS EPSG:4326"),
        ("the areas have no coordinate reference system (CRS)",
         "GeoJSON (WGS84), GeoPackage, or a SHP with its .prj file",
         "export again from QGIS with CRS EPSG:4326"),
    ),
    "bad_region_yaml": R(
        "fatal",
        ("isi region.yaml tidak sesuai: {detail}", "{expected}", "{hint}"),
        ("region.yaml does not match its format: {detail}", "{expected}", "{hint}"),
    ),
    "stage_dates": R(
        "fatal",
        ("tahap {stage}: tanggal mulai {start} sesudah tanggal selesai {end}",
         "start <= end", "periksa kalender tahapan"),
        ("stage {stage}: start {start} is after end {end}", "start <= end",
         "check the election calendar"),
    ),
    "mixed_area_levels": R(
        "fatal",
        ("kode wilayah bercampur tingkat: {levels}",
         "satu tingkat untuk semua wilayah (semua desa/kelurahan, semua kecamatan, semua "
         "kabupaten/kota, atau semua provinsi)",
         "pisahkan wilayah tiap tingkat ke folder wilayah sendiri"),
        ("area codes of mixed levels: {levels}",
         "one level for every area (all villages, all kecamatan, all kabupaten/kota, or all "
         "provinces)",
         "put the areas of each level in a region folder of their own"),
    ),
    # ------------------------------------------------------- row problems (to the quarantine)
    "missing_value": R(
        "row",
        ("nilai wajib kosong", "{expected}", "isi nilainya atau hapus barisnya"),
        ("required value is empty", "{expected}", "fill it in or delete the row"),
    ),
    "duplicate_id": R(
        "row",
        ("kode ganda: sudah dipakai di baris {first_row}", "kode unik per baris",
         "beri kode lain atau hapus baris rangkap"),
        ("duplicate id: already used in row {first_row}", "a unique id per row",
         "give it another id or delete the duplicate row"),
    ),
    "extra_fields": R(
        "row",
        ("baris berisi {n} sel, judul hanya {n_header}", "{n_header} sel seperti baris judul",
         "desimal koma di CSV berpemisah koma? pakai pemisah `;` atau beri tanda kutip"),
        ("the row has {n} cells, the header only {n_header}", "{n_header} cells like the header",
         "decimal commas in a comma-separated file? use `;` as separator or quote the values"),
    ),
    "bad_number": R(
        "row",
        ("bukan angka", "{expected}", "pakai titik atau koma sebagai pemisah desimal"),
        ("not a number", "{expected}", "use a dot or a comma as decimal separator"),
    ),
    "not_integer": R(
        "row",
        ("bukan bilangan bulat", "{expected}", "tulis tanpa pecahan"),
        ("not a whole number", "{expected}", "write it without a fraction"),
    ),
    "out_of_range": R(
        "row",
        ("nilai di luar rentang", "{expected}", "{hint}"),
        ("value out of range", "{expected}", "{hint}"),
    ),
    "bad_boolean": R(
        "row",
        ("bukan nilai ya/tidak", "true/false (juga ya/tidak, 1/0)", "kosongkan bila tidak"),
        ("not a yes/no value", "true/false (also ya/tidak, 1/0)", "leave empty for no"),
    ),
    "missing_coordinates": R(
        "row",
        ("koordinat kosong", "lintang dan bujur dalam derajat desimal (mis. -1.1016, 113.8664)",
         "salin koordinat dari peta di ponsel"),
        ("coordinates are empty", "latitude and longitude in decimal degrees "
         "(e.g. -1.1016, 113.8664)", "copy the coordinates from a phone map"),
    ),
    "bad_coordinates": R(
        "row",
        ("koordinat tidak terbaca", "derajat desimal (-1.1016) atau DMS (1°06'05.8\"S)",
         "salin ulang dari peta"),
        ("coordinates cannot be read", "decimal degrees (-1.1016) or DMS (1°06'05.8\"S)",
         "copy them again from the map"),
    ),
    "swapped_coordinates": R(
        "row",
        ("lintang dan bujur tertukar (lat={lat}, lon={lon})",
         "lat = lintang (utara-selatan), lon = bujur (timur-barat)",
         "tukar kedua nilai, atau tulis `fix_swapped_coordinates: true` di region.yaml"),
        ("latitude and longitude are swapped (lat={lat}, lon={lon})",
         "lat = latitude (north-south), lon = longitude (east-west)",
         "swap the two values, or set `fix_swapped_coordinates: true` in region.yaml"),
    ),
    "outside_region": R(
        "row",
        ("titik (lat={lat}, lon={lon}) di luar wilayah (lebih dari {buffer_m} m dari batas)",
         "titik di dalam wilayah", "{hint}"),
        ("point (lat={lat}, lon={lon}) is outside the region (more than {buffer_m} m from it)",
         "a point inside the region", "{hint}"),
    ),
    "unknown_village": R(
        "row",
        ("kode desa tidak ada di batas wilayah", "kode Kemendagri desa yang ada di areas "
         "(mis. {example})", "{hint}"),
        ("village code is not in the areas", "a Kemendagri village code present in the areas "
         "(e.g. {example})", "{hint}"),
    ),
    "bps_village_code": R(
        "row",
        ("kode ini tampaknya kode BPS, bukan kode Kemendagri", "kode Kemendagri "
         "(mis. {example})",
         "kode BPS dan Kemendagri berbeda (Gunung Mas: Kemendagri 62.10, BPS 6211); ubah dengan "
         "tabel padanan BPS-Kemendagri"),
        ("this looks like a BPS code, not a Kemendagri code", "a Kemendagri code (e.g. {example})",
         "BPS and Kemendagri codes differ (Gunung Mas: Kemendagri 62.10, BPS 6211); convert "
         "with the BPS-Kemendagri crosswalk"),
    ),
    "bad_village_code": R(
        "row",
        ("format kode desa tidak dikenal", "kode Kemendagri 62.10.02.1012 atau 6210021012",
         "salin kode dari daftar Kemendagri/KPU"),
        ("village code format not recognised", "a Kemendagri code 62.10.02.1012 or 6210021012",
         "copy the code from the Kemendagri/KPU list"),
    ),
    "unknown_kind": R(
        "row",
        ("jenis tidak dikenal", "salah satu dari: {allowed}", "pakai salah satu nama itu"),
        ("unknown kind", "one of: {allowed}", "use one of those names"),
    ),
    "bad_date": R(
        "row",
        ("tanggal tidak terbaca", "tanggal YYYY-MM-DD (mis. 2024-02-14) atau DD/MM/YYYY",
         "tulis tanggal dalam format ISO"),
        ("date cannot be read", "a date YYYY-MM-DD (e.g. 2024-02-14) or DD/MM/YYYY",
         "write the date in ISO format"),
    ),
    "ambiguous_date": R(
        "row",
        ("tanggal rancu: bisa {day_first} atau {month_first}",
         "tanggal yang jelas (YYYY-MM-DD)",
         "tulis dalam format ISO, atau atur `ingest.date_order: day_first` di konfigurasi"),
        ("ambiguous date: could be {day_first} or {month_first}", "an unambiguous date "
         "(YYYY-MM-DD)", "write it in ISO format, or set `ingest.date_order: day_first` in the "
         "configuration"),
    ),
    "date_order": R(
        "row",
        ("tanggal mulai {start} sesudah tanggal selesai {end}", "start <= end",
         "periksa kedua tanggal"),
        ("start {start} is after end {end}", "start <= end", "check both dates"),
    ),
    "missing_geometry": R(
        "row",
        ("poligon kosong", "satu poligon per desa", "gambar ulang batas desa ini"),
        ("the polygon is empty", "one polygon per village", "draw this village boundary again"),
    ),
    "not_polygon": R(
        "row",
        ("bentuk bukan poligon ({geom_type})", "Polygon atau MultiPolygon",
         "batas desa harus berupa poligon, bukan titik atau garis"),
        ("geometry is not a polygon ({geom_type})", "Polygon or MultiPolygon",
         "a village boundary must be a polygon, not a point or a line"),
    ),
    # ------------------------------------------ importers (election tallies, ACLED events)
    "no_result": R(
        "row",
        ("TPS tanpa hasil suara (suara kosong atau nol)", "perolehan suara dan suara sah",
         "selisih tidak diisi; jumlah DPT tetap dipakai bila sah"),
        ("TPS without a result (votes empty or zero)", "candidate votes and valid votes",
         "no margin is filled; the DPT is still used when valid"),
    ),
    "turnout_over_100": R(
        "row",
        ("partisipasi di atas 100 % ({used} suara untuk {dpt} DPT)", "jumlah suara <= DPT",
         "selisih tidak diisi; periksa formulir C1"),
        ("turnout over 100 % ({used} ballots for {dpt} registered voters)", "ballots <= DPT",
         "no margin is filled; check the C1 form"),
    ),
    "negative_total": R(
        "row",
        ("jumlah negatif", "angka >= 0", "baris ini tidak dipakai untuk DPT maupun selisih"),
        ("negative total", "a number >= 0", "the row is used neither for voters nor margin"),
    ),
    "flagged_anomalous": R(
        "row",
        ("ditandai janggal oleh sumber data", "janggal = 0",
         "selisih tidak diisi; jumlah DPT tetap dipakai"),
        ("flagged anomalous by the data source", "janggal = 0",
         "no margin is filled; the DPT is still used"),
    ),
    "outside_region_left_out": R(
        "warning",
        ("{n} kejadian di luar wilayah tidak ditulis (--region)", "", ""),
        ("{n} events outside the region not written (--region)", "", ""),
    ),
    "no_matching_tps": R(
        "warning",
        ("{n} TPS di tps.csv tanpa hasil pemilu yang cocok; nilainya tidak diubah: {ids}", "",
         ""),
        ("{n} TPS of tps.csv without a matching tally; left unchanged: {ids}", "", ""),
    ),
    "unmatched_tally": R(
        "warning",
        ("{n} hasil TPS tidak cocok dengan TPS mana pun di tps.csv: {ids}", "", ""),
        ("{n} tallies match no TPS of tps.csv: {ids}", "", ""),
    ),
    "acled_left_out": R(
        "warning",
        ("{n} kejadian ACLED dilewati karena jenisnya tidak dipilih ({types}); pilih dengan "
         "--event-types / --sub-event-types", "", ""),
        ("{n} ACLED events left out because their type was not selected ({types}); select "
         "them with --event-types / --sub-event-types", "", ""),
    ),
    "acled_bad_precision": R(
        "warning",
        ("{n} kejadian ACLED tanpa geo_precision 1-3; kolomnya dibiarkan kosong: baris {rows}",
         "", ""),
        ("{n} ACLED events without a geo_precision of 1-3; left empty: rows {rows}", "", ""),
    ),
    "acled_type_other": R(
        "warning",
        ("{n} jenis kejadian ACLED tidak dikenal dibaca sebagai `other`: {types}", "", ""),
        ("{n} unknown ACLED event types read as `other`: {types}", "", ""),
    ),
    # ------------------------------------------------------------- warnings (rows are kept)
    "optional_file_absent": R(
        "warning",
        ("berkas pilihan tidak ada; dianggap tabel kosong", "", ""),
        ("optional file absent; read as an empty table", "", ""),
    ),
    "column_alias": R(
        "warning",
        ("kolom `{found}` dibaca sebagai `{column}`", "", ""),
        ("column `{found}` read as `{column}`", "", ""),
    ),
    "column_ignored": R(
        "warning",
        ("kolom `{found}` diabaikan karena `{column}` sudah ada", "", ""),
        ("column `{found}` ignored because `{column}` is already present", "", ""),
    ),
    "decimal_comma": R(
        "warning",
        ("{n} angka dengan koma desimal dibaca sebagai desimal", "", ""),
        ("{n} numbers with a decimal comma read as decimals", "", ""),
    ),
    "dms_coordinates": R(
        "warning",
        ("{n} koordinat derajat-menit-detik diubah ke derajat desimal", "", ""),
        ("{n} degrees-minutes-seconds coordinates converted to decimal degrees", "", ""),
    ),
    "swapped_coordinates_fixed": R(
        "warning",
        ("{n} baris dengan lintang/bujur tertukar diperbaiki (fix_swapped_coordinates: true): "
         "baris {rows}", "", ""),
        ("{n} rows with swapped latitude/longitude fixed (fix_swapped_coordinates: true): "
         "rows {rows}", "", ""),
    ),
    "coordinates_split": R(
        "warning",
        ("{n} pasangan koordinat (lat, lon) dari satu kolom dipisah menjadi lat dan lon", "", ""),
        ("{n} coordinate pairs (lat, lon) in one column split into lat and lon", "", ""),
    ),
    "thousands_dots": R(
        "warning",
        ("{n} angka dengan titik ribuan dibaca sebagai bilangan bulat (1.500 = 1500)", "", ""),
        ("{n} counts with thousands dots read as whole numbers (1.500 = 1500)", "", ""),
    ),
    "day_first_dates": R(
        "warning",
        ("{n} tanggal dibaca sebagai hari/bulan/tahun ({order})", "", ""),
        ("{n} dates read as day/month/year ({order})", "", ""),
    ),
    "month_first_dates": R(
        "warning",
        ("{n} tanggal dibaca sebagai bulan/hari/tahun ({order})", "", ""),
        ("{n} dates read as month/day/year ({order})", "", ""),
    ),
    "village_code_normalised": R(
        "warning",
        ("{n} kode desa 10 digit ditulis ulang ke bentuk bertitik (6210021012 -> 62.10.02.1012)",
         "", ""),
        ("{n} 10-digit village codes rewritten in dotted form (6210021012 -> 62.10.02.1012)",
         "", ""),
    ),
    "village_code_from_tps_id": R(
        "warning",
        ("{n} kode desa diambil dari kode TPS KPU 13 digit", "", ""),
        ("{n} village codes taken from the 13-digit KPU TPS code", "", ""),
    ),
    "tps_id_from_number": R(
        "warning",
        ("{n} kode TPS disusun dari kode desa + nomor TPS (kode KPU 13 digit)", "", ""),
        ("{n} TPS ids composed from village code + TPS number (13-digit KPU code)", "", ""),
    ),
    "village_mismatch": R(
        "warning",
        ("{n} TPS terletak di desa lain daripada kode desanya; dipakai: {trusted} "
         "(trust_tps_location). Baris: {rows}", "", ""),
        ("{n} TPS lie in another village than their village code; trusted: {trusted} "
         "(trust_tps_location). Rows: {rows}", "", ""),
    ),
    "kind_alias": R(
        "warning",
        ("{n} jenis dibaca lewat nama lain ({examples})", "", ""),
        ("{n} kinds read through an alias ({examples})", "", ""),
    ),
    "geometry_repaired": R(
        "warning",
        ("{n} poligon tidak sah diperbaiki (make_valid): {codes}", "", ""),
        ("{n} invalid polygons repaired (make_valid): {codes}", "", ""),
    ),
    "subdistrict_code_derived": R(
        "warning",
        ("kode kecamatan diambil dari kode desa (3 bagian pertama)", "", ""),
        ("subdistrict codes taken from the village codes (first 3 parts)", "", ""),
    ),
    "blank_rows": R(
        "warning",
        ("{n} baris kosong dilewati: baris {rows}", "", ""),
        ("{n} blank rows skipped: rows {rows}", "", ""),
    ),
    "title_rows_skipped": R(
        "warning",
        ("{n} baris judul di atas baris kolom dilewati: baris {rows}", "", ""),
        ("{n} title rows above the header row skipped: rows {rows}", "", ""),
    ),
    "text_encoding": R(
        "warning",
        ("berkas bukan UTF-8; dibaca sebagai {encoding}", "", ""),
        ("file is not UTF-8; read as {encoding}", "", ""),
    ),
    "moved_to_nearest_area": R(
        "warning",
        ("{n} titik di luar batas wilayah tetapi dalam {buffer_m} m darinya diterima dan "
         "dihitung di wilayah terdekat: baris {rows}", "", ""),
        ("{n} points outside the areas but within {buffer_m} m of them accepted and counted in "
         "the nearest area: rows {rows}", "", ""),
    ),
    "tps_outside_areas": R(
        "warning",
        ("{n} TPS di luar batas wilayah tetapi dalam {buffer_m} m darinya diterima; tetap "
         "dihitung di wilayah kodenya (terdekat dalam kurung): baris {rows}", "", ""),
        ("{n} TPS outside the areas but within {buffer_m} m of them accepted; counted in the "
         "area of their code (nearest in brackets): rows {rows}", "", ""),
    ),
    "area_code_to_level": R(
        "warning",
        ("{n} kode desa diganti dengan kode wilayah di atasnya (tingkat berkas areas)", "", ""),
        ("{n} village codes replaced by the code of the area above them (the areas file's "
         "level)", "", ""),
    ),
    "area_level_above_village": R(
        "warning",
        ("{n} wilayah tingkat {level}, bukan desa/kelurahan: peta dan tabel memakai wilayah "
         "ini; subdistrict_code/subdistrict_name yang kosong diisi wilayah induknya", "", ""),
        ("{n} areas of level {level}, not villages: maps and tables use these areas; empty "
         "subdistrict_code/subdistrict_name are filled with the parent area", "", ""),
    ),
    "areas_overlap": R(
        "warning",
        ("{n} pasang wilayah bertumpang tindih (terbesar {max_ha} ha): {pairs}", "",
         "periksa batasnya di QGIS (Vector > Geometry Tools > Check Validity / Topology "
         "Checker)"),
        ("{n} pairs of areas overlap (largest {max_ha} ha): {pairs}", "",
         "check the boundaries in QGIS (Topology Checker)"),
    ),
    "areas_reprojected": R(
        "warning",
        ("batas wilayah diubah dari {crs} ke WGS84", "", ""),
        ("areas reprojected from {crs} to WGS84", "", ""),
    ),
}
del R


_WORDS = {
    "id": {"row": "baris", "column": "kolom", "value": "nilai", "expected": "seharusnya",
           "hint": "saran", "problems": "masalah pada data masukan",
           "stop": "Data wilayah tidak dapat dipakai"},
    "en": {"row": "row", "column": "column", "value": "value", "expected": "expected",
           "hint": "hint", "problems": "input problems",
           "stop": "The region data cannot be used"},
}


@dataclass(frozen=True)
class Problem:
    """One problem found in the input.

    Parameters
    ----------
    code
        A key of :data:`REASONS`.
    file
        The input file name as the analyst knows it (``"tps.csv"``).
    row
        The 1-based spreadsheet row (the header is row 1); ``None`` for file-level problems.
    column
        The column concerned, in the contract's name, if any.
    value
        The offending value as read, if any.
    params
        The message parameters, as sorted ``(name, value)`` pairs.
    """

    code: str
    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: tuple[tuple[str, Any], ...] = field(default=())

    @classmethod
    def make(cls, code: str, file: str, *, row: int | None = None, column: str | None = None,
             value: Any = None, **params: Any) -> Problem:
        """Build a problem, checking the code; ``params`` fill the message fields."""
        if code not in REASONS:
            raise KeyError(f"unknown reason code {code!r}")
        return cls(code=code, file=file, row=row, column=column,
                   value=None if value is None else str(value),
                   params=tuple(sorted(params.items())))

    @property
    def kind(self) -> str:
        return REASONS[self.code].kind


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def reason_text(problem: Problem, *, lang: str = "id") -> str:
    """Return the message of ``problem`` without its location: what, expected, hint."""
    what, expected, hint = getattr(REASONS[problem.code], lang if lang in LANGUAGES else "id")
    values = _Default(problem.params)
    values.setdefault("column", problem.column or "")
    values.setdefault("file", problem.file)
    words = _WORDS[lang if lang in LANGUAGES else "id"]
    text = what.format_map(values)
    if expected:
        text += f"; {words['expected']}: {expected.format_map(values)}"
    if hint:
        h = hint.format_map(values)
        if h:
            text += f"; {words['hint']}: {h}"
    return text


def describe(problem: Problem, *, lang: str = "id") -> str:
    """Return one readable line: ``file, row R, column 'c', value 'v': what; expected; hint``."""
    words = _WORDS[lang if lang in LANGUAGES else "id"]
    where = [problem.file]
    if problem.row is not None:
        where.append(f"{words['row']} {problem.row}")
    if problem.column:
        where.append(f"{words['column']} '{problem.column}'")
    if problem.value is not None:
        shown = problem.value if len(problem.value) <= 60 else problem.value[:57] + "..."
        where.append(f"{words['value']} '{shown}'")
    return ", ".join(where) + ": " + reason_text(problem, lang=lang)


class RegionInputError(ValueError):
    """A region folder cannot be used; ``str(e)`` lists every fatal problem, one per line.

    Parameters
    ----------
    problems
        The fatal problems (a plain string is accepted too, for a single message).
    lang
        Language of the message: ``"id"`` (Bahasa Indonesia) or ``"en"``.
    """

    def __init__(self, problems: Iterable[Problem] | str, *, lang: str = "id"):
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            self.text = problems
        else:
            self.problems = list(problems)
            self.text = format_problems(self.problems, lang=lang)
        self.lang = lang
        super().__init__(self.text)

    def __str__(self) -> str:
        return self.text

    def message(self, lang: str) -> str:
        """Return the message in another language."""
        return format_problems(self.problems, lang=lang) if self.problems else self.text


def format_problems(problems: Iterable[Problem], *, lang: str = "id") -> str:
    """Return the fatal message: a heading and one ``- ...`` line per problem."""
    words = _WORDS[lang if lang in LANGUAGES else "id"]
    lines = [describe(p, lang=lang) for p in problems]
    head = f"{words['stop']} ({len(lines)} {words['problems']}):"
    return head + "".join(f"\n  - {line}" for line in lines)


def reason_codes(kind: str | None = None) -> list[str]:
    """Return the sorted reason codes (of one kind: ``fatal``, ``row`` or ``warning``)."""
    return sorted(c for c, r in REASONS.items() if kind is None or r.kind == kind)


def count_reasons(problems: Iterable[Problem]) -> Mapping[str, int]:
    """Return ``{code: count}`` sorted by code."""
    out: dict[str, int] = {}
    for p in problems:
        out[p.code] = out.get(p.code, 0) + 1
    return dict(sorted(out.items()))
