"""The planner's core: what a task module gets (the stage) and what it gives back (task rows).

Every task module is a pure function ``f(ctx: StageContext, ...) -> TaskSet``. Coordinates in
a :class:`StageContext` are metres in the region's projected CRS; a :class:`TaskSet` holds
task rows with the columns of ``tasks.csv`` (``lat``/``lon`` in WGS84, one row per task and
day) and the lines of the moving tasks (``movements``, in the same projected CRS; the step
writes them to ``movements.geojson`` in WGS84).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd

TASK_KINDS = ("tps_team", "venue_guard", "patrol", "escort", "reserve")
"""The ``task`` values of ``tasks.csv`` (CONTRACT.md)."""

TASK_COLUMNS = [
    "task_id", "date", "task", "post_id", "personnel", "unit_id", "site_kind", "site_id",
    "lat", "lon", "description",
]
"""The contract's columns of ``tasks.csv``, in order; modules may add columns after them."""

MOVEMENT_COLUMNS = ["task_id", "task", "date", "personnel", "minutes"]
"""The contract's properties of each ``movements.geojson`` LineString feature."""


@dataclass(frozen=True)
class StageContext:
    """Everything a task module may use about one stage of one region.

    Attributes
    ----------
    stage : str
        ``campaign``, ``quiet_period``, ``voting``, ``recapitulation`` or ``announcement``.
    start, end : datetime.date
        The stage window (both days included).
    budget : int
        Officers available on each day of the stage.
    crs : Any
        The projected CRS (metres) of every geometry below.
    tps : GeoDataFrame
        Accepted TPS (points): ``tps_id``, ``village_code``, ``voters``, ``hard_to_reach``,
        ``special``, ``risk_score``, ``risk_class``, ``expected_incidents`` (and
        ``village_name`` where known).
    venues : GeoDataFrame
        Venues active in the window (points): ``venue_id``, ``kind``, ``name``, ``start``,
        ``end`` (NaT when open-ended), ``expected_crowd``, ``expected_incidents``.
    units : GeoDataFrame
        Police units (points): ``unit_id``, ``kind`` (polres|polsek|pos), ``name``,
        ``personnel``.
    areas : GeoDataFrame
        Villages (polygons): ``village_code``, ``village_name``, ``subdistrict_code``,
        ``subdistrict_name``, ``risk_score``, ``risk_class``, ``expected_incidents``.
    graph : networkx.Graph or None
        The route network (:func:`riskmap.reach.graph_from_routes`) when the region has one.
    allocation, reach : mapping
        The stage's merged ``allocation`` and ``reach`` config sections.
    """

    stage: str
    start: dt.date
    end: dt.date
    budget: int
    crs: Any
    tps: gpd.GeoDataFrame
    venues: gpd.GeoDataFrame
    units: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    graph: nx.Graph | None
    allocation: Mapping[str, Any]
    reach: Mapping[str, Any]

    def dates(self) -> list[dt.date]:
        """Every day of the stage window, in order."""
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(max(n, 0))]


@dataclass
class TaskSet:
    """Task rows (``tasks``: :data:`TASK_COLUMNS` and extras) and lines (``movements``)."""

    tasks: pd.DataFrame
    movements: gpd.GeoDataFrame
    info: dict[str, Any] = field(default_factory=dict)


def empty_tasks() -> pd.DataFrame:
    """A task table with the contract's columns and no rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in TASK_COLUMNS})


def empty_movements(crs: Any) -> gpd.GeoDataFrame:
    """A movements table with the contract's columns and no rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in MOVEMENT_COLUMNS})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def empty_taskset(crs: Any, **info: Any) -> TaskSet:
    """A :class:`TaskSet` with no tasks (a stage with nothing of this kind to do)."""
    return TaskSet(tasks=empty_tasks(), movements=empty_movements(crs), info=dict(info))


def concat_tasksets(sets: Iterable[TaskSet], *, crs: Any) -> TaskSet:
    """Join task sets of several modules into one (rows in the given order; info by key)."""
    sets = list(sets)
    frames = [s.tasks for s in sets if len(s.tasks)]
    lines = [s.movements for s in sets if len(s.movements)]
    tasks = pd.concat(frames, ignore_index=True) if frames else empty_tasks()
    if lines:
        movements = gpd.GeoDataFrame(pd.concat(lines, ignore_index=True), crs=crs)
    else:
        movements = empty_movements(crs)
    info: dict[str, Any] = {}
    for s in sets:
        info.update(s.info)
    return TaskSet(tasks=tasks, movements=movements, info=info)


def personnel_by_date(tasks: pd.DataFrame, dates: Sequence[dt.date] | None = None) -> pd.Series:
    """Officers on duty per date (sum of ``personnel`` over the date's tasks)."""
    if tasks.empty:
        out = pd.Series(dtype=int)
    else:
        out = tasks.groupby(tasks["date"].astype(str))["personnel"].sum().astype(int)
    if dates is not None:
        out = out.reindex([d.isoformat() for d in dates], fill_value=0)
    return out
