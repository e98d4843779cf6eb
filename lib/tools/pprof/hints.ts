/**
 * Next-step hints of `pprof.top`, chosen from what the profile is and contains.
 * A hint names a tool only when that tool is registered (through the name the
 * client sees), so hints stay true as tools are added and in every naming mode.
 *
 * @module
 */
import { sampleKind } from "../../analysis/profile_facts.ts";
import type { Profile } from "../../profile/model.ts";
import { labelKeys } from "../meta.ts";

/** The exposed name of a registered tool (canonical name in), or undefined when it is not registered. */
export type ToolNamer = (canonical: string) => string | undefined;

/**
 * Hints for a top report of `p` with these row names and sample index. Tools
 * are named through `tool`; a hint whose tool is not registered is left out,
 * or worded with a registered one.
 */
export function topHints(p: Profile, rowNames: string[], sampleIndex: string, tool: ToolNamer): string[] {
  const hints: string[] = [];
  const add = (text: string | undefined) => {
    if (text) hints.push(text);
  };
  const peek = tool("pprof.peek"), tags = tool("pprof.tags"), list = tool("pprof.list");
  const focusPaths = tool("pprof.focus_paths"), traces = tool("pprof.traces_head");
  const tenantish = labelKeys(p).filter((k) => /tenant|connector|workspace|account|org|customer/.test(k.toLowerCase()));
  if (tenantish.length > 0 && tags) {
    add(
      `Samples carry the labels ${tenantish.slice(0, 3).join(", ")}: use ${tags} (tag_focus, e.g. ` +
        `${tenantish[0]}=VALUE) to see which tenant or connector the time goes to.`,
    );
  }
  const types = p.sampleTypes.map((t) => t.type);
  const chains = tool("pprof.storylines")
    ? `${tool("pprof.storylines")} turns the top cumulative paths into call chains with source.`
    : peek && list
    ? `${peek} (callers and callees) and ${list} (hot source lines) show where a top function's weight comes from.`
    : undefined;
  switch (sampleKind(p)) {
    case "heap":
      if (types.includes("alloc_space") && types.includes("inuse_space")) {
        if (sampleIndex === "" || sampleIndex === "inuse_space") {
          add(
            "This shows memory in use. For allocation hot spots (GC pressure) rerun with " +
              `sample_index='alloc_space'${peek ? `, then ${peek} on the top functions` : ""}.`,
          );
        } else if (sampleIndex === "alloc_space") {
          const paths = tool("pprof.alloc_paths");
          add(
            paths
              ? `For the call paths that allocate the most, use ${paths}.`
              : focusPaths
              ? `For the call paths that allocate the most, use ${focusPaths} with function set to a top function.`
              : undefined,
          );
        }
      }
      if (tool("pprof.memory_sanity")) {
        add(
          `If the process RSS is much larger than the Go heap, ${tool("pprof.memory_sanity")} checks for memory ` +
            "outside it (cgo, SQLite, compression buffers, goroutine stacks).",
        );
      }
      add(chains);
      break;
    case "cpu":
      add("Use cum=true to see the top-level paths that the time is spent under.");
      add(chains);
      if (tool("pprof.overhead_report")) {
        add(
          `${tool("pprof.overhead_report")} shows how much goes to logging, tracing, metrics, serialization and GC.`,
        );
      }
      break;
    case "mutex":
      add(
        "Contention shows up in sync.Mutex/RWMutex and channel operations" +
          (peek ? `; ${peek} them to find the callers.` : "."),
      );
      break;
    case "goroutine": {
      const analysis = tool("pprof.goroutine_analysis");
      add(
        "Look for goroutine counts that grow between profiles (leaks) and for many goroutines blocked in the same " +
          (analysis
            ? `place; ${analysis} groups them by wait reason.`
            : traces
            ? `place; ${traces} shows their whole stacks.`
            : "place."),
      );
      break;
    }
  }
  if (rowNames.some((n) => /opentelemetry|otel|zap|logrus/.test(n)) && tool("pprof.overhead_report")) {
    add(`Observability libraries appear in the top functions: ${tool("pprof.overhead_report")} measures their share.`);
  }
  return hints;
}
