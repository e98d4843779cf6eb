/**
 * CLI commands made from tools: flags from the input schema, positionals,
 * aliases, text or --json output, and the registry's validation and errors.
 */
import assert from "node:assert/strict";
import { runCommand } from "../lib/cli/command.ts";
import { toolCommand } from "../lib/cli/commands/tool_command.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { FIXTURES } from "./golden.ts";

const heap = FIXTURES + "profiles/heap.pb.gz";

Deno.test("tool command: positionals and flags fill the tool's arguments; text by default, --json on request", async () => {
  const meta = toolCommand({ name: "meta", tool: "pprof.meta", positionals: ["profile"] });
  const text = memoryIO();
  assert.equal(await runCommand(meta, [heap], text), 0, text.stderr);
  // go tool pprof -raw lists heap.pb.gz's sample types as alloc_objects, alloc_space, inuse_objects, inuse_space.
  assert.match(text.stdout, /^heap profile, sample types: alloc_objects, alloc_space, inuse_objects, inuse_space\n/);
  const json = memoryIO();
  assert.equal(await runCommand(meta, [heap, "--json"], json), 0, json.stderr);
  const result = JSON.parse(json.stdout).result;
  assert.equal(result.detected_profile_kind, "heap");
  assert.equal(result.sample_types.length, 4);

  const top = toolCommand({ name: "t", tool: "pprof.top", aliases: { n: "nodecount" }, positionals: ["profile"] });
  const io = memoryIO();
  assert.equal(await runCommand(top, [FIXTURES + "profiles/cpu.pb.gz", "--n", "3", "--cum", "--json"], io), 0);
  const rows = JSON.parse(io.stdout).rows;
  // ref/cpu/top_cum: the first three cum rows of go tool pprof -top -cum.
  const ref = Deno.readTextFileSync(FIXTURES + "ref/cpu/top_cum/stdout.txt").split("\n");
  const first = ref.slice(ref.findIndex((l) => /flat%/.test(l)) + 1, ref.findIndex((l) => /flat%/.test(l)) + 4);
  assert.deepEqual(
    rows.map((r: { name: string }) => r.name),
    first.map((l) => l.trim().split(/\s+/).slice(5).join(" ")),
  );
});

Deno.test("tool command: --help lists the schema's flags; bad input is one line and exit 2", async () => {
  const meta = toolCommand({ name: "meta", tool: "pprof.meta", positionals: ["profile"] });
  const help = memoryIO();
  assert.equal(await runCommand(meta, ["--help"], help), 0);
  assert.match(help.stdout, /Usage: pprof-mcp meta PROFILE \[flags\]/);
  assert.match(help.stdout, /--profile=VALUE/);
  assert.match(help.stdout, /--json/);

  const missing = memoryIO();
  assert.equal(await runCommand(meta, [], missing), 2);
  assert.equal(missing.stderr, 'pprof-mcp: missing required argument "profile"\n');

  const extra = memoryIO();
  assert.equal(await runCommand(meta, [heap, "again"], extra), 2);
  assert.equal(extra.stderr, 'pprof-mcp: meta: unexpected argument "again" (run `pprof-mcp meta --help`)\n');

  const nofile = memoryIO();
  assert.equal(await runCommand(meta, ["/nonexistent/x.pb.gz"], nofile), 2);
  assert.equal(nofile.stderr, "pprof-mcp: /nonexistent/x.pb.gz: no such file\n");
});
