/**
 * A real HTTP(S) server on 127.0.0.1 for the tests of the local tools: it serves fixture profiles at
 * `/debug/pprof/<name>` the way net/http/pprof does (a CPU profile after `seconds`, 404 "Unknown profile", 400 for a
 * capture longer than its write timeout, the HTML index), and the d2 token endpoint, and records every request.
 */
import { FIXTURES } from "../golden.ts";
import { sleepOrAbort } from "./sleep.ts";

/** What a request was. */
export interface SeenRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  /** Set when the client went away during a capture, before the answer. */
  aborted: boolean;
}

/** How the server answers. */
export interface ServerOptions {
  /** The fixture file of a profile name (profile, heap, allocs…); undefined → 404 "Unknown profile". */
  file?: (name: string, req: Request) => string | undefined;
  /** Serve HTTPS with the test certificate of fixtures/local/. */
  tls?: boolean;
  /** The d2 token: PUT /debug/token with `tokenRequestHeader: true` answers `token: <token>`. */
  token?: string;
  tokenRequestHeader?: string;
  /** The header every profile request must carry the token in (403 otherwise). */
  tokenHeader?: string;
  /** Seconds a capture may last, as http.Server's WriteTimeout (400 beyond it). */
  writeTimeoutSeconds?: number;
  /** Seconds one second of capture takes here (default 1; tests make captures short with less). */
  secondScale?: number;
  /** Answers for given paths instead of the defaults. */
  custom?: (req: Request, url: URL) => Response | Promise<Response> | undefined;
}

/** The fixture server. */
export interface FixtureServer {
  port: number;
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const P = FIXTURES + "profiles/";

/** The fixture profile of each net/http/pprof endpoint. */
export const DEFAULT_FILES: Record<string, string> = {
  profile: P + "cpu.pb.gz",
  heap: P + "heap.pb.gz",
  allocs: P + "allocs.pb.gz",
  goroutine: P + "goroutine.pb.gz",
  mutex: P + "mutex.pb.gz",
  block: P + "block.pb.gz",
};

const INDEX = `<html>
<head><title>/debug/pprof/</title></head>
<body>
/debug/pprof/<br>
<p>Set debug=1 as a query parameter to export in legacy text format</p>
</body>
</html>
`;

const LEGACY_HEAP = `heap profile: 2: 131072 [9: 589824] @ heap/524288
2: 131072 [9: 589824] @ 0x4a1b2c 0x43e9e1
#	0x4a1b2b	main.allocate+0x4b	/src/main.go:52

# runtime.MemStats
# Alloc = 8523776
`;

/** Starts the server. */
export function startFixtureServer(o: ServerOptions = {}): FixtureServer {
  const requests: SeenRequest[] = [];
  const scale = o.secondScale ?? 1;
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const seen: SeenRequest = {
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: Object.fromEntries(req.headers),
      aborted: false,
    };
    requests.push(seen);
    const custom = await o.custom?.(req, url);
    if (custom) return custom;
    if (url.pathname === "/debug/token") {
      if (req.method !== "PUT" || o.token === undefined) return new Response("method not allowed\n", { status: 405 });
      if (o.tokenRequestHeader && req.headers.get(o.tokenRequestHeader) !== "true") {
        return new Response("forbidden\n", { status: 403 });
      }
      return new Response(`token: ${o.token}\n`);
    }
    if (o.tokenHeader && req.headers.get(o.tokenHeader) !== o.token) {
      return new Response("missing or wrong token\n", { status: 403 });
    }
    if (url.pathname === "/debug/pprof/" || url.pathname === "/debug/pprof") {
      return new Response(INDEX, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    const m = /^\/debug\/pprof\/([a-z]+)$/.exec(url.pathname);
    if (!m) return new Response("404 page not found\n", { status: 404 });
    const file = o.file ? o.file(m[1], req) : DEFAULT_FILES[m[1]];
    if (file === undefined) {
      return new Response("Unknown profile\n", { status: 404, headers: { "content-type": "text/plain" } });
    }
    const asked = url.searchParams.get("seconds");
    const seconds = asked === null ? (m[1] === "profile" ? 30 : 0) : Number(asked);
    if (o.writeTimeoutSeconds !== undefined && seconds > o.writeTimeoutSeconds) {
      return new Response("profile duration exceeds server's WriteTimeout\n", {
        status: 400,
        headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
      });
    }
    if (url.searchParams.has("debug")) {
      // What net/http/pprof answers with ?debug=1: the legacy text format.
      return new Response(LEGACY_HEAP, { headers: { "content-type": "text/plain; charset=utf-8" } });
    }
    if (seconds > 0) await sleepOrAbort(seconds * 1000 * scale, req.signal);
    if (req.signal.aborted) {
      // The capture ended early: the client went away.
      seen.aborted = true;
      return new Response(null, { status: 499 });
    }
    return new Response(await Deno.readFile(file), {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${m[1]}"`,
      },
    });
  };
  const tls = o.tls
    ? {
      cert: Deno.readTextFileSync(FIXTURES + "local/test_cert.pem"),
      key: Deno.readTextFileSync(FIXTURES + "local/test_key.pem"),
    }
    : {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {}, ...tls }, handler);
  const port = server.addr.port;
  return {
    port,
    origin: `${o.tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** A local TCP port nothing listens on (bound, then released). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
