/**
 * The `findings` of analysis tools as clients see them: the schema every
 * analysis tool's output shares, and next steps named for the client's naming
 * mode (a step whose tool is not registered is dropped, so a finding never
 * points at a tool that is not there).
 *
 * @module
 */
import { z } from "zod";
import type { Finding } from "../analysis/findings.ts";
import type { ToolContext } from "./registry.ts";

/** The zod schema of one finding (see `lib/analysis/findings.ts`). */
export const findingSchema = z.object({
  severity: z.enum(["high", "medium", "low", "info"]),
  title: z.string(),
  evidence: z.object({
    function: z.string().optional(),
    share: z.number().optional().describe("Percent of the profile's total"),
    value: z.number().optional().describe("In the profile's unit"),
    value_text: z.string().optional(),
    unit: z.string().optional(),
  }),
  next_step: z.object({
    tool: z.string().describe("The tool to call next, by the name this client sees"),
    arguments: z.record(z.string(), z.unknown()),
    why: z.string().optional(),
  }).optional(),
});

/** The `findings` field of an analysis tool's output. */
export const findingsField = z.array(findingSchema).describe(
  "What matters most, ordered by impact, each with its evidence and a tool call to look closer",
);

/** Findings with next steps under the client's tool names; steps to unregistered tools removed. */
export function exposeFindings(findings: Finding[], ctx: Pick<ToolContext, "toolName">): Finding[] {
  return findings.map((f) => {
    if (!f.next_step) return f;
    const tool = ctx.toolName(f.next_step.tool);
    const { next_step, ...rest } = f;
    return tool ? { ...rest, next_step: { ...next_step, tool } } : rest;
  });
}
