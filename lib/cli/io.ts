/**
 * Where CLI commands write, and the exit codes CI can rely on. Commands write
 * through a {@link CliIO} so tests run them in-process and capture output.
 *
 * @module
 */

/** Output sinks of a CLI run. */
export interface CliIO {
  /** Writes to standard output. */
  out(text: string): Promise<void>;
  /** Writes to standard error (progress, warnings, errors). */
  err(text: string): Promise<void>;
  /** Whether standard error is a terminal (progress lines are shown only there); absent means no. */
  errIsTerminal?(): boolean;
}

/** Exit codes. */
export const EXIT = {
  /** The command did what was asked (and every check passed). */
  OK: 0,
  /** A regression check failed. */
  CHECK_FAILED: 1,
  /** Bad usage or input: unknown flag, unreadable or invalid profile, bad regexp… */
  ERROR: 2,
} as const;

const encoder = new TextEncoder();

/**
 * The reader of our output went away (`pprof-mcp traces … | head`): the
 * command stops and the program ends quietly with exit code 0, as Go's tools
 * do when they get SIGPIPE.
 */
export class OutputClosed extends Error {
  constructor() {
    super("output closed");
    this.name = "OutputClosed";
  }
}

async function writeAll(w: { write(p: Uint8Array): Promise<number> }, text: string): Promise<void> {
  let buf = encoder.encode(text);
  try {
    while (buf.length > 0) buf = buf.subarray(await w.write(buf));
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe) throw new OutputClosed();
    throw e;
  }
}

/**
 * Writes `chunks` to standard output as they come, a buffer of about 64 KB at
 * a time, so a long report is never held as one string.
 */
export async function writeChunks(io: CliIO, chunks: Iterable<string>): Promise<void> {
  let buf = "";
  for (const chunk of chunks) {
    buf += chunk;
    if (buf.length >= 1 << 16) {
      await io.out(buf);
      buf = "";
    }
  }
  if (buf !== "") await io.out(buf);
}

/** The process's real stdout/stderr. */
export const processIO: CliIO = {
  out: (text) => writeAll(Deno.stdout, text),
  err: (text) => writeAll(Deno.stderr, text),
  errIsTerminal: () => Deno.stderr.isTerminal(),
};

/** An in-memory sink, for tests. */
export function memoryIO(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(text: string) {
      io.stdout += text;
      return Promise.resolve();
    },
    err(text: string) {
      io.stderr += text;
      return Promise.resolve();
    },
  };
  return io;
}
