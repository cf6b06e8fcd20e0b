"""The commander's map of one stage: one self-contained HTML file, offline, in Bahasa Indonesia.

Leaflet and its plugins are inlined from the pinned copies in ``riskmap/assets``; the basemap
is drawn from the region's own boundaries; the layers travel as one JSON document that the
page's script draws, inserting every input string as text. A Content-Security-Policy forbids
any network request (the opt-in online base maps of ``map.tile_layers`` excepted).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import jinja2
import pandas as pd

import riskmap
from riskmap.config import section_settings
from riskmap.geo import AREA_LEVEL_LABEL_ID, area_level_of_codes
from riskmap.maps.assets import MAP_SCRIPTS, MAP_STYLES, asset_text, inline_scripts, inline_styles
from riskmap.maps.layers import (
    boundaries_from_areas,
    incidents_layer,
    posts_layer,
    reach_layer,
    simplify_areas,
    tps_layer,
    units_layer,
    venues_layer,
    villages_layer,
)
from riskmap.maps.plan import (
    crossed_areas,
    daily_figures,
    default_date,
    escalation_by_venue,
    movements_layer,
    plan_dates,
    sectors_layer,
    share_paths,
    tasks_layer,
)
from riskmap.maps.protect import encrypt_html, protected_page
from riskmap.maps.strings import (
    CLASS_LABELS,
    INCIDENT_KIND_LABELS,
    MONTHS,
    SEVERITY_LABELS,
    SITE_KIND_LABELS,
    STAGE_LABELS,
    TASK_CODES,
    TASK_LABELS,
    UI,
    UNIT_KIND_LABELS,
    VENUE_KIND_CODES,
    VENUE_KIND_LABELS,
    area_level_ui,
    format_date_id,
    format_number_id,
)

log = logging.getLogger("riskmap")

SCHEMA = "section_map.schema.yaml"


def map_settings(map_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return the ``map:`` section with every key filled from the schema defaults, validated.

    Raises
    ------
    riskmap.config.ConfigError
        When a key breaks ``section_map.schema.yaml`` (every problem listed).
    """
    return section_settings(map_config, "map")


def _tile_sources(tile_layers: list[dict]) -> list[str]:
    sources = []
    for layer in tile_layers:
        parts = urlsplit(layer["url"].replace("{s}.", "SUBDOMAIN."))
        host = parts.hostname or ""
        host = host.replace("subdomain.", "*.")
        if host:
            sources.append(f"{parts.scheme}://{host}")
    return sorted(set(sources))


def content_security_policy(tile_layers: list[dict]) -> str:
    """Return the page's CSP: inline code only, images only as data URIs or opted-in tiles."""
    img = " ".join(["data:", "blob:", *_tile_sources(tile_layers)])
    return (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        f"img-src {img}; font-src data:; connect-src 'none'; form-action 'none'; "
        "base-uri 'none'"
    )


def json_for_html(value: Any) -> str:
    """Return ``value`` as JSON that cannot end the ``<script>`` element holding it.

    Examples
    --------
    >>> json_for_html({"name": "</script><img src=x>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def share_tps_strings(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the map's ``data`` whose TPS name their repeated texts by index.

    A TPS's reasons (``factors``) are mostly its village's, its ``village_name`` and its
    nearest Polsek (``reach.polsek``) those of its neighbours: on a 20,000-TPS map they were a
    third of the file. Each distinct text is written once in ``strings`` and a TPS holds its
    position there; the page puts the texts back as it reads the data (``map-app.js``), so
    everything after sees the TPS as before.

    Examples
    --------
    >>> out = share_tps_strings({"tps": [
    ...     {"id": "1", "factors": ["a", "b"], "village_name": "V", "reach": {"polsek": "P"}},
    ...     {"id": "2", "factors": ["b"], "village_name": "V", "reach": {"polsek": None}}]})
    >>> out["strings"], out["tps"][1]["factors"], out["tps"][1]["village_name"]
    (['a', 'b', 'V', 'P'], [1], 2)
    """
    table: dict[str, int] = {}

    def ref(text: str) -> int:
        return table.setdefault(text, len(table))

    tps = []
    for t in data["tps"]:
        t = dict(t)
        if t.get("factors"):
            t["factors"] = [ref(str(f)) for f in t["factors"]]
        if isinstance(t.get("village_name"), str):
            t["village_name"] = ref(t["village_name"])
        reach = t.get("reach")
        if isinstance(reach, dict) and isinstance(reach.get("polsek"), str):
            t["reach"] = {**reach, "polsek": ref(reach["polsek"])}
        tps.append(t)
    return {**data, "tps": tps, "strings": list(table)}


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.from_string(asset_text("riskmap/map.html.j2"))


def _count(values: pd.Series, label: str) -> int:
    return int((values.astype(str) == label).sum())


def task_chips(day: Mapping[str, Any] | None) -> list[dict]:
    """Return the header chips of one day of the operations plan (officers, tasks per kind).

    Examples
    --------
    >>> [c["value"] for c in task_chips({"duty": 1200, "reserve": 40,
    ...                                  "kinds": {"tps_team": 97, "patrol": 5}})]
    ['1.200 / 40', 'Pam TPS 97 \u00b7 Patroli 5']
    """
    if day is None:
        return []
    n = format_number_id
    kinds = " \u00b7 ".join(f"{TASK_LABELS[k]} {n(v)}" for k, v in day["kinds"].items())
    return [
        {"key": "duty", "label": UI["sum_duty"],
         "value": f"{n(day['duty'])} / {n(day['reserve'])}", "alert": False},
        {"key": "tasks", "label": UI["sum_tasks"], "value": kinds or UI["no_tasks"],
         "alert": False},
    ]


def summary_figures(
    *,
    villages: dict,
    tps: list[dict],
    posts: list[dict],
    reach: list[dict],
    has_previous: bool,
    stage: str = "",
    area_ui: Mapping[str, str] | None = None,
    day: Mapping[str, Any] | None = None,
) -> list[dict]:
    """Return the key figures shown under the header (label, value text, alert flag).

    On voting day the uncovered-TPS chip reads "TPS tanpa tim" (every TPS should have a
    team); ``area_ui`` names the areas by their level (:func:`area_level_ui`); ``day`` is the
    shown date's entry of :func:`riskmap.maps.plan.daily_figures` (its chips follow the date
    picker in the page).
    """
    names = dict(area_ui or area_level_ui("village"))
    classes = pd.Series([f["properties"]["cls"] for f in villages["features"]], dtype=object)
    tps_classes = pd.Series([t["cls"] for t in tps], dtype=object)
    n_sangat = _count(classes, "sangat_rawan")
    tps_sangat, tps_rawan = _count(tps_classes, "sangat_rawan"), _count(tps_classes, "rawan")
    uncovered = sum(1 for t in tps if not t["post"])
    rose = sum(1 for f in villages["features"] if f["properties"]["rose"])
    personnel = sum(int(p["personnel"] or 0) for p in posts)
    n = format_number_id
    chips = [
        {"key": "villages", "label": names["sum_villages"],
         "value": f"{n(n_sangat)} {UI['of']} {n(len(classes))}", "alert": n_sangat > 0},
        {"key": "tps", "label": UI["sum_tps"],
         "value": f"{n(tps_sangat)} / {n(tps_rawan)} {UI['of']} {n(len(tps))}",
         "alert": tps_sangat > 0},
        # with a daily plan the officers are the shown date's (chip "duty"): a post's own
        # figure is its busiest day, and summed over a stage of several days it would exceed
        # the budget
        {"key": "posts", "label": UI["sum_posts"], "value": f"{n(len(posts))} / {n(personnel)}",
         "alert": False} if day is None else
        {"key": "posts", "label": UI["sum_posts_only"], "value": n(len(posts)), "alert": False},
        {"key": "uncovered",
         "label": UI["sum_no_team"] if stage == "voting" else UI["sum_uncovered"],
         "value": n(uncovered), "alert": uncovered > 0},
        *task_chips(day),
        {"key": "changes", "label": names["sum_changes"],
         "value": n(rose) if has_previous else UI["first_stage_short"], "alert": rose > 0},
    ]
    if reach:
        chips.append({"key": "reach", "label": UI["sum_reach"], "value": n(len(reach)),
                      "alert": True})
    return chips


def _frame(value: pd.DataFrame | None) -> pd.DataFrame:
    return value if value is not None else pd.DataFrame()


def render_stage_map(
    areas: gpd.GeoDataFrame,
    area_risk: pd.DataFrame,
    tps_risk: pd.DataFrame,
    posts: pd.DataFrame,
    venues: pd.DataFrame,
    incidents: pd.DataFrame,
    units: pd.DataFrame,
    reach: pd.DataFrame | None,
    *,
    region_name: str = "",
    stage: str = "campaign",
    as_of: str = "",
    window_end: str = "",
    generated: str = "",
    synthetic: bool = False,
    previous_area_risk: pd.DataFrame | None = None,
    map_config: Mapping[str, Any] | None = None,
    passphrase: str | None = None,
    tasks: pd.DataFrame | None = None,
    movements: list[dict] | None = None,
    plan: Mapping[str, Any] | None = None,
) -> str:
    """Return the commander's map of one stage as one self-contained HTML page.

    Parameters
    ----------
    areas
        Village polygons: ``village_code``, ``village_name``, ``subdistrict_code``,
        ``subdistrict_name``, geometry (any CRS; drawn in WGS84).
    area_risk
        Per village: ``village_code``, ``risk_score``, ``risk_class``, ``expected_incidents``,
        ``top_factors`` (``"; "``-separated, Bahasa Indonesia).
    tps_risk
        Per TPS: ``tps_id``, ``village_code``, ``lat``, ``lon``, ``voters``, ``risk_score``,
        ``risk_class``, ``post_id`` (empty when uncovered); optional ``hard_to_reach``,
        ``expected_incidents``.
    posts
        Posting points: ``post_id``, ``lat``, ``lon``, ``personnel``, ``site_kind``,
        ``site_id``, ``covered_tps``, ``covered_weight``, ``radius_km``; optional ``name``,
        ``covered_tps_ids`` (``";"``-joined).
    venues
        Venues active in the stage: ``venue_id``, ``kind``, ``name``, ``lat``, ``lon``,
        optional ``start``, ``end``, ``expected_crowd``.
    incidents
        Incidents before the stage start: ``incident_id``, ``date``, ``kind``, ``lat``,
        ``lon``, optional ``severity``, ``description`` (later rows are dropped again here).
    units
        Police units: ``unit_id``, ``kind``, ``name``, ``lat``, ``lon``, ``personnel``.
    reach
        Per TPS/venue: ``target_kind``, ``target_id``, ``nearest_polsek_name``,
        ``polsek_minutes``, ``polres_minutes``, ``beyond_limit``; may be empty or ``None``.
    region_name, stage, as_of, window_end, generated
        Header texts: region, stage key (see :data:`STAGE_LABELS`), ISO dates.
    synthetic
        Show the "DATA SINTETIS" banner and watermark.
    previous_area_risk
        The previous stage's ``village_code``/``risk_class`` (``None`` for the first stage).
    map_config
        The stage's merged ``map:`` section (missing keys take the schema defaults).
    passphrase
        When given, the page holds only the encrypted map and a passphrase prompt.
    tasks
        The stage's ``tasks.csv`` (the operations plan: one row per task and day); ``None``
        or empty for a plan without tasks.
    movements
        The features of the stage's ``movements.geojson`` (patrol and escort lines).
    plan
        The stage's ``plan.json``; its ``escalation`` ladder is shown at the KPU offices.

    Returns
    -------
    str
        The HTML page.
    """
    settings = map_settings(map_config)
    if settings["passphrase"]:
        log.warning("map.passphrase is written in the configuration: weaker than a passphrase "
                    "in the environment variable %s", settings["passphrase_env"])
    decimals = int(settings["coordinate_decimals"])
    stage_label = STAGE_LABELS.get(stage, stage)

    simple = simplify_areas(areas, tolerance_m=float(settings["simplify_m"]), decimals=decimals)
    villages = villages_layer(simple, area_risk, previous_area_risk=previous_area_risk)
    reach = _frame(reach)
    tps = tps_layer(tps_risk, reach=reach, decimals=decimals)
    post_items = posts_layer(posts, tps_risk, decimals=decimals)
    venue_items = venues_layer(_frame(venues), reach=reach, decimals=decimals)
    unit_items = units_layer(_frame(units), decimals=decimals)
    incident_items = incidents_layer(
        _frame(incidents), as_of=as_of or "2100-01-01",
        history_days=settings["incident_history_days"], decimals=decimals,
    )
    reach_items = reach_layer(reach, tps=tps, venues=venue_items, units=unit_items)
    task_items = tasks_layer(tasks, decimals=decimals)
    movement_items = movements_layer(movements, tasks=task_items,
                                     simplify_m=float(settings["movement_simplify_m"]),
                                     decimals=decimals)
    sectors = []
    if stage == "voting":
        sectors = sectors_layer(tps, post_items, buffer_m=float(settings["sector_buffer_m"]),
                                n_colours=len(settings["sector_colors"]), decimals=decimals)
    dates = plan_dates(task_items, movement_items)
    daily = daily_figures(task_items)
    shown = default_date(dates, as_of)
    line_paths, movement_refs = share_paths(movement_items)
    level = area_level_of_codes(list(areas["village_code"].astype(str)))  # "village" if none
    area_ui = area_level_ui(level)
    name_of_village = {f["properties"]["code"]: f["properties"]["name"]
                       for f in villages["features"]}
    for t in tps:
        t["village_name"] = name_of_village.get(t["village"], t["village"])
    for item in reach_items:
        if item["kind"] == "tps":
            item["name"] = f"TPS {item['id']}"

    data = {
        "ui": {**{k: v for k, v in UI.items() if not k.startswith("synthetic")}, **area_ui},
        "labels": {
            "classes": CLASS_LABELS,
            "venue_kinds": VENUE_KIND_LABELS,
            "venue_codes": VENUE_KIND_CODES,
            "incident_kinds": INCIDENT_KIND_LABELS,
            "severity": {str(k): v for k, v in SEVERITY_LABELS.items()},
            "unit_kinds": UNIT_KIND_LABELS,
            "site_kinds": SITE_KIND_LABELS,
            "task_kinds": TASK_LABELS,
            "task_codes": TASK_CODES,
            "months": list(MONTHS),
            "area_level": AREA_LEVEL_LABEL_ID[level],
        },
        "settings": {
            "layers_on": settings["layers_on"],
            "cluster_until_zoom": settings["cluster_until_zoom"],
            "village_labels_from_zoom": settings["village_labels_from_zoom"],
            "max_zoom": settings["max_zoom"],
            "max_list_items": settings["max_list_items"],
            "class_colors": settings["class_colors"],
            "tile_layers": settings["tile_layers"],
            "sector_colors": settings["sector_colors"],
            "label_gap_px": settings["label_gap_px"],
        },
        "meta": {"stage": stage, "as_of": as_of, "has_previous": previous_area_risk is not None,
                 "incidents_before": format_date_id(as_of)},
        "boundaries": boundaries_from_areas(simple, decimals=decimals),
        "villages": villages,
        "tps": tps,
        "posts": post_items,
        "venues": venue_items,
        "incidents": incident_items,
        "units": unit_items,
        "reach": reach_items,
        "plan": {
            "tasks": task_items,
            "movements": movement_refs,
            "paths": line_paths,
            "crossed": crossed_areas(line_paths, villages),
            "sectors": sectors,
            "escalation": escalation_by_venue(plan),
            "dates": dates,
            "date": shown,
            "daily": daily,
        },
    }
    summary = summary_figures(villages=villages, tps=tps, posts=post_items, reach=reach_items,
                              has_previous=previous_area_risk is not None, stage=stage,
                              area_ui=area_ui, day=daily.get(shown) if task_items else None)
    page = _template().render(
        csp=content_security_policy(settings["tile_layers"]),
        version=riskmap.__version__,
        title=UI["title"],
        marking=settings["marking"],
        region_name=region_name,
        stage_label=stage_label,
        synthetic=bool(synthetic),
        ui=UI,
        as_of_text=format_date_id(as_of),
        window_end_text=format_date_id(window_end),
        generated_text=format_date_id(generated),
        summary=summary,
        styles=inline_styles(MAP_STYLES),
        scripts=inline_scripts(MAP_SCRIPTS),
        data_json=json_for_html(share_tps_strings(data)),
    )
    if passphrase:
        payload = encrypt_html(page, passphrase, iterations=int(settings["kdf_iterations"]))
        page = protected_page(
            payload, title=f"{UI['title']} \u00b7 {region_name} \u00b7 {stage_label}",
            marking=settings["marking"], synthetic=bool(synthetic),
            csp=content_security_policy(settings["tile_layers"]),
        )
    size_mb = len(page.encode("utf-8")) / 1e6
    if size_mb > float(settings["size_warning_mb"]):
        log.warning("map.html is %.2f MB (over map.size_warning_mb = %s MB)", size_mb,
                    settings["size_warning_mb"])
    return page
