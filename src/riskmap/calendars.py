"""Built-in calendars of earlier Indonesian elections, and the training windows of a region.

The data file ``riskmap/data/elections.yaml`` holds the KPU stage dates of Pemilu 2014
(legislative and presidential), 2019 and 2024 and of the simultaneous Pilkada of 2015, 2017,
2018, 2020 and 2024, each with its source. A region takes every national election by default
and the Pilkada it lists under ``pilkada:`` in ``region.yaml``; ``past_elections`` in
``region.yaml`` overrides both. The region's own current election (its ``stages``) is never a
training window for itself: only elections that ended before its first stage starts are used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

import pandas as pd
import yaml

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")


@lru_cache(maxsize=1)
def _raw_elections() -> tuple:
    text = resources.files("riskmap").joinpath("data/elections.yaml").read_text(encoding="utf-8")
    return tuple(yaml.safe_load(text)["elections"])


def builtin_elections() -> list[dict]:
    """Every built-in election: ``name``, ``year``, ``kind`` (national / pilkada), ``stages``
    (stage -> ``(start, end)`` Timestamps, in stage order), ``sources`` and ``note``."""
    out = []
    for e in _raw_elections():
        stages = {s: (pd.Timestamp(str(e["stages"][s]["start"])),
                      pd.Timestamp(str(e["stages"][s]["end"])))
                  for s in STAGES if s in e["stages"]}
        out.append({"name": str(e["name"]), "year": int(e["year"]), "kind": str(e["kind"]),
                    "stages": stages, "sources": [str(s) for s in e.get("sources", [])],
                    "note": str(e.get("note", ""))})
    return out


def pilkada_years() -> list[int]:
    """Years of the built-in simultaneous Pilkada."""
    return sorted({e["year"] for e in builtin_elections() if e["kind"] == "pilkada"})


def calendar_windows(elections: Sequence[Mapping]) -> list[tuple]:
    """``(election, stage, start, end)`` of elections given as ``{name, stages}``, by start."""
    out = []
    for e in elections:
        for stage, w in (e.get("stages") or {}).items():
            if isinstance(w, Mapping):
                a, b = w["start"], w["end"]
            else:
                a, b = w
            out.append((str(e["name"]), stage, pd.Timestamp(str(a)), pd.Timestamp(str(b))))
    return sorted(out, key=lambda t: (t[2], t[3], t[1]))


def past_windows_for_region(region: Mapping) -> tuple[list[tuple], dict]:
    """The earlier elections' stage windows a region's model trains on, and where they came from.

    Parameters
    ----------
    region
        The validated ``region.yaml`` (``stages``; optional ``past_elections``, ``pilkada``).

    Returns
    -------
    windows, info
        ``windows``: ``(election, stage, start, end)`` tuples; ``info``: ``source``
        (``region.yaml`` or ``built-in calendar``), ``elections`` (names) and ``notes``.
    """
    listed = list(region.get("past_elections") or [])
    if listed:
        windows = calendar_windows(listed)
        return windows, {"source": "region.yaml",
                         "elections": sorted({w[0] for w in windows}, key=_first_start(windows)),
                         "notes": ["past_elections listed in region.yaml override the built-in "
                                   "calendars"]}
    starts = [pd.Timestamp(str(w["start"])) for w in (region.get("stages") or {}).values()]
    first = min(starts) if starts else pd.Timestamp.max
    declared = region.get("pilkada")
    years = {int(y) for y in (declared or [])}
    chosen, notes = [], []
    for e in builtin_elections():
        if e["kind"] == "pilkada" and e["year"] not in years:
            continue
        if max(b for _, b in e["stages"].values()) >= first:
            notes.append(f"{e['name']} not used: it does not end before this election starts")
            continue
        chosen.append(e)
    if declared is None:
        notes.append("no `pilkada:` list in region.yaml: national elections only (no Pilkada "
                     "windows); list the years the region held a Pilkada, e.g. "
                     f"pilkada: [{', '.join(map(str, pilkada_years()[:3]))}]")
    unknown = sorted(years - set(pilkada_years()))
    if unknown:
        notes.append(f"pilkada years without a built-in calendar ignored: {unknown}")
    windows = calendar_windows(chosen)
    return windows, {"source": "built-in calendar", "elections": [e["name"] for e in chosen],
                     "notes": notes}


def _first_start(windows: Sequence[tuple]):
    first: dict = {}
    for name, _, a, _ in windows:
        first[name] = min(first.get(name, a), a)
    return lambda name: (first[name], name)
