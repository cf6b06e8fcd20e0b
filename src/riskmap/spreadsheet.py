"""Human-facing tables: cells a spreadsheet would evaluate are neutralised (OWASP CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets when the file is opened. In the tables meant
for people (the roster, the per-kecamatan table, the task lists) such a text cell gets a
leading apostrophe, as OWASP recommends; numbers stay numbers (a negative number is data, not
a formula). Tables meant for programs (``area_risk.csv``, ``tps_risk.csv``, ``posts.csv``,
``tasks.csv``...) are written as they are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Return ``value`` with a leading apostrophe when a spreadsheet would evaluate it.

    Only text is changed; numbers, booleans and missing values pass through.

    Examples
    --------
    >>> neutralise_cell("+62 812 555")
    "'+62 812 555"
    >>> neutralise_cell("=HYPERLINK(\\"x\\")")
    '\\'=HYPERLINK("x")'
    >>> neutralise_cell("Pos 3")
    'Pos 3'
    >>> neutralise_cell(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are safe to open in a spreadsheet.

    Examples
    --------
    >>> df = pd.DataFrame({"Nama": ["@kpu", "Pos 1"], "Personel": [-2, 4]})
    >>> neutralise_frame(df)["Nama"].tolist()
    ["'@kpu", 'Pos 1']
    >>> neutralise_frame(df)["Personel"].tolist()
    [-2, 4]
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def human_csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of a table meant for people: formula-like cells neutralised, text cells
    quoted (numbers are not, so they stay numbers in a spreadsheet; a carriage return inside
    a cell stays inside it instead of breaking the row).

    Examples
    --------
    >>> print(human_csv_text(pd.DataFrame({"Pos": ["+62 Pos"], "Personel": [4]})), end="")
    "Pos","Personel"
    "'+62 Pos",4
    """
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n",
                                          quoting=csv.QUOTE_NONNUMERIC)


def write_human_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a table meant for people as UTF-8 CSV (see :func:`human_csv_text`)."""
    Path(path).write_text(human_csv_text(frame), encoding="utf-8", newline="")
