"""The briefing pack of a stage: ``map.png`` for slides, ``briefing.pdf`` and ``kecamatan.csv``.

What the Kapolres puts on the screen and on paper at a stage's briefing (rapat koordinasi,
anev). Rendered without a browser: the map with geopandas + matplotlib (Agg), the PDF with
WeasyPrint from an HTML template; fonts from the system (fontconfig), nothing fetched.
``render_briefing`` (the pipeline step) wires these pure functions to the stage's files.
"""

from riskmap.briefing.charts import budget_curve_points, budget_curve_svg, plan_point
from riskmap.briefing.pdf import briefing_html, data_uri, html_to_pdf
from riskmap.briefing.static_map import MapTitle, RenderedMap, render_static_map
from riskmap.briefing.tables import (
    class_changes,
    escalation_rows,
    kecamatan_table,
    key_figures,
    markers_from_plan,
    points_to_subdistricts,
    reserve_ladder,
    tasks_per_polsek,
)

__all__ = [
    "MapTitle",
    "RenderedMap",
    "briefing_html",
    "budget_curve_points",
    "budget_curve_svg",
    "plan_point",
    "class_changes",
    "data_uri",
    "escalation_rows",
    "html_to_pdf",
    "kecamatan_table",
    "key_figures",
    "markers_from_plan",
    "points_to_subdistricts",
    "render_static_map",
    "reserve_ladder",
    "tasks_per_polsek",
]
