"""Offline inlining: the vendored browser libraries as ``<script>``/``<style>`` text.

The files live in ``riskmap/assets`` (package data, re-fetched with
``scripts/vendor_assets.sh``); nothing is ever fetched at run time. Images a style sheet refers
to are turned into ``data:`` URIs, and any ``</script``/``</style`` inside a file is neutralised
so that the inlined text cannot close its element early.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources

#: Scripts of the map page, in load order (paths inside ``riskmap/assets``).
MAP_SCRIPTS: tuple[str, ...] = (
    "leaflet/leaflet.js",
    "leaflet.markercluster/leaflet.markercluster.js",
    "leaflet-heat/leaflet_heat.min.js",
    "riskmap/map-app.js",
)

#: Style sheets of the map page, in cascade order.
MAP_STYLES: tuple[str, ...] = (
    "leaflet/leaflet.css",
    "leaflet.markercluster/MarkerCluster.css",
    "riskmap/map.css",
)

#: Scripts of the passphrase prompt page.
PROTECT_SCRIPTS: tuple[str, ...] = ("noble/noble-crypto.iife.js", "riskmap/unlock.js")

#: Style sheet of the passphrase prompt page.
PROTECT_STYLES: tuple[str, ...] = ("riskmap/unlock.css",)

_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif", ".woff2": "font/woff2"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]+)\1\s*\)")


def _asset(path: str):
    return resources.files("riskmap").joinpath("assets", *path.split("/"))


@cache
def asset_text(path: str) -> str:
    """Return the text of the vendored file ``path`` (relative to ``riskmap/assets``)."""
    return _asset(path).read_text(encoding="utf-8")


def data_uri(path: str) -> str:
    """Return the vendored binary file ``path`` as a ``data:`` URI."""
    suffix = "." + path.rsplit(".", 1)[-1].lower()
    mime = _MIME.get(suffix, "application/octet-stream")
    payload = base64.b64encode(_asset(path).read_bytes()).decode("ascii")
    return f"data:{mime};base64,{payload}"


def inline_css_urls(css: str, *, base: str) -> str:
    """Replace every relative ``url(...)`` of ``css`` (a file in folder ``base``) by a data URI.

    ``data:`` URIs and fragment references stay as they are; an absolute (network) URL is an
    error, since the map must never reach the network.
    """

    def repl(match: re.Match) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")):
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", target, flags=re.IGNORECASE):
            msg = f"style sheet in {base!r} refers to a network address {target!r}"
            raise ValueError(msg)
        path = f"{base}/{target}" if base else target
        return f'url("{data_uri(path)}")'

    return _CSS_URL.sub(repl, css)


_LITERAL_LINK = re.compile(r"""(src|href)=(")(https?://[^"]*)(")""", flags=re.IGNORECASE)


def safe_script_text(js: str) -> str:
    """Return ``js`` safe to place inside ``<script>...</script>``.

    Library code may hold HTML snippets with links inside string literals (Leaflet's default
    attribution prefix links to leafletjs.com; the map switches it off). Their quotes are
    written escaped (``href=\\"...\\"``: the same string to JavaScript), so the file carries no
    literal ``href="http...`` that a scan for network resources would flag.
    """
    js = _LITERAL_LINK.sub(r'\1=\\"\3\\"', js)
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def safe_style_text(css: str) -> str:
    """Return ``css`` safe to place inside ``<style>...</style>``."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


@cache
def inline_styles(paths: tuple[str, ...]) -> str:
    """Return the style sheets ``paths`` as one text with their images inlined."""
    parts = []
    for path in paths:
        base = path.rsplit("/", 1)[0] if "/" in path else ""
        parts.append(f"/* {path} */\n" + inline_css_urls(asset_text(path), base=base))
    return safe_style_text("\n".join(parts))


@cache
def inline_scripts(paths: tuple[str, ...]) -> str:
    """Return the scripts ``paths`` as one text, each in its own ``;``-separated block."""
    return safe_script_text("\n;\n".join(f"/* {p} */\n{asset_text(p)}" for p in paths))
