"""Importers from public datasets to the contract's tables.

* :func:`incidents_from_acled`: ACLED's CSV export -> ``incidents.csv`` (event types mapped to
  the contract's kinds, severity from event type and fatalities, ACLED's ``geo_precision``
  kept). Only the election-relevant events are kept by default (protests, riots, property
  destruction, abductions); other types only when asked for, and what was left out is counted
  per type. Armed conflict (battles, attacks, explosions) is never read as ``clash``.
* :func:`tallies_from_kawalpemilu`: KawalPemilu per-TPS tallies (2019 format: ``kode_desa``,
  ``no_tps``, ``dpt``, ``pas1``, ``pas2``, ``sah``, ``tidak_sah``, ``jum``, ``janggal``) ->
  ``voters`` and ``last_margin`` per 13-digit KPU TPS code, every anomalous row reported.
* :func:`apply_tallies`: fill ``voters`` and ``last_margin`` of a tps table from those tallies.

All three are pure functions on tables; the ``riskmap`` command reads and writes the files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from riskmap._errors import Problem, describe
from riskmap.io._parse import (
    classify_date,
    decide_date_order,
    header_key,
    normalise_village_code,
    numeric_date,
    parse_coordinate,
    parse_integer,
    split_kpu_tps_code,
)
from riskmap.io._read import RawTable

INCIDENT_COLUMNS = ["incident_id", "date", "kind", "lat", "lon", "severity", "description",
                    "geo_precision"]

# ACLED sub-event types (lower case) -> contract kind; event types as the fallback. Armed
# conflict (battles, attacks on civilians, explosions) is not election unrest: when asked for
# (--event-types / --sub-event-types) it is imported as `other`, never as `clash`.
ACLED_SUB_EVENT_KINDS = {
    "peaceful protest": "demonstration",
    "protest with intervention": "demonstration",
    "excessive force against protesters": "clash",
    "violent demonstration": "riot",
    "mob violence": "riot",
    "armed clash": "other",
    "government regains territory": "other",
    "non-state actor overtakes territory": "other",
    "attack": "other",
    "abduction/forced disappearance": "intimidation",
    "sexual violence": "other",
    "looting/property destruction": "vandalism",
    "arrests": "other",
    "agreement": "other",
    "change to group/activity": "other",
    "headquarters or base established": "other",
    "non-violent transfer of territory": "other",
    "disrupted weapons use": "other",
    "other": "other",
}
ACLED_EVENT_KINDS = {
    "protests": "demonstration",
    "riots": "riot",
    "battles": "other",
    "violence against civilians": "other",
    "explosions/remote violence": "other",
    "strategic developments": "other",
}
ACLED_VIOLENT = {"riots", "battles", "violence against civilians", "explosions/remote violence"}
#: Event types kept by default: the election-relevant ones (unrest of crowds).
ACLED_DEFAULT_EVENT_TYPES = ("Protests", "Riots")
#: Sub-event types of other event types kept by default: the election-relevant ones
#: (destruction of campaign props, offices, ballot boxes and logistics; intimidation of
#: candidates, organisers and voters by abduction).
ACLED_DEFAULT_SUB_EVENT_TYPES = ("Looting/property destruction", "Abduction/forced disappearance")


@dataclass
class ImportResult:
    """An imported table, the per-row problems (by spreadsheet row) and warnings."""

    table: pd.DataFrame
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    left_out: dict[str, int] = field(default_factory=dict)  # rows not selected, per type

    def report(self, *, lang: str = "id") -> pd.DataFrame:
        """One line per reported row: ``row``, ``reason`` (first problem), ``reason_text``."""
        by_row: dict[int, list[Problem]] = {}
        for p in self.problems:
            by_row.setdefault(int(p.row or 0), []).append(p)
        rows = sorted(by_row)
        return pd.DataFrame({
            "row": pd.Series(rows, dtype="int64"),
            "reason": [by_row[r][0].code for r in rows],
            "reason_text": [" | ".join(describe(p, lang=lang) for p in by_row[r]) for r in rows],
        })

    def reasons(self) -> dict[str, int]:
        """``{code: count}`` over the first problem of each reported row."""
        first: dict[int, str] = {}
        for p in self.problems:
            first.setdefault(int(p.row or 0), p.code)
        return dict(sorted(Counter(first.values()).items()))


def _cells(raw: RawTable) -> tuple[pd.DataFrame, dict[str, str]]:
    """The cells with headers normalised by :func:`header_key`, and normalised -> original."""
    names = {header_key(c): c for c in reversed(list(raw.cells.columns))}
    frame = raw.cells.rename(columns={c: header_key(c) for c in raw.cells.columns})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame, names


def _selected(etype: str, sub: str, event_types: set[str] | None,
              sub_event_types: set[str] | None) -> bool:
    """Whether an event of this type / sub-event type is kept (``None``: every type)."""
    if event_types is None or sub_event_types is None:
        return True
    return etype.lower() in event_types or sub.lower() in sub_event_types


def _type_set(types: list[str] | tuple[str, ...] | None) -> set[str] | None:
    if types is None:
        return set()
    lowered = {t.strip().lower() for t in types if t.strip()}
    return None if "all" in lowered else lowered


def incidents_from_acled(
    raw: RawTable,
    *,
    date_order: str = "auto",
    event_types: list[str] | tuple[str, ...] | None = ACLED_DEFAULT_EVENT_TYPES,
    sub_event_types: list[str] | tuple[str, ...] | None = ACLED_DEFAULT_SUB_EVENT_TYPES,
) -> ImportResult:
    """Convert an ACLED CSV export to the contract's incidents table.

    Parameters
    ----------
    raw
        The ACLED export as read (columns ``event_id_cnty``, ``event_date``, ``event_type``,
        ``sub_event_type``, ``latitude``, ``longitude``, and optionally ``fatalities``,
        ``notes``, ``location``, ``geo_precision``).
    date_order
        How to read ``a/b/yyyy`` dates (``auto``, ``day_first``, ``month_first``).
    event_types, sub_event_types
        The event types and sub-event types (ACLED's names, any case) to keep: an event is
        kept when its event type or its sub-event type is listed. The defaults keep the
        election-relevant events (:data:`ACLED_DEFAULT_EVENT_TYPES`,
        :data:`ACLED_DEFAULT_SUB_EVENT_TYPES`); ``["all"]`` in either keeps every event.

    Returns
    -------
    ImportResult
        The incidents (``kind`` mapped from the sub-event type, else the event type;
        ``severity`` 3 with fatalities, 2 for violent event types, else 1; ``geo_precision``
        as ACLED gives it: 1 exact, 2 near, 3 centroid of an administrative area), a problem
        for every row left out as unusable (no id, no or bad coordinates, bad date), and in
        ``left_out`` / the ``acled_left_out`` warning the events not selected, per type.
    """
    kept_types, kept_subs = _type_set(event_types), _type_set(sub_event_types)
    if kept_types is None or kept_subs is None:
        kept_types = kept_subs = None
    file = raw.file
    cells, _ = _cells(raw)
    missing = [c for c in ("event_id_cnty", "event_date", "event_type", "latitude", "longitude")
               if c not in cells.columns and not (c == "event_id_cnty" and "event_id" in cells)]
    if missing:
        found = ", ".join(raw.cells.columns) or "-"
        return ImportResult(pd.DataFrame(columns=INCIDENT_COLUMNS),
                            [Problem.make("missing_column", file, column=c, found=found)
                             for c in missing], rows_read=len(cells))
    id_col = "event_id_cnty" if "event_id_cnty" in cells.columns else "event_id"
    numeric = []
    for text in cells["event_date"]:
        try:
            kind, val = classify_date(str(text))
            if kind == "numeric":
                numeric.append(val)
        except ValueError:
            pass
    order = decide_date_order(numeric, date_order=date_order)
    out, problems, unknown, left_out = [], [], Counter(), Counter()
    bad_precision: list[int] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(cells.to_dict("records")):
        row = raw.rows[i]
        etype = str(rec.get("event_type", "")).strip()
        sub = str(rec.get("sub_event_type", "")).strip()
        if not _selected(etype, sub, kept_types, kept_subs):
            left_out[f"{etype}/{sub}" if sub else etype] += 1
            continue
        probs = []
        eid = str(rec.get(id_col, "")).strip()
        if not eid:
            probs.append(Problem.make("missing_value", file, row=row, column=id_col,
                                      expected="ACLED event id"))
        elif eid in seen:
            probs.append(Problem.make("duplicate_id", file, row=row, column=id_col, value=eid,
                                      first_row=seen[eid]))
        else:
            seen[eid] = row
        text = str(rec.get("event_date", "")).strip()
        day = None
        try:
            kind, val = classify_date(text)
            day = numeric_date(val, order) if kind == "numeric" else val
        except LookupError:
            a, b, y = val
            probs.append(Problem.make("ambiguous_date", file, row=row, column="event_date",
                                      value=text, day_first=f"{y}-{b:02d}-{a:02d}",
                                      month_first=f"{y}-{a:02d}-{b:02d}"))
        except ValueError:
            probs.append(Problem.make("bad_date", file, row=row, column="event_date",
                                      value=text))
        coords = {}
        for col in ("latitude", "longitude"):
            t = str(rec.get(col, "")).strip()
            if not t:
                probs.append(Problem.make("missing_coordinates", file, row=row, column=col))
                continue
            try:
                coords[col] = parse_coordinate(t)[0]
            except ValueError:
                probs.append(Problem.make("bad_coordinates", file, row=row, column=col,
                                          value=t))
        if probs:
            problems.extend(probs)
            continue
        kind = ACLED_SUB_EVENT_KINDS.get(sub.lower()) or ACLED_EVENT_KINDS.get(etype.lower())
        if kind is None:
            kind = "other"
            unknown[f"{etype}/{sub}"] += 1
        try:
            fatalities = parse_integer(str(rec.get("fatalities", "") or "0"))[0]
        except (ValueError, ArithmeticError):
            fatalities = 0
        severity = 3 if fatalities > 0 else 2 if etype.lower() in ACLED_VIOLENT else 1
        notes = " ".join(str(rec.get("notes", "")).split())
        place = str(rec.get("location", "")).strip()
        desc = f"ACLED {sub or etype}" + (f" ({place})" if place else "") + (
            f": {notes}" if notes else "")
        precision = _precision(rec.get("geo_precision", ""))
        if precision is None and "geo_precision" in cells.columns:
            bad_precision.append(row)
        out.append({"incident_id": eid, "date": day.isoformat(), "kind": kind,
                    "lat": coords["latitude"], "lon": coords["longitude"],
                    "severity": severity, "description": desc,
                    "geo_precision": precision})
    table = pd.DataFrame(out, columns=INCIDENT_COLUMNS)
    table["geo_precision"] = table["geo_precision"].astype("Int64")
    if "geo_precision" not in cells.columns:
        table = table.drop(columns="geo_precision")
    warnings = []
    if unknown:
        warnings.append(Problem.make("acled_type_other", file, n=sum(unknown.values()),
                                     types=", ".join(sorted(unknown))))
    if left_out:
        types = ", ".join(f"{t} {n}" for t, n in sorted(left_out.items(),
                                                        key=lambda kv: (-kv[1], kv[0])))
        warnings.append(Problem.make("acled_left_out", file, n=sum(left_out.values()),
                                     types=types))
    if bad_precision:
        warnings.append(Problem.make("acled_bad_precision", file, n=len(bad_precision),
                                     rows=_ids(bad_precision, limit=20)))
    return ImportResult(table, problems, warnings, rows_read=len(cells),
                        left_out=dict(sorted(left_out.items())))


def _precision(text: object) -> int | None:
    """ACLED's geo_precision (1, 2 or 3) or ``None``."""
    try:
        value = parse_integer(str(text or "").strip())[0]
    except (ValueError, ArithmeticError):
        return None
    return value if value in (1, 2, 3) else None


def clip_to_region(incidents: pd.DataFrame, inside: np.ndarray, *,
                   file: str = "acled.csv") -> tuple[pd.DataFrame, list[Problem]]:
    """Keep the incidents whose point is inside the region; report how many were left out.

    ``inside`` is the boolean mask (from :meth:`riskmap.io._tables.Space.inside`).
    """
    inside = np.asarray(inside, bool)
    kept = incidents[inside].reset_index(drop=True)
    out = int((~inside).sum())
    warnings = [Problem.make("outside_region_left_out", file, n=out)] if out else []
    return kept, warnings


TALLY_ALIASES = {
    "kode_desa": ("kode_desa", "kode_wilayah", "village_code", "kode_kelurahan", "kd_desa"),
    "no_tps": ("no_tps", "nomor_tps", "tps", "tps_number"),
    "kode_tps": ("kode_tps", "tps_id", "id_tps"),
    "dpt": ("dpt", "jumlah_dpt", "voters"),
    "pas1": ("pas1", "paslon_01", "suara_01", "01"),
    "pas2": ("pas2", "paslon_02", "suara_02", "02"),
    "sah": ("sah", "suara_sah", "jumlah_suara_sah"),
    "tidak_sah": ("tidak_sah", "suara_tidak_sah"),
    "jum": ("jum", "jumlah", "jumlah_suara", "total_suara", "pengguna_hak_pilih"),
    "janggal": ("janggal", "anomali", "anomaly", "flag"),
}
TALLY_COLUMNS = ["tps_id", "village_code", "tps_number", "voters", "last_margin"]


def _int_or_none(text: str) -> tuple[int | None, bool]:
    """(value, bad): empty -> (None, False); not a whole number -> (None, True)."""
    t = str(text).strip()
    if not t:
        return None, False
    try:
        return parse_integer(t)[0], False
    except (ValueError, ArithmeticError):
        return None, True


def tallies_from_kawalpemilu(raw: RawTable) -> ImportResult:
    """Per-TPS voters and last margin from a KawalPemilu tally file; report every anomaly.

    ``voters`` is the DPT when it is a whole number >= 0. ``last_margin`` is
    ``|pas1 - pas2| / sah`` only for a clean row. A row is reported (by spreadsheet row) when it
    has no result (votes empty or zero: ``no_result``), more ballots than registered voters
    (``turnout_over_100``), a negative total (``negative_total``), the source's anomaly flag
    (``flagged_anomalous``), a value that is not a whole number (``bad_number``), or repeats a
    TPS already seen (``duplicate_id``: the later rows are left out).
    """
    file = raw.file
    cells, _ = _cells(raw)
    rename = {}
    for target, names in TALLY_ALIASES.items():
        col = next((n for n in names if n in cells.columns), None)
        if col is not None:
            rename[col] = target
    cells = cells.rename(columns=rename)
    found = ", ".join(raw.cells.columns) or "-"
    fatal = []
    if "kode_tps" not in cells.columns and not {"kode_desa", "no_tps"} <= set(cells.columns):
        fatal.append(Problem.make("missing_column", file, column="kode_desa + no_tps",
                                  found=found))
    for c in ("dpt", "pas1", "pas2", "sah"):
        if c not in cells.columns:
            fatal.append(Problem.make("missing_column", file, column=c, found=found))
    if fatal:
        return ImportResult(pd.DataFrame(columns=TALLY_COLUMNS), fatal, rows_read=len(cells))
    out, problems = [], []
    seen: dict[str, int] = {}
    for i, rec in enumerate(cells.to_dict("records")):
        row = raw.rows[i]
        probs: list[Problem] = []

        def add(code, column=None, value=None, _row=row, _probs=probs, **params):
            _probs.append(Problem.make(code, file, row=_row, column=column, value=value,
                                       **params))

        tps_id = code = None
        number = None
        if "kode_tps" in cells.columns and str(rec.get("kode_tps", "")).strip():
            split = split_kpu_tps_code(str(rec["kode_tps"]))
            if split is None:
                add("bad_village_code", column="kode_tps", value=rec["kode_tps"])
            else:
                code, number = split
        else:
            try:
                code, _ = normalise_village_code(str(rec.get("kode_desa", "")))
            except ValueError:
                add("bad_village_code", column="kode_desa", value=rec.get("kode_desa", ""))
            number, bad = _int_or_none(rec.get("no_tps", ""))
            if number is None:
                add("bad_number" if bad else "missing_value", column="no_tps",
                    value=rec.get("no_tps", "") if bad else None, expected="nomor TPS 1, 2, ...")
        if code and number is not None:
            tps_id = code.replace(".", "") + f"{number:03d}"
            if tps_id in seen:
                probs.insert(0, Problem.make("duplicate_id", file, row=row, column="no_tps",
                                             value=tps_id, first_row=seen[tps_id]))
            else:
                seen[tps_id] = row
        vals: dict[str, int | None] = {}
        for c in ("dpt", "pas1", "pas2", "sah", "tidak_sah", "jum", "janggal"):
            v, bad = _int_or_none(rec.get(c, "")) if c in cells.columns else (None, False)
            if bad:
                add("bad_number", column=c, value=rec.get(c), expected="bilangan bulat")
            vals[c] = v
        negative = [c for c in ("dpt", "pas1", "pas2", "sah", "tidak_sah", "jum")
                    if vals[c] is not None and vals[c] < 0]
        for c in negative:
            add("negative_total", column=c, value=vals[c])
        p1, p2, sah = vals["pas1"], vals["pas2"], vals["sah"]
        if p1 is None or p2 is None or sah is None or (p1 + p2 == 0) or sah == 0:
            add("no_result", column="sah", value="" if sah is None else sah)
        dpt = vals["dpt"]
        used = vals["jum"]
        if used is None and sah is not None and vals["tidak_sah"] is not None:
            used = sah + vals["tidak_sah"]
        if dpt is not None and dpt > 0 and used is not None and used > dpt:
            add("turnout_over_100", column="jum", value=used, used=used, dpt=dpt)
        if vals["janggal"]:
            add("flagged_anomalous", column="janggal", value=vals["janggal"])
        problems.extend(probs)
        if tps_id is None or (probs and probs[0].code == "duplicate_id"):
            continue
        voters = dpt if dpt is not None and dpt >= 0 else None
        margin = np.nan
        if not probs and sah:
            m = abs(p1 - p2) / sah
            margin = round(m, 4) if m <= 1.0 else np.nan
        out.append({"tps_id": tps_id, "village_code": code, "tps_number": number,
                    "voters": voters, "last_margin": margin})
    table = pd.DataFrame(out, columns=TALLY_COLUMNS)
    table["voters"] = table["voters"].astype("Int64")
    table["last_margin"] = table["last_margin"].astype("float64")
    return ImportResult(table, problems, rows_read=len(cells))


def apply_tallies(tps: pd.DataFrame, tallies: pd.DataFrame, *,
                  file: str = "tps.csv") -> tuple[pd.DataFrame, list[Problem]]:
    """Fill ``voters`` and ``last_margin`` of ``tps`` (cells as text) from imported tallies.

    A TPS matches a tally by its 13-digit KPU code (``tps_id``; or ``village_code`` plus a
    ``tps_number`` column). Matched TPS get the tally's voters (when known) and margin (empty
    when the tally was anomalous); unmatched TPS keep their values. Both kinds of mismatch are
    returned as warnings (``no_matching_tps``, ``unmatched_tally``).
    """
    out = tps.copy()
    if "last_margin" not in out.columns:
        out["last_margin"] = ""
    if "voters" not in out.columns:
        out["voters"] = ""
    keys = []
    for rec in out.to_dict("records"):
        key = None
        split = split_kpu_tps_code(str(rec.get("tps_id", "")))
        if split:
            key = split[0].replace(".", "") + f"{split[1]:03d}"
        elif str(rec.get("tps_number", "")).strip() and str(rec.get("village_code", "")).strip():
            try:
                code, _ = normalise_village_code(str(rec["village_code"]))
                key = code.replace(".", "") + f"{parse_integer(str(rec['tps_number']))[0]:03d}"
            except (ValueError, ArithmeticError):
                key = None
        keys.append(key)
    index = tallies.set_index("tps_id")
    matched: set[str] = set()
    missing: list[str] = []
    voters = out["voters"].astype(object).tolist()
    margins = out["last_margin"].astype(object).tolist()
    for i, key in enumerate(keys):
        if key is None or key not in index.index:
            missing.append(str(out["tps_id"].iloc[i]))
            continue
        matched.add(key)
        t = index.loc[key]
        if not pd.isna(t["voters"]):
            voters[i] = str(int(t["voters"]))
        margins[i] = "" if pd.isna(t["last_margin"]) else f"{float(t['last_margin']):.4f}"
    out["voters"] = voters
    out["last_margin"] = margins
    warnings: list[Problem] = []
    if missing:
        warnings.append(Problem.make("no_matching_tps", file, n=len(missing),
                                     ids=_ids(missing)))
    extra = sorted(set(index.index) - matched)
    if extra:
        warnings.append(Problem.make("unmatched_tally", file, n=len(extra), ids=_ids(extra)))
    return out, warnings


def _ids(ids: list[Any], limit: int = 15) -> str:
    return ", ".join(map(str, ids[:limit])) + (f" (+{len(ids) - limit})" if len(ids) > limit
                                               else "")
