/**
 * The CLI in-process: help, flags in Go and GNU style, JSON output, and
 * errors that name what is wrong with exit code 2.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { EXIT, memoryIO } from "../lib/cli/io.ts";
import { diffOutputs, refText, topRows } from "./golden.ts";

const cpu = new URL("../fixtures/profiles/cpu.pb.gz", import.meta.url).pathname;
const heap = new URL("../fixtures/profiles/heap.pb.gz", import.meta.url).pathname;

async function run(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("cli: --help, --version, no arguments", async () => {
  const help = await run("--help");
  assert.equal(help.code, EXIT.OK);
  assert.match(help.out, /Commands:[\s\S]*\btop\b[\s\S]*pprof top/);
  const version = await run("--version");
  assert.match(version.out, /^pprof-mcp \d+\.\d+\.\d+\n$/);
  const none = await run();
  assert.equal(none.code, EXIT.ERROR);
  assert.match(none.err, /Usage:/);
  const unknown = await run("frobnicate");
  assert.equal(unknown.code, EXIT.ERROR);
  assert.match(unknown.err, /unknown command "frobnicate"/);
});

Deno.test("cli: every command has --help", async () => {
  for (const args of [["top", "--help"], ["pprof", "top", "-h"]]) {
    const r = await run(...args);
    assert.equal(r.code, EXIT.OK);
    assert.match(r.out, /Usage: pprof-mcp /);
    assert.match(r.out, /Flags:/);
  }
});

Deno.test("cli: Go-style and GNU-style flags mean the same, and what pprof prints", async () => {
  const a = await run("top", "-nodecount=5", "-cum", cpu);
  const b = await run("top", "--nodecount", "5", "--cum=true", cpu);
  assert.equal(a.code, EXIT.OK, a.err);
  assert.equal(b.code, EXIT.OK, b.err);
  assert.equal(a.out, b.out);
  // go tool pprof -top -nodecount=5 -cum (fixtures/ref_cli).
  assert.equal(diffOutputs(a.out, refText("ref_cli/cpu/top_n5_cum/stdout.txt")), undefined);
  const all = await run("top", "--trim=false", cpu);
  assert.equal(all.code, EXIT.OK, all.err);
  // go tool pprof -top -trim=false: every node, no "Dropped" line (fixtures/ref_extra).
  assert.equal(diffOutputs(all.out, refText("ref_extra/cpu/top_trim_false/stdout.txt")), undefined);
});

Deno.test("cli: top --json carries pprof's rows", async () => {
  const json = await run("top", "--nodecount=3", "--json", heap);
  assert.equal(json.code, EXIT.OK, json.err);
  const data = JSON.parse(json.out);
  assert.equal(data.sample_type, "inuse_space");
  // go tool pprof -top -nodecount=3 profiles/heap.pb.gz (fixtures/ref_cli).
  const ref = refText("ref_cli/heap/top_n3/stdout.txt");
  const want = topRows(ref);
  assert.equal(want.length, 3);
  assert.deepEqual(
    data.rows.map((r: Record<string, number | string>) => [r.name, r.flat_text, r.cum_text]),
    want.map((r) => [r.name, r.flat, r.cum]),
  );
  // The JSON has the unrounded percentages; pprof printed them rounded to two decimals.
  for (const [i, r] of want.entries()) {
    assert.equal(data.rows[i].flat_pct.toFixed(2) + "%", r.flatPct);
    assert.equal(data.rows[i].sum_pct.toFixed(2) + "%", r.sumPct);
    assert.equal(data.rows[i].cum_pct.toFixed(2) + "%", r.cumPct);
  }
  // The first row in bytes: go tool pprof -top -unit=B prints 50127797B for main.(*leakyCache).Add.
  assert.equal(data.rows[0].flat, 50127797);
  assert.equal(data.total_text, "67.74MB");
  assert.deepEqual(data.header, ref.split("\n").slice(0, 6));
});

Deno.test("cli: pprof top prints {command, raw, rows, summary}", async () => {
  const r = await run("pprof", "top", "--profile", cpu, "--nodecount", "4", "--focus", "jsonlite");
  assert.equal(r.code, EXIT.OK, r.err);
  const data = JSON.parse(r.out);
  assert.deepEqual(Object.keys(data), ["command", "raw", "rows", "summary"]);
  assert.equal(data.command, `go tool pprof -top -nodecount 4 -focus jsonlite ${cpu}`);
  // go tool pprof -top -nodecount=4 -focus=jsonlite (fixtures/ref_cli).
  const ref = refText("ref_cli/cpu/top_n4_focus_jsonlite/stdout.txt");
  assert.equal(diffOutputs(data.raw, ref), undefined);
  const want = topRows(ref);
  assert.deepEqual(
    data.rows.map((x: Record<string, string>) => [x.flat, x.flat_pct, x.sum_pct, x.cum, x.cum_pct, x.name]),
    want.map((x) => [x.flat, x.flatPct, x.sumPct, x.cum, x.cumPct, x.name]),
  );
  // "0.39s" and "1.50s" in seconds.
  assert.equal(data.rows[0].flat_seconds, 0.39);
  assert.equal(data.rows[0].cum_seconds, 1.5);
  assert.equal(data.summary.table_header, "flat  flat%   sum%        cum   cum%");
  assert.deepEqual(data.summary.header_lines, ref.split("\n").slice(0, 9));
});

Deno.test("cli: errors name the problem and exit 2 without a stack trace", async () => {
  const cases: [string[], RegExp][] = [
    [["top", "/no/such/file.pb.gz"], /\/no\/such\/file\.pb\.gz: no such file/],
    [["top"], /missing profile FILE/],
    [["top", "--bogus", cpu], /unknown flag --bogus/],
    [["top", "--nodecount=abc", cpu], /--nodecount needs an integer, got "abc"/],
    [["top", "--focus=(abc", cpu], /invalid regexp in focus: missing closing \): `\(abc`/],
    [["peek", cpu, "(?<=x)y"], /invalid regexp in peek: .*\(RE2 has no lookbehind\)/],
    [["top", "--sample_index=wall", cpu], /sample_index "wall" must be one of: samples, cpu/],
    [["top", "--sample_index=7", cpu], /outside the range \[0\.\.1\]/],
    [["top", "--files", "--lines", cpu], /conflicting options/],
    [["pprof", "top"], /--profile is required/],
  ];
  for (const [args, want] of cases) {
    const r = await run(...args);
    assert.equal(r.code, EXIT.ERROR, args.join(" "));
    assert.match(r.err, want);
    assert.doesNotMatch(r.err, /\bat .*\.ts:\d+/);
  }
});

Deno.test("cli: --json errors are JSON too", async () => {
  const r = await run("top", "--json", "/no/such/file.pb.gz");
  assert.equal(r.code, EXIT.ERROR);
  const data = JSON.parse(r.out);
  assert.equal(data.error.code, "NOT_FOUND");
  assert.match(data.error.message, /no such file/);
});

Deno.test("cli: filter notes go to stderr, as pprof prints them", async () => {
  const r = await run("top", "--focus=NoSuchFunctionAnywhere", cpu);
  assert.equal(r.code, EXIT.OK);
  // go tool pprof -top -focus=NoSuchFunctionAnywhere (fixtures/ref_cli): exit 0, the note on stderr.
  assert.equal(r.err, refText("ref_cli/cpu/top_focus_nomatch/stderr.txt"));
  assert.equal(diffOutputs(r.out, refText("ref_cli/cpu/top_focus_nomatch/stdout.txt")), undefined);
});
