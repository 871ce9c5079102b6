#!/usr/bin/env bash
# Re-fetch the dashboard's third-party files from the npm registry into src/conflictlens/web/vendor/.
# Needs npm and tar. The versions are pinned here and in src/conflictlens/web/vendor/README.md; change both.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/conflictlens/web/vendor
LEAFLET=leaflet@1.9.4
TOPOJSON=topojson-client@3.1.0
ATLAS=world-atlas@2.0.2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$LEAFLET" "$TOPOJSON" "$ATLAS" >/dev/null)
for tgz in "$work"/*.tgz; do
    mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"
done

rm -rf "$VENDOR/leaflet" "$VENDOR/topojson-client" "$VENDOR/world-atlas"
mkdir -p "$VENDOR/leaflet/images" "$VENDOR/topojson-client" "$VENDOR/world-atlas"
src="$work/leaflet-1.9.4/package"
cp "$src/dist/leaflet.js" "$src/dist/leaflet.css" "$src/LICENSE" "$VENDOR/leaflet/"
cp "$src"/dist/images/*.png "$VENDOR/leaflet/images/"
src="$work/topojson-client-3.1.0/package"
cp "$src/dist/topojson-client.min.js" "$src/LICENSE" "$VENDOR/topojson-client/"
src="$work/world-atlas-2.0.2/package"
cp "$src/countries-110m.json" "$src/LICENSE" "$VENDOR/world-atlas/"
echo "vendored into $VENDOR:"
find "$VENDOR" -type f ! -name README.md | sort
