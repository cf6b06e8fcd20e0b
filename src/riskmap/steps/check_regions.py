"""Step ``check_regions``: the last rule of a many-region run; fails when a region was unusable.

It runs after every stage's summary is written, so the summary lists each unusable region with
its reason, and the run still ends with a non-zero status (the contract's rule).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

from riskmap.steps._common import run_step
from riskmap.steps.summarise import NO_STAGE
from riskmap.summary import unusable_regions

log = logging.getLogger("riskmap")


def failed_regions(summaries: list[Path]) -> dict[str, str]:
    """Return ``{region: reason}`` over the summaries (a missing stage is not a failure)."""
    out: dict[str, str] = {}
    for path in summaries:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for _, row in unusable_regions(table).iterrows():
            if row["status"] != NO_STAGE:
                out.setdefault(row["region"], row["status"])
    return dict(sorted(out.items()))


def check(args: argparse.Namespace) -> None:
    failed = failed_regions(args.summaries)
    if failed:
        lines = "\n".join(f"  - {region}: {reason}" for region, reason in failed.items())
        msg = f"{len(failed)} region folder(s) could not be used (see the summaries):\n{lines}"
        raise RegionsFailed(msg)
    args.ok.parent.mkdir(parents=True, exist_ok=True)
    args.ok.write_text("every region ok\n", encoding="utf-8")
    log.info("every region ok")


class RegionsFailed(Exception):
    """At least one region folder could not be used."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--summaries", type=Path, nargs="+", required=True)
    parser.add_argument("--ok", type=Path, required=True)
    parser.add_argument("--log", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        return run_step(check, args)
    except RegionsFailed as exc:
        logging.getLogger("riskmap").error("%s", exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
