"""The map file carries no literal network address in a src or href attribute."""

import re

from tiny_map_data import render_tiny

from riskmap.maps.assets import safe_script_text

LINK = re.compile(r"""(src|href)=["']https?://""", flags=re.IGNORECASE)


def test_rendered_map_has_no_literal_network_link():
    html = render_tiny()
    assert not LINK.search(html), LINK.search(html).group(0)


def test_links_in_library_strings_keep_their_meaning():
    js = """var p = '<a href="https://leafletjs.com" title="x">Leaflet</a>';"""
    out = safe_script_text(js)
    assert not LINK.search(out)
    assert out == """var p = '<a href=\\"https://leafletjs.com\\" title="x">Leaflet</a>';"""
