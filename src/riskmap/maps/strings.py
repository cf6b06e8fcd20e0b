"""Bahasa Indonesia strings of the commander's map, and Indonesian date formatting.

Everything a map reader sees comes from here (the page itself only holds layout), so the
wording can be reviewed in one place.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

STAGE_LABELS: dict[str, str] = {
    "campaign": "Kampanye",
    "quiet_period": "Masa Tenang",
    "voting": "Pemungutan Suara",
    "recapitulation": "Rekapitulasi",
    "announcement": "Penetapan Hasil",
}

CLASS_LABELS: dict[str, str] = {
    "kurang_rawan": "Kurang Rawan",
    "rawan": "Rawan",
    "sangat_rawan": "Sangat Rawan",
}

#: Order of the risk classes, lowest first (a class "rises" when its rank grows).
CLASS_ORDER: tuple[str, ...] = ("kurang_rawan", "rawan", "sangat_rawan")

VENUE_KIND_LABELS: dict[str, str] = {
    "kpu_office": "Kantor KPU",
    "ppk_office": "Kantor PPK",
    "logistics_warehouse": "Gudang logistik",
    "campaign_site": "Lokasi kampanye",
    "party_office": "Kantor/posko partai",
    "vvip_visit": "Kunjungan VVIP",
    "other": "Lainnya",
}

#: Short codes drawn inside the venue markers (explained by the legend).
VENUE_KIND_CODES: dict[str, str] = {
    "kpu_office": "KPU",
    "ppk_office": "PPK",
    "logistics_warehouse": "GL",
    "campaign_site": "KA",
    "party_office": "PP",
    "vvip_visit": "VIP",
    "other": "L",
}

INCIDENT_KIND_LABELS: dict[str, str] = {
    "demonstration": "Unjuk rasa",
    "riot": "Kerusuhan",
    "clash": "Bentrokan",
    "intimidation": "Intimidasi",
    "vote_buying": "Politik uang",
    "vandalism": "Perusakan",
    "hate_speech": "Ujaran kebencian",
    "logistics_disruption": "Gangguan logistik",
    "other": "Lainnya",
}

SEVERITY_LABELS: dict[int, str] = {1: "Ringan", 2: "Serius", 3: "Berat"}

UNIT_KIND_LABELS: dict[str, str] = {"polres": "Polres", "polsek": "Polsek", "pos": "Pos polisi"}

SITE_KIND_LABELS: dict[str, str] = {
    "tps": "TPS",
    "venue": "Lokasi kegiatan",
    "unit": "Markas satuan",
    "other": "Titik lain",
}

#: The tasks of the operations plan (``tasks.csv`` column ``task``).
TASK_LABELS: dict[str, str] = {
    "tps_team": "Pam TPS",
    "venue_guard": "Pos jaga",
    "patrol": "Patroli",
    "escort": "Pengawalan",
    "reserve": "Cadangan",
}

#: Short codes drawn beside a task's officer count (explained by the legend).
TASK_CODES: dict[str, str] = {
    "tps_team": "T",
    "venue_guard": "J",
    "patrol": "P",
    "escort": "K",
    "reserve": "C",
}

#: How the header and legend name an area, by level (a shorter form of
#: :data:`riskmap.geo.AREA_LEVEL_LABEL_ID` for the village level).
AREA_LEVEL_SHORT: dict[str, str] = {
    "province": "Provinsi",
    "regency": "Kabupaten/Kota",
    "district": "Kecamatan",
    "village": "Desa",
}

MONTHS: tuple[str, ...] = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)

#: Interface strings used by the page's script (keys are stable identifiers).
UI: dict[str, str] = {
    "title": "Peta Kerawanan Pemilu",
    "marking": "TERBATAS",
    "synthetic_banner": "DATA SINTETIS \u2014 bukan data sebenarnya",
    "synthetic_detail": "hanya untuk latihan dan uji; jangan dipakai untuk keputusan operasi",
    "stage": "Tahap",
    "as_of": "Keadaan per",
    "window": "Periode tahap",
    "until": "s.d.",
    "generated": "Dibuat",
    "layers": "Lapisan & legenda",
    "close": "Tutup",
    "search_placeholder": "Cari desa atau TPS\u2026",
    "search_none": "Tidak ditemukan",
    "print": "Cetak",
    "fullscreen": "Layar penuh",
    "fit": "Seluruh wilayah",
    "village": "Desa/Kelurahan",
    "subdistrict": "Kecamatan",
    "score": "Skor kerawanan (0\u2013100)",
    "class": "Kelas",
    "expected": "Perkiraan jumlah insiden selama tahap",
    "factors": "Faktor utama",
    "tps_in_village": "TPS di desa ini",
    "more": "lainnya",
    "no_data": "tidak ada data",
    "previous_class": "Kelas tahap sebelumnya",
    "class_rose": "Kelas naik",
    "tps": "TPS",
    "voters": "Pemilih",
    "post": "Pos pengamanan",
    "no_post": "belum tercakup pos",
    "hard_to_reach": "Sulit dijangkau (sungai/jalan kaki)",
    "yes": "ya",
    "no": "tidak",
    "nearest_polsek": "Polsek terdekat",
    "minutes": "menit",
    "to_polres": "ke Polres",
    "beyond_limit": "Di luar batas waktu tempuh",
    "officers": "Personel",
    "tps_covered": "TPS tercakup",
    "venues_covered": "Lokasi kegiatan tercakup",
    "reserve": "Di antaranya cadangan",
    "less_than_one": "<1",
    "covered_weight": "Bobot tercakup",
    "radius": "Radius cakupan",
    "site": "Lokasi",
    "venue": "Lokasi kegiatan",
    "kind": "Jenis",
    "dates": "Tanggal",
    "every_stage": "sepanjang tahapan",
    "crowd": "Perkiraan massa",
    "people": "orang",
    "incident": "Insiden",
    "date": "Tanggal",
    "severity": "Tingkat",
    "description": "Keterangan",
    "unit": "Satuan",
    "layer_areas": "Kerawanan desa",
    "layer_tps": "TPS menurut kelas",
    "layer_posts": "Pos pengamanan & cakupan",
    "layer_venues": "Lokasi kegiatan aktif",
    "layer_incidents_heat": "Riwayat insiden (kepadatan)",
    "layer_incidents_points": "Riwayat insiden (titik)",
    "layer_units": "Satuan polisi",
    "layer_reach": "Di luar batas waktu tempuh",
    "layer_changes": "Kelas naik sejak tahap sebelumnya",
    "layer_boundaries": "Batas wilayah (kabupaten, kecamatan, desa)",
    "basemap": "Peta dasar",
    "basemap_offline": "Batas wilayah saja (tanpa internet)",
    "online_warning": "memerlukan internet; server peta melihat wilayah yang dibuka",
    "first_stage": "tahap pertama: tidak ada pembanding",
    "first_stage_short": "\u2013 (tahap pertama)",
    "unknown_class": "Tanpa data",
    "legend_tps_hard": "garis putus-putus: sulit dijangkau",
    "legend_post_size": "ukuran menurut jumlah personel; lingkaran = radius cakupan",
    "legend_heat": "lebih gelap = lebih banyak insiden (berbobot tingkat)",
    "legend_reach": "garis ke Polsek terdekat",
    "sum_villages": "Desa sangat rawan",
    "sum_tps": "TPS sangat rawan / rawan",
    "sum_posts": "Pos / personel",
    "sum_posts_only": "Pos pengamanan",
    "sum_uncovered": "TPS tanpa pos",
    "sum_changes": "Desa naik kelas",
    "sum_reach": "Di luar batas waktu",
    "of": "dari",
    "incidents_before": "insiden sebelum",
    "layer_sectors": "Sektor tim Pam TPS",
    "layer_tasks": "Tugas pengamanan (tanggal terpilih)",
    "layer_movements": "Patroli & pengawalan (tanggal terpilih)",
    "legend_sectors": "satu warna per tim; garis dari pos tim ke TPS-nya",
    "legend_tasks": "angka = personel; huruf = jenis tugas",
    "sum_no_team": "TPS tanpa tim",
    "sum_duty": "Personel bertugas / cadangan",
    "sum_tasks": "Tugas",
    "date_picker": "Tanggal",
    "prev_day": "Hari sebelumnya",
    "next_day": "Hari berikutnya",
    "events_today": "kegiatan aktif",
    "no_events_today": "tidak ada kegiatan aktif",
    "not_active_today": "tidak aktif pada tanggal ini",
    "team": "Tim Pam TPS",
    "team_officers": "Personel tim",
    "tasks_here": "Tugas di lokasi ini",
    "task": "Tugas",
    "travel_minutes": "Waktu tempuh",
    "ladder": "Tangga eskalasi (Sispamkota)",
    "ladder_step": "Langkah",
    "minutes_to_site": "Waktu ke lokasi",
    "no_tasks": "tidak ada tugas",
    "on_duty": "personel bertugas",
    "at_site": "di lokasi",
    "no_team": "belum masuk tim Pam TPS",
    "crossed": "Wilayah yang dilalui",
}

PROTECT_UI: dict[str, str] = {
    "heading": "Peta terkunci",
    "prompt": "Masukkan frasa sandi untuk membuka peta.",
    "label": "Frasa sandi",
    "open": "Buka peta",
    "working": "Membuka\u2026 (bisa beberapa detik di ponsel)",
    "wrong": "Frasa sandi salah. Coba lagi.",
    "empty": "Isi frasa sandi terlebih dahulu.",
    "unsupported": "Peramban ini tidak dapat membuka peta terkunci.",
}


def format_date_id(value: object) -> str:
    """Return ``value`` (date, timestamp or ISO string) as an Indonesian date; ``""`` if missing.

    Examples
    --------
    >>> format_date_id("2023-11-28")
    '28 November 2023'
    >>> format_date_id(None)
    ''
    """
    if value is None or value == "":
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, dt.datetime | pd.Timestamp):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = pd.Timestamp(str(value)).date()
        except (ValueError, TypeError):
            return str(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_number_id(value: float, *, decimals: int = 0) -> str:
    """Return ``value`` with Indonesian separators (``.`` thousands, ``,`` decimals).

    Examples
    --------
    >>> format_number_id(1234567)
    '1.234.567'
    >>> format_number_id(2.5, decimals=1)
    '2,5'
    """
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")


def area_level_ui(level: str) -> dict[str, str]:
    """Return the interface strings that name the map's areas, for areas of ``level``.

    ``level`` is one of ``riskmap.geo.AREA_LEVELS``; the village level keeps :data:`UI`.

    Examples
    --------
    >>> area_level_ui("regency")["sum_villages"]
    'Kabupaten/Kota sangat rawan'
    >>> area_level_ui("village")["village"]
    'Desa/Kelurahan'
    """
    from riskmap.geo import AREA_LEVEL_LABEL_ID

    if level not in AREA_LEVEL_SHORT or level == "village":
        return {**{k: UI[k] for k in ("village", "subdistrict", "layer_areas",
                                      "search_placeholder", "sum_villages", "sum_changes",
                                      "tps_in_village", "layer_boundaries")},
                "region_outline": "Kabupaten"}
    short = AREA_LEVEL_SHORT[level]
    parent = {"district": "regency", "regency": "province", "province": "province"}[level]
    return {
        "village": AREA_LEVEL_LABEL_ID[level],
        "subdistrict": AREA_LEVEL_LABEL_ID[parent],
        "layer_areas": f"Kerawanan {short.lower()}",
        "search_placeholder": f"Cari {short.lower()} atau TPS\u2026",
        "sum_villages": f"{short} sangat rawan",
        "sum_changes": f"{short} naik kelas",
        "tps_in_village": f"TPS di {short.lower()} ini",
        "layer_boundaries": f"Batas wilayah ({AREA_LEVEL_LABEL_ID[parent].lower()}, "
                            f"{short.lower()})",
        "region_outline": "Kabupaten" if level == "district" else "Batas luar wilayah",
    }
