"""The ingest hand-over as the stage steps read it: parsed once per process, a copy per step."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tiny_region import write_tiny_region

from riskmap.steps import _common
from riskmap.steps import ingest as ingest_step
from riskmap.steps._common import read_work


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("read-work")
    region = write_tiny_region(root / "region")
    work = root / "_work"
    status = ingest_step.main(["--region", str(region), "--work", str(work),
                               "--stage-dirs", str(root / "out" / "voting")])
    assert status == 0
    return work


def _same(a, b) -> None:
    assert a.meta == b.meta
    for name in ("areas", "tps", "venues", "incidents", "units"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_a_second_read_equals_a_fresh_parse_and_is_its_own_copy(work):
    first = read_work(work)
    second = read_work(work)
    _same(first, second)
    _same(second, _common._read_work_files(work / "ingest"))
    first.tps.loc[0, "voters"] = -1
    first.areas["village_code"] = "x"
    first.meta["region"]["name"] = "changed"
    third = read_work(work)
    assert third.tps.loc[0, "voters"] != -1
    assert (third.areas["village_code"] != "x").all()
    assert third.meta["region"]["name"] != "changed"


def test_changed_hand_over_files_are_read_again(work, tmp_path):
    read_work(work)
    moved = tmp_path / "_work"
    (moved / "ingest").mkdir(parents=True)
    for path in (work / "ingest").iterdir():
        (moved / "ingest" / path.name).write_bytes(path.read_bytes())
    meta = json.loads((moved / "ingest" / "region.json").read_text(encoding="utf-8"))
    meta["region"]["name"] = "Kabupaten Lain"
    (moved / "ingest" / "region.json").write_text(json.dumps(meta), encoding="utf-8")
    assert read_work(moved).meta["region"]["name"] == "Kabupaten Lain"
    meta["region"]["name"] = "Kabupaten Ketiga"  # same folder, new bytes
    (moved / "ingest" / "region.json").write_text(json.dumps(meta), encoding="utf-8")
    assert read_work(moved).meta["region"]["name"] == "Kabupaten Ketiga"
    assert read_work(work).meta["region"]["name"] != "Kabupaten Lain"
