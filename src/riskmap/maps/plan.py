"""The operations plan on the map: tasks, movement lines, voting-day sectors, the ladder.

The planner writes, per stage, ``tasks.csv`` (one row per task and day), ``movements.geojson``
(the lines of patrols and escorts) and ``plan.json`` (with the announcement stage's
``escalation``). These pure functions turn them into JSON-ready data for the page. Every one
of them accepts a missing or empty input (a plan from before the operations planner) and then
returns an empty result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from riskmap.geo import WGS84, utm_crs_for
from riskmap.maps.layers import _col, _num, _text

#: Task kinds of ``tasks.csv``, in the order the map lists them.
TASK_KINDS: tuple[str, ...] = ("tps_team", "venue_guard", "patrol", "escort", "reserve")


def _iso(value: object) -> str:
    text = _text(value)
    if not text:
        return ""
    try:
        return pd.Timestamp(text).date().isoformat()
    except (ValueError, TypeError):
        return text


# ---------------------------------------------------------------------------- tasks
def tasks_layer(tasks: pd.DataFrame | None, *, decimals: int) -> list[dict]:
    """Return one item per row of ``tasks.csv``, sorted by date, kind and task id.

    Items: ``id``, ``date`` (ISO), ``task``, ``post``, ``personnel``, ``unit``, ``site_kind``,
    ``site_id``, ``lat``/``lon`` (``None`` when missing), ``desc``. Rows with an unknown task
    kind or no personnel are left out.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["T1"], "date": ["2024-02-14"], "task": ["tps_team"],
    ...                   "post_id": ["P1"], "personnel": [2], "unit_id": ["U"],
    ...                   "site_kind": ["tps"], "site_id": ["1"], "lat": [-1.2], "lon": [113.8],
    ...                   "description": ["Pam TPS"]})
    >>> tasks_layer(t, decimals=5)[0]["personnel"]
    2
    """
    if tasks is None or len(tasks) == 0 or "task" not in tasks.columns:
        return []
    items = []
    cols = {c: _col(tasks, c).tolist() for c in ("task_id", "date", "task", "post_id",
                                                  "personnel", "unit_id", "site_kind",
                                                  "site_id", "lat", "lon", "description")}
    for i in range(len(tasks)):
        kind = _text(cols["task"][i])
        personnel = _num(cols["personnel"][i], decimals=0)
        if kind not in TASK_KINDS or not personnel or personnel < 1:
            continue
        lat = _num(cols["lat"][i], decimals=decimals)
        lon = _num(cols["lon"][i], decimals=decimals)
        items.append({
            "id": _text(cols["task_id"][i]),
            "date": _iso(cols["date"][i]),
            "task": kind,
            "post": _text(cols["post_id"][i]),
            "personnel": int(personnel),
            "unit": _text(cols["unit_id"][i]),
            "site_kind": _text(cols["site_kind"][i]),
            "site_id": _text(cols["site_id"][i]),
            "lat": lat if lon is not None else None,
            "lon": lon if lat is not None else None,
            "desc": _text(cols["description"][i]),
        })
    rank = {k: i for i, k in enumerate(TASK_KINDS)}
    return sorted(items, key=lambda t: (t["date"], rank[t["task"]], t["id"]))


def plan_dates(tasks: Iterable[dict], movements: Iterable[dict] = ()) -> list[str]:
    """Return the sorted distinct ISO dates of the tasks and movements.

    Examples
    --------
    >>> plan_dates([{"date": "2024-02-12"}, {"date": "2024-02-11"}], [{"date": "2024-02-12"}])
    ['2024-02-11', '2024-02-12']
    """
    dates = {t["date"] for t in tasks if t["date"]} | {m["date"] for m in movements if m["date"]}
    return sorted(dates)


def daily_figures(tasks: Iterable[dict]) -> dict[str, dict]:
    """Return, per ISO date, the officers on duty and in reserve and the tasks per kind.

    Returns
    -------
    dict
        ``{date: {"duty": int, "reserve": int, "kinds": {task: count}, "personnel": {task:
        officers}}}``; tasks without a date count under ``""``.

    Examples
    --------
    >>> f = daily_figures([{"date": "d", "task": "patrol", "personnel": 4},
    ...                    {"date": "d", "task": "reserve", "personnel": 10}])
    >>> f["d"]["duty"], f["d"]["reserve"], f["d"]["kinds"]
    (4, 10, {'patrol': 1})
    """
    out: dict[str, dict] = {}
    for t in tasks:
        day = out.setdefault(t["date"], {"duty": 0, "reserve": 0, "kinds": {}, "personnel": {}})
        if t["task"] == "reserve":
            day["reserve"] += t["personnel"]
            continue
        day["duty"] += t["personnel"]
        day["kinds"][t["task"]] = day["kinds"].get(t["task"], 0) + 1
        day["personnel"][t["task"]] = day["personnel"].get(t["task"], 0) + t["personnel"]
    for day in out.values():
        day["kinds"] = {k: day["kinds"][k] for k in TASK_KINDS if k in day["kinds"]}
        day["personnel"] = {k: day["personnel"][k] for k in TASK_KINDS if k in day["personnel"]}
    return dict(sorted(out.items()))


def default_date(dates: list[str], as_of: str) -> str:
    """Return the date the map opens on: the stage start when the plan has it, else the first.

    Examples
    --------
    >>> default_date(["2024-02-11", "2024-02-12"], "2024-02-12")
    '2024-02-12'
    >>> default_date(["2024-02-11"], "2023-01-01")
    '2024-02-11'
    >>> default_date([], "2024-02-11")
    ''
    """
    if not dates:
        return ""
    return as_of if as_of in dates else dates[0]


# ---------------------------------------------------------------------------- movements
def _line_paths(geom, decimals: int) -> list[list[list[float]]]:
    parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
    paths = []
    for part in parts:
        xy = np.round(np.asarray(part.coords)[:, :2], decimals)
        path = [[float(y), float(x)] for x, y in xy]
        if len(path) >= 2:
            paths.append(path)
    return paths


def read_movements(path) -> list[dict]:
    """Return the features of a ``movements.geojson`` file (``[]`` when it is absent)."""
    import json
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("features") or [])


def movements_layer(
    features: Iterable[Mapping[str, Any]] | None,
    *,
    tasks: Iterable[dict] = (),
    simplify_m: float,
    decimals: int,
) -> list[dict]:
    """Return the movement lines, simplified in metres and rounded, with their task's data.

    Parameters
    ----------
    features
        GeoJSON features (LineString or MultiLineString) with ``task_id``, ``task``, ``date``,
        ``personnel``, ``minutes`` properties.
    tasks
        Items of :func:`tasks_layer`; a line takes ``unit``, ``site_kind``, ``site_id`` and
        ``desc`` from the task with its ``task_id`` and date.
    simplify_m
        Douglas-Peucker tolerance in metres (0 keeps every vertex).
    decimals
        Decimal places kept in the coordinates.

    Returns
    -------
    list of dict
        ``id``, ``task``, ``date``, ``personnel``, ``minutes``, ``unit``, ``site_kind``,
        ``site_id``, ``desc``,
        ``paths`` (lists of ``[lat, lon]``), sorted by date, task and id.
    """
    rows, keys, unique = [], [], {}
    for f in features or []:
        geometry = f.get("geometry")
        key = json.dumps(geometry, sort_keys=True)
        if key not in unique:
            try:
                geom = shape(geometry)
            except Exception:  # a feature without a usable geometry is not drawn
                geom = None
            ok = geom is not None and not geom.is_empty and geom.geom_type in (
                "LineString", "MultiLineString")
            unique[key] = geom if ok else None
        if unique[key] is None:
            continue
        rows.append(dict(f.get("properties") or {}))
        keys.append(key)
    if not rows:
        return []
    # each distinct line is simplified and rounded once, however many days it is driven
    distinct = list(dict.fromkeys(keys))
    series = gpd.GeoSeries([unique[k] for k in distinct], crs=WGS84)
    if simplify_m > 0:
        utm = utm_crs_for(gpd.GeoDataFrame(geometry=series))
        series = series.to_crs(utm).simplify(simplify_m, preserve_topology=False).to_crs(WGS84)
    paths_of = {k: _line_paths(g, decimals) for k, g in zip(distinct, series.values,
                                                            strict=True)}
    by_task = {(t["id"], t["date"]): t for t in tasks}
    items = []
    for props, key in zip(rows, keys, strict=True):
        paths = paths_of[key]
        if not paths:
            continue
        task_id, date = _text(props.get("task_id")), _iso(props.get("date"))
        task = by_task.get((task_id, date), {})
        items.append({
            "id": task_id,
            "task": _text(props.get("task")) or task.get("task", ""),
            "date": date,
            "personnel": _num(props.get("personnel"), decimals=0),
            "minutes": _num(props.get("minutes"), decimals=0),
            "unit": task.get("unit", ""),
            "site_kind": task.get("site_kind", ""),
            "site_id": task.get("site_id", ""),
            "desc": task.get("desc", ""),
            "paths": paths,
        })
    return sorted(items, key=lambda m: (m["date"], m["task"], m["id"]))


def share_paths(movements: list[dict]) -> tuple[list[list], list[dict]]:
    """Return the distinct line geometries once, and the movements pointing at them.

    A patrol circuit driven every day of a stage is the same line on every date: the page
    holds it once. Each returned movement has ``geom`` (an index into the returned paths)
    instead of ``paths``.

    Examples
    --------
    >>> paths, items = share_paths([{"id": "a", "paths": [[[0, 0], [1, 1]]]},
    ...                             {"id": "b", "paths": [[[0, 0], [1, 1]]]}])
    >>> len(paths), [m["geom"] for m in items]
    (1, [0, 0])
    """
    index: dict[str, int] = {}
    paths: list[list] = []
    items = []
    for m in movements:
        key = repr(m["paths"])
        if key not in index:
            index[key] = len(paths)
            paths.append(m["paths"])
        items.append({**{k: v for k, v in m.items() if k != "paths"}, "geom": index[key]})
    return paths, items


def crossed_areas(paths: list[list], villages: Mapping[str, Any]) -> list[list[str]]:
    """Return, per shared line (:func:`share_paths`), the codes of the areas it crosses.

    ``villages`` is the map's village FeatureCollection; codes come in the order the line
    enters them (by the distance along the line of its first point inside).

    Examples
    --------
    >>> fc = {"features": [
    ...     {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1],
    ...      [0, 0]]]}, "properties": {"code": "B"}},
    ...     {"geometry": {"type": "Polygon", "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1],
    ...      [1, 0]]]}, "properties": {"code": "A"}}]}
    >>> crossed_areas([[[[0.5, 1.5], [0.5, 0.5]]]], fc)
    [['A', 'B']]
    """
    features = [f for f in villages.get("features", []) if f.get("geometry")]
    if not paths or not features:
        return [[] for _ in paths]
    polys = [shape(f["geometry"]) for f in features]
    codes = [f["properties"]["code"] for f in features]
    tree = shapely.STRtree(polys)
    out = []
    for parts in paths:
        line = shapely.MultiLineString([[(lon, lat) for lat, lon in p] for p in parts])
        hits = tree.query(line, predicate="intersects")
        entry = []
        for i in hits.tolist():
            inside = line.intersection(polys[i])
            if inside.is_empty:
                continue
            first = shapely.get_point(shapely.get_geometry(inside, 0), 0) \
                if inside.geom_type.startswith("Multi") else shapely.get_point(inside, 0)
            entry.append((line.project(first) if first is not None else 0.0, codes[i]))
        out.append([code for _, code in sorted(entry)])
    return out


# ---------------------------------------------------------------------------- sectors
def _greedy_colours(hulls: list, *, n_colours: int, touch_m: float) -> list[int]:
    """Colour index per hull: hulls closer than ``touch_m`` differ where the palette allows,
    and the palette is cycled (hull ``i`` starts looking at colour ``i mod n``) so that
    separate sectors vary too."""
    tree = shapely.STRtree(hulls)
    pairs = tree.query(hulls, predicate="dwithin", distance=touch_m)
    earlier: list[list[int]] = [[] for _ in hulls]
    for i, j in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        if j < i:
            earlier[i].append(j)
    colours: list[int] = []
    for i in range(len(hulls)):
        used = {colours[j] for j in earlier[i]}
        order = [(i + k) % n_colours for k in range(n_colours)]
        free = [c for c in order if c not in used]
        colours.append(free[0] if free else i % n_colours)
    return colours


def sectors_layer(
    tps: list[dict],
    posts: list[dict],
    *,
    buffer_m: float,
    n_colours: int,
    decimals: int,
) -> list[dict]:
    """Return the voting-day team sectors: per post, the outline around its base and its TPS.

    Each sector is the convex hull of the post's base and the TPS whose ``post_id`` names it,
    widened by ``buffer_m`` (so a one-TPS team still has an area), as GeoJSON in WGS84.

    Returns
    -------
    list of dict
        ``post``, ``colour`` (an index into the palette; neighbouring sectors differ),
        ``tps`` (ids), ``outline`` (GeoJSON Polygon); sorted by post id.
    """
    at = {p["id"]: (p["lon"], p["lat"]) for p in posts}
    members: dict[str, list[dict]] = {}
    for t in tps:
        if t["post"]:
            members.setdefault(t["post"], []).append(t)
    ids = sorted(members)
    if not ids:
        return []
    points = []
    for post_id in ids:
        xy = [(t["lon"], t["lat"]) for t in members[post_id]]
        if post_id in at:
            xy.append(at[post_id])
        points.append(shapely.multipoints(np.asarray(xy, dtype=float)))
    series = gpd.GeoSeries(points, crs=WGS84)
    utm = utm_crs_for(gpd.GeoDataFrame(geometry=series))
    projected = series.to_crs(utm)
    hulls = list(shapely.simplify(
        shapely.buffer(shapely.convex_hull(projected.values), buffer_m, quad_segs=4),
        buffer_m / 4))
    colours = _greedy_colours(hulls, n_colours=max(n_colours, 1), touch_m=4 * buffer_m)
    back = gpd.GeoSeries(hulls, crs=utm).to_crs(WGS84)
    out = []
    rounded = shapely.transform(back.values, lambda xy: np.round(xy, decimals))
    for post_id, colour, hull in zip(ids, colours, rounded, strict=True):
        out.append({
            "post": post_id,
            "colour": int(colour),
            "tps": sorted(t["id"] for t in members[post_id]),
            "outline": shapely.geometry.mapping(hull),
        })
    return out


# ---------------------------------------------------------------------------- escalation
def escalation_by_venue(plan: Mapping[str, Any] | None) -> dict[str, list[dict]]:
    """Return ``plan.json``'s ``escalation`` grouped per venue, each ladder in its given order.

    Examples
    --------
    >>> escalation_by_venue({"escalation": [
    ...     {"venue_id": "K", "step": "guard", "label": "Jaga", "unit_id": "P",
    ...      "personnel": 10, "minutes_to_site": 0}]})["K"][0]["label"]
    'Jaga'
    >>> escalation_by_venue(None)
    {}
    """
    steps = plan.get("escalation") if isinstance(plan, Mapping) else None
    if not isinstance(steps, list):
        steps = []
    out: dict[str, list[dict]] = {}
    for step in steps:
        if not isinstance(step, Mapping):
            continue
        venue = _text(step.get("venue_id"))
        if not venue:
            continue
        out.setdefault(venue, []).append({
            "step": _text(step.get("step")),
            "label": _text(step.get("label")) or _text(step.get("step")),
            "unit": _text(step.get("unit_id")),
            "personnel": _num(step.get("personnel"), decimals=0),
            "minutes": _num(step.get("minutes_to_site"), decimals=0),
        })
    return dict(sorted(out.items()))
