"""Synthetic provinces and a synthetic country: many region folders for many-region runs.

``python -m riskmap.simulate_country --regions 14 --seed 1 --out DIR`` writes 14 region folders
(``DIR/r001`` ...); ``--national`` writes the 514 kabupaten/kota of Pemilu 2024 whose TPS sum
to 820,161 exactly. Each folder is a planted-truth region of
:func:`riskmap.simulate.simulate_region` (called, not changed), placed on its own spot of a
grid over Indonesia's extent, with its own Kemendagri-style code.

Sizes. The number of TPS per kabupaten is drawn from a lognormal fitted to two public facts
(DOMAIN.md, KPU 2023): the mean, 820,161 / 514 = 1,595.6 TPS, and the largest kabupaten,
about 20,000 TPS, taken as the expected maximum of 514 draws (the 1 - 1/514 quantile). That
gives sigma = 1.077 and mu = 6.796 (median about 895 TPS). Draws are clipped to
``[min_tps, max_tps]`` (a few hundred to 20,000: Kalimantan Tengah's smallest is 176, see
``data/sources/kalteng``) and, for ``--national``, scaled to the exact total by largest
remainders. Villages follow the national ratio, 83,731 desa for 820,161 TPS (9.8 TPS per
desa): the simulator's own ratio (about 3 TPS per village) is kept for its planted truth and
each of its TPS is then split into the right number of TPS at jittered points in the same
village (``tps_id`` suffixed ``.1``, ``.2``...).
"""

from __future__ import annotations

import argparse
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.stats import norm

from riskmap.simulate import SHAPES, SimRegion, simulate_region, write_region

#: Public facts of Pemilu 2024 (KPU, 2 July 2023; see DOMAIN.md).
NATIONAL_REGIONS = 514
NATIONAL_TPS = 820_161
NATIONAL_VILLAGES = 83_731

#: simulate_region makes about one village per this many TPS.
_SIM_TPS_PER_VILLAGE = 3.07

#: Indonesia's extent (lon_min, lat_min, lon_max, lat_max), where region corners are placed.
INDONESIA_BBOX = (95.0, -10.5, 141.0, 5.5)


@dataclass(frozen=True)
class SizeModel:
    """Lognormal TPS-per-kabupaten model, fitted to a mean and an expected maximum."""

    mu: float
    sigma: float
    min_tps: int
    max_tps: int


def fit_size_model(
    *,
    mean_tps: float = NATIONAL_TPS / NATIONAL_REGIONS,
    largest_tps: float = 20_000,
    n_regions: int = NATIONAL_REGIONS,
    min_tps: int = 150,
    max_tps: int = 20_000,
) -> SizeModel:
    """Fit ``(mu, sigma)`` so that the mean is ``mean_tps`` and the expected maximum of
    ``n_regions`` draws (the ``1 - 1/n`` quantile) is ``largest_tps``.

    Solves ``log(largest) - log(mean) = z sigma - sigma^2 / 2`` (smaller root).

    Examples
    --------
    >>> m = fit_size_model()
    >>> round(m.sigma, 3), round(m.mu, 3)
    (1.077, 6.796)
    """
    z = float(norm.ppf(1.0 - 1.0 / n_regions))
    gap = np.log(largest_tps) - np.log(mean_tps)
    disc = z * z - 2.0 * gap
    if disc < 0:
        raise ValueError("largest_tps is too far above mean_tps for a lognormal fit")
    sigma = z - np.sqrt(disc)
    mu = np.log(mean_tps) - sigma * sigma / 2.0
    return SizeModel(float(mu), float(sigma), int(min_tps), int(max_tps))


def exact_total(sizes: np.ndarray, total: int, *, lo: int, hi: int) -> np.ndarray:
    """Scale ``sizes`` to integers within ``[lo, hi]`` that sum to ``total`` exactly.

    Proportional scaling, clipping, then largest remainders (ties by position).

    Examples
    --------
    >>> exact_total(np.array([1.0, 2.0, 3.0]), 100, lo=1, hi=60).tolist()
    [17, 33, 50]
    """
    n = len(sizes)
    if not lo * n <= total <= hi * n:
        raise ValueError(f"total {total} cannot be split into {n} sizes within [{lo}, {hi}]")
    x = np.asarray(sizes, dtype=float) * (total / float(np.sum(sizes)))
    for _ in range(100):
        x = np.clip(x, lo, hi)
        free = (x > lo) & (x < hi)
        gap = total - x.sum()
        if abs(gap) < 1e-6 or not free.any():
            break
        x[free] += gap * x[free] / x[free].sum()
    base = np.floor(x).astype(np.int64)
    rest = int(total - base.sum())
    room = np.where(rest >= 0, base < hi, base > lo)
    order = np.lexsort((np.arange(n), -(x - base)))
    order = order[room[order]]
    step = 1 if rest >= 0 else -1
    base[order[: abs(rest)]] += step
    return base


def draw_sizes(
    n_regions: int, rng: np.random.Generator, model: SizeModel, *, total: int | None = None
) -> np.ndarray:
    """Draw ``n_regions`` TPS counts (vectorised); exactly ``total`` in sum when given."""
    raw = np.exp(rng.normal(model.mu, model.sigma, n_regions))
    if total is None:
        return np.clip(np.rint(raw), model.min_tps, model.max_tps).astype(np.int64)
    return exact_total(raw, total, lo=model.min_tps, hi=model.max_tps)


def villages_for(tps: np.ndarray, *, tps_per_village: float) -> np.ndarray:
    """Villages per region at the national TPS-per-desa ratio (at least 4)."""
    return np.maximum(np.rint(np.asarray(tps) / tps_per_village).astype(np.int64), 4)


def region_corners(n_regions: int, bbox: tuple = INDONESIA_BBOX) -> np.ndarray:
    """South-west corners (lon, lat) of ``n_regions`` grid cells over ``bbox``, row by row."""
    lon0, lat0, lon1, lat1 = bbox
    ratio = (lon1 - lon0) / (lat1 - lat0)
    cols = int(np.ceil(np.sqrt(n_regions * ratio)))
    rows = int(np.ceil(n_regions / cols))
    k = np.arange(n_regions)
    lon = lon0 + (k % cols) * (lon1 - lon0) / cols
    lat = lat0 + (k // cols) * (lat1 - lat0) / rows
    return np.column_stack([lon, lat])


def region_code(index: int) -> str:
    """A Kemendagri-style ``PP.KK`` code for region ``index`` (60 kabupaten per province).

    Examples
    --------
    >>> region_code(0), region_code(61)
    ('11.01', '12.02')
    """
    return f"{11 + index // 60:02d}.{1 + index % 60:02d}"


def split_tps(sim: SimRegion, n_tps: int, rng: np.random.Generator, *, jitter_m: float = 40.0):
    """Return ``sim``'s TPS split into ``n_tps`` TPS at jittered points of the same village.

    Every TPS is repeated ``n_tps // len`` times, the first ``n_tps % len`` (in a seeded
    order) once more. A copy whose jittered point falls outside its village stays on the
    original point.
    """
    tps = sim.tps.reset_index(drop=True)
    base = len(tps)
    if n_tps <= base:
        return tps.iloc[np.sort(rng.permutation(base)[:n_tps])].reset_index(drop=True)
    reps = np.full(base, n_tps // base, dtype=np.int64)
    reps[rng.permutation(base)[: n_tps % base]] += 1
    idx = np.repeat(np.arange(base), reps)
    copy_no = np.concatenate([np.arange(r) for r in reps])
    out = tps.iloc[idx].reset_index(drop=True)
    x = out.geometry.x.to_numpy() + np.where(copy_no > 0, rng.normal(0, jitter_m, len(out)), 0)
    y = out.geometry.y.to_numpy() + np.where(copy_no > 0, rng.normal(0, jitter_m, len(out)), 0)
    polys = sim.areas.set_index("village_code").geometry.reindex(out["village_code"]).to_numpy()
    inside = shapely.contains_xy(polys, x, y)
    x = np.where(inside, x, out.geometry.x.to_numpy())
    y = np.where(inside, y, out.geometry.y.to_numpy())
    out["tps_id"] = [
        t if c == 0 else f"{t}.{c}" for t, c in zip(out["tps_id"], copy_no, strict=True)
    ]
    return gpd.GeoDataFrame(
        out.drop(columns="geometry"), geometry=gpd.points_from_xy(x, y), crs=sim.tps.crs
    )


def _recode(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    frame = frame.copy()
    for col in ("village_code", "subdistrict_code"):
        if col in frame:
            frame[col] = frame[col].astype(str).str.replace(r"^99\.01", code, regex=True)
    return frame


@dataclass(frozen=True)
class RegionSpec:
    """What one synthetic region folder will hold."""

    index: int
    folder: str
    n_tps: int
    n_villages: int
    seed: int
    lon: float
    lat: float
    shape: str
    code: str


def make_region(spec: RegionSpec, out: Path) -> dict[str, int]:
    """Simulate and write one region folder; return its row counts."""
    sim = simulate_region(
        shape=spec.shape,
        n_tps=max(int(round(spec.n_villages * _SIM_TPS_PER_VILLAGE)), 4),
        seed=spec.seed,
        lon=spec.lon,
        lat=spec.lat,
    )
    rng = np.random.default_rng([spec.seed, 7])
    base_tps = max(len(sim.tps), 1)
    sim.tps = _recode(split_tps(sim, spec.n_tps, rng), spec.code)
    sim.areas = _recode(sim.areas, spec.code)
    sim.name = f"Kabupaten Sintetis {spec.index + 1:03d}"
    sim.personnel = max(int(round(sim.personnel * spec.n_tps / base_tps)), 1)
    folder = out / spec.folder
    counts = write_region(sim, folder)
    text = (folder / "region.yaml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^code: "99\.01"$', f'code: "{spec.code}"', text)
    text = re.sub(
        r"(?m)^# Synthetic region made by: .*$",
        f"# Synthetic region {spec.folder} made by: python -m riskmap.simulate_country"
        f" (region seed {spec.seed}, {spec.n_tps} TPS)",
        text,
    )
    (folder / "region.yaml").write_text(text, encoding="utf-8")
    return counts


def plan_regions(
    n_regions: int,
    *,
    seed: int,
    national: bool = False,
    total_tps: int = NATIONAL_TPS,
    tps_per_village: float = NATIONAL_TPS / NATIONAL_VILLAGES,
    model: SizeModel | None = None,
    shape: str = "voronoi",
) -> list[RegionSpec]:
    """Return the specs of ``n_regions`` regions (deterministic for ``seed``)."""
    model = model or fit_size_model()
    rng = np.random.default_rng(seed)
    sizes = draw_sizes(n_regions, rng, model, total=total_tps if national else None)
    villages = villages_for(sizes, tps_per_village=tps_per_village)
    corners = region_corners(n_regions)
    seeds = rng.integers(0, 2**31 - 1, n_regions)
    return [
        RegionSpec(
            i,
            f"r{i + 1:03d}",
            int(sizes[i]),
            int(villages[i]),
            int(seeds[i]),
            float(corners[i, 0]),
            float(corners[i, 1]),
            shape,
            region_code(i),
        )
        for i in range(n_regions)
    ]


def _make(args: tuple[RegionSpec, Path]) -> dict[str, int]:
    return make_region(*args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", type=int, default=14, help="number of region folders")
    parser.add_argument(
        "--national",
        action="store_true",
        help=f"{NATIONAL_REGIONS} regions summing to {NATIONAL_TPS:,} TPS",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="voronoi")
    parser.add_argument("--jobs", type=int, default=1, help="regions written in parallel")
    parser.add_argument("--dry-run", action="store_true", help="print the sizes only")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    n = NATIONAL_REGIONS if args.national else args.regions
    if n < 1:
        parser.error("--regions must be at least 1")
    specs = plan_regions(n, seed=args.seed, national=args.national, shape=args.shape)
    sizes = np.array([s.n_tps for s in specs])
    print(
        f"{n} regions, {sizes.sum():,} TPS (min {sizes.min():,}, median "
        f"{int(np.median(sizes)):,}, max {sizes.max():,}), "
        f"{sum(s.n_villages for s in specs):,} villages"
    )
    if args.dry_run:
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = [(s, args.out) for s in specs]
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(_make, jobs))
    else:
        results = [_make(j) for j in jobs]
    print(
        f"wrote {len(results)} region folders to {args.out} "
        f"({sum(r['tps'] for r in results):,} TPS)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
