/**
 * Every tool pprof-mcp offers, in one registry.
 *
 * Adding a tool:
 * - One file per tool (or per close family) in `lib/tools/<area>/` exporting a
 *   {@link ToolDef}: zod `input` (`.strict()`) and `output` schemas, annotations
 *   that tell the truth (`readOnlyHint` only if it never writes), a description
 *   written for a model choosing among tools, and one `run` handler that calls
 *   into `lib/` (the analysis itself never lives in the tool file). Register it
 *   in the list below; the MCP server, the CLI (`tools`, `call`) and the docs
 *   all come from here.
 * - Arguments: a file or folder is `pathArg`/`outputPathArg`/`pathListArg`
 *   (`paths.ts`), so the sandbox confines it; a profile is `profileArg()`; pprof
 *   report options (focus, sample_index, nodecount…) are picked from the one
 *   option table with `reportArgs([...])` (`pprof/args.ts`), which also gives
 *   the report configuration and the echoed `go tool pprof` flags; text limits
 *   are `limitArgs`, whose defaults `limitsOf` applies (an answer must stay
 *   under 100 KB on any profile: cap every text and every list).
 * - Helpers: `pprof/run.ts` (load a profile with cancellation, build a report,
 *   the raw-text result), `common.ts` (command line, raw payload with
 *   truncation meta), `truncate.ts`. Throw `UserError` for bad input (it becomes
 *   an `INVALID_ARGUMENT` result) and `NoMatchError` when a pattern selected
 *   nothing (declare `noMatches` with the pattern's argument names).
 * - Prose names other tools only through `ctx.toolName("pprof.x")`, which is
 *   undefined for a tool that is not registered; descriptions use canonical
 *   names, which the registry rewrites for the client's naming mode.
 * - Tests live beside the area (`tests/<area>_test.ts`), run real profiles from
 *   `fixtures/`, and count tools from the registry, never a constant.
 *
 * @module
 */
import { contentionAnalysisTool } from "./analysis/contention_analysis.ts";
import { goroutineAnalysisTool } from "./analysis/goroutine_analysis.ts";
import { goroutineCategorizeTool } from "./analysis/goroutine_categorize.ts";
import { memorySanityTool } from "./analysis/memory_sanity.ts";
import { temporalAnalysisTool } from "./analysis/temporal_analysis.ts";
import { allocPathsTool } from "./analysis/alloc_paths.ts";
import { detectRepoTool } from "./analysis/detect_repo.ts";
import { explainOverheadTool } from "./analysis/explain_overhead.ts";
import { overheadReportTool } from "./analysis/overhead_report.ts";
import { servicesDiscoverTool } from "./analysis/services_discover.ts";
import { storylinesTool } from "./analysis/storylines.ts";
import { suggestFixTool } from "./analysis/suggest_fix.ts";
import { traceSourceTool } from "./analysis/trace_source.ts";
import { vendorAnalyzeTool } from "./analysis/vendor_analyze.ts";
import { baselineUpdateTool } from "./pprof/baseline_update.ts";
import { branchImpactExecuteTool, branchImpactPlanTool, branchImpactTool } from "./local/branch_impact.ts";
import { d2DownloadTool } from "./local/d2_download.ts";
import { fetchTool } from "./local/fetch_tool.ts";
import { convertTool } from "./pprof/convert_tool.ts";
import { diffTopTool } from "./pprof/diff_top.ts";
import { listTool } from "./pprof/list.ts";
import { mergeTool } from "./pprof/merge_tool.ts";
import { metaTool } from "./pprof/meta_tool.ts";
import { peekTool } from "./pprof/peek.ts";
import { regressionCheckTool } from "./pprof/regression_check.ts";
import { tagsTool } from "./pprof/tags.ts";
import { topTool } from "./pprof/top.ts";
import { focusPathsTool, tracesHeadTool } from "./pprof/traces.ts";
import { type ToolDef, ToolRegistry } from "./registry.ts";
import { aggregateTool } from "./datadog/aggregate.ts";
import { compareRangeTool } from "./datadog/compare_range.ts";
import { downloadLatestBundleTool, downloadTool } from "./datadog/download.ts";
import { functionHistoryTool } from "./datadog/function_history.ts";
import { profilesListTool, profilesPickTool } from "./datadog/list_pick.ts";
import { metricsAtTimestampTool, metricsDiscoverTool } from "./datadog/metrics.ts";
import { nearEventTool } from "./datadog/near_event.ts";
import { servicesSearchTool } from "./datadog/services_search.ts";
import { callgraphTool } from "./viz/callgraph.ts";
import { flamegraphTool } from "./viz/flamegraph.ts";
import { compareTool as pyroscopeCompareTool } from "./pyroscope/compare.ts";
import { labelsTool, profileTypesTool } from "./pyroscope/metadata.ts";
import { profilesQueryTool } from "./pyroscope/query.ts";
import { seriesTool } from "./pyroscope/series.ts";
import { crossCorrelateTool, hotspotSummaryTool } from "./workflows/hotspots.ts";
import { discoverTool } from "./workflows/discover.ts";
import { generateReportTool } from "./workflows/generate_report.ts";

/** A registry holding every tool. */
export function createRegistry(): ToolRegistry {
  const r = new ToolRegistry();
  const tools = [
    topTool,
    peekTool,
    listTool,
    tracesHeadTool,
    tagsTool,
    metaTool,
    mergeTool,
    convertTool,
    focusPathsTool,
    diffTopTool,
    regressionCheckTool,
    baselineUpdateTool,
    memorySanityTool,
    goroutineAnalysisTool,
    goroutineCategorizeTool,
    temporalAnalysisTool,
    contentionAnalysisTool,
    downloadTool,
    downloadLatestBundleTool,
    profilesListTool,
    profilesPickTool,
    aggregateTool,
    compareRangeTool,
    nearEventTool,
    functionHistoryTool,
    servicesSearchTool,
    metricsDiscoverTool,
    metricsAtTimestampTool,
    flamegraphTool,
    callgraphTool,
    fetchTool,
    d2DownloadTool,
    branchImpactTool,
    branchImpactPlanTool,
    branchImpactExecuteTool,
    storylinesTool,
    allocPathsTool,
    overheadReportTool,
    explainOverheadTool,
    detectRepoTool,
    traceSourceTool,
    vendorAnalyzeTool,
    suggestFixTool,
    servicesDiscoverTool,
    profileTypesTool,
    labelsTool,
    seriesTool,
    profilesQueryTool,
    pyroscopeCompareTool,
    crossCorrelateTool,
    hotspotSummaryTool,
    discoverTool,
    generateReportTool,
  ] as unknown as ToolDef[];
  for (const t of tools) r.add(t);
  return r;
}
