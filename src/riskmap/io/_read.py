"""Reading a table file (CSV in any common dialect, or XLSX) into text cells with row numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from riskmap._errors import Problem
from riskmap.io._parse import as_text

TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


@dataclass
class RawTable:
    """A table as read: every cell as text, original headers, spreadsheet row numbers.

    ``cells`` has the original headers as columns (made unique); ``rows`` the 1-based
    spreadsheet row of each record (the header is row 1 when it is the first line);
    ``n_cells`` the number of cells each record had (to catch rows longer than the header).
    """

    file: str
    cells: pd.DataFrame
    rows: list[int]
    n_cells: list[int]
    n_header: int
    n_raw: list[int] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)  # the cells of each row, unpadded
    header_row: int = 1
    warnings: list[Problem] = field(default_factory=list)


def _unique_headers(headers: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        name = h.strip().replace("\ufeff", "") or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def sniff_delimiter(first_line: str) -> str:
    """Return the most frequent of ``;``, ``,``, tab and ``|`` outside quotes (ties: ``,``).

    Examples
    --------
    >>> sniff_delimiter("Lintang;Bujur;Kode Desa")
    ';'
    """
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    if best == 0 or counts[","] == best:
        return ","
    return next(d for d, n in counts.items() if n == best)


def records_to_raw(records: list[tuple[int, list[str]]], file: str) -> RawTable:
    """Build a :class:`RawTable` from ``(row number, cells)`` records, the first being the header.

    Blank records are skipped (and reported as a warning); short records are padded.
    """
    blank: list[int] = []
    header: list[str] | None = None
    header_row = 1
    data: list[list[str]] = []
    rows: list[int] = []
    for row, cells in records:
        cells = [as_text(c) for c in cells]
        if not any(c.strip() for c in cells):
            if header is not None:
                blank.append(row)
            continue
        if header is None:
            while cells and not cells[-1].strip():
                cells.pop()
            header = _unique_headers(cells)
            header_row = row
            continue
        data.append(cells)
        rows.append(row)
    header = header or []
    width = len(header)
    stripped = [_strip_trailing(c, width) for c in data]
    n_cells = [len(c) for c in stripped]
    fixed = [(c + [""] * width)[:width] for c in stripped]
    frame = pd.DataFrame(fixed, columns=header, dtype=object) if header else pd.DataFrame()
    if header and not fixed:
        frame = pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
    warnings = []
    # Blank rows after the last record (formatted but empty spreadsheet rows) are not reported.
    blank = [r for r in blank if rows and r < rows[-1]]
    if blank:
        warnings.append(Problem.make("blank_rows", file, n=len(blank), rows=_rows_text(blank)))
    return RawTable(file=file, cells=frame.reset_index(drop=True), rows=rows, n_cells=n_cells,
                    n_header=width, n_raw=[len(c) for c in data], records=stripped,
                    header_row=header_row, warnings=warnings)


def _strip_trailing(cells: list[str], width: int) -> list[str]:
    while len(cells) > width and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _rows_text(rows: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" (+{len(rows) - limit})" if len(rows) > limit else "")


def reheader(raw: RawTable, k: int) -> RawTable:
    """Return ``raw`` with its record ``k`` as the header (the rows above it are dropped)."""
    records = raw.records or [list(r) for r in raw.cells.itertuples(index=False)]
    head = list(records[k])
    while head and not str(head[-1]).strip():
        head.pop()
    header = _unique_headers([str(c) for c in head])
    width = len(header)
    body = [_strip_trailing(list(r), width) for r in records[k + 1:]]
    fixed = [(r + [""] * width)[:width] for r in body]
    cells = pd.DataFrame(fixed, columns=header, dtype=object) if fixed else pd.DataFrame(
        {h: pd.Series([], dtype=object) for h in header})
    return RawTable(file=raw.file, cells=cells, rows=raw.rows[k + 1:],
                    n_cells=[len(r) for r in body], n_header=width,
                    n_raw=list(raw.n_raw[k + 1:]), records=body,
                    header_row=raw.rows[k], warnings=list(raw.warnings))


def read_csv_text(text: str, file: str) -> RawTable:
    """Parse CSV text (delimiter sniffed from the header line) into a :class:`RawTable`."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = [(i + 1, list(rec)) for i, rec in enumerate(reader)]
    return records_to_raw(records, file)


_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le", "UTF-16 LE"), (b"\xfe\xff", "utf-16-be", "UTF-16 BE"))


def decode_text(data: bytes) -> tuple[str, str | None]:
    r"""Decode a text file's bytes; return the text and the encoding to report (None: UTF-8).

    UTF-8 (with or without BOM) is the norm. A UTF-16 file with its byte-order mark (Excel's
    "Unicode Text" export, tab-separated) is decoded as UTF-16; anything else that is not
    UTF-8 is read as Windows-1252.

    Examples
    --------
    >>> decode_text("lat\tlon\n".encode("utf-16"))[0]
    'lat\tlon\n'
    >>> decode_text(b"\xfe\xff\x00a")
    ('a', 'UTF-16 BE')
    >>> decode_text("Désa".encode("utf-8"))
    ('Désa', None)
    """
    for bom, codec, label in _UTF16_BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), label
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def read_csv_file(path: Path) -> RawTable:
    """Read a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode Text",
    tab-separated) or, failing both, Windows-1252; any encoding but UTF-8 is reported."""
    path = Path(path)
    text, encoding = decode_text(path.read_bytes())
    warnings = []
    if encoding is not None:
        warnings.append(Problem.make("text_encoding", path.name, encoding=encoding))
    if "\x00" in text:
        raise ValueError("binary content (NUL bytes): not a text CSV file")
    raw = read_csv_text(text, path.name)
    raw.warnings = warnings + raw.warnings
    return raw


def read_xlsx_file(path: Path, *, sheet: str | None = None) -> RawTable:
    """Read the first worksheet (or the one named like the table) of an XLSX workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = wb.sheetnames
        name = sheet if sheet in names else names[0]
        ws = wb[name]
        records = [(i + 1, list(values)) for i, values in
                   enumerate(ws.iter_rows(min_row=1, values_only=True))]
    finally:
        wb.close()
    return records_to_raw(records, path.name)


def read_table_file(path: Path) -> RawTable:
    """Read a CSV or XLSX table file; raise ``ValueError`` with the reason when unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx_file(path, sheet=path.stem)
        return read_csv_file(path)
    except (OSError, csv.Error, KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # zip/openpyxl errors on a damaged workbook
        raise ValueError(f"{type(exc).__name__}: {exc}") from None
