/**
 * The CLI in-process: help, flags in Go and GNU style, JSON output, and
 * errors that name what is wrong with exit code 2.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { EXIT, memoryIO } from "../lib/cli/io.ts";

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

Deno.test("cli: Go-style and GNU-style flags mean the same", async () => {
  const a = await run("top", "-nodecount=5", "-cum", cpu);
  const b = await run("top", "--nodecount", "5", "--cum=true", cpu);
  assert.equal(a.code, EXIT.OK);
  assert.equal(a.out, b.out);
  assert.match(a.out, /Showing top 5 nodes out of \d+/);
  const all = await run("top", "--trim=false", cpu);
  assert.doesNotMatch(all.out, /Dropped/);
});

Deno.test("cli: top --json carries the same rows as the text", async () => {
  const text = await run("top", "--nodecount=3", heap);
  const json = await run("top", "--nodecount=3", "--json", heap);
  assert.equal(json.code, EXIT.OK);
  const data = JSON.parse(json.out);
  assert.equal(data.sample_type, "inuse_space");
  assert.equal(data.rows.length, 3);
  assert.equal(data.rows[0].name, "main.(*leakyCache).Add");
  assert.ok(text.out.includes(data.rows[0].flat_text));
  assert.ok(Math.abs(data.rows[0].flat_pct - 70.57) < 0.01);
  assert.deepEqual(data.header.slice(0, 2), ["File: ingestd", "Type: inuse_space"]);
});

Deno.test("cli: pprof top prints {command, raw, rows, summary}", async () => {
  const r = await run("pprof", "top", "--profile", cpu, "--nodecount", "4", "--focus", "jsonlite");
  assert.equal(r.code, EXIT.OK);
  const data = JSON.parse(r.out);
  assert.deepEqual(Object.keys(data), ["command", "raw", "rows", "summary"]);
  assert.equal(data.command, `go tool pprof -top -nodecount 4 -focus jsonlite ${cpu}`);
  const top = await run("top", "--nodecount=4", "--focus=jsonlite", cpu);
  assert.equal(data.raw, top.out);
  assert.equal(data.rows.length, 4);
  assert.equal(data.rows[0].name, "runtime.mallocgc");
  assert.equal(data.rows[0].flat, "0.39s");
  assert.equal(data.rows[0].flat_seconds, 0.39);
  assert.equal(data.summary.table_header, "flat  flat%   sum%        cum   cum%");
  assert.ok(data.summary.header_lines.includes("   focus=jsonlite"));
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
  assert.equal(r.err, "Focus expression matched no samples\n");
  assert.match(r.out, /Showing nodes accounting for 0, 0% of 25\.02s total/);
});
