#!/usr/bin/env bash
# Create the project's isolated environment (.venv) and install riskmap with its test tools.
# Needs only Python >= 3.11 (python3 on PATH, or set PYTHON=/path/to/python3.11).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
