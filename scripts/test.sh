#!/usr/bin/env bash
# Set up .venv and run the whole test suite (unit, workflow, browser). Browser tests need
# Debian's chromium (apt-get install -y chromium); without it they are skipped with a reason,
# except in CI (CI=true), where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
ruff check src tests scripts
# two workers (pytest-xdist), a test file per worker at a time: module fixtures run once,
# and the pipeline runs overlap the waits on SLURM and the browser
python -m pytest -n 2 --dist loadfile "$@"
