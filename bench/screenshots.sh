#!/usr/bin/env bash
# Renders every drawing pprof-mcp makes (flame graph SVG and HTML of CPU, heap,
# Node.js and differential profiles; call graph SVG and PNG) and a screenshot
# of each in headless Chromium, for a person to look at; then drives the
# interactive HTML (hover, zoom, search, sandwich, reset) and times the large
# profile's files in the browser (bench/flame_browser.ts).
#
#   bench/screenshots.sh [OUT_DIR]     (default: /tmp/pprof-mcp-screenshots; needs chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/pprof-mcp-screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)
chromium=${CHROMIUM:-chromium}
command -v "$chromium" >/dev/null || { echo "screenshots.sh: needs chromium (apt-get install -y chromium)" >&2; exit 2; }
p=fixtures/profiles
cli() { deno run -A main.ts "$@"; }

cli flamegraph $p/cpu.pb.gz -o "$out/cpu.svg"
cli flamegraph $p/cpu.pb.gz -o "$out/cpu.html"
cli flamegraph $p/cpu_after.pb.gz --diff_base=$p/cpu.pb.gz -o "$out/cpu_diff.svg"
cli flamegraph $p/cpu_after.pb.gz --diff_base=$p/cpu.pb.gz -o "$out/cpu_diff.html"
cli flamegraph $p/heap.pb.gz --sample_index=alloc_space -o "$out/heap_alloc.svg"
cli flamegraph $p/node_cpu.pb.gz -o "$out/node_cpu.svg"
cli flamegraph $p/cpu.pb.gz --focus=jsonlite --lines -o "$out/cpu_focus_lines.svg"
cli callgraph $p/cpu.pb.gz -o "$out/cpu_callgraph.svg"
cli callgraph $p/cpu.pb.gz -o "$out/cpu_callgraph.png"
cli callgraph $p/heap.pb.gz -o "$out/heap_callgraph.png"

for f in "$out"/*.svg "$out"/*.html "$out"/*.png; do
  case "$f" in *.shot.png) continue ;; esac
  shot="${f%.*}.${f##*.}.shot.png"
  "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$(mktemp -d)" --screenshot="$shot" --window-size=1600,1000 \
    "file://$f" 2>/dev/null
  echo "$shot"
done
deno run -A bench/flame_browser.ts "$out/browser"
