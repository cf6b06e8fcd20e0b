"""The bad-input corpus (tests/corpus/cases): each case asserts its exact outcome.

A case folder holds only the files that differ from tests/corpus/base, plus expect.yaml
(see tests/corpus/make_corpus.py, which wrote them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from riskmap._errors import REASONS, describe
from riskmap.io import inspect_region, load_region

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CASES = sorted(p.name for p in (CORPUS / "cases").iterdir() if p.is_dir())


def build(case: str, tmp_path: Path) -> tuple[Path, dict]:
    folder = tmp_path / case
    shutil.copytree(CORPUS / "base", folder)
    src = CORPUS / "cases" / case
    expect = yaml.safe_load((src / "expect.yaml").read_text(encoding="utf-8"))
    for name in expect.get("delete", []):
        (folder / name).unlink()
    for p in src.iterdir():
        if p.name != "expect.yaml":
            shutil.copy(p, folder / p.name)
    return folder, expect


def test_corpus_has_at_least_25_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case, tmp_path):
    folder, expect = build(case, tmp_path)
    region = inspect_region(folder, ingest=expect.get("ingest"))
    fatal = sorted((p.code, p.file, p.column) for p in region.fatal)
    want = sorted((f["code"], f["file"], f.get("column")) for f in expect.get("fatal", []))
    if want:
        got = sorted((c, f, col if any(w[2] for w in want if w[:2] == (c, f)) else None)
                     for c, f, col in fatal)
        assert got == want, [describe(p, lang="en") for p in region.fatal]
    else:
        assert not region.fatal, [describe(p, lang="en") for p in region.fatal]
    quarantined = expect.get("quarantined", {})
    for name, q in region.quality.items():
        assert q["rows_read"] == q["accepted"] + q["quarantined"], name
        got = dict(zip(region.quarantine[name]["row"].astype(int),
                       region.quarantine[name]["reason"], strict=True))
        assert got == {int(k): v for k, v in quarantined.get(name, {}).items()}, (
            name, list(region.quarantine[name]["reason_text"]))
        assert q["reasons"] == dict(pd.Series(list(got.values()), dtype=object)
                                    .value_counts().sort_index().items())
    for name, n in expect.get("accepted", {}).items():
        assert region.quality[name]["accepted"] == n, name
    codes_by_file: dict[str, set] = {}
    for p in region.problems:
        codes_by_file.setdefault(p.file, set()).add(p.code)
    for name, codes in expect.get("warnings", {}).items():
        assert set(codes) <= codes_by_file.get(name, set()), (name, codes_by_file)
        assert all(any(w.startswith(c + ":") for w in region.quality[name]["warnings"])
                   for c in codes)
    for v in expect.get("values", []):
        table = getattr(region, v["table"])
        idc = {"tps": "tps_id", "incidents": "incident_id", "venues": "venue_id",
               "units": "unit_id", "areas": "village_code"}[v["table"]]
        value = table.set_index(idc).loc[v["id"], v["column"]]
        if isinstance(value, pd.Timestamp):
            value = value.date().isoformat()
        if isinstance(v["equals"], float):
            assert value == pytest.approx(v["equals"], abs=1e-5)
        else:
            assert value == v["equals"]
    for name, needle in expect.get("text_warnings", {}).items():
        assert any(needle in w for w in region.quality[name]["warnings"]), (
            region.quality[name]["warnings"])
    for name, needle in expect.get("text", {}).items():
        if name == "fatal":
            assert needle in "\n".join(describe(p) for p in region.fatal)
        else:
            assert needle in "\n".join(region.quarantine[name]["reason_text"])
    # Every quarantine text names the file, the row and a reason; codes are known.
    for name, frame in region.quarantine.items():
        for row, reason, text in zip(frame["row"], frame["reason"], frame["reason_text"],
                                     strict=True):
            assert reason in REASONS
            assert REASONS[reason].kind == "row" or region.fatal
            assert text.startswith(f"{name}, baris {row}")
    if region.fatal:
        with pytest.raises(Exception) as info:
            load_region(folder, ingest=expect.get("ingest"))
        assert all(p.file in str(info.value) for p in region.fatal)
        assert "Traceback" not in str(info.value)


def test_every_reason_code_is_exercised_and_has_both_languages():
    from riskmap._errors import reason_codes

    text = "\n".join(p.read_text(encoding="utf-8") for p in
                     [*(CORPUS / "cases").glob("*/expect.yaml"),
                      *Path(__file__).parent.glob("test_*.py")])
    for code in reason_codes():
        assert code in text, f"reason {code} is not exercised by any test"
        assert all(REASONS[code].id) or REASONS[code].kind == "warning"
        assert REASONS[code].id[0] and REASONS[code].en[0]


def test_absent_optional_files_are_said_so_in_the_quality_report(tmp_path):
    folder, _ = build("optional_files_absent", tmp_path)
    region = load_region(folder)
    for name in ("venues.csv", "incidents.csv", "units.csv"):
        assert region.quality[name]["missing"] == "optional file absent"
        assert len(getattr(region, name[:-4])) == 0
        assert list(region.quarantine[name].columns)[-2:] == ["reason", "reason_text"]
    assert "venues.csv" not in region.input_files
