"""The Sispamkota escalation ladder at each KPU office (announcement of the results).

For every ``kpu_office`` venue, the steps a crowd there meets, in order:

1. ``guard``: the office's own guard (:mod:`riskmap.planner.guards`), on site;
2. ``polsek_negotiation``: the nearest Polsek negotiates first (Dalmas Awal);
3. ``polres_reinforcement``: reinforcement from the nearest Polres;
4. ``dalmas_platoon``: the Polres's Dalmas platoon (``dalmas_platoon`` officers, default 30);
5. ``water_cannon``: the water cannon and its crew, from the Polres;
6. ``phh_brimob``: hand-over to Brimob's PHH, support from outside the Polres (0 officers
   from its budget).

``minutes_to_site`` is the unit's travel time (:mod:`riskmap.planner.travel`) plus the step's
assembly time (config); None where unknown (Brimob). The officers of steps 3-5 stand by in
the Polres reserve: ``info["escalation_standby"]`` gives how many each Polres must keep.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from riskmap.planner import guards, travel
from riskmap.planner.core import StageContext, TaskSet, empty_taskset

DEFAULTS: dict[str, Any] = {
    "venue_kinds": ["kpu_office"],
    "negotiation_personnel": 6,
    "reinforcement_personnel": 20,
    "dalmas_platoon": 30,
    "water_cannon_crew": 4,
    "assembly_minutes": {"polsek_negotiation": 0, "polres_reinforcement": 10,
                         "dalmas_platoon": 20, "water_cannon": 30},
    "brimob_unit_id": "BRIMOB",
    "brimob_minutes": None,
}
"""Settings (``allocation.escalation``): the venue kinds with a ladder, officers of each step
(the Dalmas platoon is about 30 officers), assembly minutes added to the travel time of each
step, the id shown for Brimob's PHH and its minutes to the site (None: unknown)."""

STEPS = ["guard", "polsek_negotiation", "polres_reinforcement", "dalmas_platoon",
         "water_cannon", "phh_brimob"]
"""The ladder's steps, in order."""


def settings(ctx: StageContext) -> dict[str, Any]:
    """The ladder settings: :data:`DEFAULTS` updated by ``ctx.allocation["escalation"]``."""
    return {**DEFAULTS, **dict(ctx.allocation.get("escalation", {}) or {})}


def _label(step: str, unit_name: str, venue_name: str) -> str:
    return {
        "guard": f"Pos jaga {venue_name} (pengamanan awal di lokasi)",
        "polsek_negotiation": f"Negosiasi oleh {unit_name} (Dalmas Awal)",
        "polres_reinforcement": f"Perkuatan dari {unit_name}",
        "dalmas_platoon": f"Pleton Dalmas {unit_name} (Dalmas Lanjut)",
        "water_cannon": f"Kendaraan water cannon {unit_name}",
        "phh_brimob": "Serah terima ke PHH Brimob (bantuan dari luar Polres, di luar anggaran "
                      "personel Polres)",
    }[step]


def ladder(ctx: StageContext) -> list[dict[str, Any]]:
    """The ladder's steps of every KPU office: ``venue_id``, ``order``, ``step``, ``unit_id``,
    ``personnel``, ``minutes_to_site``, ``label`` (Bahasa Indonesia); venues by id."""
    cfg = settings(ctx)
    v = ctx.venues
    if len(v) == 0 or len(ctx.units) == 0:
        return []
    v = v[v["kind"].astype(str).isin(list(cfg["venue_kinds"]))]
    v = v.sort_values("venue_id", kind="stable").reset_index(drop=True)
    if len(v) == 0:
        return []
    pts = travel.xy(v)
    gcfg = guards.settings(ctx)
    size, _ = guards.guard_size(ctx, v, gcfg)
    guard_units = guards.guard_units(ctx, v, pts, gcfg["unit_kinds"])
    ids = ctx.units["unit_id"].astype(str).to_numpy()
    names = ctx.units["name"].astype(str).to_numpy() if "name" in ctx.units else ids
    polsek, ps_tr = travel.nearest_unit(ctx, pts, kinds=("polsek",))
    polres, pr_tr = travel.nearest_unit(ctx, pts, kinds=("polres",))
    assembly = dict(cfg["assembly_minutes"])
    out: list[dict[str, Any]] = []
    for i, row in v.iterrows():
        vname = str(row.get("name", row["venue_id"]) or row["venue_id"])
        plan = [
            ("guard", guard_units[i], int(size[i]), 0.0),
            ("polsek_negotiation", ids[polsek[i]], int(cfg["negotiation_personnel"]),
             float(ps_tr.minutes[i])),
            ("polres_reinforcement", ids[polres[i]], int(cfg["reinforcement_personnel"]),
             float(pr_tr.minutes[i])),
            ("dalmas_platoon", ids[polres[i]], int(cfg["dalmas_platoon"]),
             float(pr_tr.minutes[i])),
            ("water_cannon", ids[polres[i]], int(cfg["water_cannon_crew"]),
             float(pr_tr.minutes[i])),
        ]
        for order, (step, unit, personnel, minutes) in enumerate(plan, start=1):
            uname = str(names[list(ids).index(unit)]) if unit in ids else unit
            total = minutes + float(assembly.get(step, 0) or 0)
            out.append({"venue_id": str(row["venue_id"]), "order": order, "step": step,
                        "unit_id": unit, "personnel": personnel,
                        "minutes_to_site": round(total, 1),
                        "label": _label(step, uname, vname)})
        brimob = cfg.get("brimob_minutes")
        out.append({"venue_id": str(row["venue_id"]), "order": len(plan) + 1,
                    "step": "phh_brimob", "unit_id": str(cfg["brimob_unit_id"]),
                    "personnel": 0,
                    "minutes_to_site": None if brimob is None else round(float(brimob), 1),
                    "label": _label("phh_brimob", "", vname)})
    return out


def standby(steps: list[dict[str, Any]]) -> dict[str, int]:
    """Officers each Polres keeps in reserve for the ladder: the largest over its venues of
    the reinforcement, Dalmas platoon and water cannon steps (one incident at a time).

    Examples
    --------
    >>> standby([{"venue_id": "K", "step": "dalmas_platoon", "unit_id": "P", "personnel": 30},
    ...          {"venue_id": "K", "step": "water_cannon", "unit_id": "P", "personnel": 4}])
    {'P': 34}
    """
    per: dict[tuple[str, str], int] = {}
    for s in steps:
        if s["step"] in ("polres_reinforcement", "dalmas_platoon", "water_cannon"):
            key = (s["unit_id"], s["venue_id"])
            per[key] = per.get(key, 0) + int(s["personnel"])
    out: dict[str, int] = {}
    for (unit, _), n in sorted(per.items()):
        out[unit] = max(out.get(unit, 0), n)
    return out


def escalation_ladder(ctx: StageContext, *, with_guards: bool = False) -> TaskSet:
    """The planner's entry point (announcement): ``info["escalation"]`` (the ladder of every
    KPU office) and ``info["escalation_standby"]``.

    The KPU offices' ``venue_guard`` tasks come from :func:`guards.venue_guard_tasks`; pass
    ``with_guards=True`` to get them here too (when the guards module is not called).
    """
    steps = ladder(ctx)
    info = {"escalation": steps, "escalation_standby": standby(steps)}
    if not with_guards:
        return empty_taskset(ctx.crs, **info)
    kinds = {k: "window" for k in settings(ctx)["venue_kinds"]}
    ts = guards.plan_guards(ctx, kinds=kinds)
    ts.info.update(info)
    return ts


def ladder_frame(steps: list[dict[str, Any]]) -> pd.DataFrame:
    """The ladder as a table (for the roster and the map popup), in ladder order."""
    cols = ["venue_id", "order", "step", "unit_id", "personnel", "minutes_to_site", "label"]
    if not steps:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    frame = pd.DataFrame(steps)[cols].sort_values(["venue_id", "order"], kind="stable")
    return frame.reset_index(drop=True)
