#!/usr/bin/env bash
# Merges 60 one-minute-sized CPU profiles (generated deterministically: one
# program, 60 sample seeds) with `pprof-mcp merge` and, when Go is installed,
# with `go tool pprof -proto`; prints wall time and peak memory of each and
# checks that the two merged profiles have the same top.
#
#   bench/merge60.sh [COUNT] [SAMPLES_PER_PROFILE]     (defaults: 60, 6000)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-60}
samples=${2:-6000}
deno=${DENO:-deno}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$deno" bundle --quiet --output "$work/pprof-mcp.js" main.ts
read -r -a perms <<< "$("$deno" eval 'const t = JSON.parse(Deno.readTextFileSync("deno.json")).tasks.compile;
console.log(t.match(/--(allow|unstable)-\S+/g).join(" "))')"

echo "generating $count profiles of $samples samples"
for i in $(seq 1 "$count"); do
  "$deno" run --allow-read="$work" --allow-write="$work" bench/gen_profile.ts -o "$work/p$i.pb.gz" \
    --samples="$samples" --functions=5000 --locations=20000 --depth=30 --seed="$i" --program-seed=7 2>/dev/null
done
files=("$work"/p*.pb.gz)
echo "inputs: ${#files[@]} files, $(du -ch "${files[@]}" | tail -1 | cut -f1)"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" > /dev/null 2> "$work/$label.err" || { cat "$work/$label.err" >&2; exit 1; }
  read -r secs kb < "$work/$label.time"
  printf '%-12s %8.2f s %10.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}

measure pprof-mcp "$deno" run "${perms[@]}" "$work/pprof-mcp.js" merge -o "$work/ours.pb.gz" "${files[@]}"
if command -v go > /dev/null; then
  mkdir -p "$work/home"
  measure go-pprof env HOME="$work/home" go tool pprof -proto -output "$work/go.pb.gz" "${files[@]}"
  "$deno" run "${perms[@]}" "$work/pprof-mcp.js" top "$work/ours.pb.gz" > "$work/ours.top"
  "$deno" run "${perms[@]}" "$work/pprof-mcp.js" top "$work/go.pb.gz" > "$work/go.top"
  if cmp -s "$work/ours.top" "$work/go.top"; then echo "merged top: identical"; else echo "merged top: DIFFERENT"; exit 1; fi
fi
