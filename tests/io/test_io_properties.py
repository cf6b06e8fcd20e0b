"""Property-based tests of the readers: whatever the cells, no traceback and the counts add up."""

from __future__ import annotations

import math
from datetime import date

import geopandas as gpd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from riskmap._errors import REASONS
from riskmap.io._parse import (
    classify_date,
    decide_date_order,
    numeric_date,
    parse_coordinate,
    parse_number,
)
from riskmap.io._read import read_csv_text
from riskmap.io._tables import COLUMNS, Space, validate_table

AREAS = gpd.GeoDataFrame(
    {"village_code": ["62.10.02.1012", "62.10.02.2001"], "village_name": ["A", "B"],
     "subdistrict_code": ["62.10.02"] * 2, "subdistrict_name": ["K"] * 2},
    geometry=[box(113.85, -1.11, 113.87, -1.09), box(113.87, -1.11, 113.89, -1.09)],
    crs="EPSG:4326",
)
SPACE = Space(areas=AREAS, crs="EPSG:32749", buffer_m=1000.0, region_code="62.10")

# Cells drawn from plausible and implausible values, separators and quotes included.
cell = st.one_of(
    st.sampled_from(["", " ", "6210021012001", "62.10.02.1012", "6210021012", "-1.1005",
                     "113.8605", "-1,1005", "113,8605", "1°06'01.8\"S", "250", "-3", "2.5",
                     "true", "ya", "x", "2024-02-14", "14/02/2024", "03/04/2024", "riot",
                     "Unjuk Rasa", "kpu_office", "polsek", "1", "3", "9", "NaN", "inf",
                     "1e400", "\u00a0", "=SUM(A1)", "0x10"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


def _csv(header: list[str], rows: list[list[str]], sep: str) -> str:
    def q(v: str) -> str:
        if any(ch in v for ch in (sep, '"', "\n", "\r")):
            return '"' + v.replace('"', '""') + '"'
        return v

    return "\n".join(sep.join(q(v) for v in r) for r in [header, *rows]) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(["tps", "venues", "incidents", "units"]),
    data=st.data(),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_any_table_is_read_without_traceback_and_the_counts_add_up(table, data, sep):
    header = list(COLUMNS[table])
    n_cols = data.draw(st.integers(min_value=len(header) - 1, max_value=len(header) + 1))
    header = header[:n_cols] + ["extra"] * max(0, n_cols - len(header))
    rows = data.draw(st.lists(st.lists(cell, min_size=0, max_size=n_cols + 2), max_size=8))
    raw = read_csv_text(_csv(header, rows, sep), f"{table}.csv")
    res = validate_table(raw, table, space=SPACE, region_code="62.10",
                         lang=data.draw(st.sampled_from(["id", "en"])))
    q = res.quality
    assert q["rows_read"] == q["accepted"] + q["quarantined"] == len(raw.cells)
    assert len(res.table) == q["accepted"] and len(res.quarantine) == q["quarantined"]
    assert sum(q["reasons"].values()) == q["quarantined"]
    kinds = {"fatal"} if res.fatal and not res.row_problems else {"row"}
    assert {REASONS[c].kind for c in q["reasons"]} <= kinds | {"row"}
    assert all(p.kind == "fatal" for p in res.fatal)
    if not res.fatal:
        assert list(res.table.columns) == list(COLUMNS[table])
        assert res.table["lat"].between(-90, 90).all()
        assert SPACE.inside(res.table["lon"].to_numpy(), res.table["lat"].to_numpy()).all()
        idc = res.table.columns[0]
        assert res.table[idc].is_unique


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_value_parsers_return_or_raise_value_error(text):
    for parse in (parse_number, parse_coordinate):
        try:
            out = parse(text)
        except ValueError:
            continue
        assert math.isfinite(out[0])
    try:
        kind, val = classify_date(text)
    except ValueError:
        return
    if kind == "numeric":
        try:
            numeric_date(val, decide_date_order([val]))
        except (LookupError, ValueError):
            pass
    else:
        assert isinstance(val, date)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_day_first_dates_round_trip(d):
    text = d.strftime("%d/%m/%Y")
    kind, val = classify_date(text)
    assert kind == "numeric" and numeric_date(val, "day_first") == d
    order = decide_date_order([val])
    if d.day > 12:
        assert order == "day_first" and numeric_date(val, order) == d
    elif d.day != d.month:
        assert order == "ambiguous"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-89.99, max_value=89.99), st.sampled_from(["lat", "lon"]))
def test_dms_round_trip(value, axis):
    a = abs(value)
    deg = int(a)
    minutes = int((a - deg) * 60)
    seconds = round(((a - deg) * 60 - minutes) * 60, 2)
    if seconds >= 60:
        return
    letter = ("N" if value >= 0 else "S") if axis == "lat" else ("E" if value >= 0 else "W")
    out, got_axis, dms, _ = parse_coordinate(f"{deg}°{minutes:02d}'{seconds:05.2f}\"{letter}")
    assert dms and got_axis == axis
    assert abs(out - value) < 1e-5


CORPUS_BASE = __import__("pathlib").Path(__file__).resolve().parents[1] / "corpus" / "base"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(content=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    st.lists(st.lists(cell, max_size=9), max_size=5).map(
        lambda rows: _csv(list(COLUMNS["tps"]), rows, ",").encode("utf-8")),
), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_in_a_region_file_give_a_report_not_a_traceback(tmp_path_factory, content,
                                                                   suffix):
    import shutil

    from riskmap.io import inspect_region

    folder = tmp_path_factory.mktemp("r")
    shutil.copytree(CORPUS_BASE, folder, dirs_exist_ok=True)
    (folder / "tps.csv").unlink()
    (folder / f"tps{suffix}").write_bytes(content)
    region = inspect_region(folder)
    for name, q in region.quality.items():
        assert q["rows_read"] == q["accepted"] + q["quarantined"], name
        assert len(region.quarantine[name]) == q["quarantined"], name
    assert region.fatal or region.quality[f"tps{suffix}"]["accepted"] > 0
