"""Bahasa Indonesia strings of the briefing pack (map.png, briefing.pdf, kecamatan.csv).

Stage, class, venue and date wording is shared with the interactive map
(:mod:`riskmap.maps.strings`); what only the pack says is here, in one place for review.
"""

from __future__ import annotations

TEXT: dict[str, str] = {
    "title": "PETA KERAWANAN PEMILU",
    "pdf_title": "Bahan Paparan Pengamanan Pemilu",
    "stage": "Tahap",
    "as_of": "Keadaan per",
    "window": "Periode tahap",
    "until": "s.d.",
    "synthetic": "DATA SINTETIS \u2014 bukan data sebenarnya",
    "synthetic_short": "DATA SINTETIS",
    "page": "Halaman",
    "of": "dari",
    "legend": "Keterangan",
    "village_class": "Kerawanan desa",
    "villages": "desa",
    "tps": "TPS",
    "tps_hard": "TPS sulit dijangkau",
    "posts": "Pos pengamanan (ukuran = personel)",
    "tasks": "Tugas (ukuran = personel)",
    "officers": "personel",
    "patrol": "Rute patroli",
    "escort": "Rute pengawalan",
    "polres": "Polres",
    "polsek": "Polsek",
    "kecamatan_boundary": "Batas kecamatan",
    "north": "U",
    "km": "km",
    "map_page": "Peta kerawanan",
    "key_figures": "Angka kunci",
    "kecamatan_table": "Rekapitulasi per kecamatan",
    "changes": "Desa yang berubah kelas sejak tahap sebelumnya",
    "changes_none": "Tidak ada desa yang berubah kelas sejak tahap sebelumnya.",
    "changes_first": "Tahap pertama: belum ada tahap sebelumnya sebagai pembanding.",
    "changes_more": "desa lain berubah kelas (lihat area_risk.csv)",
    "tasks_per_polsek": "Tugas menurut Polsek",
    "tasks_source_posts": (
        "Rencana belum memuat tasks.csv: pos pengamanan dikelompokkan menurut markas satuan "
        "tempat pos berada, atau Polsek terdekat."
    ),
    "tasks_person_days": (
        "Personel per jenis tugas dijumlahkan atas semua hari tugas (orang-hari); Tugas = "
        "jumlah tugas berbeda."
    ),
    "budget_curve": "Cakupan menurut jumlah personel (dasar permintaan BKO)",
    "budget_curve_none": "plan.json tidak memuat kurva cakupan (budget_curve).",
    "budget_curve_x": "Jumlah personel",
    "budget_curve_y": "Cakupan bobot kerawanan (%)",
    "budget_curve_now": "Personel tahap ini",
    "budget_curve_plan": "Rencana tahap ini",
    "budget_curve_plan_note": ("(Rencana tahap ini: {share} % dari bobot kerawanan dengan "
                               "{officers} personel.)"),
    "budget_curve_what_if": ("Garis biru: perkiraan cakupan bila personel sebanyak itu "
                             "ditempatkan di pos-pos terbaik (model cakupan maksimal). "
                             "Titik merah: cakupan rencana tahap ini dengan tugas-tugasnya."),
    "escalation": "Tangga eskalasi (Sispamkota) di kantor KPU",
    "escalation_reserve": "Cadangan untuk eskalasi:",
    "escalation_from_reserve": (
        "Rencana belum memuat tangga eskalasi per kantor KPU (plan.json escalation): langkah "
        "di atas dari cadangan Polres."
    ),
    "escalation_none": "plan.json tidak memuat tangga eskalasi.",
    "rose": "naik",
    "fell": "turun",
    "previous_class": "Kelas sebelumnya",
    "current_class": "Kelas sekarang",
    "direction": "Arah",
    "factors": "Faktor utama",
    "village": "Desa/Kelurahan",
    "subdistrict": "Kecamatan",
    "total": "Jumlah",
    "venue": "Lokasi",
    "step": "Langkah",
    "unit": "Satuan",
    "minutes_to_site": "Waktu ke lokasi (menit)",
    "unit_unknown": "(tanpa satuan)",
    "fig_villages": "Desa sangat rawan / rawan",
    "fig_tps": "TPS sangat rawan / rawan",
    "fig_expected": "Perkiraan insiden selama tahap",
    "fig_personnel": "Personel ditugaskan / tersedia",
    "fig_posts": "Pos pengamanan",
    "fig_coverage": "Cakupan bobot kerawanan",
    "fig_beyond": "TPS di luar batas waktu tempuh",
    "fig_changes": "Desa naik kelas / turun kelas",
    "source_note": "Sumber: keluaran riskmap tahap ini (area_risk.csv, tps_risk.csv, posts.csv, "
    "plan.json, reach.csv).",
}

#: Column headers of kecamatan.csv and of the PDF's per-kecamatan table, in order.
KECAMATAN_COLUMNS: list[str] = [
    "Kecamatan",
    "Desa",
    "Desa sangat rawan",
    "Desa rawan",
    "Desa kurang rawan",
    "TPS",
    "TPS sangat rawan",
    "TPS rawan",
    "TPS kurang rawan",
    "Perkiraan insiden",
    "Pos",
    "Personel",
    "Tim",
    "TPS di luar batas waktu tempuh",
]

#: Labels of the planner's task kinds (tasks.csv ``task``).
TASK_LABELS: dict[str, str] = {
    "tps_team": "Tim TPS",
    "venue_guard": "Jaga lokasi",
    "patrol": "Patroli",
    "escort": "Pengawalan",
    "reserve": "Cadangan",
}
