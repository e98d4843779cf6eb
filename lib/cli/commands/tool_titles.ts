/**
 * The title of every registered tool, by canonical name: the summary a tool
 * command shows in `pprof-mcp --help` without loading the registry.
 * tests/cli_lazy_test.ts fails when this table and the registry disagree
 * (add a line here with the tool's `title` when you register a tool).
 *
 * @module
 */

/** Tool titles by canonical tool name, as in the registry. */
export const toolTitles: Record<string, string> = {
  "pprof.top": "Top functions",
  "pprof.peek": "Callers and callees",
  "pprof.list": "Annotated source",
  "pprof.traces_head": "Sampled stacks (head)",
  "pprof.tags": "Labels (tenants, endpoints…)",
  "pprof.meta": "Profile metadata",
  "pprof.merge": "Merge profiles",
  "pprof.convert": "Convert a profile to profile.proto",
  "pprof.focus_paths": "Stacks through a function",
  "pprof.diff_top": "Compare two profiles",
  "pprof.regression_check": "Regression check",
  "pprof.baseline_update": "Record a profile into the rolling baseline",
  "pprof.memory_sanity": "Memory sanity (RSS vs heap)",
  "pprof.goroutine_analysis": "Goroutine analysis",
  "pprof.goroutine_categorize": "Goroutine categories",
  "pprof.temporal_analysis": "Temporal worker analysis",
  "pprof.contention_analysis": "Lock contention analysis",
  "profiles.download": "Download profiles",
  "profiles.download_latest_bundle": "Download a Datadog profile bundle",
  "datadog.profiles.list": "List Datadog profiles",
  "datadog.profiles.pick": "Pick a Datadog profile",
  "datadog.profiles.aggregate": "Merge recent Datadog profiles",
  "datadog.profiles.compare_range": "Compare Datadog profiles of two time ranges",
  "datadog.profiles.near_event": "Datadog profiles around an event",
  "datadog.function_history": "A function's CPU share over time",
  "datadog.services.search": "Find a Datadog service name",
  "datadog.metrics.discover": "Find a service's Datadog metrics",
  "datadog.metrics_at_timestamp": "Datadog metrics around a moment",
  "pprof.flamegraph": "Flame graph",
  "pprof.callgraph": "Call graph",
  "pprof.storylines": "Hot paths (storylines)",
  "pprof.alloc_paths": "Allocation paths",
  "pprof.overhead_report": "Observability and infrastructure overhead",
  "pprof.explain_overhead": "Explain an overhead category",
  "pprof.detect_repo": "Find the program's repository",
  "pprof.trace_source": "Trace a function to its source",
  "pprof.vendor_analyze": "Hot dependencies",
  "pprof.suggest_fix": "Suggest a fix (deprecated)",
  "repo.services.discover": "Services of a repository",
};
