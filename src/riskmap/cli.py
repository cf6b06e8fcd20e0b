"""The ``riskmap`` command: check a region folder, start one from a template, import data.

    riskmap check DIR [--lang id|en]
    riskmap init DIR
    riskmap import-acled ACLED.csv -o incidents.csv [--region DIR] [--report rows.csv]
                         [--event-types T,..] [--sub-event-types T,..]
    riskmap import-tallies TALLIES.csv [--tps tps.csv] -o OUT.csv [--report rows.csv]
    riskmap reasons [--lang id|en]

Subcommands are registered in :data:`COMMANDS` (name -> (add_arguments, run)); add one by
adding an entry. Input problems end with a readable message and status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import yaml

from riskmap._errors import RegionInputError, describe

# ------------------------------------------------------------------------------ check


def _add_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("region", type=Path, help="region folder")
    p.add_argument("--lang", choices=["id", "en"], default="id",
                   help="report language (default: id = Bahasa Indonesia)")
    p.add_argument("--config", type=Path, default=None,
                   help="config.yaml whose `ingest:` section to use (default: built-in values)")
    p.add_argument("--limit", type=int, default=30, help="quarantined rows listed per file")


def _run_check(args: argparse.Namespace) -> int:
    from riskmap.io import inspect_region
    from riskmap.io.report import check_report

    ingest = {}
    if args.config:
        cfg = yaml.safe_load(Path(args.config).read_text(encoding="utf-8")) or {}
        ingest = dict(cfg.get("ingest") or {})
    ingest["language"] = args.lang
    region = inspect_region(args.region, ingest=ingest)
    routes_error = _routes_error(args.region)
    report = check_report(region, folder=str(args.region), lang=args.lang, limit=args.limit)
    if routes_error:
        title = "MASALAH FATAL pada rute" if args.lang == "id" else "FATAL PROBLEMS in routes"
        report += f"\n{title}:\n{routes_error}\n"
    sys.stdout.write(report)
    return 1 if region.fatal or routes_error else 0


def _routes_error(folder: Path) -> str:
    """The message of the optional routes file's problems (read as the pipeline reads it)."""
    try:
        from riskmap.routes import find_routes, read_routes
    except ImportError:  # pragma: no cover - the routes module is optional
        return ""
    try:
        read_routes(find_routes(folder))
    except RegionInputError as exc:
        return str(exc)
    return ""


# ------------------------------------------------------------------------------- init

TEMPLATE_FILES = ("region.yaml", "areas.geojson", "tps.csv", "venues.csv", "incidents.csv",
                  "units.csv", "README.txt")


def _add_init(p: argparse.ArgumentParser) -> None:
    p.add_argument("region", type=Path, help="folder to create (must not hold region files)")
    p.add_argument("--force", action="store_true", help="overwrite existing template files")


def write_template(folder: Path, *, force: bool = False) -> list[Path]:
    """Write the template region folder; refuse to overwrite files unless ``force``."""
    from riskmap.io import atomic_write_bytes

    folder = Path(folder)
    src = resources.files("riskmap") / "templates" / "region"
    existing = [folder / n for n in TEMPLATE_FILES if (folder / n).exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        raise FileExistsError(f"{folder}: already holds {names}; use --force to overwrite")
    written = []
    for name in TEMPLATE_FILES:
        written.append(atomic_write_bytes(folder / name, (src / name).read_bytes()))
    return written


def _run_init(args: argparse.Namespace) -> int:
    try:
        written = write_template(args.region, force=args.force)
    except FileExistsError as exc:
        sys.stderr.write(f"riskmap init: {exc}\n")
        return 1
    sys.stdout.write(f"Folder contoh dibuat / template written: {args.region}\n")
    for p in written:
        sys.stdout.write(f"  {p.name}\n")
    sys.stdout.write(f"Ganti baris contoh dengan data Anda, lalu: riskmap check {args.region}\n")
    return 0


# ---------------------------------------------------------------------------- importers


def _add_acled(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", type=Path, help="ACLED CSV (or XLSX) export")
    p.add_argument("-o", "--out", type=Path, required=True, help="incidents.csv to write")
    p.add_argument("--report", type=Path, default=None,
                   help="CSV of the rows left out, with row number and reason")
    p.add_argument("--lang", choices=["id", "en"], default="id")
    p.add_argument("--date-order", choices=["auto", "day_first", "month_first"],
                   default="auto")
    p.add_argument("--region", type=Path, default=None,
                   help="region folder: keep only the events inside its areas (+ buffer)")
    p.add_argument("--buffer-m", type=float, default=1000.0,
                   help="with --region: metres around the areas still inside (default 1000)")
    p.add_argument("--event-types", default=None, metavar="TYPES",
                   help="ACLED event types to keep, comma-separated, or `all` (default: "
                        "Protests,Riots: the election-relevant ones)")
    p.add_argument("--sub-event-types", default=None, metavar="TYPES",
                   help="ACLED sub-event types to keep as well, comma-separated, or `all` "
                        "(default: Looting/property destruction,Abduction/forced "
                        "disappearance)")


def _read(path: Path, lang: str):
    from riskmap._errors import Problem
    from riskmap.io._read import read_table_file

    if not path.is_file():
        raise RegionInputError([Problem.make("missing_file", path.name, expected=str(path))],
                               lang=lang)
    try:
        return read_table_file(path)
    except ValueError as exc:
        raise RegionInputError([Problem.make("unreadable_file", path.name, detail=str(exc),
                                             expected="CSV UTF-8 or XLSX")], lang=lang) from None


def _write_csv(frame, path: Path) -> None:
    """Write a data table (read by the pipeline or by programs) as it is."""
    from riskmap.io import atomic_write_text

    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def _write_human_csv(frame, path: Path) -> None:
    """Write a table meant for people (a report of rows): formula-like cells neutralised."""
    from riskmap.io import atomic_write_text
    from riskmap.spreadsheet import human_csv_text

    atomic_write_text(path, human_csv_text(frame))


def _print_result(result, args, what: str) -> None:
    lang = args.lang
    fatal = [p for p in result.problems if p.code == "missing_column"]
    if fatal:
        raise RegionInputError(fatal, lang=lang)
    rep = result.report(lang=lang)
    out = sys.stdout
    out.write(f"{args.source.name}: {result.rows_read} "
              f"{'baris dibaca' if lang == 'id' else 'rows read'}, {len(result.table)} {what}\n")
    for code, n in result.reasons().items():
        out.write(f"  {code}: {n}\n")
    for line in rep["reason_text"]:
        out.write(f"  - {line}\n")
    for w in result.warnings:
        out.write(f"  * {describe(w, lang=lang)}\n")
    if args.report:
        _write_human_csv(rep, args.report)


def _run_acled(args: argparse.Namespace) -> int:
    from riskmap.io.importers import (
        ACLED_DEFAULT_EVENT_TYPES,
        ACLED_DEFAULT_SUB_EVENT_TYPES,
        incidents_from_acled,
    )

    raw = _read(args.source, args.lang)
    event_types = (ACLED_DEFAULT_EVENT_TYPES if args.event_types is None
                   else _split_list(args.event_types))
    sub_event_types = (ACLED_DEFAULT_SUB_EVENT_TYPES if args.sub_event_types is None
                       else _split_list(args.sub_event_types))
    result = incidents_from_acled(raw, date_order=args.date_order, event_types=event_types,
                                  sub_event_types=sub_event_types)
    if args.region is not None and not result.table.empty:
        from riskmap.io import region_space
        from riskmap.io.importers import clip_to_region

        space = region_space(args.region, buffer_m=args.buffer_m, lang=args.lang)
        inside = space.inside(result.table["lon"].to_numpy(float),
                              result.table["lat"].to_numpy(float))
        result.table, clipped = clip_to_region(result.table, inside, file=args.source.name)
        result.warnings.extend(clipped)
    _print_result(result, args, "kejadian ditulis" if args.lang == "id" else "incidents written")
    if result.table.empty:
        sys.stderr.write("riskmap import-acled: " + ("tidak ada kejadian yang dapat dipakai\n"
                         if args.lang == "id" else "no usable event\n"))
        return 1
    _write_csv(result.table, args.out)
    return 0


def _split_list(text: str) -> list[str]:
    """``"Protests, Riots"`` -> ``["Protests", "Riots"]`` (empty items dropped)."""
    return [t.strip() for t in text.split(",") if t.strip()]


def _add_tallies(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", type=Path, help="per-TPS tallies (KawalPemilu format)")
    p.add_argument("--tps", type=Path, default=None,
                   help="tps.csv whose voters and last_margin to fill (else write the tallies)")
    p.add_argument("-o", "--out", type=Path, required=True, help="CSV to write")
    p.add_argument("--report", type=Path, default=None,
                   help="CSV of every anomalous row, with row number and reason")
    p.add_argument("--lang", choices=["id", "en"], default="id")


def _run_tallies(args: argparse.Namespace) -> int:
    import pandas as pd

    from riskmap.io.importers import apply_tallies, tallies_from_kawalpemilu

    raw = _read(args.source, args.lang)
    result = tallies_from_kawalpemilu(raw)
    _print_result(result, args, "TPS" if args.lang == "id" else "TPS")
    table = result.table
    if args.tps is not None:
        tps_raw = _read(args.tps, args.lang)
        tps = tps_raw.cells
        table, warnings = apply_tallies(tps, result.table, file=args.tps.name)
        for w in warnings:
            sys.stdout.write(f"  * {describe(w, lang=args.lang)}\n")
    else:
        table = table.assign(voters=table["voters"].astype("Int64"))
    _write_csv(pd.DataFrame(table), args.out)
    return 0


# ------------------------------------------------------------------------------ reasons


def _add_reasons(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["id", "en"], default="id")


def _run_reasons(args: argparse.Namespace) -> int:
    from riskmap._errors import REASONS

    titles = {"id": {"fatal": "FATAL (pipeline berhenti)", "row": "BARIS (dikarantina)",
                     "warning": "CATATAN (baris tetap dipakai)"},
              "en": {"fatal": "FATAL (the run stops)", "row": "ROW (quarantined)",
                     "warning": "NOTE (rows kept)"}}[args.lang]
    for kind in ("fatal", "row", "warning"):
        sys.stdout.write(f"{titles[kind]}\n")
        for code, reason in sorted(REASONS.items()):
            if reason.kind == kind:
                what = getattr(reason, args.lang)[0]
                sys.stdout.write(f"  {code:<28}{what}\n")
    return 0


# ------------------------------------------------------------------------------- main

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None],
                          Callable[[argparse.Namespace], int]]] = {
    "check": ("validate a region folder and print a report (status 0 usable, 1 not)",
              _add_check, _run_check),
    "init": ("write a template region folder to start from", _add_init, _run_init),
    "import-acled": ("convert an ACLED CSV export to incidents.csv", _add_acled, _run_acled),
    "import-tallies": ("fill voters and last_margin from per-TPS election tallies",
                       _add_tallies, _run_tallies),
    "reasons": ("list every reason code of the quarantine and the quality report",
                _add_reasons, _run_reasons),
}


def build_parser() -> argparse.ArgumentParser:
    """The ``riskmap`` argument parser with every subcommand of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(prog="riskmap", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add, _run) in COMMANDS.items():
        add(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``riskmap`` command; return its exit status."""
    args = build_parser().parse_args(argv)
    _help, _add, run = COMMANDS[args.command]
    try:
        return run(args)
    except RegionInputError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
