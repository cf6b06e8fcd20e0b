"""Vendored browser libraries: pinned, recorded and inlined without network references."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest

from riskmap.maps.assets import (
    MAP_SCRIPTS,
    MAP_STYLES,
    PROTECT_SCRIPTS,
    inline_css_urls,
    inline_styles,
    safe_script_text,
)

ASSETS = resources.files("riskmap") / "assets"


def test_every_vendored_file_matches_its_recorded_checksum():
    lines = (ASSETS / "SHA256SUMS").read_text().split("\n")
    entries = [line.split() for line in lines if line.strip()]
    assert len(entries) >= 9
    for digest, name in entries:
        data = (ASSETS / name.removeprefix("./")).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name


def test_npm_versions_are_exact_pins_and_locked():
    package = json.loads((ASSETS / "package.json").read_text())
    lock = json.loads((ASSETS / "package-lock.json").read_text())
    pins = {**package["dependencies"], **package["devDependencies"]}
    assert pins["leaflet"] == "1.9.4" and pins["leaflet.markercluster"] == "1.5.3"
    for name, version in pins.items():
        assert version[0].isdigit(), f"{name} is not pinned exactly: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_versions_file_records_every_library_and_licence():
    text = (ASSETS / "VERSIONS.md").read_text()
    for needle in ("leaflet", "1.9.4", "leaflet.markercluster", "1.5.3", "@noble/ciphers",
                   "@noble/hashes", "folium", "BSD-2-Clause", "MIT"):
        assert needle in text


def test_page_files_exist():
    for path in (*MAP_SCRIPTS, *MAP_STYLES, *PROTECT_SCRIPTS):
        assert (ASSETS / path).is_file(), path


def test_style_sheet_images_become_data_uris():
    css = inline_styles(MAP_STYLES)
    assert "images/layers.png" not in css
    assert "data:image/png;base64," in css


def test_network_urls_in_style_sheets_are_refused():
    with pytest.raises(ValueError, match="network"):
        inline_css_urls("a { background: url(https://cdn.example/x.png) }", base="leaflet")
    assert inline_css_urls("a { b: url(data:image/png;base64,AA==) }", base="") == (
        "a { b: url(data:image/png;base64,AA==) }")


def test_script_text_cannot_close_its_element():
    assert "</script" not in safe_script_text('var s = "</script><b>";').lower()
