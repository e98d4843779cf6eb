/**
 * Writes lib/cli/commands/tool_titles.ts from the registry (`deno task gen`): the CLI's help shows tool titles
 * without loading the registry, and the registry stays their only source (tests/cli_lazy_test.ts fails when the
 * file is not what this makes).
 *
 * @module
 */
import { writeFileAtomic } from "../../util/atomic.ts";

/** The source of tool_titles.ts for these tools, in registry order. */
export function toolTitlesSource(tools: readonly { name: string; title: string }[]): string {
  const lines = tools.map((t) => `  ${JSON.stringify(t.name)}: ${JSON.stringify(t.title)},`);
  return [
    "/**",
    " * The title of every registered tool, by canonical name: the summary a tool command shows in `pprof-mcp --help`",
    " * without loading the registry. Generated from the registry by `deno task gen` (tool_titles_gen.ts): do not edit.",
    " *",
    " * @module",
    " */",
    "",
    "/** Tool titles by canonical tool name, as in the registry. */",
    "export const toolTitles: Record<string, string> = {",
    ...lines,
    "};",
    "",
  ].join("\n");
}

if (import.meta.main) {
  const { createRegistry } = await import("../../tools/index.ts");
  const file = new URL("./tool_titles.ts", import.meta.url);
  await writeFileAtomic(file.pathname, toolTitlesSource(createRegistry().tools));
  console.error(`wrote ${file.pathname}`);
}
