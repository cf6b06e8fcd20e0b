"""Write the bad-input corpus: one folder per case, holding only the files that differ from
the template region (``riskmap init``) plus ``expect.yaml`` with the exact expected outcome.

    python tests/corpus/make_corpus.py          # rewrites tests/corpus/cases/

expect.yaml keys (all optional):
  fatal:        list of {code, file, column?}: exactly these fatal problems, in any order
  quarantined:  {file: {row: reason}}: exactly these rows quarantined (files not listed: none)
  accepted:     {file: n}
  warnings:     {file: [code, ...]}: these warning codes are present
  values:       list of {table, id, column, equals}: a value of an accepted row
  ingest:       the ingest config section to use
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"

TPS_HEADER = "tps_id,village_code,lat,lon,voters,hard_to_reach,special,last_margin\n"
T1 = "6210021012001,62.10.02.1012,-1.1005,113.8605,250,false,false,0.31\n"
T2 = "6210022001001,62.10.02.2001,-1.0995,113.8795,198,true,false,\n"
INC_HEADER = "incident_id,date,kind,lat,lon,severity,description\n"
I1 = "INS-0001,2019-04-20,demonstration,-1.1010,113.8645,1,contoh\n"
REGION_YAML = """name: Kabupaten Contoh
code: "62.10"
personnel: 150
stages:
  campaign:       {start: 2023-11-28, end: 2024-02-10}
  voting:         {start: 2024-02-14, end: 2024-02-14}
"""

SQUARE_A = [[113.85, -1.11], [113.87, -1.11], [113.87, -1.09], [113.85, -1.09], [113.85, -1.11]]
SQUARE_B = [[113.87, -1.11], [113.89, -1.11], [113.89, -1.09], [113.87, -1.09], [113.87, -1.11]]


def areas_json(features, *, drop=()):
    import json

    feats = []
    for code, name, geom in features:
        props = {"village_code": code, "village_name": name, "subdistrict_code": "62.10.02",
                 "subdistrict_name": "Kecamatan Contoh"}
        feats.append({"type": "Feature", "geometry": geom,
                      "properties": {k: v for k, v in props.items() if k not in drop}})
    return json.dumps({"type": "FeatureCollection", "features": feats}, indent=0) + "\n"


def poly(ring):
    return {"type": "Polygon", "coordinates": [ring]}


CASES_TEXT: dict[str, dict] = {
    # ------------------------------------------------------------------ tps.csv row problems
    "tps_missing_coordinates": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,,113.8610,240,,,\n" + T2,
        "expect": {"quarantined": {"tps.csv": {3: "missing_coordinates"}},
                   "accepted": {"tps.csv": 2}},
    },
    "tps_voters_not_a_number": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.1002,113.8610,dua ratus,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "bad_number"}}},
    },
    "tps_negative_voters": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.1002,113.8610,-5,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "out_of_range"}}},
    },
    "tps_fractional_voters": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.1002,113.8610,250.5,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "not_integer"}}},
    },
    "tps_duplicate_id": {
        "tps.csv": TPS_HEADER + T1 + T2 + "6210021012001,62.10.02.1012,-1.1003,113.8603,251,,,\n",
        "expect": {"quarantined": {"tps.csv": {4: "duplicate_id"}}, "accepted": {"tps.csv": 2}},
    },
    "tps_outside_region": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-3.5000,113.8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "outside_region"}}},
    },
    "tps_latitude_sign_dropped": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,1.1002,113.8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "outside_region"}},
                   "text": {"tps.csv": "-1.1002"}},
    },
    "tps_swapped_coordinates": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,113.8610,-1.1002,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "swapped_coordinates"}}},
    },
    "tps_swapped_coordinates_fixed": {
        "region.yaml": REGION_YAML + "fix_swapped_coordinates: true\n",
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,113.8610,-1.1002,240,,,\n",
        "expect": {"accepted": {"tps.csv": 2}, "warnings": {"tps.csv":
                                                            ["swapped_coordinates_fixed"]},
                   "values": [{"table": "tps", "id": "6210021012002", "column": "lat",
                               "equals": -1.1002}]},
    },
    "tps_unknown_village": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1099,-1.1002,113.8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "unknown_village"}},
                   "text": {"tps.csv": "62.10.02.1012"}},
    },
    "tps_bps_village_code": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,6211010001,-1.1002,113.8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "bps_village_code"}}},
    },
    "tps_bad_village_code": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,Desa Contoh,-1.1002,113.8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "bad_village_code"}}},
    },
    "tps_bad_boolean": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.1002,113.8610,240,mungkin,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "bad_boolean"}}},
    },
    "tps_margin_out_of_range": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.1002,113.8610,240,,,1.5\n",
        "expect": {"quarantined": {"tps.csv": {3: "out_of_range"}}},
    },
    "tps_extra_fields_decimal_comma": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1,1002,113,8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "extra_fields"}}},
    },
    "tps_missing_id": {
        "tps.csv": TPS_HEADER + T1 + ",62.10.02.1012,-1.1002,113.8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "missing_value"}}},
    },
    "tps_bad_coordinates": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.1002,seratus,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "bad_coordinates"}}},
    },
    "tps_blank_row_keeps_row_numbers": {
        "tps.csv": TPS_HEADER + T1 + ",,,,,,,\n" + "\n" +
        "6210021012002,62.10.02.1012,,113.8610,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {5: "missing_coordinates"}},
                   "warnings": {"tps.csv": ["blank_rows"]}},
    },
    # ------------------------------------------------------------- tps.csv real-world formats
    "tps_semicolon_decimal_comma": {
        "tps.csv": TPS_HEADER.replace(",", ";") +
        "6210021012001;62.10.02.1012;-1,1005;113,8605;250;false;false;0,31\n"
        "6210022001001;62.10.02.2001;-1,0995;113,8795;198;true;false;\n",
        "expect": {"accepted": {"tps.csv": 2}, "warnings": {"tps.csv": ["decimal_comma"]},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "lon",
                               "equals": 113.8605}]},
    },
    "tps_indonesian_headers": {
        "tps.csv": "Kode Desa;Nomor TPS;Lintang;Bujur;Jumlah DPT;Sulit Dijangkau\n"
        "62.10.02.1012;1;-1,1005;113,8605;250;tidak\n"
        "62.10.02.2001;1;-1,0995;113,8795;198;ya\n",
        "expect": {"accepted": {"tps.csv": 2},
                   "warnings": {"tps.csv": ["column_alias", "tps_id_from_number"]},
                   "values": [{"table": "tps", "id": "6210022001001", "column": "hard_to_reach",
                               "equals": True}]},
    },
    "tps_dms_coordinates": {
        "tps.csv": TPS_HEADER + "6210021012001,62.10.02.1012,\"1°06'01.8\"\"S\","
        "\"113°51'37.8\"\"E\",250,,,\n" + T2,
        "expect": {"accepted": {"tps.csv": 2}, "warnings": {"tps.csv": ["dms_coordinates"]},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "lat",
                               "equals": -1.1005}]},
    },
    "tps_kpu_code_without_village": {
        "tps.csv": "tps_id,lat,lon,voters\n6210021012001,-1.1005,113.8605,250\n"
        "6210022001001,-1.0995,113.8795,198\n",
        "expect": {"accepted": {"tps.csv": 2},
                   "warnings": {"tps.csv": ["village_code_from_tps_id"]},
                   "values": [{"table": "tps", "id": "6210022001001", "column": "village_code",
                               "equals": "62.10.02.2001"}]},
    },
    "tps_ten_digit_village_codes": {
        "tps.csv": TPS_HEADER + T1.replace("62.10.02.1012", "6210021012") + T2,
        "expect": {"accepted": {"tps.csv": 2},
                   "warnings": {"tps.csv": ["village_code_normalised"]},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "village_code",
                               "equals": "62.10.02.1012"}]},
    },
    "tps_point_in_other_village": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.0995,113.8800,240,,,\n",
        "expect": {"accepted": {"tps.csv": 2}, "warnings": {"tps.csv": ["village_mismatch"]},
                   "values": [{"table": "tps", "id": "6210021012002", "column": "village_code",
                               "equals": "62.10.02.1012"}]},
    },
    "tps_point_in_other_village_trust_point": {
        "region.yaml": REGION_YAML + "trust_tps_location: point\n",
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,-1.0995,113.8800,240,,,\n",
        "expect": {"accepted": {"tps.csv": 2}, "warnings": {"tps.csv": ["village_mismatch"]},
                   "values": [{"table": "tps", "id": "6210021012002", "column": "village_code",
                               "equals": "62.10.02.2001"}]},
    },
    "tps_columns_mapping_in_region_yaml": {
        "region.yaml": REGION_YAML + "columns:\n  tps.csv:\n    \"No TPS KPU\": tps_id\n"
        "    \"Pemilih Terdaftar\": voters\n",
        "tps.csv": "No TPS KPU,village_code,lat,lon,Pemilih Terdaftar\n"
        "6210021012001,62.10.02.1012,-1.1005,113.8605,250\n",
        "expect": {"accepted": {"tps.csv": 1},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "voters",
                               "equals": 250}]},
    },
    "tps_two_latitude_columns": {
        "tps.csv": "tps_id,village_code,Lintang,lat,lon,voters\n"
        "6210021012001,62.10.02.1012,-9.9,-1.1005,113.8605,250\n",
        "expect": {"accepted": {"tps.csv": 1}, "warnings": {"tps.csv": ["column_ignored"]},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "lat",
                               "equals": -1.1005}]},
    },
    "tps_coordinates_in_one_column": {
        "tps.csv": "tps_id,village_code,Koordinat,voters\n"
        "6210021012001,62.10.02.1012,\"-1.1005, 113.8605\",250\n"
        "6210022001001,62.10.02.2001,\"1°05'58.2\"\"S 113°52'46.2\"\"E\",198\n"
        "6210022001002,62.10.02.2001,di tepi sungai,198\n",
        "expect": {"accepted": {"tps.csv": 2}, "warnings": {"tps.csv": ["coordinates_split"]},
                   "quarantined": {"tps.csv": {4: "bad_coordinates"}},
                   "values": [{"table": "tps", "id": "6210022001001", "column": "lon",
                               "equals": 113.8795}]},
    },
    "tps_numbers_written_as_text": {
        "tps.csv": "Kode Desa,No TPS,lat,lon,DPT\n"
        "62.10.02.1012,TPS 001,-1.1005,113.8605,1.250\n",
        "expect": {"accepted": {"tps.csv": 1},
                   "warnings": {"tps.csv": ["tps_id_from_number", "thousands_dots"]},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "voters",
                               "equals": 1250}]},
    },
    "tps_header_only": {
        "tps.csv": TPS_HEADER,
        "expect": {"fatal": [{"code": "no_usable_rows", "file": "tps.csv"}]},
    },
    "tps_xlsx_with_title_rows": {
        "delete": ["tps.csv"],
        "tps.xlsx@rows": [
            ["DAFTAR TPS PEMILU 2024 KABUPATEN CONTOH"],
            [],
            ["Kode Desa", "Nomor TPS", "Lintang", "Bujur", "Jumlah DPT"],
            ["62.10.02.1012", 1, -1.1005, 113.8605, 250],
            ["62.10.02.2001", 1, None, 113.8795, 198],
            [],
            [],
        ],
        "expect": {"accepted": {"tps.xlsx": 1},
                   "quarantined": {"tps.xlsx": {5: "missing_coordinates"}},
                   "warnings": {"tps.xlsx": ["title_rows_skipped"]},
                   "text_warnings": {"tps.xlsx": "1 baris judul di atas baris kolom dilewati: "
                                                 "baris 1"}},
    },
    "tps_windows_1252_encoding": {
        "tps.csv@cp1252": TPS_HEADER.replace("last_margin", "catatan") +
        "6210021012001,62.10.02.1012,-1.1005,113.8605,250,,,Balai Désa\n",
        "expect": {"accepted": {"tps.csv": 1}, "warnings": {"tps.csv": ["text_encoding"]}},
    },
    # ------------------------------------------------------------------- fatal: tps.csv
    "tps_missing_required_column": {
        "tps.csv": "tps_id,village_code,lat,lon\n6210021012001,62.10.02.1012,-1.1005,113.8605\n",
        "expect": {"fatal": [{"code": "missing_column", "file": "tps.csv", "column": "voters"}],
                   "quarantined": {"tps.csv": {2: "missing_column"}}},
    },
    "tps_no_usable_rows": {
        "tps.csv": TPS_HEADER + "6210021012001,62.10.02.1012,,,250,,,\n",
        "expect": {"fatal": [{"code": "no_usable_rows", "file": "tps.csv"}],
                   "quarantined": {"tps.csv": {2: "missing_coordinates"}}},
    },
    "tps_file_missing": {
        "delete": ["tps.csv"],
        "expect": {"fatal": [{"code": "missing_file", "file": "tps.csv"}]},
    },
    "tps_csv_and_xlsx_both_present": {
        "tps.xlsx@rows": [["tps_id", "village_code", "lat", "lon", "voters"]],
        "expect": {"fatal": [{"code": "ambiguous_file", "file": "tps.csv"}]},
    },
    "tps_xlsx_damaged": {
        "delete": ["tps.csv"],
        "tps.xlsx@bytes": b"PK\x03\x04 this is not really a workbook",
        "expect": {"fatal": [{"code": "unreadable_file", "file": "tps.xlsx"}]},
    },
    "tps_xlsx_accepted": {
        "delete": ["tps.csv"],
        "tps.xlsx@rows": [
            ["tps_id", "village_code", "lat", "lon", "voters", "hard_to_reach"],
            ["6210021012001", "62.10.02.1012", -1.1005, 113.8605, 250, False],
            ["6210022001001", "62.10.02.2001", -1.0995, 113.8795, 198.0, True],
            ["6210022001002", "62.10.02.2001", None, 113.8795, 198, None],
        ],
        "expect": {"accepted": {"tps.xlsx": 2},
                   "quarantined": {"tps.xlsx": {4: "missing_coordinates"}}},
    },
    # ------------------------------------------------------------------------- incidents
    "incidents_unknown_kind": {
        "incidents.csv": INC_HEADER + I1 + "INS-0002,2024-01-10,teriak,-1.0985,113.8785,2,x\n",
        "expect": {"quarantined": {"incidents.csv": {3: "unknown_kind"}}},
    },
    "incidents_bad_date": {
        "incidents.csv": INC_HEADER + I1 + "INS-0002,kemarin,riot,-1.0985,113.8785,2,x\n",
        "expect": {"quarantined": {"incidents.csv": {3: "bad_date"}}},
    },
    "incidents_impossible_date": {
        "incidents.csv": INC_HEADER + I1 + "INS-0002,2024-02-30,riot,-1.0985,113.8785,2,x\n",
        "expect": {"quarantined": {"incidents.csv": {3: "bad_date"}}},
    },
    "incidents_ambiguous_day_first_date": {
        "incidents.csv": INC_HEADER + "INS-0001,03/04/2024,riot,-1.0985,113.8785,2,x\n"
        "INS-0002,05/05/2024,riot,-1.0985,113.8785,2,x\n",
        "expect": {"quarantined": {"incidents.csv": {2: "ambiguous_date"}},
                   "values": [{"table": "incidents", "id": "INS-0002", "column": "date",
                               "equals": "2024-05-05"}]},
    },
    "incidents_day_first_settled_by_file": {
        "incidents.csv": INC_HEADER + "INS-0001,03/04/2024,riot,-1.0985,113.8785,2,x\n"
        "INS-0002,14/02/2024,riot,-1.0985,113.8785,2,x\n",
        "expect": {"accepted": {"incidents.csv": 2},
                   "warnings": {"incidents.csv": ["day_first_dates"]},
                   "values": [{"table": "incidents", "id": "INS-0001", "column": "date",
                               "equals": "2024-04-03"}]},
    },
    "incidents_month_first_settled_by_file": {
        "incidents.csv": INC_HEADER + "INS-0001,04/03/2024,riot,-1.0985,113.8785,2,x\n"
        "INS-0002,02/14/2024,riot,-1.0985,113.8785,2,x\n",
        "expect": {"accepted": {"incidents.csv": 2},
                   "warnings": {"incidents.csv": ["month_first_dates"]},
                   "values": [{"table": "incidents", "id": "INS-0001", "column": "date",
                               "equals": "2024-04-03"}]},
    },
    "incidents_day_first_configured": {
        "ingest": {"date_order": "day_first"},
        "incidents.csv": INC_HEADER + "INS-0001,03/04/2024,riot,-1.0985,113.8785,2,x\n",
        "expect": {"accepted": {"incidents.csv": 1},
                   "values": [{"table": "incidents", "id": "INS-0001", "column": "date",
                               "equals": "2024-04-03"}]},
    },
    "incidents_severity_out_of_range": {
        "incidents.csv": INC_HEADER + I1 + "INS-0002,2024-01-10,riot,-1.0985,113.8785,5,x\n",
        "expect": {"quarantined": {"incidents.csv": {3: "out_of_range"}}},
    },
    "incidents_indonesian_kinds_and_headers": {
        "incidents.csv": "No,Tanggal,Jenis,Lintang,Bujur,Keterangan\n"
        "K-1,14 Februari 2024,Unjuk Rasa,-1.1010,113.8645,di depan KPU\n"
        "K-2,2024-02-15,Politik Uang,-1.0985,113.8785,\n",
        "expect": {"accepted": {"incidents.csv": 2},
                   "warnings": {"incidents.csv": ["column_alias", "kind_alias"]},
                   "values": [{"table": "incidents", "id": "K-2", "column": "kind",
                               "equals": "vote_buying"},
                              {"table": "incidents", "id": "K-1", "column": "date",
                               "equals": "2024-02-14"}]},
    },
    "incidents_all_rows_bad": {
        "incidents.csv": INC_HEADER + "INS-0001,2019-04-20,parade,-1.1010,113.8645,1,x\n",
        "expect": {"fatal": [{"code": "no_usable_rows", "file": "incidents.csv"}],
                   "quarantined": {"incidents.csv": {2: "unknown_kind"}}},
    },
    # ---------------------------------------------------------------------- venues, units
    "venues_end_before_start": {
        "venues.csv": "venue_id,kind,name,lat,lon,start,end,expected_crowd\n"
        "KPU-1,kpu_office,Kantor KPU,-1.1012,113.8640,,,300\n"
        "K-1,campaign_site,Lapangan,-1.0990,113.8780,2024-01-12,2024-01-10,1500\n",
        "expect": {"quarantined": {"venues.csv": {3: "date_order"}}},
    },
    "units_missing_personnel": {
        "units.csv": "unit_id,kind,name,lat,lon,personnel\n"
        "POLRES-1,polres,Polres Contoh,-1.1016,113.8664,100\n"
        "POS-1,pos pam,Pos Pam Contoh,-1.0998,113.8790,\n",
        "expect": {"quarantined": {"units.csv": {3: "missing_value"}}},
    },
    "optional_files_absent": {
        "delete": ["venues.csv", "incidents.csv", "units.csv"],
        "expect": {"accepted": {"venues.csv": 0, "incidents.csv": 0, "units.csv": 0},
                   "warnings": {"venues.csv": ["optional_file_absent"],
                                "units.csv": ["optional_file_absent"]}},
    },
    # ----------------------------------------------------------------------------- areas
    "areas_invalid_polygon_repaired": {
        "areas.geojson": areas_json([
            ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
            ("62.10.02.2001", "Desa Contoh", poly([[113.87, -1.11], [113.89, -1.09],
                                                   [113.89, -1.11], [113.87, -1.09],
                                                   [113.87, -1.11]])),
        ]),
        "expect": {"accepted": {"areas.geojson": 2},
                   "warnings": {"areas.geojson": ["geometry_repaired"]}},
    },
    "areas_duplicate_code": {
        "areas.geojson": areas_json([
            ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
            ("62.10.02.2001", "Desa Contoh", poly(SQUARE_B)),
            ("62.10.02.2001", "Desa Contoh Lagi", poly(SQUARE_B)),
        ]),
        "expect": {"quarantined": {"areas.geojson": {3: "duplicate_id"}}},
    },
    "areas_point_instead_of_polygon": {
        "areas.geojson": areas_json([
            ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
            ("62.10.02.2001", "Desa Contoh", poly(SQUARE_B)),
            ("62.10.02.2002", "Desa Titik", {"type": "Point", "coordinates": [113.9, -1.1]}),
        ]),
        "expect": {"quarantined": {"areas.geojson": {3: "not_polygon"}}},
    },
    "areas_missing_name_column": {
        "areas.geojson": areas_json([
            ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
        ], drop=("village_name",)),
        "expect": {"fatal": [{"code": "missing_column", "file": "areas.geojson",
                              "column": "village_name"}],
                   "quarantined": {"areas.geojson": {1: "missing_column"}}},
    },
    "areas_shapefile_without_prj": {
        "delete": ["areas.geojson"],
        "areas.shp@noprj": True,
        "expect": {"fatal": [{"code": "no_crs", "file": "areas.shp"}],
                   "quarantined": {"areas.shp": {1: "no_crs"}}},
    },
    "areas_null_geometry": {
        "areas.geojson": areas_json([
            ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
            ("62.10.02.2001", "Desa Contoh", poly(SQUARE_B)),
            ("62.10.02.2002", "Desa Tanpa Batas", None),
        ]),
        "expect": {"quarantined": {"areas.geojson": {3: "missing_geometry"}}},
    },
    "areas_without_subdistrict_code": {
        "areas.geojson": areas_json([
            ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
            ("62.10.02.2001", "Desa Contoh", poly(SQUARE_B)),
        ], drop=("subdistrict_code",)),
        "expect": {"accepted": {"areas.geojson": 2},
                   "warnings": {"areas.geojson": ["subdistrict_code_derived"]},
                   "values": [{"table": "areas", "id": "62.10.02.2001",
                               "column": "subdistrict_code", "equals": "62.10.02"}]},
    },
    "areas_projected_geopackage": {
        "delete": ["areas.geojson"],
        "areas.gpkg@utm": True,
        "expect": {"accepted": {"areas.gpkg": 2},
                   "warnings": {"areas.gpkg": ["areas_reprojected"]}},
    },
    # ------------------------------------------------------------------------ region.yaml
    "region_yaml_unknown_stage": {
        "region.yaml": REGION_YAML + "  kampanye: {start: 2023-11-28, end: 2024-02-10}\n",
        "expect": {"fatal": [{"code": "bad_region_yaml", "file": "region.yaml",
                              "column": "stages"}]},
    },
    "region_yaml_stage_ends_before_it_starts": {
        "region.yaml": REGION_YAML.replace("voting:         {start: 2024-02-14",
                                           "voting:         {start: 2024-02-15"),
        "expect": {"fatal": [{"code": "stage_dates", "file": "region.yaml",
                              "column": "stages.voting"}]},
    },
    "region_yaml_unquoted_code": {
        "region.yaml": REGION_YAML.replace('code: "62.10"', "code: 62.10"),
        "expect": {"fatal": [{"code": "bad_region_yaml", "file": "region.yaml",
                              "column": "code"}], "text": {"fatal": "\"62.10\""}},
    },
    "region_yaml_mapping_to_unknown_column": {
        "region.yaml": REGION_YAML + "columns:\n  tps.csv:\n    \"Pemilih\": voter\n",
        "expect": {"fatal": [{"code": "bad_region_yaml", "file": "region.yaml",
                              "column": "columns.tps.csv.Pemilih"}]},
    },
    "tps_hemisphere_letters_swapped": {
        "tps.csv": TPS_HEADER + T1 + "6210021012002,62.10.02.1012,113°52'E,1°06'S,240,,,\n",
        "expect": {"quarantined": {"tps.csv": {3: "swapped_coordinates"}}},
    },
    # ----------------------------------------------- encodings, precision, buffer, levels
    "tps_utf16_le_tab_separated": {
        # Excel's "Unicode Text" export: UTF-16 little-endian with BOM, tabs, CRLF.
        "tps.csv@utf16le": TPS_HEADER.replace(",", "\t") +
        T1.replace(",", "\t") + T2.replace(",", "\t"),
        "expect": {"accepted": {"tps.csv": 2}, "warnings": {"tps.csv": ["text_encoding"]},
                   "text_warnings": {"tps.csv": "UTF-16 LE"},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "lon",
                               "equals": 113.8605}]},
    },
    "tps_utf16_be_tab_separated": {
        "tps.csv@utf16be": TPS_HEADER.replace(",", "\t") +
        T1.replace(",", "\t") + "6210022001001\t62.10.02.2001\t\t113.8795\t198\t\t\t\n",
        "expect": {"accepted": {"tps.csv": 1}, "warnings": {"tps.csv": ["text_encoding"]},
                   "quarantined": {"tps.csv": {3: "missing_coordinates"}}},
    },
    "incidents_geo_precision": {
        "incidents.csv": INC_HEADER.replace("description", "description,geo_precision") +
        "INS-0001,2019-04-20,demonstration,-1.1010,113.8645,1,titik tepat,1\n"
        "INS-0002,2019-05-20,riot,-1.1000,113.8700,2,titik tengah kecamatan,3\n"
        "INS-0003,2019-06-20,riot,-1.1000,113.8700,2,tanpa presisi,\n"
        "INS-0004,2019-07-20,riot,-1.1000,113.8700,2,presisi salah,5\n"
        "INS-0005,2019-08-20,riot,-1.1000,113.8700,2,presisi bukan angka,dua\n",
        "expect": {"accepted": {"incidents.csv": 3},
                   "quarantined": {"incidents.csv": {5: "out_of_range", 6: "bad_number"}},
                   "values": [{"table": "incidents", "id": "INS-0002",
                               "column": "geo_precision", "equals": 3},
                              {"table": "incidents", "id": "INS-0003",
                               "column": "geo_precision", "equals": 1}]},
    },
    "incidents_in_buffer_moved_to_nearest_village": {
        # 0.002 deg (~220 m) east of the last village: inside the 1 km buffer, outside every
        # polygon; counted in the nearest village, and said so.
        "incidents.csv": INC_HEADER + I1 +
        "INS-0002,2019-05-20,riot,-1.1000,113.8920,2,di luar batas desa\n",
        "tps.csv": TPS_HEADER + T1 + "6210022001002,62.10.02.2001,-1.1000,113.8930,120,,,\n",
        "expect": {"accepted": {"incidents.csv": 2, "tps.csv": 2},
                   "warnings": {"incidents.csv": ["moved_to_nearest_area"],
                                "tps.csv": ["tps_outside_areas"]},
                   "text_warnings": {"incidents.csv": "3 (-> 62.10.02.2001)"}},
    },
    "areas_overlapping_neighbours": {
        # Desa Contoh's west edge drawn 0.001 deg (~110 m) into Kelurahan Contoh: ~24 ha.
        "areas.geojson": areas_json([
            ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
            ("62.10.02.2001", "Desa Contoh", poly([[113.869, -1.11], [113.89, -1.11],
                                                   [113.89, -1.09], [113.869, -1.09],
                                                   [113.869, -1.11]])),
        ]),
        "expect": {"accepted": {"areas.geojson": 2},
                   "warnings": {"areas.geojson": ["areas_overlap"]},
                   "text_warnings": {"areas.geojson": "Kelurahan Contoh (62.10.02.1012) / "
                                                      "Desa Contoh (62.10.02.2001) 24.66 ha"}},
    },
    "areas_kabupaten_codes": {
        # A Polda's file: kabupaten/kota areas without kecamatan columns; TPS keep their desa
        # codes, which are taken up to the kabupaten holding them.
        "region.yaml": REGION_YAML.replace('code: "62.10"', 'code: "62"'),
        "areas.geojson": areas_json([
            ("62.10", "Kabupaten Contoh", poly(SQUARE_A)),
            ("62.11", "Kabupaten Tetangga", poly(SQUARE_B)),
        ], drop=("subdistrict_code", "subdistrict_name")),
        "tps.csv": TPS_HEADER + T1 + T2.replace("62.10.02.2001", "62.11.01.2001"),
        "expect": {"accepted": {"areas.geojson": 2, "tps.csv": 2},
                   "warnings": {"areas.geojson": ["area_level_above_village"],
                                "tps.csv": ["area_code_to_level"]},
                   "values": [{"table": "tps", "id": "6210021012001", "column": "village_code",
                               "equals": "62.10"},
                              {"table": "areas", "id": "62.11", "column": "subdistrict_code",
                               "equals": "62"},
                              {"table": "areas", "id": "62.11", "column": "area_level",
                               "equals": "regency"}]},
    },
    "areas_kecamatan_codes": {
        "areas.geojson": areas_json([
            ("620102", "Kecamatan Contoh", poly(SQUARE_A)),
            ("62.10.03", "Kecamatan Tetangga", poly(SQUARE_B)),
        ], drop=("subdistrict_code", "subdistrict_name")),
        "tps.csv": TPS_HEADER + T1.replace("62.10.02.1012", "62.01.02.1012") +
        T2.replace("62.10.02.2001", "62.10.03"),
        "expect": {"accepted": {"areas.geojson": 2, "tps.csv": 2},
                   "warnings": {"areas.geojson": ["area_level_above_village",
                                                  "village_code_normalised"]},
                   "values": [{"table": "areas", "id": "62.01.02", "column": "subdistrict_name",
                               "equals": "Kabupaten/Kota 62.01"},
                              {"table": "tps", "id": "6210022001001", "column": "village_code",
                               "equals": "62.10.03"}]},
    },
    "areas_mixed_levels": {
        "areas.geojson": areas_json([
            ("62.10", "Kabupaten Contoh", poly(SQUARE_A)),
            ("62.11", "Kabupaten Tetangga", poly(SQUARE_B)),
            ("62.10.02.2001", "Desa Contoh", poly(SQUARE_B)),
        ]),
        "expect": {"fatal": [{"code": "mixed_area_levels", "file": "areas.geojson",
                              "column": "village_code"}],
                   "quarantined": {"areas.geojson": {1: "mixed_area_levels",
                                                     2: "mixed_area_levels",
                                                     3: "mixed_area_levels"}},
                   "text": {"fatal": "2 kabupaten/kota (baris 1, 2), 1 desa/kelurahan (baris 3)"}},
    },
    "region_yaml_not_yaml": {
        "region.yaml": "name: [unclosed\n",
        "expect": {"fatal": [{"code": "unreadable_file", "file": "region.yaml"}]},
    },
}


def write_case(name: str, spec: dict) -> None:
    folder = CASES / name
    folder.mkdir(parents=True)
    expect = dict(spec["expect"])
    if "ingest" in spec:
        expect["ingest"] = spec["ingest"]
    if "delete" in spec:
        expect["delete"] = spec["delete"]
    for key, value in spec.items():
        if key in ("expect", "ingest", "delete"):
            continue
        fname, _, mode = key.partition("@")
        path = folder / fname
        if mode == "":
            path.write_text(value, encoding="utf-8")
        elif mode == "cp1252":
            path.write_bytes(value.encode("cp1252"))
        elif mode == "utf16le":
            path.write_bytes(b"\xff\xfe" + value.replace("\n", "\r\n").encode("utf-16-le"))
        elif mode == "utf16be":
            path.write_bytes(b"\xfe\xff" + value.replace("\n", "\r\n").encode("utf-16-be"))
        elif mode == "bytes":
            path.write_bytes(value)
        elif mode == "rows":
            import openpyxl

            wb = openpyxl.Workbook()
            ws = wb.active
            for row in value:
                ws.append(row)
            wb.save(path)
        elif mode == "utm":
            import geopandas as gpd
            from shapely.geometry import Polygon

            gdf = gpd.GeoDataFrame(
                {"village_code": ["62.10.02.1012", "62.10.02.2001"],
                 "village_name": ["Kelurahan Contoh", "Desa Contoh"],
                 "subdistrict_code": ["62.10.02"] * 2,
                 "subdistrict_name": ["Kecamatan Contoh"] * 2},
                geometry=[Polygon(SQUARE_A), Polygon(SQUARE_B)], crs="EPSG:4326")
            gdf.to_crs("EPSG:32749").to_file(path, driver="GPKG", engine="pyogrio")
        elif mode == "noprj":
            import geopandas as gpd
            from shapely.geometry import Polygon

            gdf = gpd.GeoDataFrame(
                {"village_code": ["62.10.02.1012"], "village_name": ["Kelurahan Contoh"],
                 "subdistrict_code": ["62.10.02"], "subdistrict_name": ["Kecamatan Contoh"]},
                geometry=[Polygon(SQUARE_A)], crs=None)
            gdf.to_file(path, engine="pyogrio")
            for side in folder.glob("areas.prj"):
                side.unlink()
            for side in folder.glob("areas.cpg"):
                side.unlink()
    (folder / "expect.yaml").write_text(
        yaml.safe_dump(expect, sort_keys=True, allow_unicode=True), encoding="utf-8")


def main() -> None:
    if CASES.exists():
        shutil.rmtree(CASES)
    CASES.mkdir()
    base = HERE / "base"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir()
    (base / "region.yaml").write_text(REGION_YAML, encoding="utf-8")
    (base / "tps.csv").write_text(TPS_HEADER + T1 + T2, encoding="utf-8")
    (base / "incidents.csv").write_text(INC_HEADER + I1, encoding="utf-8")
    (base / "venues.csv").write_text(
        "venue_id,kind,name,lat,lon,start,end,expected_crowd\n"
        "KPU-1,kpu_office,Kantor KPU,-1.1012,113.8640,,,300\n", encoding="utf-8")
    (base / "units.csv").write_text(
        "unit_id,kind,name,lat,lon,personnel\n"
        "POLRES-1,polres,Polres Contoh,-1.1016,113.8664,100\n", encoding="utf-8")
    (base / "areas.geojson").write_text(areas_json([
        ("62.10.02.1012", "Kelurahan Contoh", poly(SQUARE_A)),
        ("62.10.02.2001", "Desa Contoh", poly(SQUARE_B)),
    ]), encoding="utf-8")
    for name, spec in CASES_TEXT.items():
        write_case(name, spec)
    print(f"{len(CASES_TEXT)} cases written to {CASES}")


if __name__ == "__main__":
    main()
