#!/usr/bin/env bash
# Times pprof-mcp (the bundled CLI, with the binary's permission flags) against
# `go tool pprof` on the same profiles, in paired runs (ours and Go's
# alternately, so a busy machine slows both alike), checks that the outputs are
# identical, and prints the README's table: median wall time, median user+sys
# CPU time and median peak RSS of each, and the ratios. Then the scaling series:
# `top` on profiles of 100k, 200k, 400k and 800k samples from gen_profile.ts
# (each step doubles the samples; the time should at most about double).
#
#   bench/compare_go.sh                      the table and the series (RUNS=3 runs each)
#   bench/compare_go.sh PROFILE [FLAGS...]   one profile, `top` with FLAGS
#   RUNS=1 SERIES=0 bench/compare_go.sh      quicker: one run, no series
#
# Needs Go and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "compare_go.sh: Go is not installed (apt-get install golang-go)" >&2; exit 2; }
source bench/lib.sh
runs=${RUNS:-3}

# run LABEL COMMAND...: one run; appends "wall cpu kb" to $work/LABEL.times, keeps stdout in $work/LABEL.out.
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" > "$work/$label.out" 2> "$work/$label.err" || {
    cat "$work/$label.err" >&2; exit 1; }
  read -r wall user sys kb < "$work/t"
  echo "$wall $(echo "$user + $sys" | bc) $kb" >> "$work/$label.times"
}

# median COLUMN FILE
median() { cut -d' ' -f"$1" "$2" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# row NAME PROFILE COMMAND [FLAGS...]: paired runs of both, then one table row.
row() {
  local name=$1 profile=$2 cmd=$3; shift 3
  rm -f "$work"/ours.times "$work"/go.times
  for _ in $(seq "$runs"); do
    run ours env TZ=UTC "$deno" run "${perms[@]}" "$bundle" "$cmd" "$@" "$profile"
    run go env TZ=UTC HOME="$work/home" go tool pprof "-$cmd" "$@" "$profile"
  done
  local same=identical
  cmp -s "$work/ours.out" "$work/go.out" || same=DIFFERENT
  local ow oc om gw gc gm
  ow=$(median 1 "$work/ours.times"); oc=$(median 2 "$work/ours.times"); om=$(($(median 3 "$work/ours.times") / 1024))
  gw=$(median 1 "$work/go.times"); gc=$(median 2 "$work/go.times"); gm=$(($(median 3 "$work/go.times") / 1024))
  printf '| %-28s | %5.2f s, %5.2f s CPU, %5d MB | %6.2f s, %6.2f s CPU, %5d MB | %5.2fx / %5.2fx / %5.2fx | %s |\n' \
    "$name" "$ow" "$oc" "$om" "$gw" "$gc" "$gm" "$(echo "$ow / $gw" | bc -l)" "$(echo "$oc / $gc" | bc -l)" \
    "$(echo "$om / $gm" | bc -l)" "$same"
  [ "$same" = identical ] || { diff "$work/ours.out" "$work/go.out" | head -20 >&2; exit 1; }
}

header() {
  echo "| profile                      | pprof-mcp (wall, user+sys, RSS)  | go tool pprof (wall, user+sys, RSS) | ratio wall / CPU / RSS  | output |"
  echo "| ---------------------------- | -------------------------------- | ----------------------------------- | ----------------------- | ------ |"
}

if [ $# -gt 0 ]; then
  profile=$1; shift
  header
  row "$(basename "$profile") top" "$profile" top "$@"
  exit 0
fi

echo "$(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $runs paired runs, medians"
header
row '`cpu.pb.gz` top' fixtures/profiles/cpu.pb.gz top
row '`large.cpu` top' fixtures/proftest/large.cpu top
row 'bigcpu top' fixtures/big/bigcpu.pb.gz top
row 'bigcpu traces' fixtures/big/bigcpu.pb.gz traces

[ "${SERIES:-1}" = 0 ] && exit 0
echo
echo "| samples | pprof-mcp top (wall, user+sys, RSS) | CPU / previous |"
echo "| ------- | ----------------------------------- | --------------- |"
prev=""
for n in 100000 200000 400000 800000; do
  "$deno" run --allow-read --allow-write="$work" bench/gen_profile.ts -o "$work/gen$n.pb.gz" --samples="$n" 2>/dev/null
  rm -f "$work/ours.times"
  for _ in $(seq "$runs"); do run ours env TZ=UTC "$deno" run "${perms[@]}" "$bundle" top "$work/gen$n.pb.gz"; done
  w=$(median 1 "$work/ours.times"); c=$(median 2 "$work/ours.times"); m=$(($(median 3 "$work/ours.times") / 1024))
  ratio=$([ -n "$prev" ] && printf '%.2fx' "$(echo "$c / $prev" | bc -l)" || echo "")
  printf '| %7d | %5.2f s, %5.2f s CPU, %5d MB        | %-15s |\n' "$n" "$w" "$c" "$m" "$ratio"
  prev=$c
done
