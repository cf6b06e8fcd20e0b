"""Reach: how far each TPS and venue is from help (the nearest Polsek and the Polres).

Without a route network the travel distance is the straight line times a detour factor of
the terrain (``road`` for ordinary sites, ``river`` for hard-to-reach TPS) and the time is
that distance over the terrain's speed. With a network of roads, rivers and trails
(``routes.geojson``) the travel time is the shortest path on a networkx graph built from the
line vertices; each site and unit joins its nearest network node by a straight connector at
the connector speed (walking, or a boat to the bank). All coordinates in metres (UTM).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

REACH_COLUMNS = [
    "target_kind", "target_id", "nearest_polsek_id", "nearest_polsek_name", "polsek_km",
    "polsek_travel_km", "polsek_minutes", "polres_km", "polres_travel_km", "polres_minutes",
    "method", "beyond_limit",
]

TERRAIN_LABEL = {"road": "jalan", "river": "sungai", "trail": "jalan setapak"}


def xy_of(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Return the point coordinates of ``frame`` as an ``(n, 2)`` float array (metres)."""
    if len(frame) == 0:
        return np.zeros((0, 2))
    return np.column_stack([frame.geometry.x.to_numpy(float), frame.geometry.y.to_numpy(float)])


def straight_travel(
    km: np.ndarray, terrain: Sequence[str], *, terrain_settings: Mapping[str, Mapping[str, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """Travel km and minutes estimated from straight km: ``km * detour`` at the terrain's speed.

    Examples
    --------
    >>> t = {"road": {"detour": 1.5, "speed_kmh": 30.0}}
    >>> straight_travel(np.array([10.0]), ["road"], terrain_settings=t)
    (array([15.]), array([30.]))
    """
    detour = np.array([float(terrain_settings[t]["detour"]) for t in terrain])
    speed = np.array([float(terrain_settings[t]["speed_kmh"]) for t in terrain])
    travel = np.asarray(km, dtype=float) * detour if len(km) else np.zeros(0)
    return travel, travel / speed * 60.0 if len(km) else np.zeros(0)


# --------------------------------------------------------------------------------------------
# Route network
# --------------------------------------------------------------------------------------------


def graph_from_routes(
    routes: gpd.GeoDataFrame, *, speeds_kmh: Mapping[str, float], snap_m: float = 1.0
) -> nx.Graph:
    """Build an undirected travel graph from route lines (UTM metres).

    Nodes are the line vertices, merged when they fall in the same ``snap_m`` grid cell (so
    lines that share a vertex are connected). Each edge carries ``km`` and ``minutes``
    (``speed_kmh`` of the line when given, else ``speeds_kmh[kind]``); of parallel edges
    the faster is kept.

    Parameters
    ----------
    routes : GeoDataFrame
        LineString or MultiLineString rows with ``kind`` (road, river, trail) and an optional
        ``speed_kmh``.
    speeds_kmh : mapping
        Default speed per route kind.
    snap_m : float
        Vertex merging tolerance in metres.
    """
    graph = nx.Graph()
    kinds = routes["kind"].astype(str).tolist() if "kind" in routes else ["road"] * len(routes)
    speeds = (routes["speed_kmh"].to_numpy(float) if "speed_kmh" in routes
              else np.full(len(routes), np.nan))
    for geom, kind, speed in zip(routes.geometry, kinds, speeds, strict=True):
        if geom is None or geom.is_empty:
            continue
        v = float(speed) if np.isfinite(speed) and speed > 0 else float(speeds_kmh[kind])
        parts = geom.geoms if geom.geom_type == "MultiLineString" else [geom]
        for part in parts:
            coords = np.asarray(part.coords)[:, :2]
            keys = [_node_key(x, y, snap_m) for x, y in coords]
            for (a, b), (ka, kb) in zip(zip(coords[:-1], coords[1:], strict=True),
                                        zip(keys[:-1], keys[1:], strict=True), strict=True):
                if ka == kb:
                    continue
                km = float(np.hypot(*(b - a))) / 1000.0
                minutes = km / v * 60.0
                for k, xy in ((ka, a), (kb, b)):
                    if k not in graph:
                        graph.add_node(k, x=float(xy[0]), y=float(xy[1]))
                old = graph.get_edge_data(ka, kb)
                if old is None or minutes < old["minutes"]:
                    graph.add_edge(ka, kb, km=km, minutes=minutes, kind=kind)
    return graph


def _node_key(x: float, y: float, snap_m: float) -> tuple[int, int]:
    return (int(np.floor(x / snap_m + 0.5)), int(np.floor(y / snap_m + 0.5)))


def _attach(graph: nx.Graph, names: Sequence[str], xy: np.ndarray, *, speed_kmh: float) -> None:
    """Join each named point to its nearest graph node by a straight connector."""
    nodes = [n for n in graph.nodes if not isinstance(n, str)]
    if not nodes or len(xy) == 0:
        return
    nxy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in nodes])
    dist, idx = cKDTree(nxy).query(xy)
    for name, d, i in zip(names, dist, idx, strict=True):
        km = float(d) / 1000.0
        graph.add_node(name)
        graph.add_edge(name, nodes[int(i)], km=km, minutes=km / speed_kmh * 60.0, kind="connector")


def network_reach(
    graph: nx.Graph,
    targets_xy: np.ndarray,
    sources_xy: np.ndarray,
    *,
    connector_speed_kmh: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shortest travel from the nearest of several sources to each target on the network.

    Parameters
    ----------
    graph : networkx.Graph
        From :func:`graph_from_routes` (not modified).
    targets_xy, sources_xy : ndarray
        ``(n, 2)`` metres.
    connector_speed_kmh : float
        Speed on the straight connector between a point and its nearest network node.

    Returns
    -------
    source_index, km, minutes : ndarray
        Per target: index of the fastest source (-1 when unreachable), travel km and minutes
        (NaN when unreachable).
    """
    n = len(targets_xy)
    src_idx = np.full(n, -1, dtype=int)
    km = np.full(n, np.nan)
    minutes = np.full(n, np.nan)
    if n == 0 or len(sources_xy) == 0 or graph.number_of_nodes() == 0:
        return src_idx, km, minutes
    g = graph.copy()
    s_names = [f"s{i}" for i in range(len(sources_xy))]
    t_names = [f"t{i}" for i in range(n)]
    _attach(g, s_names, np.asarray(sources_xy, float), speed_kmh=connector_speed_kmh)
    _attach(g, t_names, np.asarray(targets_xy, float), speed_kmh=connector_speed_kmh)
    dist, paths = nx.multi_source_dijkstra(g, set(s_names), weight="minutes")
    for i, name in enumerate(t_names):
        if name not in dist:
            continue
        path = paths[name]
        minutes[i] = float(dist[name])
        km[i] = float(sum(g.edges[a, b]["km"] for a, b in zip(path[:-1], path[1:], strict=True)))
        src_idx[i] = int(path[0][1:])
    return src_idx, km, minutes


# --------------------------------------------------------------------------------------------
# The reach table
# --------------------------------------------------------------------------------------------


def reach_table(
    targets: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    terrain: Sequence[str],
    terrain_settings: Mapping[str, Mapping[str, float]],
    max_minutes: float,
    graph: nx.Graph | None = None,
    connector_speed_kmh: float = 4.0,
) -> pd.DataFrame:
    """Distance and travel time from the nearest Polsek and from the Polres to each target.

    Parameters
    ----------
    targets : GeoDataFrame
        UTM points with ``target_kind`` and ``target_id``.
    units : GeoDataFrame
        UTM points with ``unit_id``, ``kind`` (polres, polsek, pos) and ``name``.
    terrain : sequence of str
        Terrain of each target (a key of ``terrain_settings``: road, river...).
    terrain_settings : mapping
        ``{terrain: {detour, speed_kmh}}`` for the straight-line estimate.
    max_minutes : float
        Targets whose nearest Polsek (or the Polres when there is no Polsek) is further in
        time than this are flagged ``beyond_limit``.
    graph : networkx.Graph, optional
        Route network from :func:`graph_from_routes`; when given, travel follows it (the
        nearest Polsek is then the fastest one) and targets it cannot reach fall back to
        the straight-line estimate.
    connector_speed_kmh : float
        Speed of the straight connector to the network.

    Returns
    -------
    DataFrame
        Columns :data:`REACH_COLUMNS`, one row per target in the order given.
    """
    n = len(targets)
    txy = xy_of(targets)
    out = pd.DataFrame({
        "target_kind": targets["target_kind"].astype(str).to_numpy(),
        "target_id": targets["target_id"].astype(str).to_numpy(),
    })
    terrain = list(terrain)
    kinds = units["kind"].astype(str).to_numpy() if len(units) else np.array([], dtype=str)
    order = np.lexsort((units["unit_id"].astype(str).to_numpy(),)) if len(units) else []
    units = units.iloc[order].reset_index(drop=True) if len(units) else units
    kinds = kinds[order] if len(kinds) else kinds
    methods = np.full(n, "straight", dtype=object)
    for role, kind in (("polsek", "polsek"), ("polres", "polres")):
        sel = units[kinds == kind] if len(units) else units
        sxy = xy_of(sel)
        idx = np.full(n, -1, dtype=int)
        km = np.full(n, np.nan)
        if len(sel) and n:
            dist, idx = cKDTree(sxy).query(txy)
            idx = np.asarray(idx, dtype=int)
            km = np.asarray(dist, float) / 1000.0
        travel, minutes = straight_travel(km, terrain, terrain_settings=terrain_settings)
        if graph is not None and len(sel) and n:
            g_idx, g_km, g_min = network_reach(graph, txy, sxy,
                                               connector_speed_kmh=connector_speed_kmh)
            ok = g_idx >= 0
            idx = np.where(ok, g_idx, idx)
            km = np.where(ok, np.hypot(*(txy - sxy[np.maximum(g_idx, 0)]).T) / 1000.0, km)
            travel = np.where(ok, g_km, travel)
            minutes = np.where(ok, g_min, minutes)
            if role == "polsek" or "polsek" not in set(kinds):
                methods = np.where(ok, "network", methods)
        if role == "polsek":
            for col, src in (("nearest_polsek_id", "unit_id"), ("nearest_polsek_name", "name")):
                values = sel[src].astype(str).to_numpy() if len(sel) else np.array([""])
                out[col] = np.where(idx >= 0, values[np.maximum(idx, 0)], "")
        out[f"{role}_km"] = np.round(km, 3)
        out[f"{role}_travel_km"] = np.round(travel, 3)
        out[f"{role}_minutes"] = np.round(minutes, 1)
    help_minutes = out["polsek_minutes"].where(out["polsek_minutes"].notna(), out["polres_minutes"])
    out["method"] = methods
    out["beyond_limit"] = (help_minutes.fillna(np.inf) > float(max_minutes)).to_numpy(bool)
    return out[REACH_COLUMNS]


def targets_from(tps: gpd.GeoDataFrame, venues: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list]:
    """Stack TPS and venues into one target table (kind, id, geometry) with their terrain.

    A hard-to-reach TPS travels by ``river``; every other TPS and every venue by ``road``.
    """
    parts = []
    terrain: list[str] = []
    if len(tps):
        parts.append(gpd.GeoDataFrame(
            {"target_kind": "tps", "target_id": tps["tps_id"].astype(str)},
            geometry=tps.geometry.to_numpy(), crs=tps.crs))
        htr = tps["hard_to_reach"].fillna(False).astype(bool) if "hard_to_reach" in tps else \
            pd.Series(False, index=tps.index)
        terrain += ["river" if h else "road" for h in htr]
    if len(venues):
        parts.append(gpd.GeoDataFrame(
            {"target_kind": "venue", "target_id": venues["venue_id"].astype(str)},
            geometry=venues.geometry.to_numpy(), crs=venues.crs))
        terrain += ["road"] * len(venues)
    if not parts:
        return gpd.GeoDataFrame({"target_kind": [], "target_id": []}, geometry=[],
                                crs=tps.crs), terrain
    frame = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=parts[0].crs), terrain

