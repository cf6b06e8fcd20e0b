"""Passphrase protection: AES-256-GCM with a PBKDF2-HMAC-SHA256 key."""

from __future__ import annotations

import base64
import json
import re

import pytest
from tiny_map_data import render_tiny

from riskmap.maps import PassphraseError, decrypt_html, encrypt_html
from riskmap.maps.protect import MIN_ITERATIONS


def payload_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="rm-payload">(.*?)</script>', html,
                      re.S)
    assert match
    return json.loads(match.group(1))


def test_round_trip_and_wrong_passphrase():
    payload = encrypt_html("<p>peta</p>", "benar")
    assert decrypt_html(payload, "benar") == "<p>peta</p>"
    with pytest.raises(PassphraseError):
        decrypt_html(payload, "salah")


def test_parameters_are_strong_and_random():
    a, b = encrypt_html("x", "p"), encrypt_html("x", "p")
    assert a["iterations"] >= 310_000 and a["kdf"] == "PBKDF2-HMAC-SHA256"
    assert len(base64.b64decode(a["salt"])) == 16 and len(base64.b64decode(a["nonce"])) == 12
    assert a["salt"] != b["salt"] and a["nonce"] != b["nonce"]
    assert a["ciphertext"] != b["ciphertext"]
    # GCM appends a 16-byte tag
    assert len(base64.b64decode(a["ciphertext"])) == 1 + 16


def test_weak_settings_are_refused():
    with pytest.raises(ValueError, match="at least"):
        encrypt_html("x", "p", iterations=MIN_ITERATIONS - 1)
    with pytest.raises(PassphraseError):
        encrypt_html("x", "")


def test_protected_page_holds_only_the_encrypted_map():
    plain = render_tiny()
    html = render_tiny(passphrase="rahasia-uji")
    for secret in ("Tumbang Alpha", "Sungai Beta", "6210012001001", "Polsek Kurun", "Kurun",
                   "leaflet"):
        assert secret not in html
    assert "Frasa sandi" in html and "TERBATAS" in html and "DATA SINTETIS" in html
    assert decrypt_html(payload_of(html), "rahasia-uji") == plain
    assert "nobleCrypto" in html


def test_protected_page_uses_configured_iterations():
    html = render_tiny(passphrase="p", map_config={"kdf_iterations": 400_000})
    assert payload_of(html)["iterations"] == 400_000
