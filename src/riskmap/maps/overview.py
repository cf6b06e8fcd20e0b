"""The overview map of a many-region run: every region's outline, villages on demand.

One self-contained HTML file (the vendored Leaflet, inlined; the region map's
Content-Security-Policy: no network) that stays light with hundreds of kabupaten: region
outlines are the union of their villages, simplified and rounded; villages are simplified as a
coverage (shared edges stay shared), rounded, delta-encoded as integers, and drawn only for
the regions in view from a zoom level, or for one region on a click. Each region links to its
own map by a relative path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import geopandas as gpd
import jinja2
import numpy as np
import shapely

import riskmap
from riskmap.maps.assets import inline_scripts, inline_styles, safe_script_text, safe_style_text
from riskmap.maps.render import content_security_policy, json_for_html
from riskmap.maps.strings import CLASS_LABELS, CLASS_ORDER, STAGE_LABELS

#: Metres per degree of latitude: tolerances in metres become degrees for display geometry.
_M_PER_DEG = 111_320.0

OVERVIEW_SCRIPTS: tuple[str, ...] = ("leaflet/leaflet.js",)
OVERVIEW_STYLES: tuple[str, ...] = ("leaflet/leaflet.css",)
_OWN = ("riskmap/overview.js", "riskmap/overview.css", "riskmap/overview.html.j2")

UI: dict[str, str] = {
    "title": "Ikhtisar Risiko Wilayah",
    "marking": "TERBATAS",
    "stage": "Tahap",
    "regions": "Wilayah",
    "region": "Wilayah",
    "code": "Kode",
    "status": "Status",
    "ok": "selesai",
    "failed": "tidak dapat diproses",
    "villages": "Desa/kelurahan",
    "tps": "TPS",
    "villages_sangat_rawan": "Desa sangat rawan",
    "villages_rawan": "Desa rawan",
    "tps_sangat_rawan": "TPS sangat rawan",
    "tps_rawan": "TPS rawan",
    "expected_incidents": "Perkiraan insiden",
    "personnel_budget": "Personel tersedia",
    "personnel_assigned": "Personel ditempatkan",
    "tps_with_team": "TPS dengan tim",
    "open_map": "Buka peta wilayah",
    "show_villages": "Tampilkan desa",
    "village_classes": "Kelas risiko desa",
    "legend": "Bagian desa sangat rawan per wilayah",
    "villages_hint": "Desa tampil saat diperbesar atau saat wilayah diklik",
    "synthetic": "DATA SINTETIS",
    "summary": "Ringkasan",
}


@dataclass
class RegionOverview:
    """One region on the overview map: identity, status, figures, villages and its map link."""

    region: str
    name: str = ""
    code: str = ""
    status: str = "ok"
    figures: dict[str, Any] = field(default_factory=dict)
    villages: gpd.GeoDataFrame | None = None  # WGS84, with village_code/name, risk columns
    link: str = ""


def encode_rings(geom, decimals: int) -> list[list[list[int]]]:
    """Return a (multi)polygon as polygons of rings of delta-encoded integer coordinates.

    Coordinates are rounded to ``decimals`` places and scaled to integers; each ring is
    ``[x0, y0, dx1, dy1, ...]`` (the first point absolute, then differences), without the
    closing point. Rings that collapse to fewer than three points are dropped.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> encode_rings(box(0, 0, 0.5, 0.25), 2)
    [[[50, 0, 0, 25, -50, 0, 0, -25]]]
    """
    scale = 10**decimals
    out = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        rings = []
        for ring in (poly.exterior, *poly.interiors):
            xy = np.rint(np.asarray(ring.coords)[:-1] * scale).astype(np.int64)
            keep = np.ones(len(xy), dtype=bool)
            keep[1:] = np.any(np.diff(xy, axis=0) != 0, axis=1)
            xy = xy[keep]
            if len(xy) < 3:
                continue
            deltas = np.vstack([xy[:1], np.diff(xy, axis=0)])
            rings.append(deltas.ravel().tolist())
        if rings:
            out.append(rings)
    return out


def region_outline(villages: gpd.GeoDataFrame, *, tolerance_m: float):
    """Return the union of a region's villages, simplified by ``tolerance_m`` (WGS84)."""
    geoms = shapely.make_valid(villages.geometry.to_numpy())
    union = shapely.coverage_union_all(geoms)
    if not union.is_valid:
        union = shapely.union_all(geoms)
    return shapely.simplify(union, tolerance_m / _M_PER_DEG, preserve_topology=True)


def village_shapes(villages: gpd.GeoDataFrame, *, tolerance_m: float) -> np.ndarray:
    """Return the villages simplified together (shared edges kept shared), WGS84."""
    geoms = villages.geometry.to_numpy()
    tol = tolerance_m / _M_PER_DEG
    try:
        return shapely.coverage_simplify(geoms, tol)
    except shapely.errors.GEOSException:
        return shapely.simplify(geoms, tol, preserve_topology=True)


def _float(value: Any, decimals: int) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) else round(out, decimals)


def region_payload(item: RegionOverview, settings: dict[str, Any]) -> dict[str, Any]:
    """Return one region's entry of the map's data (compact keys)."""
    entry: dict[str, Any] = {
        "id": item.region,
        "name": item.name or item.region,
        "code": item.code,
        "status": item.status,
        "link": item.link,
        "fig": {
            k: (None if v is None else (v if isinstance(v, int) else _float(v, 2)))
            for k, v in item.figures.items()
        },
        "outline": [],
        "bbox": None,
        "villages": [],
    }
    gdf = item.villages
    if item.status != "ok" or gdf is None or gdf.empty:
        return entry
    gdf = gdf.sort_values("village_code").reset_index(drop=True)
    outline = region_outline(gdf, tolerance_m=settings["outline_tolerance_m"])
    entry["outline"] = encode_rings(outline, settings["outline_decimals"])
    minx, miny, maxx, maxy = gdf.total_bounds
    entry["bbox"] = [round(float(v), 4) for v in (miny, minx, maxy, maxx)]
    shapes = village_shapes(gdf, tolerance_m=settings["village_tolerance_m"])
    classes = gdf["risk_class"].astype(str).tolist()
    names = gdf["village_name"].astype(str).tolist() if "village_name" in gdf else [""] * len(gdf)
    scores = gdf["risk_score"].tolist() if "risk_score" in gdf else [None] * len(gdf)
    share = entry["fig"].get("villages_sangat_rawan") or 0
    entry["sr_share"] = round(share / max(len(gdf), 1), 3)
    for code, name, cls, score, shape in zip(
        gdf["village_code"].astype(str), names, classes, scores, shapes, strict=True
    ):
        rings = encode_rings(shape, settings["village_decimals"])
        if not rings:
            continue
        klass = CLASS_ORDER.index(cls) if cls in CLASS_ORDER else -1
        entry["villages"].append([code, name, klass, _float(score, 1), rings])
    return entry


@cache
def _own_asset(path: str) -> str:
    return (
        resources.files("riskmap").joinpath("assets", *path.split("/")).read_text(encoding="utf-8")
    )


def render_overview_map(
    regions: list[RegionOverview],
    *,
    stage: str,
    settings: dict[str, Any],
    class_colors: dict[str, str],
) -> str:
    """Return the overview ``map.html`` of one stage over ``regions`` (sorted by folder name).

    Parameters
    ----------
    regions
        Every region folder of the run; those whose ``status`` is not ``ok`` are listed with
        their reason and drawn nowhere.
    settings
        The ``summary`` config section (tolerances, decimals, the villages' zoom level).
    class_colors
        Colour per risk class (the ``map`` section's ``class_colors``).
    """
    items = sorted(regions, key=lambda r: r.region)
    data = {
        "stage": stage,
        "stage_label": STAGE_LABELS.get(stage, stage),
        "ui": UI,
        "classes": [
            {"key": k, "label": CLASS_LABELS.get(k, k), "color": class_colors.get(k, "#999999")}
            for k in CLASS_ORDER
        ],
        "scale": {
            "outline": 10 ** settings["outline_decimals"],
            "village": 10 ** settings["village_decimals"],
        },
        "village_min_zoom": settings["village_min_zoom"],
        "regions": [region_payload(r, settings) for r in items],
    }
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_own_asset("riskmap/overview.html.j2"))
    n_ok = sum(1 for r in items if r.status == "ok")
    return template.render(
        csp=content_security_policy([]),
        version=riskmap.__version__,
        ui=UI,
        stage_label=data["stage_label"],
        n_regions=len(items),
        n_ok=n_ok,
        styles=inline_styles(OVERVIEW_STYLES)
        + "\n"
        + safe_style_text(_own_asset("riskmap/overview.css")),
        scripts=inline_scripts(OVERVIEW_SCRIPTS)
        + "\n;\n"
        + safe_script_text(_own_asset("riskmap/overview.js")),
        data_json=json_for_html(data),
        regions=[
            {
                "id": r.region,
                "name": r.name or r.region,
                "code": r.code,
                "status": r.status,
                "link": r.link,
                "ok": r.status == "ok",
            }
            for r in items
        ],
    )
