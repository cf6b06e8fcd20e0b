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

from riskmap._errors import REASONS, RegionInputError, describe, reason_codes
from riskmap.io import inspect_region, load_region
from riskmap.io._read import read_csv_text, read_table_file
from riskmap.io.importers import (
    apply_tallies,
    clip_to_region,
    incidents_from_acled,
    tallies_from_kawalpemilu,
)

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


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory) -> dict:
    """Every corpus case built and read once: case -> (folder, expect, inspected region)."""
    runs = {}
    for case in CASES:
        folder, expect = build(case, tmp_path_factory.mktemp("corpus"))
        runs[case] = (folder, expect, inspect_region(folder, ingest=expect.get("ingest")))
    return runs


def test_corpus_has_at_least_25_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case, corpus_runs):
    folder, expect, region = corpus_runs[case]
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
        with pytest.raises(RegionInputError) as info:
            load_region(folder, ingest=expect.get("ingest"))
        assert all(p.file in str(info.value) for p in region.fatal)
        assert "Traceback" not in str(info.value)


def produced_codes(region) -> set[str]:
    """The reason codes a read of a region actually produced (fatal, rows, warnings)."""
    codes = {p.code for p in (*region.fatal, *region.problems)}
    for frame in region.quarantine.values():
        codes |= set(frame["reason"])
    for q in region.quality.values():
        codes |= {w.split(":", 1)[0] for w in q.get("warnings", [])}
    return codes


def importer_codes() -> set[str]:
    """The reason codes the importers produce on the importer tests' inputs."""
    from test_io_importers import ACLED, ACLED_PRECISION, TALLIES

    tallies = tallies_from_kawalpemilu(read_table_file(TALLIES))
    acled = incidents_from_acled(read_csv_text(ACLED, "acled.csv"))
    tps = pd.DataFrame({"tps_id": ["6210021001002", "6210099999001"],
                        "village_code": ["62.10.02.1001", "62.10.09.9999"],
                        "lat": ["-1.1", "-1.2"], "lon": ["113.8", "113.9"],
                        "voters": ["1", "3"]})
    _, applied = apply_tallies(tps, tallies.table)
    _, clipped = clip_to_region(acled.table, [True] * (len(acled.table) - 1) + [False])
    every_type = incidents_from_acled(read_csv_text(ACLED, "acled.csv"), event_types=["all"])
    precision = incidents_from_acled(read_csv_text(ACLED_PRECISION, "acled.csv"))
    found = [*tallies.problems, *acled.problems, *acled.warnings, *applied, *clipped,
             *every_type.warnings, *precision.warnings]
    return {p.code for p in found}


def test_every_reason_code_is_produced_and_has_both_languages(corpus_runs):
    """A code counts as exercised only when a corpus case or an importer produced it."""
    produced = importer_codes()
    for _, _, region in corpus_runs.values():
        produced |= produced_codes(region)
    assert produced <= set(REASONS), sorted(produced - set(REASONS))
    missing = sorted(set(reason_codes()) - produced)
    assert not missing, f"reason codes no test input produces: {missing}"
    for code in reason_codes():
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
