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
source bench/lib.sh

echo "generating $count profiles of $samples samples"
for i in $(seq 1 "$count"); do
  "$deno" run --allow-read="$work" --allow-write="$work" bench/gen_profile.ts -o "$work/p$i.pb.gz" \
    --samples="$samples" --functions=5000 --locations=20000 --depth=30 --seed="$i" --program-seed=7 2>/dev/null
done
files=("$work"/p*.pb.gz)
echo "inputs: ${#files[@]} files, $(du -ch "${files[@]}" | tail -1 | cut -f1)"

measure pprof-mcp "$deno" run "${perms[@]}" "$bundle" merge -o "$work/ours.pb.gz" "${files[@]}"
if command -v go > /dev/null; then
  measure go-pprof env HOME="$work/home" go tool pprof -proto -output "$work/go.pb.gz" "${files[@]}"
  pprof_mcp top "$work/ours.pb.gz" > "$work/ours.top"
  pprof_mcp top "$work/go.pb.gz" > "$work/go.top"
  if cmp -s "$work/ours.top" "$work/go.top"; then echo "merged top: identical"; else echo "merged top: DIFFERENT"; exit 1; fi
fi
