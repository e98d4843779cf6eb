#!/usr/bin/env bash
# Whole-CLI cost of the regexp options on the large profile: each command runs
# RUNS times (default 5) as `deno run -A main.ts …` and the medians of wall time
# and of CPU time (user + sys, steadier on a shared machine) are printed, with
# the plain `top` first as the reference. Given several checkouts (e.g. before
# and after a change), the runs alternate between them so that a busy moment of
# the machine falls on both alike.
#
#   bench/regex_cli.sh [CHECKOUT...]   (default: this one; PROFILE=fixtures/big/bigcpu.pb.gz RUNS=5)
#   needs GNU time at /usr/bin/time
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
checkouts=("$@")
[[ ${#checkouts[@]} -gt 0 ]] || checkouts=("$here")
profile=$(realpath "${PROFILE:-$here/fixtures/big/bigcpu.pb.gz}")
runs=${RUNS:-5}
deno=${DENO:-deno}
[ -x /usr/bin/time ] || { echo "regex_cli.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# "label|arguments", the arguments split on spaces (no pattern below has one)
commands=(
  "top|top"
  "focus literal|top --focus=runtime\\.mallocgc"
  "focus classes|top --focus=^github\\.com/acme/platform/[a-z]+/[[:alpha:]]+\\.\\(\\*[A-Z]\\w*\\)\\.[a-z]\\w*\$"
  "focus (?i)|top --focus=(?i)MALLOCGC|ScanObject"
  "ignore|top --ignore=^runtime\\."
  "hide|top --hide=^runtime\\."
  "show|top --show=github\\.com/acme"
  "peek|peek PROFILE rules\\.\\(\\*Engine\\)"
)

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

for c in "${checkouts[@]}"; do (cd "$c" && "$deno" run -A main.ts --version > /dev/null); done # warm caches
printf '%-14s %-24s %8s %8s\n' command checkout wall cpu
for entry in "${commands[@]}"; do
  label=${entry%%|*}
  read -r -a args <<< "${entry#*|}"
  # peek takes the profile before its regexp; every other command takes it last.
  if [[ ${args[0]} == peek ]]; then args[1]=$profile; else args+=("$profile"); fi
  declare -A walls=() cpus=()
  for ((i = 0; i < runs; i++)); do
    for c in "${checkouts[@]}"; do
      (cd "$c" && /usr/bin/time -f "%e %U %S" -o "$tmp" "$deno" run -A main.ts "${args[@]}" > /dev/null 2>&1)
      read -r wall user sys < "$tmp"
      walls[$c]+="$wall "
      cpus[$c]+="$(echo "$user + $sys" | bc) "
    done
  done
  for c in "${checkouts[@]}"; do
    # shellcheck disable=SC2086
    printf '%-14s %-24s %7.2fs %7.2fs\n' "$label" "$(basename "$c")" "$(median ${walls[$c]})" "$(median ${cpus[$c]})"
  done
  unset walls cpus
done
