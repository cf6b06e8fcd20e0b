"""The commander's map: one self-contained, offline HTML file per stage, in Bahasa Indonesia.

``render_stage_map`` is what the pipeline's ``render_map`` step calls. The browser libraries
are inlined from the pinned copies in ``riskmap/assets`` (``scripts/vendor_assets.sh``
re-fetches them); the basemap is drawn from the region's boundaries; with a passphrase the
file holds only the AES-GCM-encrypted map and a prompt.
"""

from riskmap.maps.protect import PassphraseError, decrypt_html, encrypt_html, protected_page
from riskmap.maps.render import map_settings, render_stage_map
from riskmap.maps.strings import (
    CLASS_LABELS,
    INCIDENT_KIND_LABELS,
    STAGE_LABELS,
    VENUE_KIND_LABELS,
    format_date_id,
)

__all__ = [
    "CLASS_LABELS",
    "INCIDENT_KIND_LABELS",
    "STAGE_LABELS",
    "VENUE_KIND_LABELS",
    "PassphraseError",
    "decrypt_html",
    "encrypt_html",
    "format_date_id",
    "map_settings",
    "protected_page",
    "render_stage_map",
]
