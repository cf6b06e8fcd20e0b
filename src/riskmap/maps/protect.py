"""Passphrase protection: the whole map encrypted, with a prompt page that decrypts it.

AES-256-GCM; the key comes from the passphrase by PBKDF2-HMAC-SHA256 with a random 16-byte
salt and at least 310,000 iterations; the 12-byte nonce is random. The browser decrypts with
WebCrypto where it exists (``file://`` on a laptop) and with the inlined pure-JS noble build
where it does not (``content://`` on Android is not always a secure context). A wrong
passphrase fails the GCM tag check, and the page says so.
"""

from __future__ import annotations

import base64
import html as html_lib
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from riskmap.maps.assets import (
    PROTECT_SCRIPTS,
    PROTECT_STYLES,
    inline_scripts,
    inline_styles,
)
from riskmap.maps.strings import PROTECT_UI

MIN_ITERATIONS = 310_000
FORMAT = "riskmap-aesgcm-pbkdf2-sha256/1"
DEFAULT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)


class PassphraseError(ValueError):
    """The passphrase is empty or does not open the payload."""


def _key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(passphrase.encode("utf-8"))


def encrypt_html(
    html: str,
    passphrase: str,
    *,
    iterations: int = MIN_ITERATIONS,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> dict:
    """Encrypt ``html`` with a key derived from ``passphrase``; return the JSON-ready payload.

    Parameters
    ----------
    html
        The page to protect.
    passphrase
        Non-empty passphrase (UTF-8).
    iterations
        PBKDF2-HMAC-SHA256 iterations; at least :data:`MIN_ITERATIONS`.
    salt, nonce
        16 and 12 random bytes; drawn from ``os.urandom`` when not given (give them only in
        tests).

    Returns
    -------
    dict
        ``format``, ``kdf``, ``iterations``, ``salt``, ``nonce`` and ``ciphertext`` (base64;
        the ciphertext ends with the 16-byte GCM tag, as WebCrypto expects).
    """
    if not passphrase:
        raise PassphraseError("the map passphrase is empty")
    if iterations < MIN_ITERATIONS:
        msg = f"map.kdf_iterations must be at least {MIN_ITERATIONS}, got {iterations}"
        raise ValueError(msg)
    salt = os.urandom(16) if salt is None else salt
    nonce = os.urandom(12) if nonce is None else nonce
    if len(salt) < 16 or len(nonce) != 12:
        raise ValueError("salt must have at least 16 bytes and nonce exactly 12")
    key = _key(passphrase, salt, iterations)
    ciphertext = AESGCM(key).encrypt(nonce, html.encode("utf-8"), FORMAT.encode("ascii"))

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return {
        "format": FORMAT,
        "kdf": "PBKDF2-HMAC-SHA256",
        "iterations": int(iterations),
        "salt": b64(salt),
        "nonce": b64(nonce),
        "ciphertext": b64(ciphertext),
    }


def decrypt_html(payload: dict, passphrase: str) -> str:
    """Return the page inside ``payload``; raise :class:`PassphraseError` if it does not open."""
    salt = base64.b64decode(payload["salt"])
    nonce = base64.b64decode(payload["nonce"])
    data = base64.b64decode(payload["ciphertext"])
    key = _key(passphrase, salt, int(payload["iterations"]))
    try:
        plain = AESGCM(key).decrypt(nonce, data, str(payload["format"]).encode("ascii"))
    except InvalidTag:
        raise PassphraseError("wrong passphrase") from None
    return plain.decode("utf-8")


def _json_in_html(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def protected_page(
    payload: dict, *, title: str, marking: str, synthetic: bool, csp: str | None = None
) -> str:
    """Return the prompt page holding only ``payload`` (from :func:`encrypt_html`).

    The title and marking are shown before unlocking; nothing else about the map is. ``csp``
    is the Content-Security-Policy of the decrypted map (it stays in force once the map is
    written into the page), by default: inline code only, no network.
    """
    esc = html_lib.escape
    ui = dict(PROTECT_UI)
    banner = ""
    if synthetic:
        banner = '<div class="rm-synth">DATA SINTETIS</div>'
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{esc(csp or DEFAULT_CSP)}">
<meta name="referrer" content="no-referrer">
<title>{esc(title)}</title>
<style>{inline_styles(PROTECT_STYLES)}</style>
</head>
<body>
<main class="rm-lock">
<div class="rm-marking">{esc(marking)}</div>
{banner}
<h1>{esc(title)}</h1>
<h2>{esc(ui["heading"])}</h2>
<p>{esc(ui["prompt"])}</p>
<form id="rm-unlock" autocomplete="off">
<label for="rm-pass">{esc(ui["label"])}</label>
<input id="rm-pass" type="password" autocomplete="current-password" autofocus>
<button id="rm-open" type="submit">{esc(ui["open"])}</button>
<p id="rm-status" role="status" aria-live="polite"></p>
</form>
</main>
<script type="application/json" id="rm-ui">{_json_in_html(ui)}</script>
<script type="application/json" id="rm-payload">{_json_in_html(payload)}</script>
<script>{inline_scripts(PROTECT_SCRIPTS)}</script>
</body>
</html>
"""
