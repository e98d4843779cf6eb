/**
 * Running a native report for a tool call.
 *
 * @module
 */
import { profileCache } from "../../profile/cache.ts";
import type { Profile } from "../../profile/model.ts";
import { type Command, defaultConfig, type ReportConfig } from "../../report/config.ts";
import { newReport, type Report } from "../../report/report.ts";
import { pprofCommand, rawPayload } from "../common.ts";
import type { ToolContext } from "../registry.ts";
import type { TruncateOptions } from "../truncate.ts";

/** Loads a profile, honouring cancellation; repeat calls on an unchanged file answer from the profile cache. */
export async function loadForTool(path: string, ctx?: Pick<ToolContext, "signal">): Promise<Profile> {
  ctx?.signal.throwIfAborted();
  const p = await profileCache().load(path);
  ctx?.signal.throwIfAborted();
  return p;
}

/** A report of a loaded profile with pprof's defaults plus `cfg`. */
export function reportOf(profile: Profile, cmd: Command, cfg: Partial<ReportConfig>): Report {
  return newReport(profile, cmd, { ...defaultConfig(), ...cfg });
}

/** A report of the profile at `path` with pprof's defaults plus `cfg`. */
export async function reportFor(
  path: string,
  cmd: Command,
  cfg: Partial<ReportConfig>,
  ctx?: Pick<ToolContext, "signal">,
): Promise<{ profile: Profile; report: Report }> {
  const profile = await loadForTool(path, ctx);
  return { profile, report: reportOf(profile, cmd, cfg) };
}

/** `[binary]` when a binary was given: it goes before the profile in pprof's command line. */
export function binaryArgs(binary?: string): string[] {
  return binary ? [binary] : [];
}

/**
 * The result of a report tool: the equivalent pprof command line (`flags`, then
 * the binary and the profile) and the limited report text with pprof's notes.
 */
export function rawResult(
  flags: string[],
  a: TruncateOptions & { profile: string; binary?: string },
  text: string,
  notes: string[],
  limits: TruncateOptions = a,
  narrow?: string,
) {
  return {
    command: pprofCommand([...flags, ...binaryArgs(a.binary), a.profile]),
    ...rawPayload(text, notes, limits, narrow),
  };
}
