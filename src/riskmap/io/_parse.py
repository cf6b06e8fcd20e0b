"""Parsers of single values as analysts type them: numbers, coordinates, dates, codes, booleans.

Each parser returns the parsed value or raises :class:`ValueError` with a short English reason
(the caller turns it into a reason code). Nothing here reads files.
"""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
import pandas as pd

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234.567,5
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234,567.5


def parse_number(text: str) -> tuple[float, bool]:
    """Parse a decimal number written with a dot or a comma; return ``(value, used_comma)``.

    Thousands separators are accepted when the other mark is the decimal one
    (``1.234,5`` or ``1,234.5``). A lone comma is a decimal comma (``113,8664``).

    Examples
    --------
    >>> parse_number("113,8664")
    (113.8664, True)
    >>> parse_number("-1.1016")
    (-1.1016, False)
    >>> parse_number("1.234,5")
    (1234.5, True)
    """
    s = text.strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if not s:
        raise ValueError("empty")
    if _GROUPED_DOT.match(s) and "," in s:
        return float(s.replace(".", "").replace(",", ".")), True
    if _GROUPED_COMMA.match(s) and "." in s:
        return float(s.replace(",", "")), False
    if not _NUMBER.match(s):
        raise ValueError("not a number")
    used_comma = "," in s
    value = float(s.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value, used_comma


_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")  # 1.500 = 1500 (Indonesian)


def parse_integer(text: str) -> tuple[int, bool]:
    """Parse a whole number (``"250"``, ``"250.0"``, ``"250,0"``); return ``(value, used_comma)``.

    A count written with dots between groups of three digits (``"1.500"``) is read the
    Indonesian way, as 1500 (see :func:`uses_thousands_dots`).

    Examples
    --------
    >>> parse_integer("250.0")
    (250, False)
    >>> parse_integer("1.500")
    (1500, False)
    """
    s = text.strip().replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS_DOT.match(s):
        return int(s.replace(".", "")), False
    value, comma = parse_number(text)
    if value != math.floor(value):
        raise ArithmeticError("not a whole number")
    if abs(value) > 2**62:
        raise ArithmeticError("too large")
    return int(value), comma


def uses_thousands_dots(text: str) -> bool:
    """Whether a count is written with thousands dots (``"1.500"``).

    Examples
    --------
    >>> uses_thousands_dots("1.500"), uses_thousands_dots("1.5")
    (True, False)
    """
    return bool(_THOUSANDS_DOT.match(text.strip().replace(" ", "")))


def split_coordinate_pair(text: str) -> tuple[str, str]:
    """Split a ``lat, lon`` pair as phone maps copy it into its two parts.

    Examples
    --------
    >>> split_coordinate_pair("-1.1016, 113.8664")
    ('-1.1016', '113.8664')
    >>> split_coordinate_pair("1°06'05.8 S 113°51'59.0 E")
    ("1°06'05.8 S", "113°51'59.0 E")
    >>> split_coordinate_pair("-1,1016; 113,8664")
    ('-1,1016', '113,8664')
    """
    s = text.strip().strip("()[]").strip()
    m = re.match(r"^(.*?\d[^A-Za-z]*?\s*(?:LU|LS|[NSUns]))(?![A-Za-z])[\s,;]+(.+)$", s)
    if m and re.search(r"\d", m.group(2)):
        return m.group(1).strip(), m.group(2).strip()
    for sep in (";", ", ", "\t"):
        parts = [p.strip() for p in s.split(sep) if p.strip()]
        if len(parts) == 2:
            return parts[0], parts[1]
    if s.count(",") == 1 and "." in s:
        a, b = s.split(",")
        return a.strip(), b.strip()
    parts = s.split()
    if len(parts) == 2:
        return parts[0], parts[1]
    raise ValueError("not a latitude, longitude pair")


_TRUE = {"true", "1", "ya", "y", "yes", "t", "benar", "iya", "1.0", "x", "v"}
_FALSE = {"false", "0", "tidak", "n", "no", "f", "salah", "0.0", "", "-", "tdk"}


def parse_boolean(text: str) -> bool:
    """Parse a yes/no cell (``true``/``false``, ``ya``/``tidak``, ``1``/``0``; empty is False).

    Examples
    --------
    >>> parse_boolean("Ya"), parse_boolean("")
    (True, False)
    """
    s = text.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError("not a boolean")


# ------------------------------------------------------------------------------ coordinates
_HEMI = {
    "N": ("lat", 1), "U": ("lat", 1), "LU": ("lat", 1),
    "S": ("lat", -1), "LS": ("lat", -1),
    "E": ("lon", 1), "T": ("lon", 1), "BT": ("lon", 1),
    "W": ("lon", -1), "B": ("lon", -1), "BB": ("lon", -1),
}
_HEMI_RE = re.compile(r"^(LU|LS|BT|BB|[NSEWUTB])\b|\b(LU|LS|BT|BB|[NSEWUTB])$")
_DMS_NUM = re.compile(r"\d+(?:[.,]\d+)?")


def parse_coordinate(text: str) -> tuple[float, str | None, bool, bool]:
    """Parse one coordinate: decimal degrees or degrees-minutes-seconds as phone maps copy it.

    Returns ``(degrees, axis, was_dms, used_comma)`` where ``axis`` is ``"lat"``/``"lon"`` when
    a hemisphere letter names it (N/S/E/W or the Indonesian LU/LS/BT/BB), else ``None``.

    Examples
    --------
    >>> parse_coordinate("1°06'05.8\\"S")
    (-1.101611, 'lat', True, False)
    >>> parse_coordinate("113° 51' 59\\" BT")
    (113.866389, 'lon', True, False)
    >>> parse_coordinate("-1,1016")
    (-1.1016, None, False, True)
    """
    s = text.strip().upper().replace("\u2212", "-")
    if not s:
        raise ValueError("empty")
    try:
        value, comma = parse_number(s)
        return value, None, False, comma
    except ValueError:
        pass
    s = (s.replace("º", "°").replace("˚", "°").replace("’", "'").replace("′", "'")
         .replace("”", '"').replace("″", '"').replace("''", '"'))
    axis, sign = None, 1
    m = _HEMI_RE.search(s)
    if m:
        letters = m.group(1) or m.group(2)
        axis, sign = _HEMI[letters]
        s = (s[: m.start()] + s[m.end():]).strip()
    if s.startswith("-"):
        sign, s = -sign, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if re.search(r"[^0-9°'\".,\s]", s):
        raise ValueError("unexpected characters")
    parts = _DMS_NUM.findall(s)
    if not 1 <= len(parts) <= 3:
        raise ValueError("not degrees-minutes-seconds")
    nums = [float(p.replace(",", ".")) for p in parts]
    if len(nums) >= 2 and not 0 <= nums[1] < 60:
        raise ValueError("minutes out of range")
    if len(nums) == 3 and not 0 <= nums[2] < 60:
        raise ValueError("seconds out of range")
    deg = nums[0] + (nums[1] / 60 if len(nums) > 1 else 0) + (nums[2] / 3600 if len(nums) > 2
                                                               else 0)
    return round(sign * deg, 6), axis, len(nums) > 1 or "°" in s, False


# ----------------------------------------------------------------------------------- dates
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:\s+\d{1,2}[:.]\d{2}.*)?$")
_MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "february": 2, "pebruari": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "agustus": 8, "aug": 8, "august": 8, "ags": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}
_NAMED = re.compile(r"^(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/,]+(\d{4})$")
_NAMED_FIRST = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")


def _mkdate(y: int, m: int, d: int) -> date:
    if y < 100:
        y += 2000
    return date(y, m, d)


def classify_date(text: str) -> tuple[str, tuple[int, int, int] | date]:
    """Classify a date cell.

    Returns ``("iso", date)`` / ``("named", date)`` for unambiguous forms, or
    ``("numeric", (a, b, year))`` for ``a/b/year`` whose order is decided per column by
    :func:`decide_date_order`. Raises ``ValueError`` when it is not a date at all.

    Examples
    --------
    >>> classify_date("2024-02-14")
    ('iso', datetime.date(2024, 2, 14))
    >>> classify_date("14 Februari 2024")
    ('named', datetime.date(2024, 2, 14))
    >>> classify_date("03/04/2024")
    ('numeric', (3, 4, 2024))
    """
    s = text.strip()
    m = _ISO.match(s)
    if m:
        return "iso", date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if y < 100:
            y += 2000
        if not (1 <= a <= 31 and 1 <= b <= 31) or (a > 12 and b > 12):
            raise ValueError("not a date")
        return "numeric", (a, b, y)
    m = _NAMED.match(s)
    if m and m.group(2).lower() in _MONTHS:
        return "named", _mkdate(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    m = _NAMED_FIRST.match(s)
    if m and m.group(1).lower() in _MONTHS:
        return "named", _mkdate(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    raise ValueError("not a date")


def decide_date_order(numeric: list[tuple[int, int, int]], *, date_order: str = "auto") -> str:
    """Decide how the ``a/b/year`` dates of one file are to be read.

    ``"day_first"`` or ``"month_first"`` when configured or when the file itself settles it
    (some first field above 12 and none of the second fields, or the reverse);
    ``"ambiguous"`` otherwise (each date is then read only when it is unambiguous alone).

    Examples
    --------
    >>> decide_date_order([(14, 2, 2024), (3, 4, 2024)])
    'day_first'
    >>> decide_date_order([(3, 4, 2024)])
    'ambiguous'
    """
    if date_order in ("day_first", "month_first"):
        return date_order
    first_big = any(a > 12 for a, _, _ in numeric)
    second_big = any(b > 12 for _, b, _ in numeric)
    if first_big and not second_big:
        return "day_first"
    if second_big and not first_big:
        return "month_first"
    return "ambiguous"


def numeric_date(parts: tuple[int, int, int], order: str) -> date:
    """Return the date of ``(a, b, year)`` read in ``order``; raise ``LookupError`` if ambiguous.

    Examples
    --------
    >>> numeric_date((3, 4, 2024), "day_first")
    datetime.date(2024, 4, 3)
    """
    a, b, y = parts
    if order == "day_first" or (order == "ambiguous" and (a > 12 or a == b)):
        return date(y, b, a)
    if order == "month_first" or (order == "ambiguous" and b > 12):
        return date(y, a, b)
    raise LookupError("ambiguous")


# ------------------------------------------------------------------------------------ codes
_DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})\.(\d{4})$")
_TEN = re.compile(r"^\d{10}$")
_BPS_DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{3})\.(\d{3})$")


def normalise_village_code(text: str) -> tuple[str, bool]:
    """Return the dotted Kemendagri village code and whether it was rewritten.

    Accepts ``62.10.02.1012`` and the 10-digit ``6210021012`` (also with spaces, dashes or a
    trailing ``.0`` from Excel). Raises ``ValueError`` for other forms.

    Examples
    --------
    >>> normalise_village_code("6210021012")
    ('62.10.02.1012', True)
    >>> normalise_village_code("62.10.02.1012")
    ('62.10.02.1012', False)
    """
    s = text.strip()
    if _DOTTED.match(s):
        return s, False
    digits = re.sub(r"[\s\-.]", "", s[:-2] if s.endswith(".0") and "." not in s[:-2] else s)
    if _TEN.match(digits) and not _BPS_DOTTED.match(s):
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}", True
    raise ValueError("not a Kemendagri village code")


_AREA_DOTTED = (
    (re.compile(r"^\d{2}$"), "province"),
    (re.compile(r"^\d{2}\.\d{2}$"), "regency"),
    (re.compile(r"^\d{2}\.\d{2}\.\d{2}$"), "district"),
)
_AREA_DIGITS = {2: "province", 4: "regency", 6: "district"}


def normalise_area_code(text: str) -> tuple[str, str, bool]:
    """Return the dotted Kemendagri code of an area of any level, its level and whether it
    was rewritten.

    Levels: ``province`` (``62``), ``regency`` (kabupaten/kota, ``62.10``), ``district``
    (kecamatan, ``62.10.02``) and ``village`` (desa/kelurahan, ``62.10.02.1012``). Undotted
    codes of 2, 4, 6 or 10 digits are accepted and rewritten. Raises ``ValueError`` for
    anything else (BPS codes such as ``62.11.010`` included).

    Examples
    --------
    >>> normalise_area_code("62.10")
    ('62.10', 'regency', False)
    >>> normalise_area_code("621002")
    ('62.10.02', 'district', True)
    >>> normalise_area_code("6210021012")
    ('62.10.02.1012', 'village', True)
    """
    s = text.strip()
    if s.endswith(".0") and s[:-2].isdigit():  # a number-formatted cell from Excel
        s = s[:-2]
    for pattern, level in _AREA_DOTTED:
        if pattern.match(s):
            return s, level, False
    digits = re.sub(r"[\s\-]", "", s)
    if digits.isdigit() and len(digits) in _AREA_DIGITS:
        parts = [digits[i:i + 2] for i in range(0, len(digits), 2)]
        return ".".join(parts), _AREA_DIGITS[len(digits)], True
    code, changed = normalise_village_code(text)
    return code, "village", changed


def area_code_at_level(code: str, level: str) -> str | None:
    """The code of the area of ``level`` that holds ``code`` (``None`` if ``code`` is coarser).

    Examples
    --------
    >>> area_code_at_level("62.10.02.1012", "regency")
    '62.10'
    >>> area_code_at_level("62.10", "district") is None
    True
    """
    depth = {"province": 1, "regency": 2, "district": 3, "village": 4}[level]
    parts = code.split(".")
    if len(parts) < depth:
        return None
    return ".".join(parts[:depth])


def looks_like_bps(text: str, *, region_code: str | None = None) -> bool:
    """Guess whether a village code is a BPS code (``62.11.010.001`` or a 10-digit BPS number).

    A 10-digit code whose kabupaten part differs from the region's Kemendagri code while the
    province matches, or whose desa part does not start with 1 or 2 (Kemendagri desa numbers
    are 1xxx for kelurahan, 2xxx for desa), is taken for a BPS code.

    Examples
    --------
    >>> looks_like_bps("62.11.010.001")
    True
    >>> looks_like_bps("6211010001", region_code="62.10")
    True
    >>> looks_like_bps("6210021012", region_code="62.10")
    False
    """
    s = text.strip()
    if _BPS_DOTTED.match(s):
        return True
    digits = re.sub(r"[\s\-.]", "", s)
    if not _TEN.match(digits):
        return False
    if digits[6] not in "12":
        return True
    if region_code:
        rc = re.sub(r"\D", "", region_code)
        if len(rc) >= 4 and digits[:2] == rc[:2] and digits[:4] != rc[:4]:
            return True
    return False


def split_kpu_tps_code(text: str) -> tuple[str, int] | None:
    """Split a 13-digit KPU TPS code into (dotted village code, TPS number), else None.

    Examples
    --------
    >>> split_kpu_tps_code("6210021012003")
    ('62.10.02.1012', 3)
    """
    s = re.sub(r"[\s.\-]", "", text.strip())
    if re.fullmatch(r"\d{13}", s) and s[6] in "12":
        return f"{s[:2]}.{s[2:4]}.{s[4:6]}.{s[6:10]}", int(s[10:])
    return None


def header_key(text: str) -> str:
    """Normalise a column header for matching: lower case, words joined by ``_``.

    Examples
    --------
    >>> header_key("  Kode Desa/Kel. ")
    'kode_desa_kel'
    """
    s = str(text).strip().lower().replace("\ufeff", "")
    s = re.sub(r"[^0-9a-z]+", "_", s)
    return s.strip("_")


def kind_key(text: str) -> str:
    """Normalise a kind value for matching (``"Unjuk Rasa"`` -> ``"unjuk_rasa"``)."""
    return header_key(text)


def as_text(value: object) -> str:
    """Render a spreadsheet cell as the text the analyst typed (floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if value == math.floor(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "isoformat"):
        iso = value.isoformat()
        return iso[:10] if iso.endswith("T00:00:00") else iso
    return str(value).strip()
