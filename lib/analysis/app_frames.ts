/**
 * Which frames are the application's code, by their names alone (for the
 * goroutine, contention and memory analyses, which read stacks by name): Go
 * package paths, the standard library, well-known third-party libraries, and
 * the first application frame of a stack (by the caller's module prefixes
 * when given, else by elimination). `app_code.ts` decides "your code" for a
 * whole profile from its repository and main package.
 *
 * @module
 */
import { goPackage, isGoStdlib } from "./code_names.ts";

/**
 * Module prefixes of widely used libraries: frames under them are library
 * code, so the first application frame is looked for above them.
 */
export const LIBRARY_PREFIXES: readonly string[] = [
  "go.temporal.io/",
  "google.golang.org/",
  "golang.org/x/",
  "go.opentelemetry.io/",
  "go.uber.org/",
  "github.com/sirupsen/logrus",
  "github.com/rs/zerolog",
  "github.com/prometheus/",
  "github.com/DataDog/",
  "gopkg.in/DataDog/",
  "github.com/grpc-ecosystem/",
  "github.com/golang/protobuf",
  "github.com/gogo/protobuf",
  "github.com/jackc/",
  "github.com/lib/pq",
  "github.com/go-sql-driver/",
  "go.mongodb.org/",
  "github.com/redis/",
  "github.com/go-redis/",
  "github.com/gomodule/redigo",
  "github.com/klauspost/compress",
  "github.com/valyala/",
  "github.com/gin-gonic/",
  "github.com/labstack/echo",
  "github.com/gorilla/",
  "github.com/go-chi/",
  "github.com/aws/",
  "cloud.google.com/go",
  "github.com/Azure/",
  "k8s.io/",
  "sigs.k8s.io/",
  "github.com/hashicorp/",
  "github.com/nats-io/",
  "github.com/segmentio/",
  "github.com/IBM/sarama",
  "github.com/Shopify/sarama",
  "github.com/confluentinc/",
  "github.com/twmb/franz-go",
  "modernc.org/",
  "github.com/mattn/",
  "github.com/glebarez/",
  "gorm.io/",
  "github.com/json-iterator/",
  "github.com/goccy/",
  "github.com/mailru/easyjson",
  "github.com/bytedance/sonic",
  "github.com/stretchr/",
  "github.com/pkg/errors",
  "github.com/spf13/",
  "github.com/dgraph-io/",
  "github.com/cockroachdb/",
  "go.etcd.io/",
  "github.com/uber-go/",
  "github.com/cespare/xxhash",
  "github.com/google/uuid",
];

/**
 * The Go package path of a function name: `github.com/x/y.(*T).M` →
 * `github.com/x/y`, `main.f` → `main` (`code_names.ts`'s reading of Go names);
 * a name that is no Go name is its own package.
 */
export function packageOf(name: string): string {
  return goPackage(name) || name;
}

/** Whether a function belongs to the Go standard library (runtime included). */
export function isStdlib(name: string): boolean {
  return isGoStdlib(goPackage(name));
}

/** Per name: 1 when it is standard library (for hot loops over stacks). */
export function stdlibMask(names: readonly string[]): Uint8Array {
  const out = new Uint8Array(names.length);
  for (let i = 0; i < names.length; i++) out[i] = isStdlib(names[i]) ? 1 : 0;
  return out;
}

/** The first path segment of a name ("github.com", "go.uber.org"): prefixes are looked up by it. */
function hostOf(name: string): string {
  const slash = name.indexOf("/");
  return slash < 0 ? "" : name.slice(0, slash);
}

const LIBRARIES_BY_HOST = new Map<string, string[]>();
for (const p of LIBRARY_PREFIXES) {
  const host = hostOf(p);
  LIBRARIES_BY_HOST.set(host, [...(LIBRARIES_BY_HOST.get(host) ?? []), p]);
}

/** Whether a function is in one of the well-known libraries of {@link LIBRARY_PREFIXES}. */
export function isKnownLibrary(name: string): boolean {
  const candidates = LIBRARIES_BY_HOST.get(hostOf(name));
  return candidates !== undefined && candidates.some((p) => name.startsWith(p));
}

/** How to tell application frames: module prefixes given by the caller, or none (then by elimination). */
export interface AppPrefixes {
  /** Prefixes of the application's own function names (e.g. its module path); empty = guess. */
  prefixes: readonly string[];
}

/**
 * Whether a frame is application code: it starts with one of the given
 * prefixes; without prefixes, it is neither standard library nor a
 * well-known library.
 */
export function isAppFrame(name: string, app: AppPrefixes): boolean {
  if (app.prefixes.length > 0) return app.prefixes.some((p) => name.startsWith(p));
  return !isStdlib(name) && !isKnownLibrary(name) && name !== "";
}

/**
 * The index (leaf first) of the first application frame of a stack of
 * names, or -1. Without prefixes, a stack of library code only falls back to
 * its first frame outside the standard library.
 */
export function firstAppFrame(names: readonly string[], app: AppPrefixes): number {
  for (let i = 0; i < names.length; i++) if (isAppFrame(names[i], app)) return i;
  if (app.prefixes.length > 0) return -1;
  for (let i = 0; i < names.length; i++) if (!isStdlib(names[i])) return i;
  return -1;
}

import type { Frames } from "./frames.ts";

/** Per-function masks for finding application frames in stacks of function indices. */
export interface AppMasks {
  app: Uint8Array;
  std: Uint8Array;
  /** The caller gave prefixes: no fallback to "first frame outside the standard library". */
  strict: boolean;
}

/** The masks of {@link firstAppIndex} for a profile's function names. */
export function appMasks(names: readonly string[], app: AppPrefixes): AppMasks {
  const std = stdlibMask(names);
  const m = new Uint8Array(names.length);
  const strict = app.prefixes.length > 0;
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    m[i] = strict
      ? (app.prefixes.some((p) => n.startsWith(p)) ? 1 : 0)
      : (std[i] === 0 && n !== "" && !isKnownLibrary(n) ? 1 : 0);
  }
  return { app: m, std, strict };
}

/** {@link firstAppFrame} over a stack of function indices (leaf first), from index `from` on. */
export function firstAppIndex(stack: Int32Array, len: number, m: AppMasks, from = 0): number {
  for (let i = from; i < len; i++) if (m.app[stack[i]] === 1) return i;
  if (m.strict) return -1;
  for (let i = from; i < len; i++) if (m.std[stack[i]] === 0) return i;
  return -1;
}

/** Per location: its first application function and its first function outside the standard library (-1 none). */
export interface AppByLocation {
  app: Int32Array;
  nonStd: Int32Array;
  strict: boolean;
}

/** {@link AppMasks} folded per location, so a sample's first application frame needs no stack expansion. */
export function appByLocation(fr: Frames, m: AppMasks): AppByLocation {
  const n = fr.profile.locationCount;
  const app = new Int32Array(n).fill(-1), nonStd = new Int32Array(n).fill(-1);
  for (let l = 0; l < n; l++) {
    for (let j = fr.locStart[l]; j < fr.locStart[l + 1]; j++) {
      const f = fr.locFns[j];
      if (app[l] < 0 && m.app[f] === 1) app[l] = f;
      if (nonStd[l] < 0 && m.std[f] === 0) nonStd[l] = f;
    }
  }
  return { app, nonStd, strict: m.strict };
}

/** The first application function of sample `s` (as {@link firstAppIndex}), or -1. */
export function firstAppOfSample(p: Frames["profile"], s: number, b: AppByLocation): number {
  for (let i = p.stackStart[s]; i < p.stackStart[s + 1]; i++) {
    const f = b.app[p.stackLocs[i]];
    if (f >= 0) return f;
  }
  if (b.strict) return -1;
  for (let i = p.stackStart[s]; i < p.stackStart[s + 1]; i++) {
    const f = b.nonStd[p.stackLocs[i]];
    if (f >= 0) return f;
  }
  return -1;
}
