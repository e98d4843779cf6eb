# Shared by the benchmark scripts (source it after `cd` to the repository):
# a temporary work dir, the CLI bundled into it, the binary's permission flags
# (from the compile task in deno.json), and `measure` for wall time and peak RSS.
# The bundle is split at the dynamic imports (`--code-splitting`), so that a
# command loads only its own modules, as in the compiled binary.
deno=${DENO:-deno}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
"$deno" bundle --quiet --code-splitting --outdir "$work/bundle" main.ts
bundle="$work/bundle/main.js"
read -r -a perms <<< "$("$deno" eval 'const t = JSON.parse(Deno.readTextFileSync("deno.json")).tasks.compile;
console.log(t.match(/--(allow|unstable)-\S+/g).join(" "))')"

# pprof-mcp as the compiled binary runs it.
pprof_mcp() { "$deno" run "${perms[@]}" "$bundle" "$@"; }
# One run first, so Deno's code cache for the new file is warm, as for an installed binary.
pprof_mcp --version > /dev/null

# measure LABEL COMMAND...: runs it, keeps stdout in $work/LABEL.out, prints seconds and peak MB.
measure() {
  local label=$1; shift
  [ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" > "$work/$label.out" 2> "$work/$label.err" || {
    cat "$work/$label.err" >&2; exit 1; }
  read -r secs kb < "$work/$label.time"
  printf '%-12s %8.2f s %10.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}
