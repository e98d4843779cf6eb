#!/usr/bin/env bash
# Times `pprof-mcp top` (the bundled CLI, with the binary's permission flags)
# against `go tool pprof -top` on the same profile: wall time, peak memory, and
# whether the outputs are identical.
#
#   bench/compare_go.sh [PROFILE] [extra top flags...]
#   (default PROFILE: fixtures/big/bigcpu.pb.gz; needs Go and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-fixtures/big/bigcpu.pb.gz}
shift || true
command -v go >/dev/null || { echo "compare_go.sh: Go is not installed (apt-get install golang-go)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "compare_go.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
deno=${DENO:-deno}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$deno" bundle --quiet --output "$work/pprof-mcp.js" main.ts
# The permission flags the compiled binary gets, from the compile task.
read -r -a perms <<< "$("$deno" eval 'const t = JSON.parse(Deno.readTextFileSync("deno.json")).tasks.compile;
console.log(t.match(/--(allow|unstable)-\S+/g).join(" "))')"
mkdir -p "$work/home"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" > "$work/$label.out" 2> "$work/$label.err" || {
    cat "$work/$label.err" >&2; exit 1; }
  read -r secs kb < "$work/$label.time"
  printf '%-12s %8.2f s %10.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}

echo "profile: $profile ($(du -h "$profile" | cut -f1))"
measure pprof-mcp env TZ=UTC "$deno" run "${perms[@]}" "$work/pprof-mcp.js" top "$@" "$profile"
measure "go-pprof" env TZ=UTC HOME="$work/home" go tool pprof -top "$@" "$profile"
if cmp -s "$work/pprof-mcp.out" "$work/go-pprof.out"; then
  echo "output: identical ($(wc -l < "$work/go-pprof.out") lines)"
else
  echo "output: DIFFERENT"; diff "$work/pprof-mcp.out" "$work/go-pprof.out" | head -20; exit 1
fi
