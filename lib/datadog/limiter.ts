/**
 * The per-host token bucket that paces Datadog profile-API requests: one bucket per host name, starting full,
 * refilled at `rps` tokens a second up to `burst`.
 *
 * @module
 */

/** Time source and sleep, replaceable in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Sleeps `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** The real clock. */
export const realClock: Clock = { now: () => performance.now(), sleep: abortableSleep };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by host. */
export class RateLimiter {
  readonly rps: number;
  readonly burst: number;
  #clock: Clock;
  #buckets = new Map<string, Bucket>();

  constructor(rps: number, burst: number, clock: Clock = realClock) {
    this.rps = rps;
    this.burst = Math.max(1, burst);
    this.#clock = clock;
  }

  /**
   * Takes a token for `host`, waiting while the bucket is empty ((1 − tokens) / rps seconds, then checking
   * again). Immediate when rate limiting is off (rps ≤ 0).
   */
  async acquire(host: string, signal?: AbortSignal): Promise<void> {
    if (this.rps <= 0) return;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      let b = this.#buckets.get(host);
      if (!b) this.#buckets.set(host, b = { tokens: this.burst, at: now });
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rps);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await this.#clock.sleep(((1 - b.tokens) / this.rps) * 1000, signal);
    }
  }
}
