/**
 * git for branch impact: the repository, its branch, its uncommitted changes (stashed with untracked files and
 * restored exactly, by the stash's own commit), checkouts of verified refs.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { errorText, runProgram, type RunResult } from "./process.ts";

/** git's deadline: a checkout of a large tree can take a while; nothing here should take minutes. */
const GIT_TIMEOUT_MS = 120_000;

/** Runs git in `dir`; without a signal (restoring a checkout must not be cut short by a cancel). */
async function git(dir: string, args: string[], signal?: AbortSignal): Promise<RunResult> {
  return await runProgram("git", args, { cwd: dir, timeoutMs: GIT_TIMEOUT_MS, signal });
}

async function gitOk(dir: string, args: string[], signal?: AbortSignal): Promise<string> {
  const r = await git(dir, args, signal);
  if (!r.success) throw new UserError(`${r.command} failed in ${dir}: ${errorText(r)}`);
  return r.stdout;
}

/**
 * The top folder of the git work tree that holds `dir`.
 *
 * @throws {UserError} when `dir` is not inside a git work tree.
 */
export async function repoRoot(dir: string, signal?: AbortSignal): Promise<string> {
  const r = await git(dir, ["rev-parse", "--show-toplevel"], signal);
  if (!r.success) throw new UserError(`${dir} is not in a git work tree (${errorText(r)})`);
  return r.stdout.trim();
}

/** Where the work tree is: a branch, or a commit when HEAD is detached. */
export interface Position {
  /** The branch, or "" when detached. */
  branch: string;
  /** The commit HEAD is at. */
  commit: string;
}

/** The branch (`git branch --show-current`) and commit of the work tree. */
export async function position(dir: string, signal?: AbortSignal): Promise<Position> {
  const branch = (await gitOk(dir, ["branch", "--show-current"], signal)).trim();
  const commit = (await gitOk(dir, ["rev-parse", "HEAD"], signal)).trim();
  return { branch, commit };
}

/** What `git checkout` takes to go back to a position. */
export function positionRef(p: Position): string {
  return p.branch !== "" ? p.branch : p.commit;
}

/** Whether the work tree has changes (`git status --porcelain`: staged, unstaged or untracked). */
export async function isDirty(dir: string, signal?: AbortSignal): Promise<boolean> {
  return (await gitOk(dir, ["status", "--porcelain"], signal)).trim() !== "";
}

/**
 * The commit a ref names.
 *
 * @throws {UserError} naming `what` (before_ref, after_ref) when it is not a commit of the repository.
 */
export async function resolveRef(dir: string, ref: string, what: string, signal?: AbortSignal): Promise<string> {
  if (ref.trim() === "" || ref.startsWith("-")) {
    throw new UserError(`${what} "${ref}" is not a git ref`, "INVALID_ARGUMENT", { field: what });
  }
  const r = await git(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], signal);
  if (!r.success) {
    throw new UserError(`${what} "${ref}" is not a commit of the repository in ${dir}`, "INVALID_ARGUMENT", {
      field: what,
    });
  }
  return r.stdout.trim();
}

/** The commit of `refs/stash`, or "" when there is no stash. */
async function stashTop(dir: string): Promise<string> {
  const r = await git(dir, ["rev-parse", "--quiet", "--verify", "refs/stash"]);
  return r.success ? r.stdout.trim() : "";
}

/**
 * Stashes every change (staged, unstaged, untracked) under `message`; returns the stash's commit, or "" when git
 * made none (nothing to save). Untracked files go too, so that no checkout can trip over them or carry them along.
 */
export async function stashPush(dir: string, message: string, signal?: AbortSignal): Promise<string> {
  const before = await stashTop(dir);
  await gitOk(dir, ["stash", "push", "--include-untracked", "-m", message], signal);
  const after = await stashTop(dir);
  return after !== "" && after !== before ? after : "";
}

/**
 * Applies and drops the stash whose commit is `commit` (found by commit, so another stash made meanwhile is never
 * popped instead), restoring staged changes as staged.
 *
 * @throws {UserError} when it is gone or does not apply.
 */
export async function stashPop(dir: string, commit: string): Promise<void> {
  const list = (await gitOk(dir, ["stash", "list", "--format=%H"])).split("\n").map((l) => l.trim());
  const i = list.indexOf(commit);
  if (i < 0) throw new UserError(`the stash ${commit} is no longer in the stash list`);
  await gitOk(dir, ["stash", "pop", "--index", "--quiet", `stash@{${i}}`]);
}

/** Checks out a ref (a branch, or a commit detached). */
export async function checkout(dir: string, ref: string, signal?: AbortSignal): Promise<void> {
  await gitOk(dir, ["checkout", "--quiet", ref, "--"], signal);
}
