/**
 * The CLI's start-up cost: what `--version`, `--help` and the report commands
 * load (read from `deno info`'s module graph: static imports only, dynamic ones
 * load when a command runs), and that the commands loaded late are the ones
 * the help lists (lazy summaries and tool titles against the registry).
 */
import assert from "node:assert/strict";
import { commands, runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { toolTitles } from "../lib/cli/commands/tool_titles.ts";
import { toolTitlesSource } from "../lib/cli/commands/tool_titles_gen.ts";
import { createRegistry } from "../lib/tools/index.ts";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

const root = new URL("..", import.meta.url);

async function moduleGraph(entry: string): Promise<Map<string, InfoModule>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success, "deno info failed");
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
  return new Map(info.modules.map((m) => [m.specifier, m]));
}

/** Every module `entries` load before any dynamic import runs. */
function staticClosure(graph: Map<string, InfoModule>, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = entries.map((e) => new URL(e, root).href);
  while (todo.length) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of graph.get(s)?.dependencies ?? []) {
      if (!d.isDynamic && d.code) todo.push(d.code.specifier);
    }
  }
  return seen;
}

// What a plain report must not pay for: the tool registry and its schemas, the MCP SDK, protobufjs (encoding only),
// the drawings.
const HEAVY = [
  /^npm:\/?zod@/,
  /^npm:\/?protobufjs@/,
  /modelcontextprotocol/,
  /\/lib\/tools\/(?!result\.ts$)/, // result.ts: the shape of a tool's answer, no zod

  /\/lib\/viz\//,
  /\/lib\/mcp\//,
];

function heavyIn(modules: Set<string>): string[] {
  return [...modules].filter((m) => HEAVY.some((re) => re.test(m)));
}

Deno.test("cli start-up: --version and --help load no registry, zod, MCP SDK, protobufjs or node:zlib", async () => {
  const graph = await moduleGraph("main.ts");
  const cli = staticClosure(graph, ["cli.ts", "lib/cli/io.ts"]);
  assert.deepEqual(heavyIn(cli), []);
  assert.ok(![...cli].includes("node:zlib"), "cli.ts loads node:zlib at start-up");
});

Deno.test("cli start-up: top and peek load the decoder and their reports only", async () => {
  const graph = await moduleGraph("main.ts");
  // What report.ts's top and peek import when they run.
  const top = staticClosure(graph, [
    "cli.ts",
    "lib/profile/sources.ts",
    "lib/report/report.ts",
    "lib/regex/re2.ts",
    "lib/report/top.ts",
    "lib/report/tree.ts",
  ]);
  assert.deepEqual(heavyIn(top), []);
});

Deno.test("cli start-up: every command loaded late has the name and summary the help shows", async () => {
  const lazy = commands.filter((c) => c.load);
  assert.ok(lazy.length > 10, "the tool commands load their tools late");
  for (const c of lazy) {
    const full = await c.load!();
    assert.equal(full.name, c.name);
    assert.equal(
      full.summary,
      c.summary,
      `${c.name}: the summary in cli.ts or tool_titles.ts (deno task gen) differs from the command's`,
    );
    assert.equal(full.load, undefined);
  }
  const help = memoryIO();
  assert.equal(await runCli(["storylines", "--help"], help), 0);
  assert.match(help.stdout, /^Hot paths \(storylines\)\n\nUsage: pprof-mcp storylines PROFILE \[flags\]/);
});

Deno.test("cli start-up: tool_titles.ts is what the registry makes (deno task gen)", async () => {
  const file = new URL("../lib/cli/commands/tool_titles.ts", import.meta.url);
  const want = await formatted(toolTitlesSource(createRegistry().tools));
  assert.equal(await Deno.readTextFile(file), want, "run `deno task gen` after registering or renaming a tool");
  assert.deepEqual(Object.keys(toolTitles), createRegistry().tools.map((t) => t.name));
});

/** `text` as deno fmt writes it. */
async function formatted(text: string): Promise<string> {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=ts", "-"],
    cwd: root.pathname,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  const out = await p.output();
  assert.ok(out.success, "deno fmt failed");
  return new TextDecoder().decode(out.stdout);
}
