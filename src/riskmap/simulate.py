"""Planted-truth regions: synthetic kabupaten whose true incident intensity is known.

A simulated region has the same in-memory form as the inputs of
:func:`riskmap.model.score_stage` (GeoDataFrames in a UTM CRS), many past elections and all
five stages, and the *planted truth*: the expected number of incidents of every village in
every stage window of the current election. That makes the best possible map (the oracle)
known, so a model's capture can be compared with it.

Shapes (``shape``)
------------------
``grid``     square villages on a grid;
``voronoi``  irregular villages (Voronoi cells of random seeds);
``strip``    elongated villages on both banks of a river, settlements along the river.

The generative model (rates are :class:`SimParams` fields)
----------------------------------------------------------
1. *Hot communities*: village propensity ``h_v = LogNormal(0, propensity_sigma)``, a share
   ``hot_share`` of villages (drawn by voters) ``x hot_factor``; and the closeness of the last
   contest ``c_v`` (``1 - last_margin``) multiplies it by ``exp(contest_effect (c_v - mean c))``.
2. *Village incidents*: stage ``s`` of election ``e`` expects
   ``stage_total[s] x scale x f_e`` incidents (``f_e`` a mean-one log-normal election factor,
   ``scale`` = villages / 127) shared by ``voters_v x h_v``, dated uniformly in the window, placed
   near a TPS of the village.
3. *Venue crowds*: every venue whose kind matters in the stage adds
   ``venue_rate[s] x kind weight x crowd / 1000 x (share of the window it is active)`` incidents
   within about ``venue_spread_m`` of it.
4. *Self-excitation*: every incident triggers ``Poisson(repeat_mean)`` repeats within about
   ``repeat_m`` and ``repeat_days`` (recursively).
5. *Background*: ``background_per_year x scale`` incidents a year outside the windows (step 2's
   shares).

The planted truth of a village in a window is the expected count of its first-generation
incidents (steps 2-3) times ``1 / (1 - repeat_mean)`` (their expected repeats).
``truth_known`` is the same with the latent propensity (the log-normal ``h_v``, the hot
communities, the hidden field) replaced by its mean: the best map of a mapper who knows every
covariate the model sees exactly (voters, the contest, the venues) but has no history to learn
the latent part from. The gap between the two oracles is what history has to teach.

Command line (a contract region folder for benchmarks of the other steps)::

    python -m riskmap.simulate --n-tps 1500 --seed 1 --out DIR [--shape grid|voronoi|strip]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import MultiPoint, Point, box

from riskmap.geo import WGS84

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")
SHAPES = ("grid", "voronoi", "strip")

# The 2024 calendar (KPU); earlier elections repeat it every five years.
CALENDAR_2024 = {
    "campaign": ("2023-11-28", "2024-02-10"),
    "quiet_period": ("2024-02-11", "2024-02-13"),
    "voting": ("2024-02-14", "2024-02-14"),
    "recapitulation": ("2024-02-15", "2024-03-20"),
    "announcement": ("2024-03-21", "2024-03-31"),
}

STAGE_KINDS = {
    "campaign": {"hate_speech": 3, "demonstration": 2, "vandalism": 3, "clash": 1,
                 "intimidation": 1},
    "quiet_period": {"vote_buying": 4, "intimidation": 2, "hate_speech": 1},
    "voting": {"intimidation": 2, "vote_buying": 2, "logistics_disruption": 2, "clash": 1,
               "other": 1},
    "recapitulation": {"demonstration": 3, "logistics_disruption": 2, "intimidation": 1},
    "announcement": {"demonstration": 4, "riot": 1, "clash": 1},
    "background": {"other": 2, "clash": 1, "intimidation": 1, "vandalism": 1},
}
KIND_TEXT = {
    "demonstration": "Unjuk rasa", "riot": "Kerusuhan", "clash": "Bentrokan antarpendukung",
    "intimidation": "Intimidasi", "vote_buying": "Dugaan politik uang",
    "vandalism": "Perusakan alat peraga", "hate_speech": "Ujaran kebencian",
    "logistics_disruption": "Gangguan distribusi logistik", "other": "Gangguan kamtibmas lain",
}


@dataclass(frozen=True)
class SimParams:
    """Rates of the planted-truth generator (see the module docstring)."""

    stage_total: dict = field(default_factory=lambda: {
        "campaign": 16.0, "quiet_period": 5.0, "voting": 9.0, "recapitulation": 6.0,
        "announcement": 5.0})
    venue_rate: dict = field(default_factory=lambda: {
        "campaign": 0.35, "quiet_period": 0.2, "voting": 0.0, "recapitulation": 1.2,
        "announcement": 2.0})
    venue_kinds: dict = field(default_factory=lambda: {
        "campaign": {"campaign_site": 1.0, "party_office": 0.5, "vvip_visit": 1.0},
        "quiet_period": {"party_office": 0.5},
        "voting": {},
        "recapitulation": {"ppk_office": 1.0, "kpu_office": 1.0, "logistics_warehouse": 1.0},
        "announcement": {"kpu_office": 1.0, "ppk_office": 1.0, "logistics_warehouse": 0.5}})
    election_sigma: float = 0.2
    hot_share: float = 0.10
    hot_factor: float = 4.0
    propensity_sigma: float = 0.5
    contest_effect: float = 1.5
    repeat_mean: float = 0.3
    repeat_m: float = 700.0
    repeat_days: float = 14.0
    venue_spread_m: float = 150.0
    background_per_year: float = 8.0
    campaign_sites_per_village: float = 0.12
    contest_form: str = "linear"      # "step": x contest_step_factor where closeness > 0.8
    contest_step_factor: float = 3.0
    hidden_field_sigma: float = 0.0   # > 0: a smooth spatial covariate the model never sees


@dataclass
class SimRegion:
    """A simulated region in the form :func:`riskmap.model.score_stage` takes, plus its truth."""

    name: str
    shape: str
    seed: int
    crs: CRS
    areas: gpd.GeoDataFrame
    tps: gpd.GeoDataFrame
    venues: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    units: gpd.GeoDataFrame
    stages: dict              # stage -> (start, end) Timestamps of the current election
    past_elections: list      # [{"name": str, "stages": {stage: (start, end)}}]
    truth: dict               # stage -> planted expected incidents per village (village_code order)
    truth_known: dict = field(default_factory=dict)   # the same without the latent propensity
    personnel: int = 0

    @property
    def past_windows(self) -> list[tuple]:
        """``(election, stage, start, end)`` of the past elections, by start."""
        out = [(e["name"], s, a, b) for e in self.past_elections
               for s, (a, b) in e["stages"].items()]
        return sorted(out, key=lambda t: (t[2], t[3], t[1]))


# --------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------


def _origin(crs: CRS, lon: float, lat: float) -> tuple[float, float]:
    t = Transformer.from_crs(WGS84, crs, always_xy=True)
    return t.transform(lon, lat)


def village_polygons(shape: str, n: int, rng: np.random.Generator, *, x0: float,
                     y0: float) -> list:
    """Return about ``n`` village polygons of the given ``shape`` (metres, from ``(x0, y0)``)."""
    if shape == "grid":
        cols = int(np.ceil(np.sqrt(n * 1.5)))
        rows = int(np.ceil(n / cols))
        side = 2500.0
        return [box(x0 + j * side, y0 + i * side, x0 + (j + 1) * side, y0 + (i + 1) * side)
                for i in range(rows) for j in range(cols)][:n]
    if shape == "voronoi":
        width = np.sqrt(n * 1.5) * 2500.0
        height = width / 1.5
        frame = box(x0, y0, x0 + width, y0 + height)
        pts = np.column_stack([x0 + rng.uniform(0, width, n), y0 + rng.uniform(0, height, n)])
        cells = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(pts), extend_to=frame))
        cells = [c.intersection(frame) for c in cells]
        cells = [c for c in cells if c.area > 1.0]
        return sorted(cells, key=lambda c: (round(c.centroid.y, 3), round(c.centroid.x, 3)))
    if shape == "strip":
        half = (n + 1) // 2
        widths = rng.uniform(700.0, 1800.0, half)
        edges = np.concatenate([[0.0], np.cumsum(widths)])
        depth = rng.uniform(5000.0, 10000.0, half)
        polys = []
        for bank in (1, -1):
            for k in range(half):
                if len(polys) >= n:
                    break
                a, b = x0 + edges[k], x0 + edges[k + 1]
                d = depth[k] * rng.uniform(0.8, 1.2)
                polys.append(box(a, y0, b, y0 + d) if bank == 1 else box(a, y0 - d, b, y0))
        return polys
    raise ValueError(f"shape: unknown {shape!r}; one of {', '.join(SHAPES)}")


def _point_in(poly, centre: tuple[float, float], sigma: float, rng: np.random.Generator) -> Point:
    for _ in range(50):
        p = Point(centre[0] + rng.normal(0, sigma), centre[1] + rng.normal(0, sigma))
        if poly.contains(p):
            return p
    return poly.representative_point()


def _subdistricts(polys: list, n_sub: int) -> np.ndarray:
    """Subdistrict number (1..) of each village: bands of centroids over the bounding box."""
    c = np.array([[p.centroid.x, p.centroid.y] for p in polys])
    k = max(int(np.ceil(np.sqrt(n_sub))), 1)
    xs = np.quantile(c[:, 0], np.linspace(0, 1, k + 1)[1:-1]) if k > 1 else np.array([])
    ys = np.quantile(c[:, 1], np.linspace(0, 1, k + 1)[1:-1]) if k > 1 else np.array([])
    cell = np.searchsorted(xs, c[:, 0]) * k + np.searchsorted(ys, c[:, 1])
    _, number = np.unique(cell, return_inverse=True)
    return number + 1


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


def _calendar(year_shift: int) -> dict:
    out = {}
    for s, (a, b) in CALENDAR_2024.items():
        out[s] = (pd.Timestamp(a) - pd.DateOffset(years=year_shift),
                  pd.Timestamp(b) - pd.DateOffset(years=year_shift))
    return out


def _draw(rng: np.random.Generator, table: dict) -> str:
    kinds = sorted(table)
    w = np.array([table[k] for k in kinds], float)
    return kinds[int(rng.choice(len(kinds), p=w / w.sum()))]


#: Kecamatan per region at most: a 9 x 9 grid of bands (:func:`_subdistricts`), under the 99
#: that the two digits of a Kemendagri kecamatan code allow.
MAX_SUBDISTRICTS = 81


def simulate_region(
    *,
    shape: str = "grid",
    n_tps: int = 390,
    seed: int = 1,
    n_past_elections: int = 4,
    params: SimParams | None = None,
    lon: float = 113.9,
    lat: float = -1.1,
    calendar: str = "cycle",
) -> SimRegion:
    """Make a planted-truth region (deterministic for a seed).

    Parameters
    ----------
    shape
        ``grid``, ``voronoi`` or ``strip``.
    n_tps
        Number of TPS (villages: about one per three TPS).
    n_past_elections
        Earlier elections (every five years before 2024) with all five stages.
    lon, lat
        Where the region's south-west corner lies (WGS84); its UTM zone is the CRS.
    calendar
        ``cycle``: the 2024 calendar repeated every five years (``n_past_elections`` earlier
        elections); ``builtin``: the built-in KPU calendars of the national elections before
        Pemilu 2024 (:mod:`riskmap.calendars`: Pemilu Legislatif and Presiden 2014, Pemilu
        2019), the current election Pemilu 2024 (``n_past_elections`` is ignored).
    """
    p = params or SimParams()
    rng = np.random.default_rng(seed)
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    crs = CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)
    x0, y0 = _origin(crs, lon, lat)
    n_vil = max(int(round(n_tps / 3.07)), 4)
    polys = village_polygons(shape, n_vil, rng, x0=x0, y0=y0)
    n_vil = len(polys)
    scale = n_vil / 127.0

    # villages, settlements, subdistricts
    # about ten villages per kecamatan, at most MAX_SUBDISTRICTS (a kecamatan code has two
    # digits: 62.10.03); larger regions get larger kecamatan
    sub = _subdistricts(polys, min(max(n_vil // 10, 1), MAX_SUBDISTRICTS))
    if shape == "strip":
        settle = []
        for poly in polys:
            b = poly.bounds
            yy = b[1] + 300.0 if b[1] >= y0 - 1 else b[3] - 300.0
            settle.append(((b[0] + b[2]) / 2.0, yy))
    else:
        settle = [(poly.representative_point().x, poly.representative_point().y) for poly in polys]
    counters: dict[int, int] = {}
    codes, names = [], []
    for k in range(n_vil):
        counters[sub[k]] = counters.get(sub[k], 0) + 1
        codes.append(f"99.01.{sub[k]:02d}.{2000 + counters[sub[k]]:04d}")
        names.append(f"Desa Simulasi {k + 1}")
    areas = gpd.GeoDataFrame({
        "village_code": codes, "village_name": names,
        "subdistrict_code": [f"99.01.{s:02d}" for s in sub],
        "subdistrict_name": [f"Kecamatan Simulasi {s}" for s in sub],
    }, geometry=polys, crs=crs)

    # TPS: spread n_tps over villages (at least one each)
    extra = rng.multinomial(max(n_tps - n_vil, 0), np.full(n_vil, 1.0 / n_vil))
    n_t_v = 1 + extra
    if n_tps < n_vil:
        n_t_v = np.ones(n_vil, int)
    seat_dist = np.hypot(*(np.array(settle) - np.array(settle).mean(axis=0)).T)
    hard_v = seat_dist >= np.quantile(seat_dist, 0.95)
    base_margin = rng.beta(2.0, 3.0, n_vil)
    tps_rows = []
    for v in range(n_vil):
        for t in range(n_t_v[v]):
            pt = _point_in(polys[v], settle[v], 400.0, rng)
            m = float(np.clip(base_margin[v] + rng.normal(0, 0.05), 0.0, 1.0))
            tps_rows.append({
                "tps_id": codes[v].replace(".", "") + f"{t + 1:03d}",
                "village_code": codes[v],
                "voters": int(rng.integers(150, 300)),
                "hard_to_reach": bool(hard_v[v]),
                "special": bool(rng.random() < 0.01),
                "last_margin": round(m, 4) if rng.random() > 0.2 else np.nan,
                "geometry": pt,
            })
    tps = gpd.GeoDataFrame(tps_rows, geometry="geometry", crs=crs)
    voters_v = tps.groupby("village_code")["voters"].sum().reindex(codes).to_numpy(float)

    # units: Polres at the central seat, a Polsek at each subdistrict seat
    centre = int(np.argmin(seat_dist))
    unit_rows = [{"unit_id": "POLRES-SIM", "kind": "polres", "name": "Polres Simulasi",
                  "personnel": int(60 + n_vil // 2), "geometry": Point(settle[centre])}]
    seats = {}
    for s in np.unique(sub):
        members = np.flatnonzero(sub == s)
        seat = int(members[np.argmax(voters_v[members])])
        seats[int(s)] = seat
        unit_rows.append({"unit_id": f"POLSEK-{s:02d}", "kind": "polsek",
                          "name": f"Polsek Simulasi {s}", "personnel": 7,
                          "geometry": Point(settle[seat])})
    units = gpd.GeoDataFrame(unit_rows, geometry="geometry", crs=crs)

    # elections and venues
    elections = _elections(calendar, n_past_elections)
    venue_rows = [
        {"venue_id": "KPU-SIM", "kind": "kpu_office", "name": "Kantor KPU Kabupaten",
         "start": pd.NaT, "end": pd.NaT, "expected_crowd": 300.0,
         "geometry": _point_in(polys[centre], settle[centre], 200.0, rng)},
        {"venue_id": "GUDANG-SIM", "kind": "logistics_warehouse", "name": "Gudang Logistik KPU",
         "start": pd.NaT, "end": pd.NaT, "expected_crowd": 80.0,
         "geometry": _point_in(polys[centre], settle[centre], 300.0, rng)},
    ]
    for s, seat in seats.items():
        venue_rows.append({"venue_id": f"PPK-{s:02d}", "kind": "ppk_office",
                           "name": f"Kantor PPK Kecamatan Simulasi {s}", "start": pd.NaT,
                           "end": pd.NaT, "expected_crowd": 60.0,
                           "geometry": _point_in(polys[seat], settle[seat], 200.0, rng)})
    pv = voters_v / voters_v.sum()
    for e in elections:
        year = e.get("tag", e["name"][-4:])
        c0, c1 = e["stages"]["campaign"]
        q1 = e["stages"]["quiet_period"][1]
        n_sites = max(int(rng.poisson(p.campaign_sites_per_village * n_vil)), 1)
        for k in range(n_sites):
            v = int(rng.choice(n_vil, p=pv))
            day = c0 + pd.Timedelta(days=int(rng.integers(0, (c1 - c0).days + 1)))
            length = int(rng.integers(1, 4))
            venue_rows.append({
                "venue_id": f"KAMP-{year}-{k + 1:03d}", "kind": "campaign_site",
                "name": f"Lokasi kampanye {k + 1} ({year})", "start": day,
                "end": min(day + pd.Timedelta(days=length - 1), c1),
                "expected_crowd": float(rng.choice([200, 500, 1000, 2000, 3000])),
                "geometry": _point_in(polys[v], settle[v], 300.0, rng)})
        for k in range(max(n_vil // 15, 1)):
            v = int(rng.choice(n_vil, p=pv))
            venue_rows.append({
                "venue_id": f"POSKO-{year}-{k + 1:03d}", "kind": "party_office",
                "name": f"Posko partai {k + 1} ({year})", "start": c0, "end": q1,
                "expected_crowd": 100.0,
                "geometry": _point_in(polys[v], settle[v], 300.0, rng)})
        v = int(rng.choice(n_vil, p=pv))
        day = c0 + pd.Timedelta(days=int(rng.integers(0, (c1 - c0).days + 1)))
        venue_rows.append({
            "venue_id": f"VVIP-{year}", "kind": "vvip_visit", "name": f"Kunjungan VVIP ({year})",
            "start": day, "end": day, "expected_crowd": 3000.0,
            "geometry": _point_in(polys[v], settle[v], 200.0, rng)})
    venues = gpd.GeoDataFrame(venue_rows, geometry="geometry", crs=crs)
    venues["start"] = pd.to_datetime(venues["start"])
    venues["end"] = pd.to_datetime(venues["end"])

    # planted propensity
    h = rng.lognormal(0.0, p.propensity_sigma, n_vil)
    n_hot = max(int(round(p.hot_share * n_vil)), 1)
    hot = rng.choice(n_vil, size=n_hot, replace=False, p=pv)
    h[hot] *= p.hot_factor
    close = 1.0 - base_margin
    if p.contest_form == "step":
        contest = np.where(close > 0.8, p.contest_step_factor, 1.0)
    else:
        contest = np.exp(p.contest_effect * (close - close.mean()))
    h *= contest
    known_v = voters_v * contest / np.sum(voters_v * contest)
    if p.hidden_field_sigma > 0:
        h *= np.exp(p.hidden_field_sigma * _hidden_field(np.asarray(settle), rng))
    share_v = voters_v * h / np.sum(voters_v * h)

    vil_geoms = np.asarray(polys, dtype=object)
    tree = shapely.STRtree(vil_geoms)
    venue_vil = np.array([int(tree.nearest(g)) for g in venues.geometry])
    tps_of = [np.flatnonzero(tps["village_code"].to_numpy() == c) for c in codes]
    tps_xy = np.column_stack([tps.geometry.x, tps.geometry.y])

    first: list[dict] = []
    truth: dict = {}
    truth_known: dict = {}
    for e in elections:
        f_e = float(rng.lognormal(-p.election_sigma ** 2 / 2, p.election_sigma))
        current = e is elections[-1]
        for s in STAGES:
            a, b = e["stages"][s]
            days = (b - a).days + 1
            lam_v = p.stage_total[s] * scale * f_e * share_v
            lam_venue = np.zeros(n_vil)
            vw = _venue_weights(venues, s, a, b, p)
            np.add.at(lam_venue, venue_vil, vw)
            if current:
                truth[s] = (lam_v + lam_venue) / (1.0 - p.repeat_mean)
                truth_known[s] = (lam_v.sum() * known_v + lam_venue) / (1.0 - p.repeat_mean)
            for v in range(n_vil):
                for _ in range(int(rng.poisson(lam_v[v]))):
                    t = int(rng.choice(tps_of[v]))
                    xy = tps_xy[t] + rng.normal(0, 150.0, 2)
                    first.append({"date": a + pd.Timedelta(days=int(rng.integers(0, days))),
                                  "xy": xy, "kind": _draw(rng, STAGE_KINDS[s])})
            for j in np.flatnonzero(vw > 0):
                g = venues.geometry.iat[j]
                v0 = venues["start"].iat[j]
                v1 = venues["end"].iat[j]
                lo = a if pd.isna(v0) else max(a, v0)
                hi = b if pd.isna(v1) else min(b, v1)
                for _ in range(int(rng.poisson(vw[j]))):
                    xy = np.array([g.x, g.y]) + rng.normal(0, p.venue_spread_m, 2)
                    first.append({"date": lo + pd.Timedelta(
                        days=int(rng.integers(0, (hi - lo).days + 1))),
                        "xy": xy, "kind": _draw(rng, STAGE_KINDS[s])})
    # background between the first election and the end of the current one
    t0 = elections[0]["stages"]["campaign"][0] - pd.DateOffset(years=1)
    t1 = elections[-1]["stages"]["announcement"][1]
    n_bg = int(rng.poisson(p.background_per_year * scale * (t1 - t0).days / 365.25))
    for _ in range(n_bg):
        v = int(rng.choice(n_vil, p=share_v))
        t = int(rng.choice(tps_of[v]))
        first.append({"date": t0 + pd.Timedelta(days=int(rng.integers(0, (t1 - t0).days + 1))),
                      "xy": tps_xy[t] + rng.normal(0, 150.0, 2),
                      "kind": _draw(rng, STAGE_KINDS["background"])})
    # self-excitation
    queue = list(first)
    events = []
    while queue:
        ev = queue.pop()
        events.append(ev)
        for _ in range(int(rng.poisson(p.repeat_mean))):
            queue.append({"date": ev["date"] + pd.Timedelta(
                days=int(rng.exponential(p.repeat_days))),
                "xy": ev["xy"] + rng.normal(0, p.repeat_m / 2.0, 2), "kind": ev["kind"]})
    frame = gpd.GeoDataFrame(
        {"date": [e["date"] for e in events], "kind": [e["kind"] for e in events]},
        geometry=[Point(*e["xy"]) for e in events], crs=crs)
    region_shape = shapely.union_all(vil_geoms)
    frame = frame[frame.geometry.within(region_shape) & (frame["date"] <= t1)]
    frame = frame.assign(_x=frame.geometry.x).sort_values(["date", "_x"]).drop(columns="_x")
    frame = frame.reset_index(drop=True)
    frame.insert(0, "incident_id", [f"SIM-{i + 1:05d}" for i in range(len(frame))])
    frame["severity"] = rng.choice([1, 2, 3], size=len(frame), p=[0.6, 0.3, 0.1])
    frame["date"] = pd.to_datetime(frame["date"])

    order = np.argsort(np.asarray(codes))
    truth = {s: v[order] for s, v in truth.items()}
    truth_known = {s: v[order] for s, v in truth_known.items()}
    current = elections[-1]
    return SimRegion(
        name=f"Kabupaten Simulasi ({shape}, seed {seed})", shape=shape, seed=seed, crs=crs,
        areas=areas, tps=tps, venues=venues, incidents=frame, units=units,
        stages=current["stages"], past_elections=elections[:-1], truth=truth,
        truth_known=truth_known,
        personnel=int(units["personnel"].sum()))


def _elections(calendar: str, n_past: int) -> list[dict]:
    """The simulated elections, oldest first, the current one last."""
    if calendar == "cycle":
        return [{"name": f"Pemilu {2024 - 5 * k}", "stages": _calendar(5 * k)}
                for k in range(n_past, -1, -1)]
    if calendar == "builtin":
        from riskmap.calendars import builtin_elections

        nat = [e for e in builtin_elections() if e["kind"] == "national" and e["year"] <= 2024
               and set(e["stages"]) == set(STAGES)]
        tags = {}
        out = []
        for e in nat:
            tag = str(e["year"])
            tags[tag] = tags.get(tag, 0) + 1
            out.append({"name": e["name"], "stages": dict(e["stages"]),
                        "tag": tag if tags[tag] == 1 else f"{tag}-{tags[tag]}"})
        return out
    raise ValueError(f"calendar: unknown {calendar!r}; cycle or builtin")


def _hidden_field(xy: np.ndarray, rng: np.random.Generator, n_bumps: int = 6) -> np.ndarray:
    """A smooth standardised field over the points: a sum of Gaussian bumps (a covariate such
    as a market or a mine that the model does not see)."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = float(np.max(hi - lo)) or 1.0
    centres = lo + rng.uniform(0, 1, (n_bumps, 2)) * (hi - lo)
    width = span * rng.uniform(0.08, 0.2, n_bumps)
    sign = rng.choice([-1.0, 1.0], n_bumps)
    d2 = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    f = (sign * np.exp(-d2 / (2 * width ** 2))).sum(axis=1)
    sd = f.std()
    return (f - f.mean()) / sd if sd > 0 else np.zeros(len(f))


def _venue_weights(venues: gpd.GeoDataFrame, stage: str, a, b, p: SimParams) -> np.ndarray:
    """Expected first-generation incidents of each venue in the window ``[a, b]``."""
    kinds = p.venue_kinds.get(stage, {})
    rate = p.venue_rate.get(stage, 0.0)
    days = (b - a).days + 1
    out = np.zeros(len(venues))
    for j in range(len(venues)):
        k = kinds.get(venues["kind"].iat[j], 0.0)
        if k <= 0 or rate <= 0:
            continue
        v0, v1 = venues["start"].iat[j], venues["end"].iat[j]
        lo = a if pd.isna(v0) else max(a, v0)
        hi = b if pd.isna(v1) else min(b, v1)
        active = (hi - lo).days + 1
        if active <= 0:
            continue
        crowd = venues["expected_crowd"].iat[j]
        out[j] = rate * k * crowd / 1000.0 * active / days
    return out


# --------------------------------------------------------------------------------------------
# Writing a contract region folder
# --------------------------------------------------------------------------------------------


def _lonlat(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    geo = gdf.to_crs(WGS84)
    out = pd.DataFrame(gdf.drop(columns="geometry"))
    out["lat"] = np.round(geo.geometry.y.to_numpy(), 6)
    out["lon"] = np.round(geo.geometry.x.to_numpy(), 6)
    return out


def _iso(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%d").fillna("")


def _stage_block(stages: dict, indent: str) -> str:
    lines = []
    for s in STAGES:
        a, b = stages[s]
        lines.append(f"{indent}{s + ':':<16}{{start: {a.date().isoformat()}, "
                     f"end: {b.date().isoformat()}}}")
    return "\n".join(lines)


def region_yaml(sim: SimRegion) -> str:
    """The ``region.yaml`` text of a simulated region (``synthetic: true``)."""
    past = "\n".join(f"  - name: {e['name']}\n    stages:\n" + _stage_block(e["stages"], "      ")
                     for e in sim.past_elections)
    return (
        f"# Synthetic region made by: python -m riskmap.simulate --shape {sim.shape} "
        f"--seed {sim.seed}\n"
        f"name: {sim.name}\n"
        'code: "99.01"\n'
        "synthetic: true\n"
        f"personnel: {sim.personnel}\n"
        "stages:\n" + _stage_block(sim.stages, "  ") + "\n"
        "past_elections:\n" + past + "\n"
    )


def write_region(sim: SimRegion, folder: Path | str) -> dict[str, int]:
    """Write ``sim`` as a contract region folder; return the row count of each file.

    Writes ``areas.geojson`` (EPSG:4326), ``tps.csv``, ``venues.csv``, ``incidents.csv``,
    ``units.csv`` and ``region.yaml`` (``synthetic: true``, the stage calendar and
    ``past_elections``). The planted truth goes to ``truth/planted_truth.csv`` (expected
    incidents per village and stage of the current election).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sim.areas.to_crs(WGS84).to_file(folder / "areas.geojson", driver="GeoJSON",
                                    engine="pyogrio")
    tps = _lonlat(sim.tps)[["tps_id", "village_code", "lat", "lon", "voters", "hard_to_reach",
                            "special", "last_margin"]]
    venues = _lonlat(sim.venues)
    venues["start"] = _iso(venues["start"])
    venues["end"] = _iso(venues["end"])
    venues["expected_crowd"] = venues["expected_crowd"].round().astype(int)
    venues = venues[["venue_id", "kind", "name", "lat", "lon", "start", "end", "expected_crowd"]]
    inc = _lonlat(sim.incidents)
    inc["date"] = _iso(inc["date"])
    inc["description"] = [f"{KIND_TEXT.get(k, k)} (data sintetis)" for k in inc["kind"]]
    inc = inc[["incident_id", "date", "kind", "lat", "lon", "severity", "description"]]
    units = _lonlat(sim.units)[["unit_id", "kind", "name", "lat", "lon", "personnel"]]
    for name, frame in (("tps", tps), ("venues", venues), ("incidents", inc), ("units", units)):
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    (folder / "region.yaml").write_text(region_yaml(sim), encoding="utf-8")
    truth_dir = folder / "truth"
    truth_dir.mkdir(exist_ok=True)
    codes = np.sort(sim.areas["village_code"].to_numpy())
    truth = pd.DataFrame({"village_code": codes,
                          **{s: np.round(sim.truth[s], 6) for s in STAGES}})
    truth.to_csv(truth_dir / "planted_truth.csv", index=False, lineterminator="\n")
    return {"areas": len(sim.areas), "tps": len(tps), "venues": len(venues),
            "incidents": len(inc), "units": len(units)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic planted-truth region folder in the contract's format.")
    parser.add_argument("--n-tps", type=int, default=390)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="voronoi")
    parser.add_argument("--past-elections", type=int, default=4)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sim = simulate_region(shape=args.shape, n_tps=args.n_tps, seed=args.seed,
                          n_past_elections=args.past_elections)
    counts = write_region(sim, args.out)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
