#!/usr/bin/env bash
# Set up .venv and run the whole pipeline on the embedded Gunung Mas demo region:
# results/<stage>/ for every election stage. Extra arguments go to snakemake.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
snakemake --cores all "$@"
echo "Peta per tahap: $(ls results/*/map.html | tr '\n' ' ')"
