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
source bench/lib.sh

echo "profile: $profile ($(du -h "$profile" | cut -f1))"
measure pprof-mcp env TZ=UTC "$deno" run "${perms[@]}" "$work/pprof-mcp.js" top "$@" "$profile"
measure go-pprof env TZ=UTC HOME="$work/home" go tool pprof -top "$@" "$profile"
if cmp -s "$work/pprof-mcp.out" "$work/go-pprof.out"; then
  echo "output: identical ($(wc -l < "$work/go-pprof.out") lines)"
else
  echo "output: DIFFERENT"; diff "$work/pprof-mcp.out" "$work/go-pprof.out" | head -20; exit 1
fi
