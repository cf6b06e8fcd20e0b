"""The readable report of ``riskmap check``: Bahasa Indonesia by default, English on request."""

from __future__ import annotations

from riskmap._errors import Problem, describe
from riskmap.io import RegionData

_T = {
    "id": {
        "title": "Pemeriksaan folder wilayah",
        "region": "Wilayah",
        "stages": "tahapan",
        "synthetic": "DATA SINTETIS",
        "table": ("Berkas", "dibaca", "diterima", "dikarantina"),
        "fatal": "MASALAH FATAL (pipeline akan berhenti)",
        "rows": "Baris yang dikarantina",
        "more": "... dan {n} baris lagi; lihat quarantine/{stem}.csv sesudah menjalankan pipeline",
        "warnings": "Catatan",
        "ok": "HASIL: folder dapat dipakai ({q} baris dikarantina)",
        "bad": "HASIL: folder TIDAK dapat dipakai; perbaiki {n} masalah fatal di atas",
        "reasons": "alasan",
    },
    "en": {
        "title": "Region folder check",
        "region": "Region",
        "stages": "stages",
        "synthetic": "SYNTHETIC DATA",
        "table": ("File", "read", "accepted", "quarantined"),
        "fatal": "FATAL PROBLEMS (the pipeline will stop)",
        "rows": "Quarantined rows",
        "more": "... and {n} more rows; see quarantine/{stem}.csv after running the pipeline",
        "warnings": "Notes",
        "ok": "RESULT: the folder can be used ({q} rows quarantined)",
        "bad": "RESULT: the folder can NOT be used; fix the {n} fatal problems above",
        "reasons": "reasons",
    },
}


def check_report(region: RegionData, *, folder: str, lang: str = "id", limit: int = 30) -> str:
    """Return the check report of an inspected region (see :func:`riskmap.io.inspect_region`).

    Parameters
    ----------
    region
        The result of ``inspect_region``.
    folder
        The folder name shown in the title.
    lang
        ``"id"`` or ``"en"``.
    limit
        Quarantined rows listed per file (the rest are counted).
    """
    t = _T["en" if lang == "en" else "id"]
    lines = [f"{t['title']}: {folder}", ""]
    meta = region.meta
    if meta:
        stages = ", ".join(meta.get("stages", {}))
        lines.append(f"{t['region']}: {meta.get('name')} ({meta.get('code')}); "
                     f"{t['stages']}: {stages}" + (f"  [{t['synthetic']}]"
                                                    if meta.get("synthetic") else ""))
        lines.append("")
    head = t["table"]
    width = max([len(head[0]), *(len(n) for n in region.quality)]) + 2
    lines.append(f"{head[0]:<{width}}{head[1]:>8}{head[2]:>10}{head[3]:>13}  {t['reasons']}")
    for name, q in region.quality.items():
        reasons = ", ".join(f"{k} {v}" for k, v in q["reasons"].items())
        lines.append(f"{name:<{width}}{q['rows_read']:>8}{q['accepted']:>10}"
                     f"{q['quarantined']:>13}  {reasons}")
    if region.fatal:
        lines += ["", f"{t['fatal']}:"]
        lines += [f"  - {describe(p, lang=lang)}" for p in region.fatal]
    row_problems = [p for p in region.problems if p.kind == "row"]
    if row_problems:
        lines += ["", f"{t['rows']}:"]
        by_file: dict[str, list[Problem]] = {}
        for p in row_problems:
            by_file.setdefault(p.file, []).append(p)
        for file in sorted(by_file):
            probs = by_file[file]
            lines.append(f"  {file}:")
            lines += [f"    - {describe(p, lang=lang)}" for p in probs[:limit]]
            if len(probs) > limit:
                lines.append("    " + t["more"].format(n=len(probs) - limit,
                                                       stem=file.rsplit(".", 1)[0]))
    warnings = [p for p in region.problems if p.kind == "warning"]
    if warnings:
        lines += ["", f"{t['warnings']}:"]
        lines += [f"  - {describe(p, lang=lang)}" for p in warnings]
    lines.append("")
    quarantined = sum(q["quarantined"] for q in region.quality.values())
    lines.append(t["bad"].format(n=len(region.fatal)) if region.fatal
                 else t["ok"].format(q=quarantined))
    return "\n".join(lines) + "\n"
