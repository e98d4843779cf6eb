/**
 * A bounded cache of decoded profiles, for the repeat calls of one MCP
 * connection (a model asks top, then peek, list, tags, traces of one file):
 * keyed by the file's real path, checked against its device, inode, size,
 * modification and change times on every call, least recently used entries
 * evicted past a memory budget (`PPROF_MCP_PROFILE_CACHE_MB`, default 512; 0
 * turns it off).
 *
 * It never serves a changed file: a file whose identity or times differ is
 * read again, and a file modified in the last two seconds is not cached at
 * all (a rewrite within the same timestamp tick and of the same size would
 * otherwise look unchanged). Profiles are never modified after decoding, so
 * callers share the cached object.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { loadProfile } from "./load.ts";
import type { Profile } from "./model.ts";

/** The environment variable that sets the cache's budget in MiB. */
export const PROFILE_CACHE_ENV = "PPROF_MCP_PROFILE_CACHE_MB";

/** The budget unless configured, in MiB. */
export const DEFAULT_PROFILE_CACHE_MB = 512;

// Files modified this recently are not cached: their timestamps cannot yet tell a rewrite apart.
const SETTLE_MS = 2000;

interface Entry {
  stamp: string;
  profile: Profile;
  bytes: number;
}

/** Decoded profiles by real path, least recently used first. */
export class ProfileCache {
  readonly budget: number;
  #entries = new Map<string, Entry>();
  #used = 0;
  /** Calls answered from the cache, and calls that decoded the file. */
  hits = 0;
  misses = 0;

  /** @param budget bytes of decoded profiles to keep (0: none). */
  constructor(budget: number) {
    this.budget = budget;
  }

  /** Bytes of the profiles held (an estimate of their memory). */
  get used(): number {
    return this.#used;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The profile at `path`: the cached one while the file is unchanged, else `load(path)` (then cached). */
  async load(path: string, load: (path: string) => Promise<Profile> = loadProfile): Promise<Profile> {
    if (this.budget <= 0) return await load(path);
    const before = await fileStamp(path);
    if (!before) return await load(path); // the loader names the problem
    const hit = this.#entries.get(before.real);
    if (hit && hit.stamp === before.stamp) {
      this.#entries.delete(before.real);
      this.#entries.set(before.real, hit);
      this.hits++;
      return hit.profile;
    }
    if (hit) this.#drop(before.real);
    this.misses++;
    const profile = await load(path);
    const after = await fileStamp(path);
    // Changed while it was read, or too recently to trust the timestamps: not cached.
    if (!after || after.stamp !== before.stamp || after.real !== before.real) return profile;
    if (Date.now() - after.mtime < SETTLE_MS) return profile;
    const bytes = profileBytes(profile);
    if (bytes > this.budget) return profile;
    this.#entries.set(before.real, { stamp: before.stamp, profile, bytes });
    this.#used += bytes;
    for (const key of this.#entries.keys()) {
      if (this.#used <= this.budget) break;
      this.#drop(key);
    }
    return profile;
  }

  /** Forgets every profile. */
  clear(): void {
    this.#entries.clear();
    this.#used = 0;
  }

  #drop(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#used -= e.bytes;
  }
}

async function fileStamp(path: string): Promise<{ real: string; stamp: string; mtime: number } | undefined> {
  try {
    const real = await Deno.realPath(path);
    const s = await Deno.stat(real);
    if (!s.isFile) return undefined;
    const mtime = s.mtime?.getTime() ?? 0;
    return { real, stamp: `${s.dev}:${s.ino}:${s.size}:${mtime}:${s.ctime?.getTime() ?? 0}`, mtime };
  } catch {
    return undefined;
  }
}

/** An estimate of a decoded profile's memory: its typed arrays, strings and small objects. */
export function profileBytes(p: Profile): number {
  let n = 0;
  for (const v of Object.values(p)) {
    if (ArrayBuffer.isView(v)) n += v.byteLength;
    else if (Array.isArray(v)) {
      for (const x of v) n += typeof x === "string" ? 40 + 2 * x.length : 200;
    }
  }
  return n;
}

/**
 * The cache's budget: `PPROF_MCP_PROFILE_CACHE_MB` (MiB, 0 turns the cache
 * off), else {@link DEFAULT_PROFILE_CACHE_MB}.
 *
 * @throws {UserError} when the variable is not a number of MiB.
 */
export function profileCacheBudget(): number {
  const granted = Deno.permissions.querySync({ name: "env", variable: PROFILE_CACHE_ENV }).state === "granted";
  const text = granted ? Deno.env.get(PROFILE_CACHE_ENV)?.trim() : undefined;
  if (text === undefined || text === "") return DEFAULT_PROFILE_CACHE_MB * 2 ** 20;
  const mb = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(mb)) {
    throw new UserError(`${PROFILE_CACHE_ENV}: "${text}" is not a size in MiB (e.g. 512, or 0 to turn the cache off)`);
  }
  return Math.floor(mb * 2 ** 20);
}

let shared: ProfileCache | undefined;

/** The process's profile cache (the tools' loads go through it), sized by {@link profileCacheBudget}. */
export function profileCache(): ProfileCache {
  return (shared ??= new ProfileCache(profileCacheBudget()));
}
