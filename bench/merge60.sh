#!/usr/bin/env bash
# Merges 60 one-minute-sized CPU profiles (generated deterministically: one
# program, 60 sample seeds) with `pprof-mcp merge` and, when Go is installed,
# with `go tool pprof -proto`; prints the median wall time, user+sys CPU time
# and peak RSS of each and checks that `go tool pprof -top` (and pprof-mcp's
# top) of the two merged profiles are the same.
#
#   bench/merge60.sh [COUNT] [SAMPLES_PER_PROFILE]     (defaults: 60, 6000)
#   RUNS=3 GO_RUNS=1 bench/merge60.sh                   (runs of each, medians)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-60}
samples=${2:-6000}
runs=${RUNS:-3}
go_runs=${GO_RUNS:-1}
source bench/lib.sh

echo "generating $count profiles of $samples samples"
for i in $(seq 1 "$count"); do
  "$deno" run --allow-read="$work" --allow-write="$work" bench/gen_profile.ts -o "$work/p$i.pb.gz" \
    --samples="$samples" --functions=5000 --locations=20000 --depth=30 --seed="$i" --program-seed=7 2>/dev/null
done
files=("$work"/p*.pb.gz)
echo "inputs: ${#files[@]} files, $(du -ch "${files[@]}" | tail -1 | cut -f1)"

# runs LABEL N COMMAND...: N runs; prints the medians of wall seconds, user+sys seconds and peak MB.
runs() {
  local label=$1 n=$2; shift 2
  [ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
  : > "$work/$label.times"
  for _ in $(seq 1 "$n"); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" > "$work/$label.out" 2> "$work/$label.err" || {
      cat "$work/$label.err" >&2; exit 1; }
    read -r wall user sys kb < "$work/t"
    echo "$wall $(echo "$user + $sys" | bc) $kb" >> "$work/$label.times"
  done
  median() { cut -d' ' -f"$1" "$work/$label.times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-12s %8.2f s wall %8.2f s user+sys %6d MB   (median of %d)\n' "$label" "$(median 1)" "$(median 2)" \
    "$(($(median 3) / 1024))" "$n"
}

runs pprof-mcp "$runs" "$deno" run "${perms[@]}" "$bundle" merge -o "$work/ours.pb.gz" "${files[@]}"
if command -v go > /dev/null; then
  runs go-pprof "$go_runs" env HOME="$work/home" go tool pprof -proto -output "$work/go.pb.gz" "${files[@]}"
  same() { if cmp -s "$1" "$2"; then echo "$3: identical"; else echo "$3: DIFFERENT"; exit 1; fi; }
  HOME="$work/home" go tool pprof -top "$work/ours.pb.gz" > "$work/ours.gotop" 2> /dev/null
  HOME="$work/home" go tool pprof -top "$work/go.pb.gz" > "$work/go.gotop" 2> /dev/null
  same "$work/ours.gotop" "$work/go.gotop" "go tool pprof -top of the merged profiles"
  pprof_mcp top "$work/ours.pb.gz" > "$work/ours.top"
  pprof_mcp top "$work/go.pb.gz" > "$work/go.top"
  same "$work/ours.top" "$work/go.top" "pprof-mcp top of the merged profiles"
fi
