/**
 * `pprof-mcp fetch URL -o DIR|FILE [--seconds N]`: the profiles.fetch tool on the command line, where `-o` is a
 * folder when it exists as one or ends in `/`, else the file to write.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { type CliCommand, jsonText, requirePositionals } from "../command.ts";
import { EXIT } from "../io.ts";
import { contentText } from "../../tools/result.ts";
import { callTool } from "./tool_command.ts";

function isDir(path: string): boolean {
  if (path.endsWith("/")) return true;
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** The fetch command. */
export const fetchCommand: CliCommand = {
  name: "fetch",
  summary: "Fetch a profile from a running server's /debug/pprof endpoint (checked, written atomically).",
  usage: "fetch URL -o DIR|FILE [--seconds N] [--json]",
  description: "URL is a net/http/pprof endpoint (http://localhost:6060/debug/pprof/profile, /heap, /allocs, " +
    "/goroutine,\n/mutex, /block) or any server that answers with profile.proto; host:port alone means " +
    "/debug/pprof/profile.\n-o names a folder (an existing one, or one ending in /: the file is named " +
    "<host>_<port>_<kind>_<UTC time>.pb.gz)\nor a new file. The answer is written only once it decodes as a profile. " +
    "Ctrl-C stops a capture.",
  flags: {
    output: { type: "string", short: "o", arg: "DIR|FILE", help: "Folder or new file to write (required)" },
    seconds: { type: "integer", arg: "N", help: "Seconds to record (?seconds=N; CPU profiles default to 30)" },
    json: { type: "boolean", help: "Print the structured result as JSON" },
  },
  async run(v, positionals, io) {
    requirePositionals(this, positionals, 1, "URL");
    if (positionals.length > 1) throw new UserError(`fetch: one URL at a time (got ${positionals.length})`);
    const out = v.output as string | undefined;
    if (!out) throw new UserError("fetch: -o DIR|FILE is required");
    const args: Record<string, unknown> = {
      url: positionals[0],
      ...(isDir(out) ? { out_dir: out } : { output_path: out }),
    };
    if (v.seconds !== undefined) args.seconds = v.seconds;
    const result = await callTool("profiles.fetch", args, io);
    if (v.json) await io.out(jsonText(result.structuredContent));
    if (result.isError) {
      await io.err(`pprof-mcp: ${result.content[0].text.split("\n")[0]}\n`);
      return EXIT.ERROR;
    }
    if (!v.json) await io.out(contentText(result) + "\n");
    return EXIT.OK;
  },
};
