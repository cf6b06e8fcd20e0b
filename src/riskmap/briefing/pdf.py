"""The briefing PDF: an HTML template (Jinja2) typeset by WeasyPrint, A4 landscape.

Fonts come from the system through fontconfig (Debian's fonts-dejavu-core); nothing is
fetched: WeasyPrint's URL fetcher only accepts the ``data:`` images the template embeds. The
document carries fixed metadata (no creation date) and a fixed identifier, so the same inputs
give the same PDF bytes.
"""

from __future__ import annotations

import base64
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import markupsafe

FIXED_DATE = "2000-01-01T00:00:00Z"


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    root = resources.files("riskmap") / "templates" / "briefing"
    env.filters["css_string"] = css_string
    env.globals["css"] = (root / "briefing.css").read_text(encoding="utf-8")
    return env.from_string((root / "briefing.html.j2").read_text(encoding="utf-8"))


def css_string(value: object) -> markupsafe.Markup:
    """Return ``value`` as a quoted CSS string (for ``content:`` in the page margins).

    Examples
    --------
    >>> str(css_string('Kab. "Gunung" Mas'))
    '"Kab. \\\\22 Gunung\\\\22  Mas"'
    """
    text = "".join(c if c.isprintable() and c not in '"\\<>&' else f"\\{ord(c):x} "
                   for c in str(value))
    return markupsafe.Markup(f'"{text}"')


def data_uri(payload: bytes | str, mime: str) -> str:
    """Return ``payload`` as a base64 ``data:`` URI (images embedded in the HTML)."""
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    return f"data:{mime};base64," + base64.b64encode(raw).decode("ascii")


def briefing_html(context: dict[str, Any]) -> str:
    """Return the briefing's HTML from the template and ``context`` (see the template)."""
    return _template().render(**context)


class TypesetterMissingError(RuntimeError):
    """WeasyPrint cannot load the system's Pango library (a machine without it)."""


def html_to_pdf(html: str) -> bytes:
    """Typeset ``html`` with WeasyPrint and return the PDF bytes (deterministic metadata).

    Raises
    ------
    TypesetterMissingError
        When the system lacks Pango (WeasyPrint's text layout), with the package to install.
    """
    try:
        import weasyprint
    except OSError as exc:  # cffi cannot dlopen libpango/libgobject
        msg = (
            "briefing.pdf needs the Pango library: apt-get install -y libpango-1.0-0 "
            f"libpangoft2-1.0-0 fonts-dejavu-core ({exc})"
        )
        raise TypesetterMissingError(msg) from None
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])  # embedded images only, never the network
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    document.metadata.created = FIXED_DATE
    document.metadata.modified = FIXED_DATE
    document.metadata.generator = "riskmap"
    return document.write_pdf(pdf_identifier=b"riskmap-briefing")
