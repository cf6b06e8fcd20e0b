"""The roll-up of a many-region run: one row per region folder and stage.

Everything here works on a region's *published* outputs (``area_risk.csv``, ``tps_risk.csv``,
``plan.json`` of one stage), never on its intermediate files, so the summary says exactly what
the regions' own files say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

#: The columns of ``OUT/_summary/<stage>/summary.csv``, in order (the data contract's).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "region",
    "name",
    "code",
    "status",
    "villages",
    "tps",
    "villages_sangat_rawan",
    "villages_rawan",
    "tps_sangat_rawan",
    "tps_rawan",
    "expected_incidents",
    "personnel_budget",
    "personnel_assigned",
    "tps_with_team",
)

#: Decimals of the summed ``expected_incidents`` (the regions' files carry more).
EXPECTED_DECIMALS = 4

_FIGURES = SUMMARY_COLUMNS[4:]


def figures_from_outputs(
    area_risk: pd.DataFrame, tps_risk: pd.DataFrame, plan: Mapping[str, Any]
) -> dict[str, Any]:
    """Return a region's summary figures for one stage from its published tables.

    Parameters
    ----------
    area_risk
        The stage's ``area_risk.csv`` (``risk_class``, ``expected_incidents``).
    tps_risk
        The stage's ``tps_risk.csv`` (``risk_class``, ``post_id``; empty post: no team).
    plan
        The stage's ``plan.json`` (``personnel_budget``, ``personnel_assigned``).

    Examples
    --------
    >>> areas = pd.DataFrame({"risk_class": ["rawan", "sangat_rawan"],
    ...                       "expected_incidents": [0.25, 1.5]})
    >>> tps = pd.DataFrame({"risk_class": ["rawan"], "post_id": ["P1"]})
    >>> f = figures_from_outputs(areas, tps, {"personnel_budget": 10, "personnel_assigned": 8})
    >>> f["villages"], f["villages_sangat_rawan"], f["expected_incidents"], f["tps_with_team"]
    (2, 1, 1.75, 1)
    """
    area_class = area_risk["risk_class"].astype(str)
    tps_class = tps_risk["risk_class"].astype(str)
    post = tps_risk["post_id"].fillna("").astype(str).str.strip()
    expected = pd.to_numeric(area_risk["expected_incidents"], errors="coerce").fillna(0.0)
    return {
        "villages": int(len(area_risk)),
        "tps": int(len(tps_risk)),
        "villages_sangat_rawan": int((area_class == "sangat_rawan").sum()),
        "villages_rawan": int((area_class == "rawan").sum()),
        "tps_sangat_rawan": int((tps_class == "sangat_rawan").sum()),
        "tps_rawan": int((tps_class == "rawan").sum()),
        "expected_incidents": round(float(expected.sum()), EXPECTED_DECIMALS),
        "personnel_budget": int(plan.get("personnel_budget") or 0),
        "personnel_assigned": int(plan.get("personnel_assigned") or 0),
        "tps_with_team": int((post != "").sum()),
    }


def summary_row(
    region: str,
    *,
    name: str = "",
    code: str = "",
    status: str = "ok",
    figures: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return one ``summary.csv`` row; a region that was not run has empty figures."""
    row: dict[str, Any] = {"region": region, "name": name, "code": code, "status": status}
    for col in _FIGURES:
        row[col] = (figures or {}).get(col, pd.NA) if status == "ok" else pd.NA
    return row


def summary_table(rows: list[Mapping[str, Any]]) -> pd.DataFrame:
    """Return the rows as the summary table: contract columns, sorted by region, integer counts.

    Examples
    --------
    >>> t = summary_table([summary_row("b", status="ok", figures={"villages": 3}),
    ...                    summary_row("a", status="region.yaml: not valid YAML")])
    >>> list(t["region"]), int(t.loc[1, "villages"])
    (['a', 'b'], 3)
    """
    table = pd.DataFrame([dict(r) for r in rows], columns=list(SUMMARY_COLUMNS))
    table = table.sort_values("region", kind="stable").reset_index(drop=True)
    for col in _FIGURES:
        kind = "Float64" if col == "expected_incidents" else "Int64"
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(kind)
    return table


def unusable_regions(table: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of ``table`` whose status is not ``ok`` (region and status)."""
    return table.loc[table["status"] != "ok", ["region", "status"]].reset_index(drop=True)
