"""Staffing rules: officers per TPS class, the reserve, and whole officers per post.

Polri's posting ratios differ by region and year (2019 national pattern: 2 police per 4
kurang rawan TPS, 4 per 2 rawan TPS, 6 per 2 sangat rawan TPS; Papua Barat 2024: 2 per 4-8
safe TPS, 2 per at most 4 rawan TPS, 2 per sangat rawan TPS), so the ratio table is
configuration (``allocation.staffing``), never a constant here. A ratio ``{officers: a,
per_tps: b}`` means a requirement of ``a / b`` officers for every TPS of that class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CLASSES = ("kurang_rawan", "rawan", "sangat_rawan")


def ratio_table(staffing: Mapping[str, Any]) -> dict[str, float]:
    """Return the officers required per TPS of each class under the selected preset.

    Parameters
    ----------
    staffing : mapping
        The ``allocation.staffing`` settings: ``preset`` names one entry of ``presets``;
        each preset maps a TPS class to ``{officers, per_tps}``.

    Returns
    -------
    dict
        ``{class: officers per TPS}`` for the three classes.

    Examples
    --------
    >>> ratio_table({"preset": "p", "presets": {"p": {
    ...     "kurang_rawan": {"officers": 2, "per_tps": 4},
    ...     "rawan": {"officers": 4, "per_tps": 2},
    ...     "sangat_rawan": {"officers": 6, "per_tps": 2}}}})
    {'kurang_rawan': 0.5, 'rawan': 2.0, 'sangat_rawan': 3.0}
    """
    name = staffing["preset"]
    presets = staffing.get("presets", {})
    if name not in presets:
        msg = (f"allocation.staffing.preset: unknown preset {name!r}; "
               f"known presets: {', '.join(sorted(presets))}")
        raise ValueError(msg)
    preset = presets[name]
    missing = [c for c in CLASSES if c not in preset]
    if missing:
        msg = f"allocation.staffing.presets.{name}: missing class(es) {', '.join(missing)}"
        raise ValueError(msg)
    return {c: float(preset[c]["officers"]) / float(preset[c]["per_tps"]) for c in CLASSES}


def tps_requirements(risk_class: Sequence[str], *, ratios: Mapping[str, float]) -> np.ndarray:
    """Officers required at each TPS from its class (unknown class: the kurang rawan ratio)."""
    default = ratios["kurang_rawan"]
    return np.array([ratios.get(str(c), default) for c in risk_class], dtype=float)


def venue_requirements(
    expected_crowd: Sequence[float], *, officers_per_100_crowd: float, min_officers: float
) -> np.ndarray:
    """Officers required at each venue: ``officers_per_100_crowd`` per 100 people, at least
    ``min_officers`` (a missing crowd counts as 0)."""
    crowd = np.nan_to_num(np.asarray(expected_crowd, dtype=float), nan=0.0)
    return np.maximum(float(min_officers), crowd / 100.0 * float(officers_per_100_crowd))


def reserve_officers(budget: int, *, share: float) -> int:
    """Officers kept in reserve at the Polres: ``share`` of the budget, rounded half up.

    Examples
    --------
    >>> reserve_officers(193, share=0.2)
    39
    >>> reserve_officers(10, share=0.25)
    3
    """
    return int(min(budget, np.floor(budget * float(share) + 0.5)))


def largest_remainder(quotas: Sequence[float], total: int) -> np.ndarray:
    """Integers summing to ``total`` that follow ``quotas`` (Hamilton's method).

    The quotas are scaled to ``total`` first; leftover units go to the largest fractional
    parts, ties to the lower index (deterministic).

    Examples
    --------
    >>> largest_remainder([1.5, 1.5, 1.0], 4).tolist()
    [2, 1, 1]
    >>> largest_remainder([0.0, 0.0], 3).tolist()
    [2, 1]
    """
    q = np.asarray(quotas, dtype=float)
    total = int(total)
    if len(q) == 0:
        return np.zeros(0, dtype=int)
    s = q.sum()
    scaled = np.full(len(q), total / len(q)) if s <= 0 else q / s * total
    base = np.floor(scaled + 1e-9).astype(int)
    left = total - int(base.sum())
    if left > 0:
        frac = scaled - base
        order = np.lexsort((np.arange(len(q)), -np.round(frac, 9)))
        base[order[:left]] += 1
    elif left < 0:  # only through float noise; take from the largest
        order = np.lexsort((np.arange(len(q)), -base))
        base[order[:-left]] -= 1
    return base


@dataclass
class Staffing:
    """Officers per post and what had to give when the budget fell short."""

    personnel: np.ndarray
    required: float
    required_int: int
    available: int
    shortfall: int
    relaxed: list[dict[str, Any]] = field(default_factory=list)


def staff_posts(requirements: Sequence[float], *, team_size: int, available: int) -> Staffing:
    """Whole officers per post from the staffing requirement of what each post covers.

    Each post gets ``max(team_size, requirement)`` officers, rounded to integers by the
    largest-remainder method (never below the team). When that exceeds ``available``, every
    post keeps its team and the officers left are shared in proportion to the part of the
    requirement above the team: the ratio rule is relaxed and the shortfall reported.

    Parameters
    ----------
    requirements : sequence of float
        Officers the staffing table asks for at each post (sum over what it covers).
    team_size : int
        The smallest post.
    available : int
        Officers available for posts (budget minus reserve); at least
        ``team_size * len(requirements)``.

    Returns
    -------
    Staffing
    """
    req = np.asarray(requirements, dtype=float)
    n = len(req)
    if n == 0:
        return Staffing(np.zeros(0, dtype=int), 0.0, 0, int(available), 0)
    if team_size * n > available:
        msg = f"{n} posts of {team_size} need {team_size * n} officers, only {available} available"
        raise ValueError(msg)
    raw = np.maximum(float(team_size), req)
    target = int(np.ceil(raw.sum() - 1e-9))
    extra_quota = raw - team_size
    if target <= available:
        extra = largest_remainder(extra_quota, target - team_size * n)
        personnel = team_size + extra
        return Staffing(personnel.astype(int), float(raw.sum()), target, int(available), 0)
    extra = largest_remainder(extra_quota, available - team_size * n)
    personnel = (team_size + extra).astype(int)
    shortfall = target - int(personnel.sum())
    relaxed = [{
        "rule": "ratio",
        "description": "posts staffed below the ratio table: the officers left after one "
                       "team per post are shared in proportion to the missing requirement",
        "keterangan": f"rasio personel per TPS tidak terpenuhi: kurang {shortfall} personel",
        "required": target,
        "assigned": int(personnel.sum()),
        "shortfall": int(shortfall),
    }]
    return Staffing(personnel, float(raw.sum()), target, int(available), int(shortfall), relaxed)


def team_pattern(staffing: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """The team pattern of the selected preset: per class ``officers``, ``per_tps``, ``linmas``.

    A team of class ``c`` holds ``per_tps`` TPS with ``officers`` police; ``linmas`` is the
    number of Linmas the same group of TPS implies (0 when the preset does not say).

    Examples
    --------
    >>> team_pattern({"preset": "p", "presets": {"p": {
    ...     "kurang_rawan": {"officers": 2, "per_tps": 4, "linmas": 6},
    ...     "rawan": {"officers": 4, "per_tps": 2},
    ...     "sangat_rawan": {"officers": 6, "per_tps": 2}}}})["kurang_rawan"]
    {'officers': 2.0, 'per_tps': 4.0, 'linmas': 6.0}
    """
    ratio_table(staffing)  # validates the preset
    preset = staffing["presets"][staffing["preset"]]
    return {c: {"officers": float(preset[c]["officers"]), "per_tps": float(preset[c]["per_tps"]),
                "linmas": float(preset[c].get("linmas", 0.0))} for c in CLASSES}
