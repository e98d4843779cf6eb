/**
 * A stand-in for the Tilt CLI in the tests of branch impact, run through a shell script first on the PATH
 * (`tests/support/fakes/fake_bin.ts`). It records every call in `<state>/calls.jsonl` and answers `tilt get
 * kubernetesdiscovery [NAME] -o json` and `tilt get liveupdate -o json` for the resources of
 * `<state>/tilt_resources.json`, from the git checkout in its working directory, as if Tilt rebuilt on every
 * checkout: by `<state>/tilt_mode`, `recreate` names the pod after the commit, `restart` gives its container the
 * start time of the last checkout, `live_update` gives the live update that time, `never` changes nothing.
 */
const [state, ...args] = Deno.args;

Deno.writeTextFileSync(
  `${state}/calls.jsonl`,
  JSON.stringify({ pid: Deno.pid, args: ["tilt", ...args], cwd: Deno.cwd() }) + "\n",
  {
    append: true,
  },
);

const read = (file: string, fallback: string) => {
  try {
    return Deno.readTextFileSync(`${state}/${file}`).trim();
  } catch {
    return fallback;
  }
};

const resources: string[] = JSON.parse(read("tilt_resources.json", "[]"));
const mode = read("tilt_mode", "restart");

/** The commit of the checkout and when it was last checked out (git rewrites .git/HEAD on every switch). */
function checkout(): { commit: string; at: string } {
  const out = new Deno.Command("git", { args: ["rev-parse", "HEAD"], stdout: "piped", stderr: "null" }).outputSync();
  const commit = new TextDecoder().decode(out.stdout).trim();
  const at = Deno.statSync(".git/HEAD").mtime!.toISOString();
  return { commit, at };
}

function discovery(name: string) {
  const c = checkout();
  const pod = mode === "recreate" ? `${name}-${c.commit.slice(0, 8)}` : `${name}-7d9f8c6b5-abcde`;
  const startedAt = mode === "restart" ? c.at : "2026-01-01T00:00:00Z";
  return {
    metadata: { name },
    status: { pods: [{ name: pod, containers: [{ name, state: { running: { startedAt } } }] }] },
  };
}

if (args[0] !== "get" || args.at(-1) !== "json") {
  console.error(`fake tilt: unsupported arguments ${JSON.stringify(args)}`);
  Deno.exit(2);
}
const [, kind, name] = args;
if (kind === "kubernetesdiscovery") {
  if (name === "-o") {
    console.log(JSON.stringify({ items: resources.map((r) => ({ metadata: { name: r } })) }));
  } else if (resources.includes(name)) {
    console.log(JSON.stringify(discovery(name)));
  } else {
    console.error(`Error from server (NotFound): kubernetesdiscoveries.tilt.dev "${name}" not found`);
    Deno.exit(1);
  }
} else if (kind === "liveupdate") {
  const items = mode === "live_update"
    ? resources.map((r) => ({
      metadata: { name: `${r}:update` },
      status: { containers: [{ containerID: "c0ffee", lastFileTimeSynced: checkout().at }] },
    }))
    : [];
  console.log(JSON.stringify({ items }));
} else {
  console.error(`fake tilt: unknown resource kind ${kind}`);
  Deno.exit(1);
}
