/**
 * A stand-in for kubectl in the tests of the dev-cluster tools, run through a shell script the test writes first
 * on the PATH (`fakeBin` in `tests/support/fakes/fake_bin.ts`). It records every call (pid, arguments, working directory)
 * in `<state>/calls.jsonl`, lists the pods of `<state>/pods.json` for `get pods` (filtered by `-l`), and for
 * `port-forward` listens on the local port and forwards each connection to the address in the pod's
 * `fake/target` annotation (a real server of the test), recording its pid in `<state>/forwards.jsonl`.
 * `<state>/fail_get` (its text is the error) and `<state>/forward_mode` (`exit`, `hang`) inject failures.
 */
const [state, ...args] = Deno.args;

function append(file: string, value: unknown): void {
  Deno.writeTextFileSync(`${state}/${file}`, JSON.stringify(value) + "\n", { append: true });
}

function read(file: string): string | undefined {
  try {
    return Deno.readTextFileSync(`${state}/${file}`);
  } catch {
    return undefined;
  }
}

append("calls.jsonl", { pid: Deno.pid, args, cwd: Deno.cwd() });

// deno-lint-ignore no-explicit-any
type Pod = any;
const pods: Pod[] = JSON.parse(read("pods.json") ?? "[]");

const rest = [...args];
if (rest[0] === "--context") rest.splice(0, 2);
const flag = (name: string) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};

function matches(pod: Pod, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((req) => {
    const [k, v] = req.split("=");
    return pod.metadata?.labels?.[k] === v;
  });
}

if (rest[0] === "get" && rest[1] === "pods") {
  const failure = read("fail_get");
  if (failure !== undefined) {
    console.error(failure.trim());
    Deno.exit(1);
  }
  const ns = flag("-n") ?? "default";
  const items = pods.filter((p) => (p.metadata?.namespace ?? "default") === ns && matches(p, flag("-l")));
  console.log(JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 2));
  Deno.exit(0);
}

if (rest[0] === "port-forward") {
  const ns = flag("-n") ?? "default";
  const address = flag("--address") ?? "127.0.0.1";
  const positional = rest.slice(1).filter((a, i, all) => !a.startsWith("-") && !all[i - 1]?.startsWith("-"));
  const [podName, ports] = positional;
  const pod = pods.find((p) => p.metadata?.name === podName && (p.metadata?.namespace ?? "default") === ns);
  const mode = read("forward_mode")?.trim();
  if (!pod || mode === "exit") {
    console.error(`error: error upgrading connection: pods "${podName}" not found`);
    Deno.exit(1);
  }
  const [local, remote] = ports.split(":").map(Number);
  append("forwards.jsonl", { pid: Deno.pid, pod: podName, local, remote });
  if (mode === "hang") {
    // Never listens; a timer keeps the process alive until it is stopped.
    setInterval(() => {}, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3_600_000));
  }
  const [host, port] = String(pod.metadata.annotations["fake/target"]).split(":");
  const listener = Deno.listen({ hostname: address, port: local });
  console.log(`Forwarding from ${address}:${local} -> ${remote}`);
  for await (const conn of listener) {
    console.log(`Handling connection for ${local}`);
    (async () => {
      try {
        const target = await Deno.connect({ hostname: host, port: Number(port) });
        await Promise.all([
          conn.readable.pipeTo(target.writable).catch(() => {}),
          target.readable.pipeTo(conn.writable).catch(() => {}),
        ]);
      } catch {
        try {
          conn.close();
        } catch {
          // closed
        }
      }
    })();
  }
}

console.error(`fake kubectl: unsupported arguments ${JSON.stringify(args)}`);
Deno.exit(2);
