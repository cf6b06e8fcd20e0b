#!/usr/bin/env bash
# Re-fetch the browser libraries that riskmap inlines into its self-contained maps.
#
# Exact versions are pinned in src/riskmap/assets/package.json and package-lock.json (npm ci
# refuses anything else). The pure-JS AES-GCM/PBKDF2 fallback of the passphrase prompt is
# bundled from @noble/ciphers and @noble/hashes into one IIFE with esbuild (pinned dev
# dependency). The heat-map plugin is folium's own patched copy of Leaflet.heat, taken from the
# installed folium package (pinned in pyproject.toml). Needs node/npm and the project's .venv.
# The result is committed: the map renderer never reaches the network.
#
# Usage: bash scripts/vendor_assets.sh          (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
ASSETS="$PWD/src/riskmap/assets"
PY="${PYTHON:-$PWD/.venv/bin/python}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cp "$ASSETS/package.json" "$ASSETS/package-lock.json" "$ASSETS/noble-entry.mjs" "$WORK/"
(cd "$WORK" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
NM="$WORK/node_modules"

rm -rf "$ASSETS/leaflet" "$ASSETS/leaflet.markercluster" "$ASSETS/leaflet-heat" "$ASSETS/noble"
mkdir -p "$ASSETS/leaflet/images" "$ASSETS/leaflet.markercluster" "$ASSETS/leaflet-heat" \
  "$ASSETS/noble"

# Leaflet: minified script, style sheet, the images the style sheet refers to, licence.
cp "$NM/leaflet/dist/leaflet.js" "$NM/leaflet/dist/leaflet.css" "$NM/leaflet/LICENSE" \
  "$ASSETS/leaflet/"
cp "$NM/leaflet/dist/images/layers.png" "$NM/leaflet/dist/images/layers-2x.png" \
  "$NM/leaflet/dist/images/marker-icon.png" "$ASSETS/leaflet/images/"

# Leaflet.markercluster: minified script, both style sheets, licence.
cp "$NM/leaflet.markercluster/dist/leaflet.markercluster.js" \
  "$NM/leaflet.markercluster/dist/MarkerCluster.css" \
  "$NM/leaflet.markercluster/dist/MarkerCluster.Default.css" \
  "$NM/leaflet.markercluster/MIT-LICENCE.txt" "$ASSETS/leaflet.markercluster/"

# Leaflet.heat as shipped (patched) by folium, and folium's licence.
FOLIUM_DIR="$("$PY" -c 'import folium, os; print(os.path.dirname(folium.__file__))')"
cp "$FOLIUM_DIR/templates/leaflet_heat.min.js" "$ASSETS/leaflet-heat/"
"$PY" - "$ASSETS/leaflet-heat/FOLIUM-LICENSE.txt" <<'PYEOF'
import sys
from importlib import metadata
dist = metadata.distribution("folium")
text = None
for f in dist.files or []:
    if f.name.upper().startswith("LICENSE"):
        text = f.read_text()
        break
open(sys.argv[1], "w").write(text or "folium is MIT licensed (https://github.com/python-visualization/folium)\n")
PYEOF

# noble: one IIFE exposing window.nobleCrypto = {gcm, pbkdf2, pbkdf2Async, sha256}.
(cd "$WORK" && "$NM/.bin/esbuild" noble-entry.mjs --bundle --minify --format=iife \
  --global-name=nobleCrypto --target=es2017 --legal-comments=eof \
  --outfile="$ASSETS/noble/noble-crypto.iife.js" --log-level=warning)
cp "$NM/@noble/ciphers/LICENSE" "$ASSETS/noble/LICENSE-noble-ciphers"
cp "$NM/@noble/hashes/LICENSE" "$ASSETS/noble/LICENSE-noble-hashes"

(cd "$ASSETS" && find . -type f \( -name '*.js' -o -name '*.css' -o -name '*.png' \) \
  -not -path './riskmap/*' | sort | xargs sha256sum) > "$ASSETS/SHA256SUMS"
echo "vendored into $ASSETS:"
cat "$ASSETS/SHA256SUMS"
