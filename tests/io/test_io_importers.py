"""Importers: KawalPemilu per-TPS tallies (the real 2019 Gunung Mas file) and ACLED events."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from riskmap._errors import describe
from riskmap.io._read import read_csv_text, read_table_file
from riskmap.io.importers import (
    apply_tallies,
    clip_to_region,
    incidents_from_acled,
    tallies_from_kawalpemilu,
)

DATA = Path(__file__).resolve().parent / "data"
TALLIES = DATA / "gunungmas_tps2019_dpt.csv"


@pytest.fixture(scope="module")
def tallies():
    return tallies_from_kawalpemilu(read_table_file(TALLIES))


def test_every_anomalous_row_of_the_2019_file_is_reported_by_row(tallies):
    raw = pd.read_csv(TALLIES)
    assert tallies.rows_read == len(raw) == 367
    codes = {(p.row, p.code) for p in tallies.problems}
    rows = lambda mask: set(raw.index[mask] + 2)  # noqa: E731 (spreadsheet rows)
    for row in rows(raw["janggal"] != 0):
        assert (row, "flagged_anomalous") in codes
    over = (raw["jum"] > raw["dpt"]) & (raw["dpt"] > 0)  # a negative DPT is negative_total
    for row in rows(over):
        assert (row, "turnout_over_100") in codes
    negative = (raw[["dpt", "pas1", "pas2", "sah", "tidak_sah", "jum"]] < 0).any(axis=1)
    for row in rows(negative):
        assert (row, "negative_total") in codes
    no_result = raw["sah"].isna() | (raw["sah"] == 0) | (raw["pas1"] + raw["pas2"] == 0)
    for row in rows(no_result):
        assert (row, "no_result") in codes
    assert len(rows(raw["janggal"] != 0)) == 24
    assert len(rows(over)) == 17 and len(rows(negative)) == 1
    # Clean rows are not reported; their margin is |pas1 - pas2| / sah.
    reported = {p.row for p in tallies.problems}
    clean = raw[~(raw.index + 2).isin(reported)]
    assert len(clean) == 367 - len(reported) > 300
    table = tallies.table.set_index("tps_id")
    first = clean.iloc[0]
    key = f"{first['kode_desa']}{int(first['no_tps']):03d}"
    want = round(abs(first["pas1"] - first["pas2"]) / first["sah"], 4)
    assert table.loc[key, "last_margin"] == pytest.approx(want)
    assert table.loc[key, "voters"] == first["dpt"]
    # Anomalous rows keep their DPT but get no margin.
    assert table.loc["6210021001001", "voters"] == 291
    assert pd.isna(table.loc["6210021001001", "last_margin"])
    assert table["last_margin"].dropna().between(0, 1).all()


def test_report_lists_each_reported_row_once(tallies):
    rep = tallies.report(lang="en")
    assert rep["row"].is_unique and list(rep.columns) == ["row", "reason", "reason_text"]
    assert rep["reason_text"].str.contains("gunungmas_tps2019_dpt.csv, row ").all()
    assert sum(tallies.reasons().values()) == len(rep)


def test_apply_tallies_fills_matching_tps_and_reports_the_rest(tallies):
    tps = pd.DataFrame({
        "tps_id": ["6210021001002", "6210021001001", "6210099999001"],
        "village_code": ["62.10.02.1001", "62.10.02.1001", "62.10.09.9999"],
        "lat": ["-1.1", "-1.1", "-1.2"], "lon": ["113.8", "113.8", "113.9"],
        "voters": ["1", "2", "3"],
    })
    out, warnings = apply_tallies(tps, tallies.table)
    assert list(out["voters"]) == ["294", "291", "3"]
    assert list(out["last_margin"]) == ["0.7288", "", ""]
    assert {w.code for w in warnings} == {"no_matching_tps", "unmatched_tally"}
    assert "6210099999001" in dict(next(w for w in warnings
                                        if w.code == "no_matching_tps").params)["ids"]


def test_kpu_13_digit_codes_are_accepted_as_tally_keys():
    raw = read_csv_text("kode_tps,dpt,pas1,pas2,sah,tidak_sah,jum,janggal\n"
                        "6210021012003,200,100,50,150,2,152,0\n"
                        "6210021012003,200,100,50,150,2,152,0\n", "t.csv")
    res = tallies_from_kawalpemilu(raw)
    assert list(res.table["village_code"]) == ["62.10.02.1012"]
    assert res.table["last_margin"].iloc[0] == pytest.approx(round(50 / 150, 4))
    assert [(p.row, p.code) for p in res.problems] == [(3, "duplicate_id")]


ACLED = """event_id_cnty,event_date,year,disorder_type,event_type,sub_event_type,actor1,admin1,\
admin2,location,latitude,longitude,source,notes,fatalities
IDN1001,14 February 2024,2024,Demonstrations,Protests,Peaceful protest,Protesters,\
Central Kalimantan,Gunung Mas,Kuala Kurun,-1.1016,113.8664,Antara,Students protested at the KPU.,0
IDN1002,2024-02-15,2024,Political violence,Riots,Mob violence,Rioters,Central Kalimantan,\
Gunung Mas,Tewah,-1.05,113.75,Antara,A mob burned a polling booth.,1
IDN1003,2024-02-16,2024,Political violence,Violence against civilians,Attack,Unidentified,\
Central Kalimantan,Gunung Mas,Sepang,-1.49,113.83,Antara,,0
IDN1004,2024-02-17,2024,Strategic developments,Strategic developments,\
Looting/property destruction,X,Central Kalimantan,Gunung Mas,Kurun,-1.10,113.86,Antara,,0
IDN1005,2024-02-18,2024,Demonstrations,Protests,Peaceful protest,X,Central Kalimantan,\
Gunung Mas,Kurun,,113.86,Antara,,0
IDN1006,yesterday,2024,Demonstrations,Protests,Peaceful protest,X,Central Kalimantan,\
Gunung Mas,Kurun,-1.1,113.86,Antara,,0
IDN1007,2024-02-19,2024,Other,Novel type,Something new,X,Central Kalimantan,\
Gunung Mas,Kurun,-1.1,113.86,Antara,,0
"""


def test_acled_export_becomes_contract_incidents():
    res = incidents_from_acled(read_csv_text(ACLED, "acled.csv"))
    t = res.table.set_index("incident_id")
    assert list(res.table.columns) == ["incident_id", "date", "kind", "lat", "lon", "severity",
                                       "description"]
    assert t.loc["IDN1001", ["date", "kind", "severity"]].tolist() == ["2024-02-14",
                                                                        "demonstration", 1]
    assert t.loc["IDN1002", ["kind", "severity"]].tolist() == ["riot", 3]
    assert t.loc["IDN1004", "kind"] == "vandalism"
    assert "Students protested" in t.loc["IDN1001", "description"]
    assert [(p.row, p.code) for p in res.problems] == [(6, "missing_coordinates"),
                                                       (7, "bad_date")]
    # Attacks on civilians and unknown types are not election unrest: left out, and counted.
    assert sorted(t.index) == ["IDN1001", "IDN1002", "IDN1004"]
    assert res.left_out == {"Novel type/Something new": 1,
                            "Violence against civilians/Attack": 1}
    assert [w.code for w in res.warnings] == ["acled_left_out"]
    text = describe(res.warnings[0], lang="en")
    assert "2 ACLED events left out" in text and "Violence against civilians/Attack 1" in text


def test_acled_other_types_only_when_asked_and_never_as_clash():
    res = incidents_from_acled(read_csv_text(ACLED, "acled.csv"), event_types=["all"])
    t = res.table.set_index("incident_id")
    assert res.left_out == {}
    assert t.loc["IDN1003", ["kind", "severity"]].tolist() == ["other", 2]
    assert t.loc["IDN1007", "kind"] == "other"
    assert [w.code for w in res.warnings] == ["acled_type_other"]
    only_attacks = incidents_from_acled(read_csv_text(ACLED, "acled.csv"), event_types=[],
                                        sub_event_types=["attack"])
    assert list(only_attacks.table["incident_id"]) == ["IDN1003"]
    assert only_attacks.left_out["Protests/Peaceful protest"] == 3


def test_acled_battles_are_not_clashes_by_default():
    text = ("event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude\n"
            "B1,2024-02-14,Battles,Armed clash,-4.0,138.9\n"
            "B2,2024-02-14,Battles,Armed clash,-4.0,138.9\n"
            "P1,2024-02-14,Protests,Protest with intervention,-4.0,138.9\n")
    res = incidents_from_acled(read_csv_text(text, "acled.csv"))
    assert list(res.table["incident_id"]) == ["P1"]
    assert res.left_out == {"Battles/Armed clash": 2}
    asked = incidents_from_acled(read_csv_text(text, "acled.csv"), event_types=["Battles"])
    assert sorted(asked.table["kind"]) == ["other", "other"]


ACLED_PRECISION = ("event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,"
                   "geo_precision\n"
                   "P1,2024-02-14,Protests,Peaceful protest,-6.18,106.83,1\n"
                   "P2,2024-02-14,Protests,Peaceful protest,-6.17,106.82,3\n"
                   "P3,2024-02-14,Protests,Peaceful protest,-6.17,106.82,9\n")


def test_acled_geo_precision_is_kept():
    res = incidents_from_acled(read_csv_text(ACLED_PRECISION, "acled.csv"))
    assert res.table["geo_precision"].tolist()[:2] == [1, 3]
    assert pd.isna(res.table["geo_precision"].iloc[2])
    assert [w.code for w in res.warnings] == ["acled_bad_precision"]
    assert "rows 4" in describe(res.warnings[0], lang="en")
    csv = res.table.to_csv(index=False, lineterminator="\n")
    assert csv.splitlines()[1].endswith(",1") and csv.splitlines()[3].endswith(",")


def test_clip_to_region_keeps_inside_events_and_counts_the_rest():
    frame = pd.DataFrame({"incident_id": ["a", "b", "c"], "lat": [0.0, 1.0, 2.0]})
    kept, warnings = clip_to_region(frame, [True, False, True])
    assert list(kept["incident_id"]) == ["a", "c"]
    assert [(w.code, dict(w.params)["n"]) for w in warnings] == [("outside_region_left_out", 1)]
