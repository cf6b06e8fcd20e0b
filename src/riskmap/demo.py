"""Build the Gunung Mas demo region: real boundaries and TPS counts, labelled synthetic data.

Real (copied in ``data/sources/kalteng/``, see its SOURCES.md):
  the 127 desa/kelurahan polygons and codes, the 12 kecamatan, the number of TPS per desa for
  Pemilu 2024 (390), voters per TPS from the 2019 DPT where the TPS existed in 2019, and the 2019
  presidential margin per TPS (``last_margin``) where the tally is clean.

Synthetic (``synthetic: true`` in region.yaml; every map and report says so):
  TPS coordinates (inside their desa, around the desa's settlement point), venues (KPU office and
  logistics warehouse in Kuala Kurun, a PPK office at each kecamatan seat, campaign sites and
  party offices with dates, one VVIP visit), police units (Polres in Kuala Kurun, a Polsek at each
  kecamatan seat), ``hard_to_reach`` TPS (river-only villages, Miri Manasa first) and an incident
  history over Pemilu 2014, Pemilu 2019, Pilkada 2020 and Pemilu 2024.

The incident history follows a written-down generative model (all rates are arguments of
:func:`incident_model_defaults` and are listed in ``data/regions/gunung-mas/README.md``):

1. *Hot villages*: every village has a latent propensity ``h_v ~ LogNormal(0, 0.5)``; a seeded
   tenth of the villages (drawn with probability proportional to voters) are hot, ``h_v x 4``.
2. *Village incidents*: in each election stage the expected regional total is
   ``stage_total[stage] x election_factor[election] x days / days in 2024`` (a daily rate: a
   longer campaign brings more incidents), shared among villages in proportion to
   ``voters_v x h_v``; each incident lies near a TPS of the village (drawn by voters), on a
   date uniform in the stage window.
3. *Venue crowds*: every venue whose kind matters in the stage (campaign sites, party offices and
   the VVIP visit in the campaign; KPU/PPK offices and the warehouse in recapitulation and
   announcement) adds ``venue_rate[stage] x crowd / 1000`` expected incidents within 300 m of it,
   dated within the venue's active days inside the window.
4. *Repeats*: each incident triggers ``Poisson(0.3)`` follow-ups within about 1 km and 3 weeks
   (near repeats), recursively.
5. *Background*: outside election windows, ``background_per_year`` incidents a year, shared as
   in 2.

Run ``python -m riskmap.demo --sources data/sources/kalteng --out data/regions/gunung-mas``.
The same seed gives byte-identical files.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from riskmap.geo import WGS84, utm_crs_for

DEFAULT_SEED = 20240214
KUALA_KURUN = (113.8664, -1.1016)  # (lon, lat): the regency seat
KUALA_KURUN_CODE = "62.10.02.1012"
MIRI_MANASA_CODE = "62.10.09"
N_HARD_TO_REACH = 16
MIRI_MANASA_HARD = 9

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")

# Stage calendars (start, end), inclusive. 2024 follows the KPU schedule used in the contract.
ELECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "Pemilu 2014": {
        "campaign": ("2014-03-16", "2014-04-05"),
        "quiet_period": ("2014-04-06", "2014-04-08"),
        "voting": ("2014-04-09", "2014-04-09"),
        "recapitulation": ("2014-04-10", "2014-05-08"),
        "announcement": ("2014-05-09", "2014-05-20"),
    },
    "Pemilu 2019": {
        "campaign": ("2018-09-23", "2019-04-13"),
        "quiet_period": ("2019-04-14", "2019-04-16"),
        "voting": ("2019-04-17", "2019-04-17"),
        "recapitulation": ("2019-04-18", "2019-05-20"),
        "announcement": ("2019-05-21", "2019-05-31"),
    },
    "Pilkada 2020": {
        "campaign": ("2020-09-26", "2020-12-05"),
        "quiet_period": ("2020-12-06", "2020-12-08"),
        "voting": ("2020-12-09", "2020-12-09"),
        "recapitulation": ("2020-12-10", "2020-12-17"),
        "announcement": ("2020-12-18", "2020-12-31"),
    },
    "Pemilu 2024": {
        "campaign": ("2023-11-28", "2024-02-10"),
        "quiet_period": ("2024-02-11", "2024-02-13"),
        "voting": ("2024-02-14", "2024-02-14"),
        "recapitulation": ("2024-02-15", "2024-03-20"),
        "announcement": ("2024-03-20", "2024-03-31"),
    },
}
CURRENT_ELECTION = "Pemilu 2024"

STAGE_KINDS: dict[str, dict[str, float]] = {
    "campaign": {
        "hate_speech": 3,
        "demonstration": 2,
        "vandalism": 3,
        "clash": 1,
        "intimidation": 1,
    },
    "quiet_period": {"vote_buying": 4, "intimidation": 2, "hate_speech": 1},
    "voting": {
        "intimidation": 2,
        "vote_buying": 2,
        "logistics_disruption": 2,
        "clash": 1,
        "other": 1,
    },
    "recapitulation": {"demonstration": 3, "logistics_disruption": 2, "intimidation": 1},
    "announcement": {"demonstration": 4, "riot": 1, "clash": 1},
    "background": {"other": 2, "clash": 1, "intimidation": 1, "vandalism": 1},
}
VENUE_KINDS_BY_STAGE: dict[str, tuple[str, ...]] = {
    "campaign": ("campaign_site", "party_office", "vvip_visit"),
    "quiet_period": ("party_office",),
    "voting": (),
    "recapitulation": ("ppk_office", "kpu_office", "logistics_warehouse"),
    "announcement": ("kpu_office", "ppk_office"),
}
KIND_TEXT = {
    "demonstration": "Unjuk rasa",
    "riot": "Kerusuhan",
    "clash": "Bentrokan antarpendukung",
    "intimidation": "Intimidasi terhadap pemilih/penyelenggara",
    "vote_buying": "Dugaan politik uang",
    "vandalism": "Perusakan alat peraga",
    "hate_speech": "Ujaran kebencian",
    "logistics_disruption": "Gangguan distribusi logistik",
    "other": "Gangguan kamtibmas lain",
}

ORIGIN_TEXT = {"desa": "di desa", "venue": "dekat lokasi kegiatan", "ulang": "pengulangan"}


@dataclass(frozen=True)
class IncidentModel:
    """Rates of the synthetic incident history (see the module docstring)."""

    stage_total: dict[str, float] = field(
        default_factory=lambda: {
            "campaign": 16.0,
            "quiet_period": 5.0,
            "voting": 9.0,
            "recapitulation": 6.0,
            "announcement": 5.0,
        }
    )
    election_factor: dict[str, float] = field(
        default_factory=lambda: {
            "Pemilu 2014": 0.7,
            "Pemilu 2019": 1.2,
            "Pilkada 2020": 0.9,
            "Pemilu 2024": 1.0,
        }
    )
    venue_rate: dict[str, float] = field(
        default_factory=lambda: {
            "campaign": 0.35,
            "quiet_period": 0.2,
            "voting": 0.0,
            "recapitulation": 1.2,
            "announcement": 2.0,
        }
    )
    hot_share: float = 0.10
    hot_factor: float = 4.0
    propensity_sigma: float = 0.5
    repeat_mean: float = 0.3
    repeat_km: float = 1.0
    repeat_days: float = 21.0
    background_per_year: float = 8.0
    background_from: str = "2013-01-01"
    background_to: str = "2024-03-31"


def incident_model_defaults() -> IncidentModel:
    """Return the default rates of the synthetic incident history."""
    return IncidentModel()


# --------------------------------------------------------------------------------------------
# Real inputs
# --------------------------------------------------------------------------------------------


def areas_from_sources(sources: Path) -> gpd.GeoDataFrame:
    """Read the real desa and kecamatan polygons into the contract's ``areas`` columns."""
    desa = gpd.read_file(sources / "gunungmas_desa.geojson")
    kec = gpd.read_file(sources / "gunungmas_kecamatan.geojson")
    names = dict(zip(kec["kode"], kec["nama"], strict=True))
    areas = gpd.GeoDataFrame(
        {
            "village_code": desa["kode"],
            "village_name": desa["nama"],
            "subdistrict_code": desa["kode"].str.slice(0, 8),
        },
        geometry=desa.geometry.values,
        crs=WGS84,
    )
    areas["subdistrict_name"] = areas["subdistrict_code"].map(names)
    return areas.sort_values("village_code").reset_index(drop=True)


def tps_counts_from_sources(sources: Path) -> pd.Series:
    """Return the real number of 2024 TPS per village code."""
    tps = pd.read_csv(sources / "gunungmas_tps2024_per_desa.csv", dtype=str)
    return tps.set_index("kode_wilayah")["tps_total"].astype(int).sort_index()


def tallies_2019_from_sources(sources: Path) -> pd.DataFrame:
    """Return the 2019 per-TPS DPT and presidential tallies by dotted village code and number."""
    raw = pd.read_csv(sources / "gunungmas_tps2019_dpt.csv", dtype={"kode_desa": str})
    k = raw["kode_desa"]
    raw["village_code"] = k.str[0:2] + "." + k.str[2:4] + "." + k.str[4:6] + "." + k.str[6:10]
    clean = (raw["janggal"] == 0) & (raw["dpt"] > 0)
    raw["voters_2019"] = raw["dpt"].where(clean)
    valid = clean & (raw["sah"] > 0) & (raw["pas1"] >= 0) & (raw["pas2"] >= 0)
    margin = (raw["pas1"] - raw["pas2"]).abs() / raw["sah"].where(raw["sah"] > 0)
    raw["last_margin"] = margin.where(valid & (margin <= 1.0))
    return raw[["village_code", "no_tps", "voters_2019", "last_margin"]]


def seats_from_sources(sources: Path, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the seat village of each kecamatan from the summary's inferred capital."""
    summary = pd.read_csv(sources / "gunungmas_kecamatan_summary.csv", dtype=str)
    rows = []
    for _, rec in summary.sort_values("kode").iterrows():
        cand = areas[
            (areas["subdistrict_code"] == rec["kode"])
            & (areas["village_name"].str.lower() == str(rec["capital_inferred"]).lower())
        ]
        if cand.empty:  # fall back to the village with the most voters' share: the first code
            cand = areas[areas["subdistrict_code"] == rec["kode"]]
        row = cand.iloc[0]
        rows.append(
            {
                "subdistrict_code": rec["kode"],
                "subdistrict_name": rec["nama"],
                "village_code": row["village_code"],
                "village_name": row["village_name"],
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Synthetic geometry helpers (all in metres, UTM)
# --------------------------------------------------------------------------------------------


def _point_near(rng: np.random.Generator, poly, centre: Point, sigma_m: float) -> Point:
    """Draw a point around ``centre`` (normal, ``sigma_m``) that falls inside ``poly``."""
    for scale in (1.0, 0.5, 0.25, 0.1):
        for _ in range(60):
            dx, dy = rng.normal(0.0, sigma_m * scale, size=2)
            p = Point(centre.x + dx, centre.y + dy)
            if poly.contains(p):
                return p
    return poly.representative_point()


def settlement_points(areas_utm: gpd.GeoDataFrame) -> pd.Series:
    """Return one settlement point per village: its representative point (inside the polygon)."""
    pts = areas_utm.geometry.representative_point()
    out = pd.Series(pts.values, index=areas_utm["village_code"].values)
    seat = gpd.GeoSeries([Point(*KUALA_KURUN)], crs=WGS84).to_crs(areas_utm.crs).iloc[0]
    kurun = areas_utm.set_index("village_code").geometry
    if KUALA_KURUN_CODE in kurun.index and kurun[KUALA_KURUN_CODE].contains(seat):
        out[KUALA_KURUN_CODE] = seat
    return out


def _to_lonlat(points: list[Point], crs) -> tuple[np.ndarray, np.ndarray]:
    geo = gpd.GeoSeries(points, crs=crs).to_crs(WGS84)
    return np.round(geo.x.to_numpy(), 6), np.round(geo.y.to_numpy(), 6)


# --------------------------------------------------------------------------------------------
# Synthetic tables
# --------------------------------------------------------------------------------------------


def make_tps(
    areas_utm: gpd.GeoDataFrame,
    counts: pd.Series,
    tallies: pd.DataFrame,
    settlements: pd.Series,
    seats: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Place the real number of TPS per village around its settlement, with 2019 voters."""
    polys = areas_utm.set_index("village_code").geometry
    tal = tallies.set_index(["village_code", "no_tps"])
    fallback_voters = float(tallies["voters_2019"].median())
    rows, points = [], []
    for code in sorted(counts.index):
        n = int(counts[code])
        desa_voters = tallies.loc[tallies["village_code"] == code, "voters_2019"].dropna()
        mean_voters = float(desa_voters.mean()) if len(desa_voters) else fallback_voters
        for k in range(1, n + 1):
            key = (code, k)
            voters = tal["voters_2019"].get(key, np.nan) if key in tal.index else np.nan
            margin = tal["last_margin"].get(key, np.nan) if key in tal.index else np.nan
            if pd.isna(voters):
                voters = round(mean_voters)
            points.append(_point_near(rng, polys[code], settlements[code], 700.0))
            rows.append(
                {
                    "tps_id": code.replace(".", "") + f"{k:03d}",
                    "village_code": code,
                    "voters": int(voters),
                    "last_margin": None if pd.isna(margin) else round(float(margin), 4),
                }
            )
    tps = pd.DataFrame(rows)
    tps["lon"], tps["lat"] = _to_lonlat(points, areas_utm.crs)
    tps["hard_to_reach"] = tps["village_code"].isin(
        hard_to_reach_villages(areas_utm, counts, seats, settlements)
    )
    tps["special"] = False
    return tps[
        [
            "tps_id",
            "village_code",
            "lat",
            "lon",
            "voters",
            "hard_to_reach",
            "special",
            "last_margin",
        ]
    ]


def hard_to_reach_villages(
    areas_utm: gpd.GeoDataFrame, counts: pd.Series, seats: pd.DataFrame, settlements: pd.Series
) -> list[str]:
    """Pick river-only villages: the remotest of Miri Manasa first, then the remotest elsewhere.

    Villages are taken farthest from Kuala Kurun first (kecamatan seats excluded) until about
    nine TPS in Miri Manasa and sixteen in all are hard to reach, the 2019 pattern.
    """
    seat_codes = set(seats["village_code"])
    origin = settlements[KUALA_KURUN_CODE]
    cand = areas_utm[~areas_utm["village_code"].isin(seat_codes)].copy()
    cand["dist"] = [settlements[c].distance(origin) for c in cand["village_code"]]
    cand["n"] = cand["village_code"].map(counts).fillna(0).astype(int)
    cand = cand.sort_values(["dist", "village_code"], ascending=[False, True])
    chosen, total, miri = [], 0, 0
    for _, r in cand[cand["subdistrict_code"] == MIRI_MANASA_CODE].iterrows():
        if miri >= MIRI_MANASA_HARD:
            break
        chosen.append(r["village_code"])
        miri += r["n"]
    total = miri
    for _, r in cand[cand["subdistrict_code"] != MIRI_MANASA_CODE].iterrows():
        if total >= N_HARD_TO_REACH:
            break
        chosen.append(r["village_code"])
        total += r["n"]
    return sorted(chosen)


def make_units(
    areas_utm: gpd.GeoDataFrame,
    seats: pd.DataFrame,
    settlements: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The Polres in Kuala Kurun and one Polsek at each kecamatan seat, with personnel."""
    polys = areas_utm.set_index("village_code").geometry
    rows = [
        {"unit_id": "POLRES-GM", "kind": "polres", "name": "Polres Gunung Mas", "personnel": 109}
    ]
    points = [settlements[KUALA_KURUN_CODE]]
    for _, s in seats.iterrows():
        code = s["village_code"]
        rows.append(
            {
                "unit_id": "POLSEK-" + s["subdistrict_code"].replace(".", ""),
                "kind": "polsek",
                "name": f"Polsek {s['subdistrict_name']}",
                "personnel": 7,
            }
        )
        points.append(_point_near(rng, polys[code], settlements[code], 400.0))
    units = pd.DataFrame(rows)
    units["lon"], units["lat"] = _to_lonlat(points, areas_utm.crs)
    return units[["unit_id", "kind", "name", "lat", "lon", "personnel"]]


def make_venues(
    areas_utm: gpd.GeoDataFrame,
    seats: pd.DataFrame,
    settlements: pd.Series,
    village_voters: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """KPU office, warehouse, PPK offices, party posts and campaign sites, one VVIP visit."""
    polys = areas_utm.set_index("village_code").geometry
    rows: list[dict] = []
    points: list[Point] = []

    def add(venue_id, kind, name, code, start=None, end=None, crowd=None, sigma=300.0):
        rows.append(
            {
                "venue_id": venue_id,
                "kind": kind,
                "name": name,
                "start": start or "",
                "end": end or "",
                "expected_crowd": "" if crowd is None else int(crowd),
            }
        )
        points.append(_point_near(rng, polys[code], settlements[code], sigma))

    add("KPU-GM", "kpu_office", "Kantor KPU Kabupaten Gunung Mas", KUALA_KURUN_CODE, crowd=300)
    add(
        "GUDANG-GM",
        "logistics_warehouse",
        "Gudang Logistik KPU Gunung Mas",
        KUALA_KURUN_CODE,
        crowd=80,
    )
    for _, s in seats.iterrows():
        add(
            "PPK-" + s["subdistrict_code"].replace(".", ""),
            "ppk_office",
            f"Kantor PPK Kecamatan {s['subdistrict_name']}",
            s["village_code"],
            crowd=60,
        )

    weights = village_voters / village_voters.sum()
    codes = weights.index.to_numpy()
    names = areas_utm.set_index("village_code")["village_name"]
    n_sites = {"Pemilu 2014": 10, "Pemilu 2019": 22, "Pilkada 2020": 14, "Pemilu 2024": 26}
    for election, calendar in ELECTIONS.items():
        year = election.split()[-1]
        c_start, c_end = (pd.Timestamp(d) for d in calendar["campaign"])
        span = (c_end - c_start).days
        # party campaign posts: from the campaign's start to the announcement's end
        for j, code in enumerate(seats["village_code"].tolist()[:6], start=1):
            add(
                f"PARTAI{year}-{j:02d}",
                "party_office",
                f"Posko Pemenangan {j} (sintetis)",
                code,
                start=calendar["campaign"][0],
                end=calendar["announcement"][1],
                crowd=40,
            )
        picks = rng.choice(codes, size=n_sites[election], p=weights.to_numpy())
        for j, code in enumerate(picks, start=1):
            day = c_start + pd.Timedelta(days=int(rng.integers(0, span + 1)))
            length = int(rng.integers(0, 3))
            end = min(day + pd.Timedelta(days=length), c_end)
            crowd = int(round(float(rng.lognormal(math.log(600), 0.7)), -1))
            add(
                f"KAMPANYE{year}-{j:03d}",
                "campaign_site",
                f"Lapangan Kampanye {names[code]} (sintetis)",
                code,
                start=day.date().isoformat(),
                end=end.date().isoformat(),
                crowd=crowd,
            )
    add(
        "VVIP-2024-01",
        "vvip_visit",
        "Kunjungan VVIP ke Kuala Kurun (sintetis)",
        KUALA_KURUN_CODE,
        start="2024-01-18",
        end="2024-01-18",
        crowd=5000,
    )
    venues = pd.DataFrame(rows)
    venues["lon"], venues["lat"] = _to_lonlat(points, areas_utm.crs)
    return venues[["venue_id", "kind", "name", "lat", "lon", "start", "end", "expected_crowd"]]


def _draw_kind(rng: np.random.Generator, stage: str) -> str:
    kinds = STAGE_KINDS[stage]
    p = np.array(list(kinds.values()), dtype=float)
    return str(rng.choice(list(kinds.keys()), p=p / p.sum()))


def _draw_severity(rng: np.random.Generator, kind: str) -> int:
    p = [0.45, 0.4, 0.15] if kind in ("riot", "clash") else [0.65, 0.28, 0.07]
    return int(rng.choice([1, 2, 3], p=p))


def village_propensity(
    village_voters: pd.Series, model: IncidentModel, rng: np.random.Generator
) -> pd.Series:
    """Latent incident propensity per village: voters x LogNormal x hot factor."""
    codes = village_voters.index.to_numpy()
    h = rng.lognormal(0.0, model.propensity_sigma, size=len(codes))
    n_hot = max(1, int(round(model.hot_share * len(codes))))
    p = village_voters.to_numpy(dtype=float) / village_voters.sum()
    hot = rng.choice(len(codes), size=n_hot, replace=False, p=p)
    h[hot] *= model.hot_factor
    return pd.Series(village_voters.to_numpy(dtype=float) * h, index=codes)


def make_incidents(
    areas_utm: gpd.GeoDataFrame,
    tps: pd.DataFrame,
    venues: pd.DataFrame,
    propensity: pd.Series,
    model: IncidentModel,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Draw the incident history of every election stage and the background (module docstring)."""
    crs = areas_utm.crs
    region = areas_utm.geometry.union_all()
    tps_pts = gpd.GeoSeries(gpd.points_from_xy(tps["lon"], tps["lat"]), crs=WGS84).to_crs(crs)
    tps_by_village = {
        c: np.flatnonzero(tps["village_code"].to_numpy() == c) for c in propensity.index
    }
    ven_pts = gpd.GeoSeries(gpd.points_from_xy(venues["lon"], venues["lat"]), crs=WGS84).to_crs(crs)
    share = propensity / propensity.sum()
    events: list[tuple[pd.Timestamp, str, Point, str]] = []

    def village_event(day: pd.Timestamp, stage: str) -> None:
        code = rng.choice(share.index.to_numpy(), p=share.to_numpy())
        idx = tps_by_village[code]
        w = tps["voters"].to_numpy(dtype=float)[idx]
        k = idx[rng.choice(len(idx), p=w / w.sum())] if len(idx) else None
        centre = (
            tps_pts.iloc[k]
            if k is not None
            else areas_utm.set_index("village_code").geometry[code].representative_point()
        )
        p = _jitter_inside(rng, region, centre, 300.0)
        events.append((day, _draw_kind(rng, stage), p, "desa"))

    for election, calendar in ELECTIONS.items():
        factor = model.election_factor[election]
        for stage in STAGES:
            start, end = (pd.Timestamp(d) for d in calendar[stage])
            days = (end - start).days + 1
            ref_start, ref_end = (pd.Timestamp(d) for d in ELECTIONS[CURRENT_ELECTION][stage])
            length = days / ((ref_end - ref_start).days + 1)
            for _ in range(rng.poisson(model.stage_total[stage] * factor * length)):
                village_event(start + pd.Timedelta(days=int(rng.integers(0, days))), stage)
            for j in np.flatnonzero(venues["kind"].isin(VENUE_KINDS_BY_STAGE[stage]).to_numpy()):
                v = venues.iloc[j]
                v_start = pd.Timestamp(v["start"]) if v["start"] else start
                v_end = pd.Timestamp(v["end"]) if v["end"] else end
                lo, hi = max(start, v_start), min(end, v_end)
                if lo > hi:
                    continue
                crowd = float(v["expected_crowd"] or 100)
                for _ in range(rng.poisson(model.venue_rate[stage] * crowd / 1000.0)):
                    day = lo + pd.Timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))
                    p = _jitter_inside(rng, region, ven_pts.iloc[j], 150.0)
                    events.append((day, _draw_kind(rng, stage), p, "venue"))

    windows = [
        (pd.Timestamp(c["campaign"][0]), pd.Timestamp(c["announcement"][1]))
        for c in ELECTIONS.values()
    ]
    day = pd.Timestamp(model.background_from)
    last = pd.Timestamp(model.background_to)
    total_days = (last - day).days + 1
    for _ in range(rng.poisson(model.background_per_year * total_days / 365.25)):
        d = day + pd.Timedelta(days=int(rng.integers(0, total_days)))
        if not any(a <= d <= b for a, b in windows):
            village_event(d, "background")

    # near repeats, recursively, in the order drawn
    queue = list(range(len(events)))
    while queue:
        i = queue.pop(0)
        d0, kind, p0, _ = events[i]
        for _ in range(rng.poisson(model.repeat_mean)):
            dd = pd.Timedelta(days=int(math.ceil(rng.exponential(model.repeat_days))))
            p = _jitter_inside(rng, region, p0, model.repeat_km * 1000.0 / 2.0)
            if d0 + dd <= last:
                events.append((d0 + dd, kind, p, "ulang"))
                queue.append(len(events) - 1)

    events.sort(key=lambda e: (e[0], e[2].x, e[2].y, e[1]))
    lon, lat = _to_lonlat([e[2] for e in events], crs)
    inc = pd.DataFrame(
        {
            "incident_id": [f"INS-{e[0].year}-{i:04d}" for i, e in enumerate(events, start=1)],
            "date": [e[0].date().isoformat() for e in events],
            "kind": [e[1] for e in events],
            "lat": lat,
            "lon": lon,
            "severity": [_draw_severity(rng, e[1]) for e in events],
            "description": [
                f"{KIND_TEXT[e[1]]} (data sintetis, {ORIGIN_TEXT[e[3]]})" for e in events
            ],
        }
    )
    return inc


def _jitter_inside(rng: np.random.Generator, region, centre: Point, sigma_m: float) -> Point:
    return _point_near(rng, region, centre, sigma_m)


# --------------------------------------------------------------------------------------------
# Writing the region folder
# --------------------------------------------------------------------------------------------

REGION_YAML = """\
# Demo region: Kabupaten Gunung Mas, Kalimantan Tengah.
# Real: desa/kecamatan boundaries and codes, number of TPS per desa (2024), 2019 DPT per TPS.
# Synthetic: everything else (TPS points, venues, police units, incidents). Made by
#   python -m riskmap.demo --out data/regions/gunung-mas --seed {seed}
name: Kabupaten Gunung Mas
code: "62.10"
synthetic: true
personnel: 193            # officers of the Polres available for posting in each stage
stages:                   # Pemilu 2024; a stage's map is made as of its start
{stages}
# Earlier elections' calendars: the model is fitted and backtested on these windows.
past_elections:
{past}
"""


def _stage_lines(calendar: dict[str, tuple[str, str]], indent: str, overrides=None) -> str:
    lines = []
    for stage in STAGES:
        a, b = calendar[stage]
        extra = ""
        if overrides and stage in overrides:
            extra = ", " + ", ".join(f"{k}: {v}" for k, v in overrides[stage].items())
        lines.append(f"{indent}{stage + ':':<16}{{start: {a}, end: {b}{extra}}}")
    return "\n".join(lines)


def region_yaml_text(seed: int) -> str:
    """Return the commented region.yaml of the demo region."""
    stages = _stage_lines(ELECTIONS[CURRENT_ELECTION], "  ", {"announcement": {"personnel": 120}})
    past = []
    for name, cal in ELECTIONS.items():
        if name == CURRENT_ELECTION:
            continue
        past.append(f"  - name: {name}\n    stages:\n" + _stage_lines(cal, "      "))
    return REGION_YAML.format(seed=seed, stages=stages, past="\n".join(past))


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def build_demo_region(sources: Path, out: Path, *, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the demo region ``out`` from the real files in ``sources``; return row counts."""
    rng = np.random.default_rng(seed)
    areas = areas_from_sources(sources)
    crs = utm_crs_for(areas)
    areas_utm = areas.to_crs(crs)
    counts = tps_counts_from_sources(sources)
    tallies = tallies_2019_from_sources(sources)
    seats = seats_from_sources(sources, areas)
    settlements = settlement_points(areas_utm)

    tps = make_tps(areas_utm, counts, tallies, settlements, seats, rng)
    village_voters = tps.groupby("village_code")["voters"].sum().sort_index()
    units = make_units(areas_utm, seats, settlements, rng)
    venues = make_venues(areas_utm, seats, settlements, village_voters, rng)
    propensity = village_propensity(village_voters, incident_model_defaults(), rng)
    incidents = make_incidents(areas_utm, tps, venues, propensity, incident_model_defaults(), rng)

    out.mkdir(parents=True, exist_ok=True)
    areas.to_file(out / "areas.geojson", driver="GeoJSON", engine="pyogrio")
    _write_csv(tps, out / "tps.csv")
    _write_csv(venues, out / "venues.csv")
    _write_csv(incidents, out / "incidents.csv")
    _write_csv(units, out / "units.csv")
    (out / "region.yaml").write_text(region_yaml_text(seed), encoding="utf-8")
    return {
        "areas": len(areas),
        "tps": len(tps),
        "venues": len(venues),
        "incidents": len(incidents),
        "units": len(units),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=Path("data/sources/kalteng"))
    parser.add_argument("--out", type=Path, default=Path("data/regions/gunung-mas"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    counts = build_demo_region(args.sources, args.out, seed=args.seed)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
