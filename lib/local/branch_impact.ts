/**
 * Branch impact: profiles of the same dev-cluster service on two git refs (check out, wait for Tilt to rebuild,
 * download through the d2 path, once or several times a side) compared function by function with the run-to-run
 * noise; the work tree is always put back on its branch with its uncommitted changes. Also the two-phase form: a
 * plan (read-only, kept in memory under an id) and its execution.
 *
 * @module
 */
import { join } from "node:path";
import type { Finding } from "../analysis/findings.ts";
import { UserError } from "../errors.ts";
import { type D2Context, type D2File, type D2Profiles, downloadD2 } from "./d2.ts";
import { compareSides, comparisonFindings, type KindComparison, type SideFile } from "./impact_compare.ts";
import {
  checkout,
  isDirty,
  type Position,
  position,
  positionRef,
  repoRoot,
  resolveRef,
  stashPop,
  stashPush,
} from "./git.ts";
import { D2_KINDS, loadSettings, type SettingArgs } from "./settings.ts";
import { goDuration, tiltResource, type TiltState, tiltState, type UpdateMethod, waitForRebuild } from "./tilt.ts";

/** The parameters of a branch-impact run (the plan stores them as given). */
export interface ImpactParams {
  service: string;
  out_dir: string;
  /** Default `main`. */
  before_ref?: string;
  /** Default the current branch (or commit, when HEAD is detached). */
  after_ref?: string;
  /** Seconds of CPU profile per capture (default 30). */
  seconds?: number;
  /** Seconds to wait for each rebuild (default 300). */
  rebuild_timeout?: number;
  /** Seconds to wait after a rebuild before profiling (default 15; 0: none). */
  warmup_delay?: number;
  /** Downloads per side (default 1); two or more give each change a noise band. */
  captures?: number;
  /** A folder inside the git work tree (already confined by the caller). */
  repo_dir: string;
  tilt_resource?: string;
  settings?: SettingArgs;
  /** Functions compared per kind (default 10), ranked by cum instead of flat. */
  movers?: number;
  cum?: boolean;
}

/** The parameters with their defaults. */
function withDefaults(p: ImpactParams) {
  return {
    ...p,
    before_ref: p.before_ref ?? "main",
    seconds: p.seconds === undefined || p.seconds <= 0 ? 30 : p.seconds,
    rebuild_timeout: p.rebuild_timeout ?? 300,
    warmup_delay: p.warmup_delay ?? 15,
    captures: p.captures ?? 1,
  };
}

/** What a branch-impact run needs from its caller: a d2 context, and the sandbox for derived paths. */
export interface ImpactContext extends D2Context {
  /** The path to use for a path the run derives (`key` names the argument it comes from); throws when outside. */
  confine(key: string, path: string): string;
}

/** One side's downloads. */
export interface SideProfiles extends D2Profiles {
  files: (D2File & { capture?: number })[];
}

/** The result of a run. */
export interface ImpactResult {
  service: string;
  before_ref: string;
  after_ref: string;
  before_commit: string;
  after_commit: string;
  repo: string;
  captures: number;
  before_profiles: SideProfiles;
  after_profiles: SideProfiles;
  /** How the after side was rebuilt; "none" when both refs are the same commit (nothing to rebuild). */
  update_method: UpdateMethod | "none";
  git_stashed: boolean;
  comparison: KindComparison[];
  findings: Finding[];
  warnings?: string[];
  notes?: string[];
}

/** Local time as `YYYYMMDD-HHMMSS`, for the stash message. */
function localStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${
    p(d.getSeconds())
  }`;
}

const isAbort = (e: unknown, signal: AbortSignal) =>
  signal.aborted || (e instanceof DOMException && e.name === "AbortError");

/** The seconds a run takes at most, as the original estimated: two sides of captures, warm-ups, rebuilds, 30 s. */
export function estimatedSeconds(p: ReturnType<typeof withDefaults>): number {
  return 2 * p.captures * p.seconds + 2 * p.warmup_delay + 2 * p.rebuild_timeout + 30;
}

/** `~N minutes`, or `~H hours M minutes` above an hour. */
export function estimateText(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes > 60) return `~${Math.floor(minutes / 60)} hours ${minutes % 60} minutes`;
  return `~${minutes} minutes`;
}

/** A stored plan. */
export interface Plan {
  id: string;
  steps: string[];
  estimated_time: string;
  current_branch: string;
  has_uncommitted: boolean;
  service: string;
  before_ref: string;
  after_ref: string;
  repo: string;
  captures: number;
}

const plans = new Map<string, ImpactParams>();

/** The work trees a run is changing now: a second run there would check out under the first one's feet. */
const busy = new Set<string>();

/** The steps a run takes, in words. */
function stepsOf(p: ReturnType<typeof withDefaults>, current: string, afterRef: string, dirty: boolean): string[] {
  const profile = p.captures > 1
    ? `Profile ${p.service} service ${p.captures} times for ${p.seconds} seconds each`
    : `Profile ${p.service} service for ${p.seconds} seconds`;
  const side = (ref: string) => [
    `Switch to ${ref} branch`,
    `Wait for Tilt rebuild (timeout: ${goDuration(p.rebuild_timeout)})`,
    ...(p.warmup_delay > 0 ? [`Wait ${goDuration(p.warmup_delay)} for service warmup`] : []),
    profile,
  ];
  return [
    ...(dirty ? ["Stash uncommitted changes"] : []),
    ...side(p.before_ref),
    ...side(afterRef),
    "Compare profiles",
    `Switch back to ${current} branch`,
    ...(dirty ? ["Restore stashed changes"] : []),
  ];
}

/**
 * Looks at the repository (branch, changes, that both refs are commits) without changing anything, and stores the
 * plan in memory under a random 16-hex-digit id for {@link executePlan}.
 *
 * @throws {UserError} when the folder is not a git work tree or a ref names no commit.
 */
export async function makePlan(p: ImpactParams, ctx: Pick<ImpactContext, "signal" | "confine">): Promise<Plan> {
  const d = withDefaults(p);
  const root = ctx.confine("repo_dir", await repoRoot(p.repo_dir, ctx.signal));
  const pos = await position(root, ctx.signal);
  const afterRef = d.after_ref ?? positionRef(pos);
  await resolveRef(root, d.before_ref, "before_ref", ctx.signal);
  await resolveRef(root, afterRef, "after_ref", ctx.signal);
  const dirty = await isDirty(root, ctx.signal);
  const id = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
  plans.set(id, { ...p, repo_dir: root });
  return {
    id,
    steps: stepsOf(d, positionRef(pos), afterRef, dirty),
    estimated_time: estimateText(estimatedSeconds(d)),
    current_branch: positionRef(pos),
    has_uncommitted: dirty,
    service: p.service,
    before_ref: d.before_ref,
    after_ref: afterRef,
    repo: root,
    captures: d.captures,
  };
}

/**
 * Runs a stored plan, which is deleted whatever happens.
 *
 * @throws {UserError} `plan <id> not found or expired`, and the errors of {@link runBranchImpact}.
 */
export async function executePlan(id: string, ctx: ImpactContext): Promise<ImpactResult> {
  const p = plans.get(id);
  if (!p) throw new UserError(`plan ${id} not found or expired`, "NOT_FOUND", { field: "plan_id" });
  plans.delete(id);
  return await runBranchImpact(p, ctx);
}

/** Downloads one side: `captures` d2 downloads into `dir` (or `dir/1`, `dir/2`… for several). */
async function captureSide(
  p: ReturnType<typeof withDefaults>,
  dir: string,
  side: string,
  ctx: ImpactContext,
  progress: (done: number, message: string) => Promise<void>,
): Promise<SideProfiles> {
  const files: SideProfiles["files"] = [];
  const warnings: string[] = [];
  let last: D2Profiles | undefined;
  for (let i = 1; i <= p.captures; i++) {
    const out = ctx.confine("out_dir", p.captures > 1 ? join(dir, String(i)) : dir);
    const inner: D2Context = {
      signal: ctx.signal,
      handles: ctx.handles,
      progress: (d, t, m) => progress((i - 1 + d / (t ?? 1)) / p.captures, `${side}: ${m ?? ""}`),
    };
    const r = await downloadD2({ service: p.service, out_dir: out, seconds: p.seconds, settings: p.settings }, inner);
    last = r.result;
    for (const f of r.result.files) files.push(p.captures > 1 ? { ...f, capture: i } : f);
    for (const w of r.result.warnings ?? []) warnings.push(p.captures > 1 ? `capture ${i}: ${w}` : w);
  }
  const { warnings: _w, ...pod } = last!;
  return { ...pod, files, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** The files of a side by handle type, in capture order. */
function byType(s: SideProfiles): Record<string, SideFile[]> {
  const out: Record<string, SideFile[]> = {};
  for (const f of s.files) (out[f.type] ??= []).push({ path: f.path, handle: f.handle });
  return out;
}

/**
 * Profiles the service on `before_ref`, then on `after_ref`, and compares: stashes uncommitted changes (untracked
 * files too), checks out each ref, waits for Tilt to rebuild it (on the before side a failed wait is a warning),
 * downloads, and finally puts the work tree back on its branch and pops the stash, whatever happened before
 * (failures, cancellation); a failure to restore is a warning, or part of the error.
 *
 * @throws {UserError} for a bad repository or ref, an unknown Tilt resource (all before anything changes), and
 *   failed downloads or rebuilds.
 * @throws {DOMException} AbortError when cancelled (after restoring).
 */
export async function runBranchImpact(params: ImpactParams, ctx: ImpactContext): Promise<ImpactResult> {
  const p = withDefaults(params);
  const { signal } = ctx;
  if (p.service.trim() === "") throw new UserError("service is required", "INVALID_ARGUMENT", { field: "service" });
  if (p.out_dir === "") throw new UserError("out_dir is required", "INVALID_ARGUMENT", { field: "out_dir" });
  const settings = loadSettings(p.settings);
  const root = ctx.confine("repo_dir", await repoRoot(p.repo_dir, signal));
  if (busy.has(root)) throw new UserError(`a branch-impact run is already changing ${root}; wait for it to end`);
  busy.add(root);
  try {
    return await runIn(root, p, settings, ctx);
  } finally {
    busy.delete(root);
  }
}

async function runIn(
  root: string,
  p: ReturnType<typeof withDefaults>,
  settings: ReturnType<typeof loadSettings>,
  ctx: ImpactContext,
): Promise<ImpactResult> {
  const { signal } = ctx;
  const start: Position = await position(root, signal);
  const afterRef = p.after_ref ?? positionRef(start);
  const beforeCommit = await resolveRef(root, p.before_ref, "before_ref", signal);
  const afterCommit = await resolveRef(root, afterRef, "after_ref", signal);
  const resource = await tiltResource(p.service, settings.tilt, root, p.tilt_resource, signal);
  const beforeDir = ctx.confine("out_dir", join(p.out_dir, "before"));
  const afterDir = ctx.confine("out_dir", join(p.out_dir, "after"));
  const total = 2 * (1 + p.captures) + 1;
  const progress = (done: number, message: string) => ctx.progress(done, total, message);
  const warnings: string[] = [];
  const notes: string[] = [];
  const wait = (before: TiltState, side: string, base: number) =>
    waitForRebuild(resource, before, root, settings.tilt, {
      timeoutSeconds: p.rebuild_timeout,
      warmupSeconds: p.warmup_delay,
      signal,
      progress: (waited) =>
        progress(base, `${side}: waiting for Tilt to rebuild ${resource} (${Math.round(waited)} s)`),
    });

  let stash = "";
  if (await isDirty(root, signal)) {
    await progress(0, "stashing uncommitted changes");
    stash = await stashPush(root, `pprof_branch_impact auto-stash ${localStamp(new Date())}`, signal);
  }
  let failure: unknown;
  let result: Omit<ImpactResult, "warnings" | "notes"> | undefined;
  try {
    // Before: a rebuild that cannot be seen is only a warning (the before side may already be what runs).
    let s0: TiltState | undefined;
    try {
      s0 = await tiltState(resource, root, signal);
    } catch (e) {
      if (isAbort(e, signal)) throw e;
      warnings.push(`rebuild detection warning: ${(e as Error).message}`);
    }
    await progress(0, `checking out ${p.before_ref}`);
    await checkout(root, p.before_ref, signal);
    if (beforeCommit === start.commit && stash === "") {
      notes.push(`${p.before_ref} is the commit the work tree was on, with no changes: no rebuild to wait for`);
    } else if (s0) {
      try {
        await wait(s0, "before", 0);
      } catch (e) {
        if (isAbort(e, signal)) throw e;
        warnings.push(`rebuild detection warning: ${(e as Error).message}`);
      }
    }
    const before = await captureSide(p, beforeDir, "before", ctx, (d, m) => progress(1 + d * p.captures, m));
    // After: the rebuild must be seen, or the after profiles could be of the before code.
    let method: UpdateMethod | "none" = "none";
    await progress(1 + p.captures, `checking out ${afterRef}`);
    if (afterCommit === beforeCommit) {
      await checkout(root, afterRef, signal);
      notes.push(
        `${p.before_ref} and ${afterRef} are the same commit: the comparison shows run-to-run noise only`,
      );
    } else {
      let s1: TiltState;
      try {
        s1 = await tiltState(resource, root, signal);
      } catch (e) {
        if (isAbort(e, signal)) throw e;
        throw new UserError(`failed waiting for rebuild: ${(e as Error).message}`);
      }
      await checkout(root, afterRef, signal);
      try {
        method = await wait(s1, "after", 1 + p.captures);
      } catch (e) {
        if (isAbort(e, signal)) throw e;
        throw new UserError(`failed waiting for rebuild: ${(e as Error).message}`);
      }
    }
    const after = await captureSide(p, afterDir, "after", ctx, (d, m) => progress(2 + p.captures + d * p.captures, m));
    await progress(total - 1, "comparing the profiles");
    const kinds = Object.values(D2_KINDS).map((k) => k.type);
    const comparison = await compareSides(byType(before), byType(after), kinds, {
      movers: p.movers,
      cum: p.cum,
      signal,
    });
    result = {
      service: p.service,
      before_ref: p.before_ref,
      after_ref: afterRef,
      before_commit: beforeCommit,
      after_commit: afterCommit,
      repo: root,
      captures: p.captures,
      before_profiles: before,
      after_profiles: after,
      update_method: method,
      git_stashed: stash !== "",
      comparison,
      findings: comparisonFindings(comparison),
    };
  } catch (e) {
    failure = e;
  }
  const problems = await restore(root, start, stash);
  if (failure !== undefined) {
    if (problems.length === 0 || isAbort(failure, signal) || !(failure instanceof UserError)) throw failure;
    throw new UserError(`${failure.message} (and restoring the work tree: ${problems.join("; ")})`);
  }
  warnings.push(...problems);
  await progress(total, "done");
  return { ...result!, ...(warnings.length > 0 ? { warnings } : {}), ...(notes.length > 0 ? { notes } : {}) };
}

/**
 * Puts the work tree back: its branch (or commit), then the stash, by the stash's commit. Runs without the call's
 * signal (a cancelled call still restores). Returns what failed; the stash is not popped onto another branch.
 */
async function restore(root: string, start: Position, stash: string): Promise<string[]> {
  const problems: string[] = [];
  const ref = positionRef(start);
  try {
    await checkout(root, ref);
  } catch (e) {
    problems.push(`failed to switch back to ${ref}: ${(e as Error).message}`);
  }
  if (stash !== "") {
    if (problems.length > 0) {
      problems.push(
        `the uncommitted changes stay stashed (git stash list | grep pprof_branch_impact; git stash pop once on ${ref})`,
      );
    } else {
      try {
        await stashPop(root, stash);
      } catch (e) {
        problems.push(
          `failed to restore stashed changes: ${(e as Error).message} (git stash list | grep pprof_branch_impact; ` +
            "git stash pop)",
        );
      }
    }
  }
  return problems;
}
