"""Travel between sites: minutes and km (matrices, k nearest) and the path of one trip.

Two ways, the same as :mod:`riskmap.reach`:

- **terrain** (no route network): the straight line times the terrain's detour factor at the
  terrain's speed (``ctx.reach["terrain"]``). A pair of points travels by the slower terrain of
  its two ends (a hard-to-reach TPS is ``river``: :func:`terrain_of`).
- **network** (``ctx.graph`` from :func:`riskmap.reach.graph_from_routes`): the shortest path
  in minutes; each point joins its nearest network vertex by a straight connector at
  ``ctx.reach["connector_speed_kmh"]``. Pairs the network cannot join fall back to the terrain
  estimate.

Shortest paths run on a sparse matrix (:func:`scipy.sparse.csgraph.dijkstra`), once per
distinct source vertex, so thousands of points stay cheap; :func:`travel_nearest` keeps only
the ``k`` fastest sources of each target.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely.geometry import LineString

from riskmap.config import section_defaults
from riskmap.reach import straight_travel


@dataclass(frozen=True)
class Travel:
    """Travel between two point sets: arrays of the same shape.

    Attributes
    ----------
    km : ndarray
        Travel distance (km along the path or the detoured straight line).
    minutes : ndarray
        Travel time.
    network : ndarray of bool
        True where the value comes from the route network.
    """

    km: np.ndarray
    minutes: np.ndarray
    network: np.ndarray


@dataclass(frozen=True)
class Path:
    """One trip: its line (projected CRS), km and minutes, and how it was found."""

    line: LineString
    km: float
    minutes: float
    method: str


@dataclass(frozen=True)
class Network:
    """A route graph prepared for many shortest-path queries."""

    nodes: list
    xy: np.ndarray
    tree: cKDTree
    minutes: csr_matrix
    km: csr_matrix
    index: dict
    edge_key: np.ndarray  # sorted ``row * n + col`` of every stored edge entry
    edge_km: np.ndarray  # km of the entries, aligned with ``edge_key``


_NETWORKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------------------------
# Settings and terrain
# --------------------------------------------------------------------------------------------


def terrain_settings(ctx: Any) -> dict[str, dict[str, float]]:
    """The ``{terrain: {detour, speed_kmh}}`` settings of the context (the reach schema's
    defaults fill what it lacks)."""
    base = section_defaults("reach")["terrain"]
    given = dict((getattr(ctx, "reach", None) or {}).get("terrain", {}) or {})
    return {k: {**base.get(k, {}), **dict(v)} for k, v in {**base, **given}.items()}


def connector_speed(ctx: Any) -> float:
    """Walking speed (km/h) from a site to its nearest route vertex."""
    reach = getattr(ctx, "reach", None) or {}
    if "connector_speed_kmh" in reach:
        return float(reach["connector_speed_kmh"])
    return float(section_defaults("reach")["connector_speed_kmh"])


def terrain_of(frame: pd.DataFrame) -> list[str]:
    """Terrain of each row: ``river`` for a hard-to-reach TPS, ``road`` otherwise.

    Examples
    --------
    >>> terrain_of(pd.DataFrame({"hard_to_reach": [True, False, None]}))
    ['river', 'road', 'road']
    """
    if "hard_to_reach" not in frame:
        return ["road"] * len(frame)
    flags = frame["hard_to_reach"].astype("boolean").fillna(False).astype(bool)
    return ["river" if f else "road" for f in flags]


def xy(frame: Any) -> np.ndarray:
    """Point coordinates of a GeoDataFrame / GeoSeries (or an array) as an ``(n, 2)`` array."""
    if isinstance(frame, np.ndarray):
        return frame.reshape(-1, 2).astype(float)
    geoms = frame.geometry if hasattr(frame, "geometry") else frame
    if len(geoms) == 0:
        return np.zeros((0, 2))
    return np.column_stack([geoms.x.to_numpy(float), geoms.y.to_numpy(float)])


def _terrain_list(terrain: str | Sequence[str] | None, n: int) -> list[str]:
    if terrain is None:
        return ["road"] * n
    if isinstance(terrain, str):
        return [terrain] * n
    out = [str(t) for t in terrain]
    if len(out) != n:
        raise ValueError(f"terrain has {len(out)} values for {n} points")
    return out


def _slowness(terrain: list[str], settings: Mapping[str, Mapping[str, float]]) -> np.ndarray:
    """Minutes per straight km of each terrain (detour / speed x 60)."""
    return np.array([float(settings[t]["detour"]) / float(settings[t]["speed_kmh"]) * 60.0
                     for t in terrain])


def straight_pairs(
    a_xy: np.ndarray, b_xy: np.ndarray, a_terrain: list[str], b_terrain: list[str],
    settings: Mapping[str, Mapping[str, float]],
) -> tuple[np.ndarray, np.ndarray]:
    """Terrain estimate for row-aligned pairs: travel km and minutes by the slower end.

    Examples
    --------
    >>> t = {"road": {"detour": 1.5, "speed_kmh": 30.0},
    ...      "river": {"detour": 2.0, "speed_kmh": 10.0}}
    >>> straight_pairs(np.array([[0, 0.]]), np.array([[10000, 0.]]), ["road"], ["river"], t)
    (array([20.]), array([120.]))
    """
    km = np.hypot(*(np.asarray(a_xy, float) - np.asarray(b_xy, float)).T) / 1000.0
    sa, sb = _slowness(a_terrain, settings), _slowness(b_terrain, settings)
    use_b = sb > sa
    terr = [tb if ub else ta for ta, tb, ub in zip(a_terrain, b_terrain, use_b, strict=True)]
    return straight_travel(km, terr, terrain_settings=settings)


# --------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------


def network_of(graph: nx.Graph) -> Network:
    """Prepare a route graph for queries (cached per graph object; the graph is not modified).

    Only the graph's own vertices (with ``x``/``y``) are used; edges carry ``minutes``/``km``.
    """
    cached = _NETWORKS.get(graph)
    if cached is not None:
        return cached
    nodes = [n for n in graph.nodes if "x" in graph.nodes[n] and "y" in graph.nodes[n]]
    index = {n: i for i, n in enumerate(nodes)}
    pts = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in nodes], float)
    rows, cols, mins, kms = [], [], [], []
    for a, b, data in graph.edges(data=True):
        if a not in index or b not in index:
            continue
        i, j = index[a], index[b]
        m = max(float(data.get("minutes", 0.0)), 1e-9)
        k = float(data.get("km", 0.0))
        rows += [i, j]
        cols += [j, i]
        mins += [m, m]
        kms += [k, k]
    n = len(nodes)
    mat = csr_matrix((np.array(mins), (np.array(rows, dtype=np.int64),
                                       np.array(cols, dtype=np.int64))), shape=(n, n))
    km_mat = csr_matrix((np.array(kms), (np.array(rows, dtype=np.int64),
                                         np.array(cols, dtype=np.int64))), shape=(n, n))
    coo = km_mat.tocoo()
    keys = coo.row.astype(np.int64) * max(n, 1) + coo.col.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    net = Network(nodes=nodes, xy=pts if n else np.zeros((0, 2)),
                  tree=cKDTree(pts if n else np.zeros((1, 2))), minutes=mat, km=km_mat,
                  index=index, edge_key=keys[order], edge_km=coo.data[order].astype(float))
    _NETWORKS[graph] = net
    return net


def _snap(net: Network, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest vertex of each point and the connector length (km)."""
    if len(pts) == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    d, i = net.tree.query(pts)
    return np.asarray(i, dtype=int), np.asarray(d, float) / 1000.0


def _km_along_tree(net: Network, pred: np.ndarray) -> np.ndarray:
    """Km from the root of shortest-path trees to every vertex (pointer jumping, vectorised).

    ``pred`` is one predecessor row (``(n,)``) or several (``(r, n)``); negative: a root or
    an unreached vertex (0 km).
    """
    pred = np.asarray(pred)
    flat = pred.ndim == 1
    pred = np.atleast_2d(pred)
    r, n = pred.shape
    has = pred >= 0
    acc = np.zeros((r, n))
    if has.any():
        rows, child = np.nonzero(has)
        acc[rows, child] = _edge_km(net, pred[rows, child], child)
    p = np.where(has, pred, np.arange(n)[None, :])
    rix = np.arange(r)[:, None]
    while True:
        nxt = p[rix, p]
        if np.array_equal(nxt, p):
            break
        acc = acc + acc[rix, p]
        p = nxt
    return acc[0] if flat else acc


def _edge_km(net: Network, parent: np.ndarray, child: np.ndarray) -> np.ndarray:
    """Km of the edges ``parent -> child`` (0 where there is none)."""
    n = max(len(net.nodes), 1)
    key = parent.astype(np.int64) * n + child.astype(np.int64)
    pos = np.minimum(np.searchsorted(net.edge_key, key), max(len(net.edge_key) - 1, 0))
    if len(net.edge_key) == 0:
        return np.zeros(len(key))
    return np.where(net.edge_key[pos] == key, net.edge_km[pos], 0.0)


def _km_of_pairs(net: Network, pred: np.ndarray, row: np.ndarray, dst: np.ndarray
                 ) -> np.ndarray:
    """Km along shortest-path trees from each tree's root to ``dst`` (walking back, all pairs
    at once)."""
    km = np.zeros(len(dst))
    cur = dst.copy()
    active = np.nonzero(pred[row, cur] >= 0)[0]
    while len(active):
        parent = pred[row[active], cur[active]]
        km[active] += _edge_km(net, parent, cur[active])
        cur[active] = parent
        active = active[pred[row[active], parent] >= 0]
    return km


SOURCE_CHUNK = 128
"""Shortest-path trees computed at once (memory: chunk x network vertices)."""


def _network_pairs(
    ctx: Any, net: Network, a: np.ndarray, b: np.ndarray, ii: np.ndarray, jj: np.ndarray,
    max_minutes: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Network km and minutes of the pairs ``(a[ii], b[jj])`` (inf minutes when unjoined).

    Shortest paths run from the side with fewer distinct vertices (the graph is undirected),
    ``SOURCE_CHUNK`` sources at a time, keeping only the asked pairs.
    """
    npairs = len(ii)
    if len(net.nodes) == 0 or npairs == 0:
        return np.full(npairs, np.nan), np.full(npairs, np.inf)
    v = connector_speed(ctx)
    na, ca = _snap(net, a)
    nb, cb = _snap(net, b)
    src, dst = na[ii], nb[jj]
    if len(np.unique(dst)) < len(np.unique(src)):
        src, dst = dst, src
    core_min = np.full(npairs, np.inf)
    core_km = np.full(npairs, np.nan)
    uniq = np.unique(src)
    limit = np.inf if max_minutes is None else float(max_minutes)
    for k in range(0, len(uniq), SOURCE_CHUNK):
        chunk = uniq[k:k + SOURCE_CHUNK]
        dist, pred = dijkstra(net.minutes, directed=False, indices=chunk,
                              return_predecessors=True, limit=limit)
        dist, pred = np.atleast_2d(dist), np.atleast_2d(pred)
        sel = np.nonzero((src >= chunk[0]) & (src <= chunk[-1]))[0]
        row = np.searchsorted(chunk, src[sel])
        core_min[sel] = dist[row, dst[sel]]
        core_km[sel] = _km_of_pairs(net, pred, row, dst[sel])
    conn_km = ca[ii] + cb[jj]
    minutes = core_min + conn_km / v * 60.0
    km = core_km + conn_km
    return km, np.where(np.isfinite(core_min), minutes, np.inf)


# --------------------------------------------------------------------------------------------
# Public queries
# --------------------------------------------------------------------------------------------


def travel_matrix(
    ctx: Any,
    from_xy: np.ndarray,
    to_xy: np.ndarray,
    *,
    from_terrain: str | Sequence[str] | None = None,
    to_terrain: str | Sequence[str] | None = None,
    max_minutes: float | None = None,
) -> Travel:
    """Travel km and minutes from every point of ``from_xy`` to every point of ``to_xy``.

    Parameters
    ----------
    ctx : StageContext
        Gives ``reach`` (terrain, connector speed) and ``graph`` (None: terrain only).
    from_xy, to_xy : ndarray
        ``(n, 2)`` and ``(m, 2)`` metres in the context's CRS.
    from_terrain, to_terrain : str or sequence of str, optional
        Terrain of each point (default ``road``); a pair uses the slower of its two ends.
    max_minutes : float, optional
        On the network, stop searching beyond this many minutes (pairs further keep the
        terrain estimate); a speed-up only, the values within the limit are exact.

    Returns
    -------
    Travel
        ``(n, m)`` arrays.
    """
    a = xy(np.asarray(from_xy, float))
    b = xy(np.asarray(to_xy, float))
    n, m = len(a), len(b)
    settings = terrain_settings(ctx)
    ta, tb = _terrain_list(from_terrain, n), _terrain_list(to_terrain, m)
    ii, jj = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    km, minutes = straight_pairs(a[ii], b[jj], [ta[i] for i in ii], [tb[j] for j in jj],
                                 settings)
    km, minutes = km.reshape(n, m), minutes.reshape(n, m)
    on_net = np.zeros((n, m), dtype=bool)
    graph = getattr(ctx, "graph", None)
    if graph is not None and n and m and graph.number_of_nodes():
        g_km, g_min = _network_pairs(ctx, network_of(graph), a, b, ii, jj, max_minutes)
        ok = np.isfinite(g_min)
        km = np.where(ok.reshape(n, m), g_km.reshape(n, m), km)
        minutes = np.where(ok.reshape(n, m), g_min.reshape(n, m), minutes)
        on_net = ok.reshape(n, m)
    return Travel(km=km, minutes=minutes, network=on_net)


def travel_pairs(
    ctx: Any,
    a_xy: np.ndarray,
    b_xy: np.ndarray,
    *,
    a_terrain: str | Sequence[str] | None = None,
    b_terrain: str | Sequence[str] | None = None,
) -> Travel:
    """Travel km and minutes of row-aligned pairs ``a_xy[i] -> b_xy[i]`` (1-d arrays)."""
    a = xy(np.asarray(a_xy, float))
    b = xy(np.asarray(b_xy, float))
    n = len(a)
    if len(b) != n:
        raise ValueError("a_xy and b_xy must have the same length")
    settings = terrain_settings(ctx)
    km, minutes = straight_pairs(a, b, _terrain_list(a_terrain, n), _terrain_list(b_terrain, n),
                                 settings)
    on_net = np.zeros(n, dtype=bool)
    graph = getattr(ctx, "graph", None)
    if graph is not None and n and graph.number_of_nodes():
        idx = np.arange(n)
        g_km, g_min = _network_pairs(ctx, network_of(graph), a, b, idx, idx, None)
        on_net = np.isfinite(g_min)
        km = np.where(on_net, g_km, km)
        minutes = np.where(on_net, g_min, minutes)
    return Travel(km=np.asarray(km, float), minutes=np.asarray(minutes, float), network=on_net)


def travel_nearest(
    ctx: Any,
    from_xy: np.ndarray,
    to_xy: np.ndarray,
    k: int,
    *,
    from_terrain: str | Sequence[str] | None = None,
    to_terrain: str | Sequence[str] | None = None,
    candidates: int | None = None,
    max_minutes: float | None = None,
) -> tuple[np.ndarray, Travel]:
    """The ``k`` fastest ``from`` points of every ``to`` point (sparse: for many points).

    Candidates are the ``candidates`` (default ``max(2k, k + 8)``) nearest ``from`` points by
    straight line; their travel is computed (terrain or network) and the fastest ``k`` kept,
    ties broken by index.

    Returns
    -------
    index : ndarray of int
        ``(m, k')`` indices into ``from_xy`` (``k' = min(k, n)``), fastest first.
    travel : Travel
        ``(m, k')`` km and minutes of those pairs.
    """
    a = xy(np.asarray(from_xy, float))
    b = xy(np.asarray(to_xy, float))
    n, m = len(a), len(b)
    kk = min(int(k), n)
    if kk <= 0 or m == 0:
        z = np.zeros((m, max(kk, 0)))
        return np.zeros((m, max(kk, 0)), dtype=int), Travel(z, z.copy(), z.astype(bool))
    c = min(n, int(candidates) if candidates else max(2 * kk, kk + 8))
    _, cand = cKDTree(a).query(b, k=c)
    cand = np.asarray(cand, dtype=int).reshape(m, c)
    ii = cand.ravel()
    jj = np.repeat(np.arange(m), c)
    settings = terrain_settings(ctx)
    ta, tb = _terrain_list(from_terrain, n), _terrain_list(to_terrain, m)
    km, minutes = straight_pairs(a[ii], b[jj], [ta[i] for i in ii], [tb[j] for j in jj],
                                 settings)
    on_net = np.zeros(len(ii), dtype=bool)
    graph = getattr(ctx, "graph", None)
    if graph is not None and graph.number_of_nodes():
        g_km, g_min = _network_pairs(ctx, network_of(graph), a, b, ii, jj, max_minutes)
        on_net = np.isfinite(g_min)
        km = np.where(on_net, g_km, km)
        minutes = np.where(on_net, g_min, minutes)
    km, minutes, on_net = km.reshape(m, c), minutes.reshape(m, c), on_net.reshape(m, c)
    order = np.lexsort((cand, minutes), axis=1)[:, :kk]
    pick = np.take_along_axis
    return pick(cand, order, 1), Travel(pick(km, order, 1), pick(minutes, order, 1),
                                        pick(on_net, order, 1))


def travel_path(
    ctx: Any,
    a_xy: Sequence[float],
    b_xy: Sequence[float],
    *,
    a_terrain: str = "road",
    b_terrain: str = "road",
) -> Path:
    """The line of one trip from ``a_xy`` to ``b_xy`` with its km and minutes.

    On the network: connector, the shortest path's vertices, connector (the line starts at
    ``a_xy`` and ends at ``b_xy`` exactly). Otherwise, or when the network cannot join them:
    the straight segment with the terrain estimate.
    """
    a = np.asarray(a_xy, float).reshape(2)
    b = np.asarray(b_xy, float).reshape(2)
    settings = terrain_settings(ctx)
    km, minutes = straight_pairs(a[None], b[None], [a_terrain], [b_terrain], settings)
    straight = Path(LineString([tuple(a), tuple(b)]) if not np.allclose(a, b)
                    else LineString([tuple(a), tuple(a + 0.001)]),
                    float(km[0]), float(minutes[0]), "straight")
    graph = getattr(ctx, "graph", None)
    if graph is None or not graph.number_of_nodes():
        return straight
    net = network_of(graph)
    if not net.nodes:
        return straight
    (na, nb), (ca, cb) = _snap(net, np.vstack([a, b]))
    dist, pred = dijkstra(net.minutes, directed=False, indices=int(na),
                          return_predecessors=True)
    if not np.isfinite(dist[nb]):
        return straight
    chain = [int(nb)]
    while chain[-1] != int(na):
        chain.append(int(pred[chain[-1]]))
    chain.reverse()
    kms = _km_along_tree(net, pred)
    coords = [tuple(a)] + [tuple(net.xy[i]) for i in chain] + [tuple(b)]
    coords = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
    if len(coords) < 2:
        coords = [tuple(a), tuple(a + 0.001)]
    v = connector_speed(ctx)
    return Path(LineString(coords), float(kms[nb] + ca + cb),
                float(dist[nb] + (ca + cb) / v * 60.0), "network")


def nearest_unit(
    ctx: Any, site_xy: np.ndarray, *, kinds: Sequence[str] = ("polsek",),
    site_terrain: str | Sequence[str] | None = None,
) -> tuple[np.ndarray, Travel]:
    """The fastest unit of the given kinds for each site (index into ``ctx.units``; -1: none).

    Falls back to any unit when none has the kinds. Ties go to the smaller ``unit_id``.
    """
    units = ctx.units
    pts = xy(np.asarray(site_xy, float))
    m = len(pts)
    if len(units) == 0 or m == 0:
        z = np.full(m, np.nan)
        return np.full(m, -1, dtype=int), Travel(z, z.copy(), np.zeros(m, dtype=bool))
    kind = units["kind"].astype(str).to_numpy()
    sel = np.nonzero(np.isin(kind, list(kinds)))[0]
    if len(sel) == 0:
        sel = np.arange(len(units))
    sel = sel[np.argsort(units["unit_id"].astype(str).to_numpy()[sel], kind="stable")]
    tr = travel_matrix(ctx, xy(units.iloc[sel]), pts, to_terrain=site_terrain)
    best = np.argmin(tr.minutes, axis=0)  # first minimum -> smallest unit_id on ties
    cols = np.arange(m)
    return sel[best], Travel(tr.km[best, cols], tr.minutes[best, cols], tr.network[best, cols])


def to_lonlat(crs: Any, pts: np.ndarray, decimals: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (WGS84, rounded) of projected points ``(n, 2)``."""
    pts = xy(np.asarray(pts, float))
    if len(pts) == 0:
        return np.zeros(0), np.zeros(0)
    geo = gpd.GeoSeries(gpd.points_from_xy(pts[:, 0], pts[:, 1]), crs=crs).to_crs("EPSG:4326")
    return (np.round(geo.x.to_numpy(float), decimals), np.round(geo.y.to_numpy(float), decimals))


def village_at(areas: gpd.GeoDataFrame, pts: np.ndarray) -> np.ndarray:
    """Row position in ``areas`` of the village holding each point (the nearest when outside).

    Returns -1 for every point when ``areas`` is empty. Ties (a point on a shared border) go
    to the first village in table order.
    """
    pts = xy(np.asarray(pts, float))
    out = np.full(len(pts), -1, dtype=int)
    if len(pts) == 0 or len(areas) == 0:
        return out
    geoms = gpd.GeoSeries(gpd.points_from_xy(pts[:, 0], pts[:, 1]), crs=areas.crs)
    hit_pt, hit_area = areas.sindex.query(geoms, predicate="intersects")
    order = np.lexsort((hit_area, hit_pt))
    for p, a in zip(hit_pt[order], hit_area[order], strict=True):
        if out[p] < 0:
            out[p] = int(a)
    miss = np.nonzero(out < 0)[0]
    if len(miss):
        near_pt, near_area = areas.sindex.nearest(geoms.iloc[miss], return_all=True)
        order = np.lexsort((near_area, near_pt))
        for p, a in zip(near_pt[order], near_area[order], strict=True):
            if out[miss[p]] < 0:
                out[miss[p]] = int(a)
    return out
