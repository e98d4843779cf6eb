/**
 * Fake programs for the tests of the dev-cluster tools: a folder with shell scripts named like the real programs
 * (`kubectl`, `tilt`) that run the stand-ins of `tests/support/fakes/` with their state folder, to be put first on the PATH
 * of the server under test. Also what the stand-ins recorded.
 */
const here = new URL(".", import.meta.url).pathname;

/** A folder of fake programs and their state. */
export interface FakeBin {
  /** The folder to put first on the PATH. */
  bin: string;
  /** The stand-ins' state folder (pods.json, calls.jsonl, forwards.jsonl…). */
  state: string;
  /** PATH with the fakes first. */
  path: string;
  /** Every recorded call: pid, arguments, working directory. */
  calls(): { pid: number; args: string[]; cwd: string }[];
  /** Every port-forward that started: pid, pod, ports. */
  forwards(): { pid: number; pod: string; local: number; remote: number }[];
  remove(): Promise<void>;
}

function lines(file: string) {
  try {
    return Deno.readTextFileSync(file).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

/** Writes the scripts for `programs` (stand-ins `tests/support/fakes/<program>.ts`) into a new temporary folder. */
export async function fakeBin(programs: string[]): Promise<FakeBin> {
  const root = await Deno.makeTempDir({ prefix: "pprof-mcp-fakebin-" });
  const bin = `${root}/bin`, state = `${root}/state`;
  await Deno.mkdir(bin);
  await Deno.mkdir(state);
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  for (const p of programs) {
    const script = `#!/bin/sh\nexec ${q(Deno.execPath())} run --allow-all --no-config --quiet ${q(`${here}${p}.ts`)} ` +
      `${q(state)} "$@"\n`;
    await Deno.writeTextFile(`${bin}/${p}`, script, { mode: 0o755 });
  }
  return {
    bin,
    state,
    path: `${bin}:${Deno.env.get("PATH") ?? ""}`,
    calls: () => lines(`${state}/calls.jsonl`),
    forwards: () => lines(`${state}/forwards.jsonl`),
    remove: () => Deno.remove(root, { recursive: true }),
  };
}

/** Whether a process is still there (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** A running pod as `kubectl get pods -o json` lists it, forwarding to `target` (host:port). */
export function pod(name: string, app: string, target: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: {
      name,
      namespace: "default",
      labels: { app },
      annotations: { "fake/target": target },
      ...extra,
    },
    status: { phase: "Running", podIP: "10.1.45.23" },
  };
}
