/**
 * Fix templates for the deprecated `pprof.suggest_fix`: which profile patterns call for a fix, the mechanical
 * source change it drafts (literal replacements in Go files), its expected impact, caveats, and a pull
 * request text.
 *
 * @module
 */

/** One fix template. */
export interface FixTemplate {
  fix_id: string;
  /** The `issue` argument that selects it. */
  issue_id: string;
  description: string;
  /** RE2 patterns: the fix applies when a function matching one has at least 10 % flat or cum. */
  detection: string[];
  /** In a heap profile, any function with at least 10 % flat (an allocation site) also calls for it. */
  heapSites?: boolean;
  /** Literal replacements applied to source files containing any `trigger`. */
  triggers: string[];
  replacements: { from: string; to: string }[];
  expected_impact: Record<string, string>;
  considerations: string[];
  /** Placeholders: {service}, {overhead_pct}, {top_functions}. */
  pr_template?: string;
}

/** The templates. */
export const FIX_TEMPLATES: FixTemplate[] = [
  {
    fix_id: "protojson_to_binary",
    issue_id: "protojson_overhead",
    description: "Replace protojson (reflection-based JSON) with the binary protobuf encoding on internal paths",
    detection: [
      "protojson\\.Marshal",
      "protojson\\.Unmarshal",
      "protojson\\.\\(?\\*?decoder",
      "protojson\\.\\(?\\*?encoder",
      "encoding/protojson",
      "protobuf/internal/impl",
      "protobuf/proto\\.Marshal",
      "protobuf/proto\\.Unmarshal",
    ],
    triggers: ["protojson.", "encoding/protojson"],
    replacements: [
      { from: "google.golang.org/protobuf/encoding/protojson", to: "google.golang.org/protobuf/proto" },
      { from: "protojson.", to: "proto." },
    ],
    expected_impact: { cpu_reduction: "40-60%", allocation_reduction: "50-70%" },
    considerations: [
      "the binary form is not human-readable: keep JSON where people or external clients read it",
      "readers and writers must change together (APIs, queues, stored data): plan a migration",
      "HTTP endpoints can negotiate the format by Content-Type instead of switching outright",
    ],
    pr_template: `## Summary
Switch {service} from protojson to the binary protobuf encoding on internal paths.

## Problem
Profiling shows {overhead_pct}% of CPU in protobuf JSON encoding:
{top_functions}

## Solution
Use proto.Marshal/proto.Unmarshal instead of protojson where both sides are ours.

## Impact
Expected 40-60% less CPU and 50-70% fewer allocations in these paths.

## Testing
- [ ] unit tests pass
- [ ] consumers of the changed payloads read the binary format
- [ ] a new profile confirms the drop`,
  },
  {
    fix_id: "sync_pool_for_allocations",
    issue_id: "allocation_hot_spot",
    description: "Reuse the hot allocation's objects through a sync.Pool",
    detection: ["^runtime\\.(?:mallocgc|newobject|makeslice|growslice)$"],
    heapSites: true,
    triggers: [],
    replacements: [],
    expected_impact: { allocation_reduction: "50-80% for the pooled type", gc_reduction: "proportional" },
    considerations: [
      "every Get needs a matching Put, also on error paths",
      "objects must be reset before reuse",
      "objects that escape into long-lived structures must not be put back",
    ],
  },
];
