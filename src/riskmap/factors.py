"""Readable reasons (Bahasa Indonesia) for a village's or TPS's risk: the ``top_factors`` text.

Each model term gets a short phrase with the value behind it, and its share of the village's
positive contributions in parentheses, for example
``"3 insiden dalam 90 hari terakhir (41%); dekat lokasi kampanye (25%)"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

STAGE_TEXT = {
    "campaign": "kampanye",
    "quiet_period": "masa tenang",
    "voting": "pemungutan suara",
    "recapitulation": "rekapitulasi",
    "announcement": "penetapan hasil",
}

VENUE_TEXT = {
    "kpu_office": "kantor KPU",
    "ppk_office": "kantor PPK",
    "logistics_warehouse": "gudang logistik",
    "campaign_site": "lokasi kampanye",
    "party_office": "posko/kantor partai",
    "vvip_visit": "kunjungan VVIP",
    "other": "lokasi keramaian",
}

GROUP_TEXT = {
    "unrest": "kericuhan/unjuk rasa",
    "pressure": "intimidasi/politik uang",
}

NO_FACTOR = "tidak ada faktor menonjol (di bawah rata-rata wilayah)"


def _fmt_num(x: float) -> str:
    """Format a number the Indonesian way (decimal comma, at most one decimal)."""
    if abs(x - round(x)) < 0.05:
        return f"{int(round(x)):,}".replace(",", ".")
    return f"{x:.1f}".replace(".", ",")


def factor_phrase(name: str, row: Mapping, *, stage: str, recent_days: int,
                  history_days: int, higher: bool = True) -> str:
    """Return the phrase for one model term of a village (``row``: its feature values).

    ``higher`` tells whether the village's value is above the regional mean (a term can add
    risk by being low, for example a short distance to the kecamatan seat).
    """
    if name.startswith("inc_"):
        group = name[4:]
        n = int(row.get(f"n_{group}", 0))
        label = GROUP_TEXT.get(group, group.replace("_", " "))
        text = f"{n} insiden {label} dalam {round(history_days / 365)} tahun terakhir"
        recent = int(row.get("inc_recent", 0))
        if recent:
            text += f", {recent} dalam {recent_days} hari terakhir"
        return text
    if name == "past_elections":
        return (f"rata-rata {_fmt_num(float(row['past_elections']))} insiden per pemilu "
                "sebelumnya")
    if name == "same_stage":
        return (f"rata-rata {_fmt_num(float(row['same_stage']))} insiden pada tahap "
                f"{STAGE_TEXT.get(stage, stage)} pemilu sebelumnya")
    if name == "near_repeat":
        if not higher:
            return "jauh dari insiden baru-baru ini"
        return "dekat insiden baru-baru ini (pola insiden berulang)"
    if name == "venue":
        if not higher:
            return "jauh dari lokasi keramaian tahap ini"
        kind = str(row.get("venue_kind", "other") or "other")
        crowd = row.get("venue_crowd")
        text = f"dekat {VENUE_TEXT.get(kind, VENUE_TEXT['other'])} aktif pada tahap ini"
        if crowd is not None and np.isfinite(crowd) and crowd > 0:
            text += f" (kerumunan ±{_fmt_num(float(crowd))} orang)"
        return text
    if name == "voters":
        n = _fmt_num(float(row["voters"]))
        return f"banyak pemilih ({n} terdaftar)" if higher else f"{n} pemilih terdaftar"
    if name == "tps_per_km2":
        x = _fmt_num(float(row["tps_per_km2"]))
        if higher:
            return f"kepadatan TPS di atas rata-rata ({x} per km²)"
        return f"TPS tersebar ({x} per km²)"
    if name == "hard_to_reach":
        if not higher:
            return "TPS mudah dijangkau"
        return f"{round(100 * float(row['hard_to_reach']))}% TPS sulit dijangkau"
    if name == "police_km":
        x = _fmt_num(float(row["police_km"]))
        if higher:
            return f"jauh dari kantor polisi ({x} km)"
        return f"dekat pusat kecamatan/kantor polisi ({x} km)"
    if name == "close_contest":
        margin = round(100 * (1.0 - float(row["close_contest"])))
        if higher:
            return f"persaingan ketat pada pemilu lalu (selisih suara {margin}%)"
        return f"selisih suara pada pemilu lalu {margin}%"
    if name == "area_km2":
        x = _fmt_num(float(row["area_km2"]))
        return f"wilayah luas ({x} km²)" if higher else f"wilayah kecil ({x} km²)"
    return name.replace("_", " ")


def top_factors_text(
    contributions: np.ndarray,
    names: Sequence[str],
    rows: Sequence[Mapping],
    *,
    stage: str,
    n_factors: int = 3,
    min_share: float = 0.05,
    recent_days: int = 90,
    history_days: int = 1825,
    higher: np.ndarray | None = None,
) -> list[str]:
    """Return one ``"; "``-separated text per row from its positive contributions.

    Parameters
    ----------
    contributions
        ``(n_rows, n_terms)`` array; only positive entries count. Each listed factor carries
        its share of the row's positive total in parentheses.
    names
        The term names (columns of ``contributions``).
    rows
        Per row, the values the phrases quote (features, ``n_<group>`` counts, venue kind).
    higher
        ``(n_rows, n_terms)`` booleans: the row's value is above the mean (default: all).
    """
    out = []
    for i, row in enumerate(rows):
        c = np.clip(np.asarray(contributions[i], float), 0.0, None)
        total = float(c.sum())
        if total <= 1e-12:
            out.append(NO_FACTOR)
            continue
        order = sorted(range(len(names)), key=lambda j: (-c[j], names[j]))
        parts = []
        for j in order[:n_factors]:
            share = c[j] / total
            if share < min_share:
                break
            up = True if higher is None else bool(higher[i][j])
            phrase = factor_phrase(names[j], row, stage=stage, recent_days=recent_days,
                                   history_days=history_days, higher=up)
            parts.append(f"{phrase} ({round(100 * share)}%)")
        out.append("; ".join(parts) if parts else NO_FACTOR)
    return out


def tps_notes(*, hard_to_reach: bool, special: bool, last_margin: float,
              near_venue_kind: str | None, near_venue_m: float = 500.0,
              close_margin: float = 0.1) -> list[str]:
    """Return the TPS's own notes (Bahasa Indonesia) that come before its village's factors."""
    notes = []
    if hard_to_reach:
        notes.append("TPS sulit dijangkau")
    if special:
        notes.append("TPS khusus")
    if last_margin is not None and np.isfinite(last_margin) and last_margin < close_margin:
        pct = round(100 * last_margin)
        notes.append(f"selisih suara tipis di TPS ini pada pemilu lalu ({pct}%)")
    if near_venue_kind:
        kind = VENUE_TEXT.get(near_venue_kind, VENUE_TEXT["other"])
        notes.append(f"TPS dalam {round(near_venue_m)} m dari {kind} yang aktif")
    return notes
