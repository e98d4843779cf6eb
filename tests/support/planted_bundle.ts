/**
 * The planted bundle of the workflow tests, as the Datadog test double serves it: a CPU regression
 * (profiles_gate/large_1, main.scoreTerms), a growing heap (memzoo_heap, (*sessionIndex).remember), lock contention
 * and blocked waits (lockzoo_mutex, lockzoo_block) and a goroutine leak (memzoo_goroutine, (*subscriber).wait).
 */
import { join } from "node:path";
import { FIXTURES } from "../golden.ts";
import type { Member } from "./datadog_double.ts";

/** The members of the planted bundle. */
export function plantedBundle(): Member[] {
  const rd = (p: string) => Deno.readFileSync(join(FIXTURES, p));
  return [
    { name: "cpu.pprof", data: rd("profiles_gate/large_1.pb.gz") },
    { name: "delta-heap.pprof", data: rd("profiles_analysis/memzoo_heap.pb.gz") },
    { name: "delta-mutex.pprof", data: rd("profiles_analysis/lockzoo_mutex.pb.gz") },
    { name: "delta-block.pprof", data: rd("profiles_analysis/lockzoo_block.pb.gz") },
    { name: "goroutines.pprof", data: rd("profiles_analysis/memzoo_goroutine.pb.gz") },
    { name: "metrics.json", data: new TextEncoder().encode('{"go_goroutines": 12001}') },
  ];
}

/** The golden report of discover on the planted bundle. */
export const PLANTED_REPORT = join(FIXTURES, "workflows_expected", "discover_report.md");
