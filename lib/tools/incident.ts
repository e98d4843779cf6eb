/**
 * The active incident of the original tool's workflow (`~/.c1-ops/incident-context.json`): where downloads go when a
 * call gives `out_dir: ""`, for the Datadog and the dev-cluster downloads alike.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { envVar } from "../util/env.ts";
import type { ToolContext } from "./registry.ts";

/** The incident context file a sibling tool writes (`~/.c1-ops/incident-context.json`). */
export function incidentFile(): string | undefined {
  const home = envVar("HOME");
  return home ? join(home, ".c1-ops", "incident-context.json") : undefined;
}

/**
 * The folder to download into: `out_dir`, or when it is `""` the `profiles` folder of the active incident
 * (`<base_dir>/profiles` from `~/.c1-ops/incident-context.json`), confined by the sandbox like any path.
 *
 * @throws {UserError} `out_dir is required (no incident context active)` when there is no incident.
 */
export async function downloadDir(
  outDir: string,
  ctx: Pick<ToolContext, "sandbox">,
): Promise<{ dir: string; incident_id?: string }> {
  if (outDir !== "") return { dir: outDir };
  const file = incidentFile();
  let context: { id?: unknown; base_dir?: unknown } | undefined;
  if (file) {
    try {
      context = JSON.parse(await Deno.readTextFile(file));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotCapable)) {
        throw new UserError(`${file}: cannot read the incident context: ${(e as Error).message}`);
      }
    }
  }
  const base = typeof context?.base_dir === "string" ? context.base_dir : "";
  if (base === "") {
    throw new UserError("out_dir is required (no incident context active)", "INVALID_ARGUMENT", { field: "out_dir" });
  }
  const dir = ctx.sandbox.resolve("out_dir", join(base, "profiles"));
  return { dir, ...(typeof context?.id === "string" && context.id !== "" ? { incident_id: context.id } : {}) };
}
