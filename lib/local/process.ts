/**
 * Running the external programs of the local tools (kubectl, git, tilt): argument arrays (never a shell), a
 * deadline, bounded output, cancellation, errors that say what to install or how to allow running it, and background
 * processes (port-forwards) that are always stopped with their whole process group.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { shellJoin } from "../util/shell.ts";
import { envValue } from "../util/env.ts";

/** Where to get each program the local tools run. */
const INSTALL: Record<string, string> = {
  kubectl: "install kubectl (https://kubernetes.io/docs/tasks/tools/) and make sure it is on the PATH",
  git: "install git (https://git-scm.com/downloads) and make sure it is on the PATH",
  tilt: "install Tilt (https://docs.tilt.dev/install.html) and make sure it is on the PATH",
};

/** The programs the local tools run, as Deno's `--allow-run` names them. */
export const LOCAL_PROGRAMS = ["kubectl", "git", "tilt"] as const;

const ALLOW_HINT = `start pprof-mcp with --allow-run=${LOCAL_PROGRAMS.join(",")} (deno run … --allow-run=` +
  `${LOCAL_PROGRAMS.join(",")} main.ts, or a binary compiled with that flag; see the README's "Live profiles")`;

/** The default caps on captured output (the original's `PPROF_MCP_MAX_STDOUT_BYTES` and `_STDERR_BYTES`). */
const DEFAULT_MAX_STDOUT = 1_000_000, DEFAULT_MAX_STDERR = 200_000;

function envCap(name: string, fallback: number): number {
  const n = Number(envValue(name) ?? "");
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A program that cannot be started at all: missing, or not allowed. Callers pass it on as it is. */
export class ProgramUnavailable extends UserError {
  constructor(message: string) {
    super(message, "INVALID_ARGUMENT");
    this.name = "ProgramUnavailable";
  }
}

/** The error for a program that could not be started. */
export function spawnError(program: string, e: unknown): Error {
  if (e instanceof Deno.errors.NotFound) {
    return new ProgramUnavailable(
      `${program} is not installed (not found on the PATH): ${INSTALL[program] ?? "install it"}`,
    );
  }
  if (e instanceof Deno.errors.NotCapable) {
    return new ProgramUnavailable(
      `this pprof-mcp process may not run ${program} (Deno's run permission): ${ALLOW_HINT}`,
    );
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return new ProgramUnavailable(`${program} cannot be run: permission denied by the system (is it executable?)`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** How to run a program. */
export interface RunOptions {
  cwd?: string;
  /** The program is stopped, and the call fails, after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Captured bytes of each stream (default 1,000,000 and 200,000, or `PPROF_MCP_MAX_STDOUT_BYTES`/`_STDERR_`). */
  maxStdout?: number;
  maxStderr?: number;
}

/** What a finished program printed, and how it ended. */
export interface RunResult {
  /** The command line, shell-quoted, for messages. */
  command: string;
  code: number;
  success: boolean;
  stdout: string;
  stderr: string;
  /** The stream was longer than its cap; the text holds its beginning. */
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

/** Reads a stream to its end, keeping at most `max` bytes (the rest is read and dropped, so the writer never blocks). */
async function capture(stream: ReadableStream<Uint8Array>, max: number): Promise<{ text: string; truncated: boolean }> {
  const kept: Uint8Array[] = [];
  let size = 0, truncated = false;
  for await (const chunk of stream) {
    if (size >= max) {
      truncated = true;
      continue;
    }
    const room = max - size;
    if (chunk.length > room) truncated = true;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    kept.push(part);
    size += part.length;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of kept) {
    all.set(c, at);
    at += c.length;
  }
  return { text: new TextDecoder().decode(all), truncated };
}

/**
 * Sends `signal` to the process group the child leads (its id is the child's pid, which the system does not give to
 * another process while the group has members), ignoring a group that is gone. A process allowed to run only some
 * programs by name (`--allow-run=kubectl,…`) may not signal groups: it signals the child itself.
 */
function killGroup(child: Deno.ChildProcess, signal: Deno.Signal, running: boolean): void {
  try {
    Deno.kill(-child.pid, signal);
    return;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable)) return; // the group is gone
  }
  if (!running) return;
  try {
    child.kill(signal);
  } catch {
    // it has just exited
  }
}

/** Stops a child and everything it started: SIGTERM to its group, SIGKILL after `graceMs`; resolves once it exited. */
async function stopChild(child: Deno.ChildProcess, exited: Promise<unknown>, graceMs = 3000): Promise<void> {
  killGroup(child, "SIGTERM", true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), graceMs));
  const first = await Promise.race([exited.then(() => "exited" as const), late]);
  clearTimeout(timer);
  if (first === "late") {
    killGroup(child, "SIGKILL", true);
    await exited;
  } else {
    // The leader is gone; make sure nothing it started stays behind.
    killGroup(child, "SIGKILL", false);
  }
}

function spawn(program: string, args: string[], cwd: string | undefined): Deno.ChildProcess {
  try {
    // detached: the child leads its own process group, so stopping it stops what it started too.
    return new Deno.Command(program, { args, cwd, stdin: "null", stdout: "piped", stderr: "piped", detached: true })
      .spawn();
  } catch (e) {
    throw spawnError(program, e);
  }
}

/**
 * Runs a program to its end and returns what it printed (a failure exit is a result, not an error).
 *
 * @throws {UserError} when the program is missing, may not run, or runs past the deadline (it is then stopped).
 * @throws {DOMException} AbortError when `signal` aborts (the program is stopped first).
 */
export async function runProgram(program: string, args: string[], o: RunOptions): Promise<RunResult> {
  o.signal?.throwIfAborted();
  const command = shellJoin([program, ...args]);
  const child = spawn(program, args, o.cwd);
  const out = capture(child.stdout, o.maxStdout ?? envCap("PPROF_MCP_MAX_STDOUT_BYTES", DEFAULT_MAX_STDOUT));
  const err = capture(child.stderr, o.maxStderr ?? envCap("PPROF_MCP_MAX_STDERR_BYTES", DEFAULT_MAX_STDERR));
  const status = child.status;
  let stopped: "timeout" | "abort" | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (why: "timeout" | "abort") => {
    if (stopped) return;
    stopped = why;
    stopping = stopChild(child, status);
  };
  const timer = setTimeout(() => stop("timeout"), o.timeoutMs);
  const onAbort = () => stop("abort");
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const [s, stdout, stderr] = await Promise.all([status, out, err]);
    await stopping;
    if (stopped === "abort") throw o.signal!.reason ?? new DOMException("aborted", "AbortError");
    if (stopped === "timeout") {
      throw new UserError(`\`${command}\` did not finish within ${Math.round(o.timeoutMs / 1000)} s and was stopped`);
    }
    return {
      command,
      code: s.code,
      success: s.success,
      stdout: stdout.text,
      stderr: stderr.text,
      stdoutTruncated: stdout.truncated,
      stderrTruncated: stderr.truncated,
    };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
  }
}

/** The first lines of a program's error output, for a one-line message. */
export function errorText(r: Pick<RunResult, "stderr" | "stdout" | "code">): string {
  const text = (r.stderr.trim() || r.stdout.trim()).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  const shown = text.slice(0, 3).join("; ");
  const line = shown.length > 500 ? shown.slice(0, 500) + "…" : shown;
  return line === "" ? `exit status ${r.code}` : line;
}

/** A program running in the background (a port-forward). */
export interface Background {
  pid: number;
  command: string;
  /** Resolves when the program ends, on its own or stopped. */
  exited: Promise<Deno.CommandStatus>;
  /** What it printed so far (stdout and stderr, each up to 64 KB). */
  output(): { stdout: string; stderr: string };
  /** Stops it and everything it started, and waits until it is gone; safe to call more than once. */
  stop(): Promise<void>;
}

/** Keeps reading a stream into a bounded buffer. */
function collect(stream: ReadableStream<Uint8Array>, max: number): { text(): string; done: Promise<void> } {
  let text = "";
  const decoder = new TextDecoder();
  const done = (async () => {
    try {
      for await (const chunk of stream) {
        if (text.length < max) text += decoder.decode(chunk, { stream: true }).slice(0, max - text.length);
      }
    } catch {
      // the stream ends with the process
    }
  })();
  return { text: () => text, done };
}

/**
 * Starts a program in the background, in its own process group.
 *
 * @throws {UserError} when the program is missing or may not run.
 */
export function startBackground(program: string, args: string[], o: { cwd?: string } = {}): Background {
  const command = shellJoin([program, ...args]);
  const child = spawn(program, args, o.cwd);
  const out = collect(child.stdout, 64 << 10), err = collect(child.stderr, 64 << 10);
  const exited = child.status;
  let stopping: Promise<void> | undefined;
  let ended = false;
  void exited.then(() => ended = true);
  return {
    pid: child.pid,
    command,
    exited,
    output: () => ({ stdout: out.text(), stderr: err.text() }),
    stop() {
      stopping ??= (async () => {
        if (ended) killGroup(child, "SIGKILL", false);
        else await stopChild(child, exited);
        await Promise.all([out.done, err.done]);
      })();
      return stopping;
    },
  };
}
