/**
 * Pieces the Datadog tools share: their common arguments, the client, working folders inside the sandbox, the
 * incident-context fallback for `out_dir`, handles for downloaded files, and the echoed command lines.
 *
 * @module
 */
import { z } from "zod";
import type { WrittenBundle } from "../../datadog/bundle.ts";
import { type DatadogClient, sharedClient } from "../../datadog/http.ts";
import { shellJoin } from "../../util/shell.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext } from "../registry.ts";

/** The client the tools use (one per process: shared token buckets). */
export function client(): DatadogClient {
  return sharedClient();
}

/** Common arguments. */
export const ddArgs = {
  service: z.string().describe("Datadog service name, e.g. checkout (datadog.services.search finds names)"),
  env: z.string().describe("Datadog env tag, e.g. prod"),
  site: z.string().describe("Datadog site, e.g. datadoghq.eu (default: DD_SITE, else us3.datadoghq.com)").optional(),
  host: z.string().describe("Only profiles of hosts matching this (Datadog query syntax, wildcards: *prod-usw2a*)")
    .optional(),
  from: z.string().describe(
    "Window start: RFC 3339 (2026-01-07T10:00:00Z), now, or relative: -30m, -3h, -7d, -2w (with to or from, hours " +
      "is ignored)",
  ).optional(),
  to: z.string().describe("Window end, as from (default now)").optional(),
  hours: z.number().int().min(0).describe("Window: the last N hours (default 72; used when from and to are absent)")
    .optional(),
};

/** The profile types of a bundle. */
export const profileType = z.enum(["cpu", "heap", "goroutines", "mutex", "block"]);

/** A working folder argument. */
export const workDirArg = (what: string) =>
  outputPathArg(`${what} (default: a new temporary folder, inside PPROF_MCP_BASEDIR when it is set)`).optional();

/**
 * `dir` when given, else a new temporary folder: inside the base dir when the sandbox has one (every file a tool
 * touches stays inside it), else in the system's temporary folder.
 */
export async function workDir(ctx: Pick<ToolContext, "sandbox">, dir: string | undefined, prefix: string) {
  if (dir !== undefined && dir !== "") {
    await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
    return dir;
  }
  const base = ctx.sandbox.base;
  if (base) await Deno.mkdir(base, { recursive: true });
  return await Deno.makeTempDir({ prefix, ...(base ? { dir: base } : {}) });
}

export { downloadDir, incidentFile } from "../incident.ts";

/** A downloaded file as the results list it. */
export const fileEntry = z.object({
  type: z.string().describe("cpu, heap, mutex, block, goroutines or unknown (jfr for Java recordings)"),
  handle: z.string().describe("Use it as the profile argument of the pprof.* tools"),
  bytes: z.number().int(),
  path: z.string(),
});

/** A Java Flight Recording kept from a bundle. */
export const recordingEntry = fileEntry.extend({ note: z.string() });

/** The note of a JFR member. */
export const JFR_NOTE = "a Java Flight Recording (JFR), not a pprof profile: the pprof.* tools cannot read it yet; " +
  "it becomes analysable with the JFR reader that a later version adds";

/** Registers handles for the files of a written bundle. */
export function registerBundle(
  ctx: Pick<ToolContext, "handles">,
  w: WrittenBundle,
  meta: { service: string; env: string; timestamp?: string; profile_id?: string; event_id?: string },
) {
  const reg = (f: { type: string; path: string; bytes: number }) => {
    const h = ctx.handles.register({ ...meta, type: f.type, path: f.path, bytes: f.bytes });
    return { type: f.type, handle: h.id, bytes: f.bytes, path: f.path };
  };
  return {
    files: w.files.map(reg),
    recordings: w.recordings.map((f) => ({ ...reg(f), note: JFR_NOTE })),
  };
}

/** A `pprof-mcp …` command line: fixed words, then `--flag value` for every non-empty value (shell-quoted). */
export function cliCommand(words: string[], flags: [string, string | number | boolean | undefined][]): string {
  const args = [...words];
  for (const [k, v] of flags) {
    if (v === undefined || v === "" || v === false) continue;
    args.push(`--${k}`);
    if (v !== true) args.push(String(v));
  }
  return shellJoin(["pprof-mcp", ...args]);
}

/** Whether `e` is the cancellation of the call. */
export function isCancel(e: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (e instanceof DOMException && e.name === "AbortError");
}

/** A message of an error, for warnings. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Names of the registered tools the next steps point to; steps to missing tools dropped. */
export function nextSteps(
  ctx: Pick<ToolContext, "toolName">,
  steps: { tool: string; arguments: Record<string, unknown>; why: string }[],
) {
  return steps.flatMap((s) => {
    const tool = ctx.toolName(s.tool);
    return tool ? [{ ...s, tool }] : [];
  });
}

/** The schema of next steps. */
export const nextStepsField = z.array(z.object({
  tool: z.string().describe("The tool to call next, by the name this client sees"),
  arguments: z.record(z.string(), z.unknown()),
  why: z.string(),
})).describe("Tool calls that follow from this result");

/** Warnings, always present. */
export const warningsField = z.array(z.string()).describe("What was defaulted, skipped or failed along the way");
