/**
 * The CLI as a shell uses it: output piped into a reader that stops early
 * (`| head -1`) ends the program quietly with 0, and mistyped commands get a
 * suggestion that does not swallow the next argument.
 */
import assert from "node:assert/strict";
import { editDistance, nearest, runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { FIXTURES } from "./golden.ts";
import { BINARY_PERMISSIONS } from "./permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;
const cpu = FIXTURES + "profiles/cpu.pb.gz";

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs `pprof-mcp ARGS | head -1` in bash; returns the first line, pprof-mcp's exit code and its stderr. */
async function pipedToHead(args: string[]) {
  const cmd = [Deno.execPath(), "run", ...BINARY_PERMISSIONS, main, ...args].map(quote).join(" ");
  const out = await new Deno.Command("bash", {
    args: ["-c", `${cmd} 2>"$ERR" | head -1; echo "\${PIPESTATUS[0]}" > "$CODE"`],
    env: { NO_COLOR: "1", ERR: errFile, CODE: codeFile },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    first: new TextDecoder().decode(out.stdout),
    code: Number(Deno.readTextFileSync(codeFile).trim()),
    stderr: Deno.readTextFileSync(errFile),
  };
}

const errFile = Deno.makeTempFileSync(), codeFile = Deno.makeTempFileSync();

Deno.test({
  name: "a closed stdout ends every long-output command quietly with exit 0",
  // The outputs are far larger than a pipe's buffer, so writes fail once head has exited.
  fn: async () => {
    try {
      for (
        const args of [
          ["traces", cpu],
          ["traces", "--json", cpu],
          ["raw", cpu],
          ["tree", "--json", cpu],
          ["peek", cpu, "."],
          ["tools", "--json"],
        ]
      ) {
        const r = await pipedToHead(args);
        assert.ok(r.first.length > 0, `${args.join(" ")}: printed its first line`);
        assert.equal(r.stderr, "", `${args.join(" ")}: nothing on stderr`);
        assert.equal(r.code, 0, `${args.join(" ")}: exit code`);
      }
    } finally {
      Deno.removeSync(errFile);
      Deno.removeSync(codeFile);
    }
  },
});

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("pprof-mcp pprof [--help] lists the pprof subcommands", async () => {
  const help = await cli("pprof", "--help");
  assert.equal(help.code, 0);
  for (const sub of ["top", "peek", "list", "traces_head", "diff_top", "meta"]) {
    assert.match(help.out, new RegExp(`^  ${sub} +\\S`, "m"), sub);
  }
  const bare = await cli("pprof");
  assert.equal(bare.code, 2);
  assert.equal(bare.err, help.out);
});

Deno.test("unknown commands: the nearest command, never the next argument", async () => {
  const typo = await cli("tpo", "cpu.pb.gz");
  assert.equal(typo.code, 2);
  assert.equal(typo.err, 'pprof-mcp: unknown command "tpo" (did you mean "top"?); run `pprof-mcp --help`\n');
  const sub = await cli("pprof", "tpo", "--profile", "cpu.pb.gz");
  assert.equal(sub.err, 'pprof-mcp: unknown command "pprof tpo" (did you mean "pprof top"?); run `pprof-mcp --help`\n');
  assert.match((await cli("regresion-check", "x")).err, /did you mean "regression-check"\?/);
  assert.match((await cli("mpc")).err, /did you mean "mcp"\?/);
  assert.equal((await cli("zzzzzz")).err, 'pprof-mcp: unknown command "zzzzzz"; run `pprof-mcp --help`\n');
  assert.equal(editDistance("tpo", "top"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.deepEqual(nearest("trace", ["tree", "traces", "top"]), ["traces"]);
});
