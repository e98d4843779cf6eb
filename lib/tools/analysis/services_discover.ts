/**
 * `repo.services.discover`: the services a repository builds (Go main packages under cmd/, Node.js and Deno
 * projects).
 *
 * @module
 */
import { z } from "zod";
import { discoverServices } from "../../analysis/services.ts";
import { UserError } from "../../errors.ts";
import { shellJoin } from "../../util/shell.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { repoRootArg } from "./common.ts";
import { sandboxReader } from "./repo_access.ts";

const input = z.object({
  repo_root: repoRootArg("The repository (default: the base dir, else the current directory)"),
}).strict();

const output = z.object({
  command: z.string(),
  services: z.array(z.object({
    binary: z.string(),
    service: z.string(),
    path: z.string().describe("Relative to repo_root"),
    kind: z.enum(["go", "node", "deno"]),
  })),
  warnings: z.array(z.string()).optional(),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** repo.services.discover's handler. */
export function repoServicesDiscover(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "sandbox" | "toolName">,
): Promise<Out> {
  const root = a.repo_root || ctx?.sandbox.base || Deno.cwd();
  const reader = sandboxReader(ctx);
  if (!reader.isDir(root)) {
    throw new UserError(`repo_root ${root} is not a directory`, "INVALID_ARGUMENT", { field: "repo_root" });
  }
  const r = discoverServices(reader, root);
  const out: Out = {
    command: shellJoin(["profctl", "repo", "services", "discover", "--repo_root", a.repo_root || "."]),
    services: r.services,
    findings: ctx ? exposeFindings(r.findings, ctx) : r.findings,
  };
  if (r.warnings.length > 0) out.warnings = r.warnings;
  return Promise.resolve(out);
}

/** The repo.services.discover tool. */
export const servicesDiscoverTool: ToolDef<typeof input, typeof output> = {
  name: "repo.services.discover",
  title: "Services of a repository",
  description: "The services a repository builds: every Go main package directly under cmd/ (any name, not " +
    "only cmd/be-*), and every Node.js (package.json) or Deno (deno.json) project up to three levels deep " +
    "outside node_modules and vendor. Each with its binary name, a service id (dashes as underscores), its " +
    "path and kind. Use the names to pick which service's profiles to analyze.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) => `${o.services.length} services`,
  text: (o) => o.services.map((s) => `${s.binary}\t${s.kind}\t${s.path}`).join("\n") || "no services found",
  run: (a, ctx) => repoServicesDiscover(a, ctx),
};
