"""Features per village and per TPS as of a stage window's start (no look-ahead).

Everything is computed from incidents dated strictly before the window's start. The geometry
work (which village holds each incident, distances between villages, TPS, venues and police
units) is done once by :func:`prepare_region`; :func:`features_as_of` then evaluates the
features for any window cheaply, so that the model can be fitted on many past windows.

Village features (columns of :attr:`WindowFeatures.village`)
-----------------------------------------------------------
``inc_<group>``
    Time-decayed, severity-weighted incident intensity of the village for each kind group
    (``kind_groups``): ``sum severity_weight * 0.5 ** (age_days / half_life_days)``.
``n_<group>``
    Plain count of the group's incidents in the last ``history_days`` (used in the text).
``inc_recent``
    Plain count of incidents in the village in the last ``recent_days`` (used in the text).
``same_stage``
    Mean number of incidents in the village per earlier window of the same stage.
``past_elections``
    Mean number of incidents in the village per earlier election (all its stage windows that
    ended before ``start``): the long memory of hot communities.
``near_repeat``
    Prospective-hotspot intensity (Bowers, Johnson and Pease 2004), averaged over the
    village's TPS points (its representative point when it has none):
    ``sum 1 / ((1 + d / distance_m) (1 + t / time_days))`` over incidents within
    ``max_distance_m`` and ``max_age_days``.
``venue``
    Crowd exposure to the venues active in the window whose kind matters in the stage
    (``venue_kinds[stage]``): ``sum kind_weight * crowd / 1000 * overlap * exp(-d / bandwidth_m)``,
    ``d`` the distance from the venue to the village polygon (0 inside), ``overlap`` the share of
    the window's days the venue is active.
``voters``, ``tps_per_km2``, ``hard_to_reach``, ``police_km``, ``close_contest``, ``area_km2``
    Total voters, TPS density, share of hard-to-reach TPS, distance from the village's
    representative point to the nearest police unit (km), closeness of the last contest
    (``1 - mean last_margin`` over TPS that carry it; the regional mean where none do) and area.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.spatial import cKDTree

from riskmap.config import section_defaults

DAY = np.timedelta64(1, "D")

#: Defaults of the ``features:`` section, from its schema (the single source of defaults).
FEATURE_DEFAULTS: dict = section_defaults("features")


def feature_settings(features: Mapping | None) -> dict:
    """Return the features section with defaults filled in (nested mappings merged)."""
    out = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in FEATURE_DEFAULTS.items()}
    for key, value in (features or {}).items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) and key not in (
            "kind_groups",
        ):
            merged = dict(out[key])
            merged.update(value)
            out[key] = merged
        else:
            out[key] = value
    return out


@dataclass
class Region:
    """Geometry of a region computed once: indices and distances shared by every window."""

    village_code: np.ndarray          # (V,) str, sorted
    area_km2: np.ndarray              # (V,)
    rep_xy: np.ndarray                # (V, 2) representative points
    village_geoms: np.ndarray         # (V,) shapely geometries
    tps_id: np.ndarray                # (T,) str, sorted
    tps_village: np.ndarray           # (T,) village index
    tps_xy: np.ndarray                # (T, 2)
    tps_voters: np.ndarray            # (T,)
    tps_hard: np.ndarray              # (T,) bool
    tps_special: np.ndarray           # (T,) bool
    tps_margin: np.ndarray            # (T,) float, NaN unknown
    inc_date: np.ndarray              # (I,) datetime64[D], sorted
    inc_village: np.ndarray           # (I,) village index
    inc_xy: np.ndarray                # (I, 2)
    inc_kind: np.ndarray              # (I,) str
    inc_severity: np.ndarray          # (I,) int
    venue_id: np.ndarray              # (W,) str
    venue_kind: np.ndarray            # (W,) str
    venue_start: np.ndarray           # (W,) datetime64[D] (NaT: always)
    venue_end: np.ndarray             # (W,) datetime64[D]
    venue_crowd: np.ndarray           # (W,) float (NaN unknown)
    venue_xy: np.ndarray              # (W, 2)
    police_km_village: np.ndarray     # (V,)
    police_km_tps: np.ndarray         # (T,)
    inc_local: np.ndarray | None = None   # (I,) share of each incident kept at its village
    cache: dict = field(default_factory=dict, repr=False)   # kernels and neighbour pairs


def _xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    if len(gdf) == 0:
        return np.zeros((0, 2))
    return np.column_stack([gdf.geometry.x.to_numpy(float), gdf.geometry.y.to_numpy(float)])


def content_key(parts: Sequence[object]) -> bytes:
    """A digest of ``parts``: arrays by dtype, shape and bytes, bytes as they are, anything
    else by its ``repr`` (the key of the process-wide caches of fits and distances)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, np.ndarray):
            digest.update(f"{part.dtype}{part.shape}".encode())
            digest.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, bytes):
            digest.update(part)
        else:
            digest.update(repr(part).encode())
        digest.update(b"|")
    return digest.digest()


@dataclass(frozen=True)
class VenuePairs:
    """Every (place, venue) pair within a distance: rows sorted by place, then venue.

    ``place`` indexes the villages (distance to the polygon, 0 inside) or the TPS (to the
    point); ``venue`` the region's venues; ``metres`` the distance. The arrays are read-only
    (they are shared by the stages of a region job).
    """

    place: np.ndarray
    venue: np.ndarray
    metres: np.ndarray
    shape: tuple[int, int]

    def matrix(self, values: np.ndarray) -> sparse.csr_array:
        """A (places x venues) sparse matrix holding ``values`` (one per pair) at the pairs."""
        return sparse.csr_array((values, (self.place, self.venue)), shape=self.shape)


#: The venue pairs of the last regions seen (:func:`venue_pairs`), by content and distance.
_VENUE_PAIRS: dict[bytes, tuple[VenuePairs, VenuePairs]] = {}
_VENUE_PAIRS_KEPT = 4


def _sorted_pairs(place: np.ndarray, venue: np.ndarray, metres: np.ndarray,
                  shape: tuple[int, int]) -> VenuePairs:
    order = np.lexsort((venue, place))
    arrays = [np.ascontiguousarray(a[order]) for a in (place.astype(np.int64),
                                                        venue.astype(np.int64),
                                                        metres.astype(float))]
    for arr in arrays:
        arr.setflags(write=False)
    return VenuePairs(*arrays, shape=shape)


def venue_pairs(geoms: np.ndarray, tps_xy: np.ndarray, vxy: np.ndarray,
                max_distance: float) -> tuple[VenuePairs, VenuePairs]:
    """The (village, venue) and (TPS, venue) pairs at most ``max_distance`` metres apart.

    Only pairs within the distance are found (a tree query, not a villages x venues or TPS x
    venues matrix: at 20,000 TPS and 2,163 venues that matrix alone is 43 M distances and
    346 MB). A region job scores its five stages in one process from the same villages, TPS
    and venues, so the pairs are kept for the last few (content, distance) keys.
    """
    key = content_key((b"".join(shapely.to_wkb(geoms)), np.asarray(tps_xy, float),
                       np.asarray(vxy, float), float(max_distance)))
    if key in _VENUE_PAIRS:
        _VENUE_PAIRS[key] = _VENUE_PAIRS.pop(key)   # most recently used last
        return _VENUE_PAIRS[key]
    n_v, n_t, n_w = len(geoms), len(tps_xy), len(vxy)
    empty = np.zeros(0, np.int64)
    if n_w and n_v:
        vpts = shapely.points(vxy)
        ven, vil = shapely.STRtree(geoms).query(vpts, predicate="dwithin",
                                                 distance=max_distance)
        metres = shapely.distance(geoms[vil], vpts[ven]).astype(float)
        near = metres <= max_distance
        villages = _sorted_pairs(vil[near], ven[near], metres[near], (n_v, n_w))
    else:
        villages = _sorted_pairs(empty, empty, np.zeros(0), (n_v, n_w))
    if n_w and n_t:
        rec = cKDTree(np.asarray(tps_xy, float)).sparse_distance_matrix(
            cKDTree(np.asarray(vxy, float)), max_distance, output_type="ndarray")
        tps = _sorted_pairs(rec["i"], rec["j"], rec["v"], (n_t, n_w))
    else:
        tps = _sorted_pairs(empty, empty, np.zeros(0), (n_t, n_w))
    _VENUE_PAIRS[key] = (villages, tps)
    while len(_VENUE_PAIRS) > _VENUE_PAIRS_KEPT:
        _VENUE_PAIRS.pop(next(iter(_VENUE_PAIRS)))
    return _VENUE_PAIRS[key]


def _bool(series: pd.Series | None, n: int) -> np.ndarray:
    if series is None:
        return np.zeros(n, bool)
    s = series.astype(object).where(series.notna(), False)
    return s.astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy()


def _days(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return pd.to_datetime(values).to_numpy().astype("datetime64[D]")


def villages_of_points(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    """Return the index (in ``areas`` order) of the village holding each point.

    Points inside no polygon get the nearest village; an empty ``points`` gives an empty array.
    """
    if len(points) == 0:
        return np.zeros(0, int)
    geoms = areas.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    pts = points.geometry.to_numpy()
    hit_pt, hit_poly = tree.query(pts, predicate="within")
    out = np.full(len(pts), -1, dtype=int)
    # the first polygon (in areas order) wins where polygons overlap
    order = np.lexsort((hit_poly, hit_pt))
    hit_pt, hit_poly = hit_pt[order], hit_poly[order]
    first = np.unique(hit_pt, return_index=True)[1]
    out[hit_pt[first]] = hit_poly[first]
    missing = np.flatnonzero(out < 0)
    if len(missing):
        near = tree.nearest(pts[missing])
        out[missing] = near
    return out


def prepare_region(
    areas: gpd.GeoDataFrame,
    tps: gpd.GeoDataFrame,
    venues: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    precision_local: Sequence[float] = (1.0, 0.5, 0.0),
) -> Region:
    """Precompute the geometry of a region (all inputs in the same projected CRS, metres).

    Villages are ordered by ``village_code`` and TPS by ``tps_id``; TPS whose ``village_code``
    is not a known village are placed in the village holding their point.

    An optional integer ``geo_precision`` column of the incidents (1 exact place, 2 near / in
    the district, 3 an administrative centroid standing for a larger unit) sets the share of
    each incident kept at its village, ``precision_local[p - 1]``; the rest is spread evenly
    over every village of the region (the unit a centroid stands for is at least the region).
    Missing or unknown precision counts as 1.
    """
    areas = areas.sort_values("village_code", kind="stable").reset_index(drop=True)
    codes = areas["village_code"].astype(str).to_numpy()
    geoms = areas.geometry.to_numpy()
    # km2 as ingest measured it (riskmap.geo.area_km2: equal-area, also for regions wider than
    # a UTM zone); the projected area where the column is absent
    km2 = (pd.to_numeric(areas["area_km2"], errors="coerce").to_numpy(float)
           if "area_km2" in areas else areas.geometry.area.to_numpy(float) / 1e6)
    area_km2 = np.maximum(np.nan_to_num(km2, nan=1e-6), 1e-6)
    rep = areas.geometry.representative_point()
    rep_xy = np.column_stack([rep.x.to_numpy(float), rep.y.to_numpy(float)])

    tps = tps.sort_values("tps_id", kind="stable").reset_index(drop=True)
    index_of = {c: i for i, c in enumerate(codes)}
    tps_vil = np.array([index_of.get(str(c), -1) for c in tps["village_code"]], dtype=int)
    if (tps_vil < 0).any():
        bad = tps_vil < 0
        tps_vil[bad] = villages_of_points(areas, tps[bad])
    n_t = len(tps)
    margin = (pd.to_numeric(tps["last_margin"], errors="coerce").to_numpy(float)
              if "last_margin" in tps else np.full(n_t, np.nan))

    incidents = incidents.assign(_d=pd.to_datetime(incidents["date"])).sort_values(
        ["_d", "incident_id"], kind="stable").reset_index(drop=True)
    sev = (pd.to_numeric(incidents["severity"], errors="coerce").fillna(1).clip(1, 3)
           .astype(int).to_numpy() if "severity" in incidents else np.ones(len(incidents), int))
    local = incident_local_share(incidents.get("geo_precision"), len(incidents),
                                 precision_local)

    uxy = _xy(units)
    tps_xy = _xy(tps)
    if len(uxy):
        utree = cKDTree(uxy)
        pol_v = utree.query(rep_xy)[0] / 1000.0
        pol_t = utree.query(tps_xy)[0] / 1000.0 if n_t else np.zeros(0)
    else:
        pol_v = np.full(len(areas), 50.0)
        pol_t = np.full(n_t, 50.0)
    crowd = (pd.to_numeric(venues["expected_crowd"], errors="coerce").to_numpy(float)
             if "expected_crowd" in venues else np.full(len(venues), np.nan))
    return Region(
        village_code=codes, area_km2=area_km2, rep_xy=rep_xy, village_geoms=geoms,
        tps_id=tps["tps_id"].astype(str).to_numpy(), tps_village=tps_vil, tps_xy=tps_xy,
        tps_voters=pd.to_numeric(tps["voters"], errors="coerce").fillna(0).to_numpy(float),
        tps_hard=_bool(tps.get("hard_to_reach"), n_t), tps_special=_bool(tps.get("special"), n_t),
        tps_margin=margin,
        inc_date=incidents["_d"].to_numpy().astype("datetime64[D]"),
        inc_village=villages_of_points(areas, incidents), inc_xy=_xy(incidents),
        inc_kind=incidents["kind"].astype(str).to_numpy(), inc_severity=sev,
        venue_id=venues["venue_id"].astype(str).to_numpy(),
        venue_kind=venues["kind"].astype(str).to_numpy(),
        venue_start=_days(venues.get("start"), len(venues)),
        venue_end=_days(venues.get("end"), len(venues)),
        venue_crowd=crowd, venue_xy=_xy(venues),
        police_km_village=pol_v, police_km_tps=pol_t, inc_local=local,
    )


def incident_local_share(precision: pd.Series | None, n: int,
                         precision_local: Sequence[float]) -> np.ndarray:
    """Share of each incident kept at its village, from its ``geo_precision`` (1, 2, 3).

    Examples
    --------
    >>> incident_local_share(pd.Series([1, 3, None, 2]), 4, (1.0, 0.5, 0.0)).tolist()
    [1.0, 0.0, 1.0, 0.5]
    """
    if precision is None or n == 0:
        return np.ones(n)
    p = pd.to_numeric(pd.Series(precision).reset_index(drop=True), errors="coerce")
    table = np.asarray(list(precision_local), float)
    p = p.where(p.isin(range(1, len(table) + 1)), 1).astype(int).to_numpy()
    return np.clip(table[p - 1], 0.0, 1.0)


def _local(region: Region) -> np.ndarray:
    return np.ones(len(region.inc_date)) if region.inc_local is None else region.inc_local


def incident_counts(region: Region, start, end, *, before=None) -> np.ndarray:
    """Return the number of incidents per village dated in ``[start, end]`` (inclusive days).

    ``before`` (optional) excludes incidents on or after that date (the no-look-ahead cut).
    """
    lo = np.datetime64(pd.Timestamp(start).date(), "D")
    hi = np.datetime64(pd.Timestamp(end).date(), "D")
    mask = (region.inc_date >= lo) & (region.inc_date <= hi)
    if before is not None:
        mask &= region.inc_date < np.datetime64(pd.Timestamp(before).date(), "D")
    n_v = len(region.village_code)
    w = _local(region)[mask]
    counts = np.bincount(region.inc_village[mask], weights=w, minlength=n_v).astype(float)
    spread = float(np.sum(1.0 - w))
    return counts + spread / n_v if spread > 0 else counts


def window_days(start, end) -> int:
    """Number of days of the inclusive window ``[start, end]`` (at least 1)."""
    return max(int((pd.Timestamp(end) - pd.Timestamp(start)).days) + 1, 1)


def active_venue_weights(region: Region, *, stage: str, start, end,
                         settings: Mapping) -> np.ndarray:
    """Return each venue's weight in the window: kind weight x crowd/1000 x share of days active."""
    kinds = (settings["venue_kinds"] or {}).get(stage, {}) or {}
    if len(region.venue_id) == 0:
        return np.zeros(0)
    lo = np.datetime64(pd.Timestamp(start).date(), "D")
    hi = np.datetime64(pd.Timestamp(end).date(), "D")
    v0 = np.where(np.isnat(region.venue_start), lo, np.maximum(region.venue_start, lo))
    v1 = np.where(np.isnat(region.venue_end), hi, np.minimum(region.venue_end, hi))
    overlap = np.clip((v1 - v0) / DAY + 1, 0, None) / window_days(start, end)
    kind_w = np.array([float(kinds.get(k, 0.0)) for k in region.venue_kind])
    crowd = np.where(np.isnan(region.venue_crowd), float(settings["default_crowd"]),
                     region.venue_crowd)
    return kind_w * crowd / 1000.0 * overlap


def active_venues_mask(region: Region, *, start, end) -> np.ndarray:
    """Venues whose dates overlap ``[start, end]`` (no dates: always active)."""
    lo = np.datetime64(pd.Timestamp(start).date(), "D")
    hi = np.datetime64(pd.Timestamp(end).date(), "D")
    ok_start = np.isnat(region.venue_start) | (region.venue_start <= hi)
    ok_end = np.isnat(region.venue_end) | (region.venue_end >= lo)
    return ok_start & ok_end


def region_venue_pairs(region: Region, max_distance: float) -> tuple[VenuePairs, VenuePairs]:
    """:func:`venue_pairs` of ``region``'s villages, TPS and venues (kept with the region)."""
    key = ("venue_pairs", float(max_distance))
    if key not in region.cache:
        region.cache[key] = venue_pairs(region.village_geoms, region.tps_xy, region.venue_xy,
                                        max_distance)
    return region.cache[key]


def venue_kernels(region: Region,
                  settings: Mapping) -> tuple[sparse.csr_array, sparse.csr_array]:
    """``exp(-d / bandwidth)`` from every village and TPS to every venue (0 beyond the max
    distance), sparse (villages x venues, TPS x venues), computed once per region and
    settings."""
    bw, dmax = float(settings["venue_bandwidth_m"]), float(settings["venue_max_distance_m"])
    key = ("venue_kernels", bw, dmax)
    if key not in region.cache:
        region.cache[key] = tuple(p.matrix(np.exp(-p.metres / bw))
                                  for p in region_venue_pairs(region, dmax))
    return region.cache[key]


def _pairs(region: Region, which: str, max_distance: float) -> tuple[np.ndarray, ...]:
    """(point index, incident index, distance) of every pair closer than ``max_distance``."""
    key = ("pairs", which, max_distance)
    if key not in region.cache:
        points = region.tps_xy if which == "tps" else region.rep_xy
        if len(points) == 0 or len(region.inc_xy) == 0:
            region.cache[key] = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
        else:
            rec = cKDTree(points).sparse_distance_matrix(cKDTree(region.inc_xy), max_distance,
                                                         output_type="ndarray")
            order = np.lexsort((rec["j"], rec["i"]))
            rec = rec[order]
            region.cache[key] = (rec["i"].astype(int), rec["j"].astype(int),
                                 rec["v"].astype(float))
    return region.cache[key]


def _near_repeat(region: Region, which: str, as_of: np.datetime64, nr: Mapping) -> np.ndarray:
    """Prospective-hotspot intensity at the TPS (``which="tps"``) or the villages'
    representative points (``"rep"``) from incidents before ``as_of``."""
    n = len(region.tps_xy) if which == "tps" else len(region.rep_xy)
    i, j, d = _pairs(region, which, float(nr["max_distance_m"]))
    age = (as_of - region.inc_date[j]) / DAY
    ok = (age > 0) & (age <= float(nr["max_age_days"]))
    k = 1.0 / ((1.0 + d[ok] / float(nr["distance_m"])) * (1.0 + age[ok] / float(nr["time_days"])))
    k = k * _local(region)[j[ok]]
    return np.bincount(i[ok], weights=k, minlength=n).astype(float)


@dataclass
class WindowFeatures:
    """Features of one window: per village, per TPS, and the venue exposures behind them."""

    village: pd.DataFrame          # one row per village (Region order), feature columns
    tps: pd.DataFrame              # one row per TPS (Region order)
    venue_weights: np.ndarray      # (W,) weight of each venue in the window
    venue_active: np.ndarray       # (W,) bool
    kernel_village: sparse.csr_array   # (V, W) distance kernel, 0 beyond the max distance
    kernel_tps: sparse.csr_array       # (T, W)
    tps_pairs: VenuePairs              # the (TPS, venue) pairs behind kernel_tps

    @cached_property
    def venue_village(self) -> sparse.csr_array:
        """(V, W) exposure of each village to each venue (sparse)."""
        return self.kernel_village @ sparse.diags_array(self.venue_weights)


def features_as_of(
    region: Region,
    *,
    stage: str,
    start,
    end,
    past_windows: Sequence[tuple] = (),
    settings: Mapping,
) -> WindowFeatures:
    """Return the features of the window ``[start, end]`` of ``stage`` as of ``start``.

    Only incidents dated strictly before ``start`` are used. ``past_windows`` are
    ``(name, stage, start, end)`` tuples; those of the same stage that ended before ``start``
    give the ``same_stage`` history. ``settings`` is :func:`feature_settings` output.
    """
    as_of = np.datetime64(pd.Timestamp(start).date(), "D")
    n_v = len(region.village_code)
    age = (as_of - region.inc_date) / DAY
    before = age > 0
    sev_w = np.asarray(settings["severity_weights"], float)
    w_sev = sev_w[np.clip(region.inc_severity, 1, len(sev_w)) - 1]
    loc = _local(region)
    decay = np.where(before, 0.5 ** (np.clip(age, 0, None) / float(settings["half_life_days"])),
                     0.0) * w_sev * loc
    vil: dict[str, np.ndarray] = {}
    for group, kinds in settings["kind_groups"].items():
        m = np.isin(region.inc_kind, list(kinds))
        vil[f"inc_{group}"] = np.bincount(region.inc_village, weights=decay * m, minlength=n_v)
        hist = m & before & (age <= float(settings["history_days"]))
        vil[f"n_{group}"] = np.bincount(region.inc_village[hist], weights=loc[hist],
                                        minlength=n_v)
    recent = before & (age <= float(settings["recent_days"]))
    vil["inc_recent"] = np.bincount(region.inc_village[recent], weights=loc[recent],
                                    minlength=n_v)

    same = [(s0, s1) for (_, st, s0, s1) in past_windows
            if st == stage and pd.Timestamp(s1) < pd.Timestamp(start)]
    if same:
        counts = [incident_counts(region, s0, s1, before=start) for s0, s1 in same]
        vil["same_stage"] = np.mean(counts, axis=0)
    else:
        vil["same_stage"] = np.zeros(n_v)

    elections: dict[str, list[np.ndarray]] = {}
    for name, _, s0, s1 in past_windows:
        if pd.Timestamp(s1) < pd.Timestamp(start):
            elections.setdefault(str(name), []).append(
                incident_counts(region, s0, s1, before=start))
    vil["past_elections"] = (np.mean([np.sum(c, axis=0) for c in elections.values()], axis=0)
                             if elections else np.zeros(n_v))

    nr = settings["near_repeat"]
    nr_tps = _near_repeat(region, "tps", as_of, nr)
    nr_rep = _near_repeat(region, "rep", as_of, nr)
    n_tps_v = np.bincount(region.tps_village, minlength=n_v)
    sum_nr = np.bincount(region.tps_village, weights=nr_tps, minlength=n_v)
    vil["near_repeat"] = np.where(n_tps_v > 0, sum_nr / np.maximum(n_tps_v, 1), nr_rep)

    weights = active_venue_weights(region, stage=stage, start=start, end=end, settings=settings)
    kv, kt = venue_kernels(region, settings)
    vil["venue"] = kv @ weights

    voters_v = np.bincount(region.tps_village, weights=region.tps_voters, minlength=n_v)
    vil["voters"] = voters_v
    vil["tps_per_km2"] = n_tps_v / region.area_km2
    hard_v = np.bincount(region.tps_village, weights=region.tps_hard.astype(float), minlength=n_v)
    vil["hard_to_reach"] = np.where(n_tps_v > 0, hard_v / np.maximum(n_tps_v, 1), 0.0)
    vil["police_km"] = region.police_km_village
    closeness_t, closeness_v = _closeness(region)
    vil["close_contest"] = closeness_v
    vil["area_km2"] = region.area_km2
    village = pd.DataFrame(vil)
    village.insert(0, "village_code", region.village_code)

    tps = pd.DataFrame({
        "tps_id": region.tps_id,
        "village": region.tps_village,
        "voters": region.tps_voters,
        "near_repeat": nr_tps,
        "venue": kt @ weights,
        "hard_to_reach": region.tps_hard,
        "special": region.tps_special,
        "police_km": region.police_km_tps,
        "close_contest": closeness_t,
        "last_margin": region.tps_margin,
    })
    return WindowFeatures(village=village, tps=tps, venue_weights=weights,
                          venue_active=active_venues_mask(region, start=start, end=end),
                          kernel_village=kv, kernel_tps=kt,
                          tps_pairs=region_venue_pairs(
                              region, float(settings["venue_max_distance_m"]))[1])


def _closeness(region: Region) -> tuple[np.ndarray, np.ndarray]:
    """Closeness of the last contest (1 - margin) per TPS and per village (regional mean fill)."""
    n_v = len(region.village_code)
    m = region.tps_margin
    known = ~np.isnan(m)
    if not known.any():
        return np.zeros(len(m)), np.zeros(n_v)
    close = np.where(known, 1.0 - np.clip(m, 0.0, 1.0), np.nan)
    fill = float(np.nanmean(close))
    s = np.bincount(region.tps_village[known], weights=close[known], minlength=n_v)
    c = np.bincount(region.tps_village[known], minlength=n_v)
    vil = np.where(c > 0, s / np.maximum(c, 1), fill)
    return np.where(known, close, vil[region.tps_village]), vil
