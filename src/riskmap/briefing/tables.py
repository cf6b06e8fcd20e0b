"""The briefing pack's tables: per kecamatan, class changes, tasks per Polsek, key figures.

Pure functions on the stage's published tables (``area_risk.csv``, ``tps_risk.csv``,
``posts.csv``, ``reach.csv``, ``plan.json``, ``tasks.csv``); the PDF and ``kecamatan.csv`` are
written from what they return, so the two always show the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from riskmap.briefing.strings import KECAMATAN_COLUMNS, TASK_LABELS, TEXT
from riskmap.maps.strings import CLASS_LABELS, CLASS_ORDER

TRUE_TEXT = ("true", "1", "yes", "ya")


def _truthy(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.lower().isin(TRUE_TEXT)


def points_to_subdistricts(
    points: pd.DataFrame, areas: gpd.GeoDataFrame, *, crs: Any
) -> pd.Series:
    """Return the kecamatan (``subdistrict_name``) of each point (``lat``/``lon`` columns).

    A point inside a village polygon gets that village's kecamatan; a point outside every
    polygon (a Polres just across the border, a rounding slip) gets the nearest one's.

    Parameters
    ----------
    points : DataFrame
        Rows with ``lat`` and ``lon`` in WGS84 degrees.
    areas : GeoDataFrame
        Village polygons with ``subdistrict_name``.
    crs
        A projected CRS (metres) for the nearest-polygon search.
    """
    if points.empty:
        return pd.Series([], index=points.index, dtype=object)
    pts = gpd.GeoDataFrame(
        {"_row": np.arange(len(points))},
        geometry=gpd.points_from_xy(points["lon"].astype(float), points["lat"].astype(float)),
        crs="EPSG:4326",
    ).to_crs(crs)
    polys = areas[["subdistrict_name", areas.geometry.name]].to_crs(crs)
    joined = gpd.sjoin_nearest(pts, polys, how="left", distance_col="_d")
    # A point on a shared border matches two polygons: keep the first, in a stable order.
    joined = joined.sort_values(["_row", "subdistrict_name"], kind="stable")
    names = joined.drop_duplicates("_row").set_index("_row")["subdistrict_name"]
    return pd.Series(names.reindex(np.arange(len(points))).to_numpy(), index=points.index)


def _class_counts(frame: pd.DataFrame, key: str, prefix: str) -> pd.DataFrame:
    counts = pd.crosstab(frame[key], frame["risk_class"]) if len(frame) else pd.DataFrame()
    out = pd.DataFrame(index=counts.index)
    for cls in reversed(CLASS_ORDER):
        label = f"{prefix} {CLASS_LABELS[cls].lower()}"
        out[label] = counts[cls] if cls in counts else 0
    return out


def kecamatan_table(
    area_risk: pd.DataFrame,
    tps_risk: pd.DataFrame,
    posts: pd.DataFrame,
    reach: pd.DataFrame,
    *,
    post_subdistricts: pd.Series,
    team_size: int,
) -> pd.DataFrame:
    """The per-kecamatan table of the briefing (the rows of ``kecamatan.csv``), with a total.

    Parameters
    ----------
    area_risk : DataFrame
        ``area_risk.csv``: ``village_code``, ``subdistrict_name``, ``risk_class``,
        ``expected_incidents``.
    tps_risk : DataFrame
        ``tps_risk.csv``: ``tps_id``, ``village_code``, ``risk_class``.
    posts : DataFrame
        ``posts.csv``: ``post_id``, ``personnel``.
    reach : DataFrame
        ``reach.csv``: ``target_kind``, ``target_id``, ``beyond_limit``.
    post_subdistricts : Series
        The kecamatan of each post (aligned with ``posts``), e.g. from
        :func:`points_to_subdistricts`.
    team_size : int
        Officers per team (``allocation.team_size``); ``Tim`` is the whole teams per post.

    Returns
    -------
    DataFrame
        :data:`~riskmap.briefing.strings.KECAMATAN_COLUMNS`, one row per kecamatan sorted by
        name, then a ``Jumlah`` row. Expected incidents are rounded to two decimals.
    """
    villages = area_risk[["village_code", "subdistrict_name", "risk_class", "expected_incidents"]]
    v_counts = _class_counts(villages, "subdistrict_name", "Desa")
    tps = tps_risk[["tps_id", "village_code", "risk_class"]].merge(
        villages[["village_code", "subdistrict_name"]], on="village_code", how="left"
    )
    tps["subdistrict_name"] = tps["subdistrict_name"].fillna("")
    t_counts = _class_counts(tps, "subdistrict_name", "TPS")
    beyond_ids = set(
        reach.loc[(reach["target_kind"] == "tps") & _truthy(reach["beyond_limit"]), "target_id"]
        .astype(str)
    )
    tps["beyond"] = tps["tps_id"].astype(str).isin(beyond_ids)
    post_frame = pd.DataFrame(
        {
            "subdistrict_name": post_subdistricts.to_numpy(),
            "personnel": pd.to_numeric(posts["personnel"], errors="coerce").fillna(0).astype(int),
        }
    )
    post_frame["teams"] = post_frame["personnel"] // max(int(team_size), 1)

    names = sorted(set(villages["subdistrict_name"]) | set(tps["subdistrict_name"]) - {""})
    table = pd.DataFrame({"Kecamatan": names})
    table["Desa"] = table["Kecamatan"].map(villages.groupby("subdistrict_name").size())
    table = table.join(v_counts, on="Kecamatan")
    table["TPS"] = table["Kecamatan"].map(tps.groupby("subdistrict_name").size())
    table = table.join(t_counts, on="Kecamatan")
    expected = villages.groupby("subdistrict_name")["expected_incidents"].sum()
    table["Perkiraan insiden"] = table["Kecamatan"].map(expected)
    grouped = post_frame.groupby("subdistrict_name")
    table["Pos"] = table["Kecamatan"].map(grouped.size())
    table["Personel"] = table["Kecamatan"].map(grouped["personnel"].sum())
    table["Tim"] = table["Kecamatan"].map(grouped["teams"].sum())
    table["TPS di luar batas waktu tempuh"] = table["Kecamatan"].map(
        tps.groupby("subdistrict_name")["beyond"].sum()
    )
    counts = [c for c in KECAMATAN_COLUMNS if c not in ("Kecamatan", "Perkiraan insiden")]
    table[counts] = table[counts].fillna(0).astype(int)
    table["Perkiraan insiden"] = table["Perkiraan insiden"].fillna(0.0)
    total = {c: int(table[c].sum()) for c in counts}
    total["Kecamatan"] = TEXT["total"]
    total["Perkiraan insiden"] = float(table["Perkiraan insiden"].sum())
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    table["Perkiraan insiden"] = table["Perkiraan insiden"].astype(float).round(2)
    return table[KECAMATAN_COLUMNS]


def class_changes(
    area_risk: pd.DataFrame, previous: pd.DataFrame | None, *, max_factors: int
) -> pd.DataFrame:
    """The villages whose class changed since the previous stage, largest change first.

    Parameters
    ----------
    area_risk, previous : DataFrame
        This stage's and the previous stage's ``area_risk.csv`` (``previous`` None: first
        stage, no rows).
    max_factors : int
        Most of the village's ``top_factors`` (``;``-separated) kept.

    Returns
    -------
    DataFrame
        ``village_code``, ``village_name``, ``subdistrict_name``, ``previous_class``,
        ``risk_class``, ``step`` (class ranks moved: > 0 rose), ``factors``.
    """
    columns = ["village_code", "village_name", "subdistrict_name", "previous_class",
               "risk_class", "step", "factors"]
    if previous is None or previous.empty:
        return pd.DataFrame(columns=columns)
    rank = {c: i for i, c in enumerate(CLASS_ORDER)}
    prev = previous[["village_code", "risk_class"]].rename(columns={"risk_class": "previous_class"})
    merged = area_risk.merge(prev, on="village_code", how="inner")
    merged = merged[merged["risk_class"] != merged["previous_class"]].copy()
    merged["step"] = merged["risk_class"].map(rank) - merged["previous_class"].map(rank)
    merged = merged.dropna(subset=["step"])
    merged["step"] = merged["step"].astype(int)
    merged["factors"] = [
        "; ".join([p.strip() for p in str(f).split(";") if p.strip()][:max_factors])
        if isinstance(f, str) else ""
        for f in merged["top_factors"]
    ]
    merged = merged.sort_values(
        ["step", "risk_score", "village_code"], ascending=[False, False, True], kind="stable"
    )
    return merged[columns].reset_index(drop=True)


def tasks_per_polsek(
    tasks: pd.DataFrame | None, posts: pd.DataFrame, units: pd.DataFrame
) -> tuple[pd.DataFrame, bool]:
    """The plan's officers per Polsek (or Polres) and kind of task.

    With the planner's ``tasks.csv`` the rows are its tasks grouped by ``unit_id``; without
    it, the posts grouped by the police unit they stand at, else by their nearest Polsek
    (``posts.csv`` ``nearest_polsek``).

    Returns
    -------
    (DataFrame, bool)
        Columns ``Satuan``, one column per task kind present (its officers, summed over the
        tasks' days), ``Tugas`` (number of tasks) and ``Personel`` (officers, summed over days;
        officers on several days count once per day); and whether tasks.csv was the source.
    """
    names = dict(zip(units["unit_id"].astype(str), units["name"].astype(str), strict=False))
    if tasks is not None and not tasks.empty:
        frame = tasks.copy()
        frame["unit"] = [
            names.get(str(u), str(u)) if str(u).strip() else TEXT["unit_unknown"]
            for u in frame["unit_id"].fillna("")
        ]
        frame["kind"] = frame["task"].map(TASK_LABELS).fillna(frame["task"].astype(str))
        frame["personnel"] = pd.to_numeric(frame["personnel"], errors="coerce").fillna(0)
        kinds = [TASK_LABELS[k] for k in TASK_LABELS if TASK_LABELS[k] in set(frame["kind"])]
        kinds += sorted(set(frame["kind"]) - set(kinds))
        pivot = frame.pivot_table(
            index="unit", columns="kind", values="personnel", aggfunc="sum", fill_value=0
        ).reindex(columns=kinds, fill_value=0)
        out = pivot.reset_index().rename(columns={"unit": "Satuan"})
        out["Tugas"] = out["Satuan"].map(frame.groupby("unit")["task_id"].nunique())
        out["Personel"] = out["Satuan"].map(frame.groupby("unit")["personnel"].sum())
        from_tasks = True
    else:
        frame = posts.copy()
        if "nearest_polsek" in frame:
            frame["unit"] = frame["nearest_polsek"].fillna("").astype(str)
        else:
            frame["unit"] = ""
        if {"site_kind", "site_id"} <= set(frame.columns):
            # A post at a police unit (the Polres reserve, a Polsek) is that unit's own.
            at_unit = (frame["site_kind"].astype(str) == "unit") & frame["site_id"].astype(
                str).isin(names)
            frame.loc[at_unit, "unit"] = frame.loc[at_unit, "site_id"].astype(str).map(names)
        frame.loc[frame["unit"].str.strip() == "", "unit"] = TEXT["unit_unknown"]
        frame["personnel"] = pd.to_numeric(frame["personnel"], errors="coerce").fillna(0)
        out = frame.groupby("unit").agg(
            Tugas=("post_id", "nunique"), Personel=("personnel", "sum")
        ).reset_index().rename(columns={"unit": "Satuan"})
        from_tasks = False
    num = [c for c in out.columns if c != "Satuan"]
    out[num] = out[num].astype(int)
    out = out.sort_values(["Personel", "Satuan"], ascending=[False, True], kind="stable")
    total = {"Satuan": TEXT["total"], **{c: int(out[c].sum()) for c in num}}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True), from_tasks


def key_figures(
    area_risk: pd.DataFrame,
    tps_risk: pd.DataFrame,
    plan: Mapping[str, Any],
    kecamatan: pd.DataFrame,
    changes: pd.DataFrame,
    *,
    has_previous: bool,
) -> list[dict[str, Any]]:
    """The key figures of the briefing: label, value text and the numbers behind it.

    Returns
    -------
    list of dict
        ``key``, ``label``, ``text`` (formatted in Indonesian), ``values`` (the raw numbers,
        for checking against the CSV outputs) and ``alert`` (draws the eye).
    """
    from riskmap.maps.strings import format_number_id as n

    total = kecamatan[kecamatan["Kecamatan"] == TEXT["total"]].iloc[0]
    v_sr, v_r = int(total["Desa sangat rawan"]), int(total["Desa rawan"])
    t_sr, t_r = int(total["TPS sangat rawan"]), int(total["TPS rawan"])
    expected = float(total["Perkiraan insiden"])
    assigned = int(plan.get("personnel_assigned", 0) or 0)
    budget = int(plan.get("personnel_budget", 0) or 0)
    share = plan.get("covered_weight_share")
    beyond = int(total["TPS di luar batas waktu tempuh"])
    rose = int((changes["step"] > 0).sum()) if len(changes) else 0
    fell = int((changes["step"] < 0).sum()) if len(changes) else 0
    figures = [
        {"key": "villages", "label": TEXT["fig_villages"],
         "text": f"{n(v_sr)} / {n(v_r)} {TEXT['of']} {n(int(total['Desa']))}",
         "values": [v_sr, v_r, int(total["Desa"])], "alert": v_sr > 0},
        {"key": "tps", "label": TEXT["fig_tps"],
         "text": f"{n(t_sr)} / {n(t_r)} {TEXT['of']} {n(int(total['TPS']))}",
         "values": [t_sr, t_r, int(total["TPS"])], "alert": t_sr > 0},
        {"key": "expected", "label": TEXT["fig_expected"], "text": n(expected, decimals=1),
         "values": [round(expected, 1)], "alert": False},
        {"key": "personnel", "label": TEXT["fig_personnel"],
         "text": f"{n(assigned)} / {n(budget)}", "values": [assigned, budget], "alert": False},
        {"key": "posts", "label": TEXT["fig_posts"], "text": n(int(plan.get("n_posts", 0) or 0)),
         "values": [int(plan.get("n_posts", 0) or 0)], "alert": False},
    ]
    if share is not None:
        pct = round(100 * float(share))
        figures.append({"key": "coverage", "label": TEXT["fig_coverage"], "text": f"{pct} %",
                        "values": [pct], "alert": pct < 80})
    figures.append({"key": "beyond", "label": TEXT["fig_beyond"], "text": n(beyond),
                    "values": [beyond], "alert": beyond > 0})
    figures.append({"key": "changes", "label": TEXT["fig_changes"],
                    "text": f"{n(rose)} / {n(fell)}" if has_previous else "\u2013",
                    "values": [rose, fell], "alert": rose > 0})
    return figures


def _ladder_order(step: Mapping[str, Any], *, default: int) -> int:
    """The rung of a ladder step: its ``order``, else its position in the list."""
    try:
        return int(step.get("order", default))
    except (TypeError, ValueError):
        return default


def escalation_rows(
    plan: Mapping[str, Any], venues: pd.DataFrame, units: pd.DataFrame
) -> list[dict[str, Any]]:
    """The announcement stage's escalation ladder (``plan.json`` ``escalation``) as table rows.

    Each step names its rung (``step``: guard, polsek_negotiation, ...) and its place on the
    ladder (``order``); rows are sorted by venue and order, venue and unit ids replaced by
    their names.
    """
    steps: Sequence[Mapping[str, Any]] = plan.get("escalation") or []
    venue_names = dict(zip(venues["venue_id"].astype(str), venues["name"].astype(str),
                           strict=False))
    unit_names = dict(zip(units["unit_id"].astype(str), units["name"].astype(str), strict=False))
    rows = []
    for i, s in enumerate(steps, start=1):
        vid, uid = str(s.get("venue_id", "")), str(s.get("unit_id", ""))
        minutes = s.get("minutes_to_site")
        rows.append({
            "venue": venue_names.get(vid, vid),
            "step": _ladder_order(s, default=i),
            "label": str(s.get("label", "")),
            "unit": unit_names.get(uid, uid),
            "personnel": int(s.get("personnel", 0) or 0),
            "minutes": None if minutes is None else round(float(minutes)),
        })
    return sorted(rows, key=lambda r: (r["venue"], r["step"]))


def markers_from_plan(tasks: pd.DataFrame | None, posts: pd.DataFrame) -> pd.DataFrame:
    """What the static map draws for the plan: one marker per site, sized by officers.

    With ``tasks.csv``, the stationary tasks (not patrols or escorts, drawn as lines) grouped
    by kind and site, with the largest number of officers the site has on any day; without
    it, the posts of ``posts.csv`` (``task`` = ``post``).

    Returns
    -------
    DataFrame
        ``task``, ``lat``, ``lon``, ``personnel``, sorted (so the drawing is stable).
    """
    if tasks is not None and not tasks.empty:
        frame = tasks.copy()
        frame["personnel"] = pd.to_numeric(frame["personnel"], errors="coerce").fillna(0)
        frame["lat"] = pd.to_numeric(frame["lat"], errors="coerce")
        frame["lon"] = pd.to_numeric(frame["lon"], errors="coerce")
        frame = frame.dropna(subset=["lat", "lon"])
        frame = frame[~frame["task"].isin(["patrol", "escort"])]
        daily = frame.groupby(["task", "lat", "lon", "date"], as_index=False)["personnel"].sum()
        out = daily.groupby(["task", "lat", "lon"], as_index=False)["personnel"].max()
    else:
        out = posts[["lat", "lon", "personnel"]].assign(task="post")
    out = out[["task", "lat", "lon", "personnel"]]
    return out.sort_values(["task", "lat", "lon"], kind="stable").reset_index(drop=True)


def reserve_ladder(plan: Mapping[str, Any], units: pd.DataFrame) -> dict[str, Any]:
    """The reserve's escalation steps (``plan.json`` ``reserve``), for a plan without a ladder.

    Returns
    -------
    dict
        ``steps`` (the ``tahapan_eskalasi`` texts, in order), ``officers`` and ``site`` (the
        unit's name); no steps when the plan has no reserve.
    """
    reserve = plan.get("reserve") if isinstance(plan.get("reserve"), Mapping) else {}
    steps = [str(s) for s in reserve.get("tahapan_eskalasi") or []]
    names = dict(zip(units["unit_id"].astype(str), units["name"].astype(str), strict=False))
    site = str(reserve.get("site_id") or "")
    return {"steps": steps, "officers": int(reserve.get("officers") or 0),
            "site": names.get(site, site)}
