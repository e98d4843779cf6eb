/**
 * Next-step hints of `pprof.top`, chosen from what the profile is and contains.
 *
 * @module
 */
import type { Profile } from "../../profile/model.ts";
import { labelKeys } from "../meta.ts";

/** The kind of profile as the hints see it: from the first recognised sample type. */
export function sampleKind(p: Profile): "heap" | "cpu" | "goroutine" | "mutex" | "unknown" {
  for (const { type } of p.sampleTypes) {
    if (["alloc_space", "alloc_objects", "inuse_space", "inuse_objects"].includes(type)) return "heap";
    if (type === "samples" || type === "cpu") return "cpu";
    if (type === "goroutine" || type === "goroutines") return "goroutine";
    if (type === "delay" || type === "contentions") return "mutex";
  }
  return "unknown";
}

/** Hints for a top report of `p` with these row names and sample index. */
export function topHints(p: Profile, rowNames: string[], sampleIndex: string): string[] {
  const hints: string[] = [];
  const tenantish = labelKeys(p).filter((k) => /tenant|connector|workspace|account|org|customer/.test(k.toLowerCase()));
  if (tenantish.length > 0) {
    hints.push(
      `Samples carry the labels ${tenantish.slice(0, 3).join(", ")}: use pprof.tags (tag_focus, e.g. ` +
        `${tenantish[0]}=VALUE) to see which tenant or connector the time goes to.`,
    );
  }
  const types = p.sampleTypes.map((t) => t.type);
  switch (sampleKind(p)) {
    case "heap":
      if (types.includes("alloc_space") && types.includes("inuse_space")) {
        if (sampleIndex === "" || sampleIndex === "inuse_space") {
          hints.push(
            "This shows memory in use. For allocation hot spots (GC pressure) rerun with sample_index='alloc_space', " +
              "then pprof.peek on the top functions.",
          );
        } else if (sampleIndex === "alloc_space") {
          hints.push("For the call paths that allocate the most, use pprof.alloc_paths.");
        }
      }
      hints.push(
        "If the process RSS is much larger than the Go heap, pprof.memory_sanity checks for memory outside it " +
          "(cgo, SQLite, compression buffers, goroutine stacks).",
      );
      hints.push("pprof.storylines turns the top cumulative paths into call chains with source.");
      break;
    case "cpu":
      hints.push("Use cum=true to see the top-level paths that the time is spent under.");
      hints.push("pprof.storylines turns the top cumulative paths into call chains with source.");
      hints.push("pprof.overhead_report shows how much goes to logging, tracing, metrics, serialization and GC.");
      break;
    case "mutex":
      hints.push(
        "Contention shows up in sync.Mutex/RWMutex and channel operations; pprof.peek them to find the callers.",
      );
      break;
    case "goroutine":
      hints.push(
        "Look for goroutine counts that grow between profiles (leaks) and for many goroutines blocked in the same " +
          "place; pprof.goroutine_analysis groups them by wait reason.",
      );
      break;
  }
  if (rowNames.some((n) => /opentelemetry|otel|zap|logrus/.test(n))) {
    hints.push("Observability libraries appear in the top functions: pprof.overhead_report measures their share.");
  }
  return hints;
}
