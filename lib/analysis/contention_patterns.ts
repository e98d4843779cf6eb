/**
 * Data: the synchronisation primitives of Go mutex and block profiles, and
 * library code known to own contended locks, with what to do about it. Each
 * pattern is a Go RE2 regexp matched against one frame's function name.
 *
 * @module
 */

/** A primitive a goroutine blocks in (block profiles) or releases (mutex profiles). */
export interface LockPrimitive {
  name: string;
  pattern: string;
  /** The primitive's release: in a mutex profile the stack is the holder's, charged where it unlocks. */
  release?: boolean;
}

/** What to do when one primitive of a kind dominates, by primitive name. */
export const PRIMITIVE_ADVICE: Readonly<Record<string, string>> = {
  "sync.Mutex": "hold it for less time (move work out of the critical section), shard it, or replace it with " +
    "atomics or per-goroutine state",
  "sync.RWMutex": "shorten the write-locked sections (readers wait for every writer), or shard the data",
  "channel send": "the receiver is slower than the senders: speed it up, add receivers, or buffer the channel",
  "channel receive": "the senders are slower than the receiver: look at what produces the values",
  "select": "the goroutine waits for whichever case comes first: look at what feeds those channels",
  "sync.WaitGroup": "the waiter waits for the slowest goroutine of the group: look at the workers it waits for",
  "sync.Cond": "waiters sleep until signalled: check that Signal/Broadcast come when work is ready",
  "runtime lock": "a runtime-internal lock (allocator, scheduler, timers) is contended: reduce what drives it",
  "semaphore": "goroutines queue on a semaphore: look at what holds it",
  "unknown": "look at the stack with the largest delay",
};

/** The primitives; the leaf-most frame that matches one is the lock site. */
export const LOCK_PRIMITIVES: readonly LockPrimitive[] = [
  { name: "sync.Mutex", pattern: "^sync\\.\\(\\*Mutex\\)\\.(Unlock|unlockSlow)$", release: true },
  { name: "sync.Mutex", pattern: "^sync\\.\\(\\*Mutex\\)\\.(Lock|lockSlow|TryLock)$" },
  { name: "sync.RWMutex", pattern: "^sync\\.\\(\\*RWMutex\\)\\.(Unlock|RUnlock|rUnlockSlow)$", release: true },
  { name: "sync.RWMutex", pattern: "^sync\\.\\(\\*RWMutex\\)\\.(Lock|RLock|TryLock|TryRLock)$" },
  { name: "channel send", pattern: "^runtime\\.chansend1?$" },
  { name: "channel receive", pattern: "^runtime\\.chanrecv[12]?$" },
  { name: "select", pattern: "^runtime\\.(selectgo|block)$" },
  { name: "sync.WaitGroup", pattern: "^sync\\.\\(\\*WaitGroup\\)\\.Wait$" },
  { name: "sync.Cond", pattern: "^sync\\.\\(\\*Cond\\)\\.Wait$" },
  { name: "runtime lock", pattern: "^runtime\\.(unlock2|unlockWithRank|unlock)$", release: true },
  { name: "runtime lock", pattern: "^runtime\\.(lock2|lockWithRank|lock)$" },
  {
    name: "semaphore",
    pattern: "^(runtime\\.semacquire1?|runtime\\.semrelease1?|sync\\.runtime_Sem(acquire|release)\\w*)$",
  },
];

/** Library code whose lock or pool is the contended one. */
export interface LockOwner {
  name: string;
  pattern: string;
  advice: string;
}

/** The owners, tried in order on the frames above the lock site. */
export const LOCK_OWNERS: readonly LockOwner[] = [
  {
    name: "database/sql connection pool",
    pattern: "^database/sql\\.",
    advice: "Queries wait for a pooled connection: raise SetMaxOpenConns, hold connections for less time " +
      "(close rows, keep transactions short), or run fewer queries.",
  },
  {
    name: "pgx connection pool",
    pattern: "^github\\.com/jackc/(puddle|pgx/v\\d+/pgxpool)",
    advice: "Goroutines wait for a pooled connection: raise MaxConns or hold connections for less time.",
  },
  {
    name: "redis connection pool",
    pattern: "^github\\.com/(redis|go-redis)/.*\\.\\(\\*ConnPool\\)",
    advice: "Goroutines wait for a pooled connection: raise PoolSize or pipeline commands.",
  },
  {
    name: "net/http transport",
    pattern: "^net/http\\.\\(\\*Transport\\)\\.",
    advice: "Requests wait for a connection of the transport: raise MaxConnsPerHost/MaxIdleConnsPerHost.",
  },
  {
    name: "log.Logger",
    pattern: "^log\\.(\\(\\*Logger\\)\\.\\w+|Printf|Println|Print|Fatalf|Output)$",
    advice: "Every write through one log.Logger holds its mutex while the writer runs: log less on hot paths, " +
      "or give it a buffered or asynchronous writer.",
  },
  {
    name: "zap writer",
    pattern: "^go\\.uber\\.org/zap/zapcore\\.\\(\\*lockedWriteSyncer\\)\\.",
    advice: "zap's locked writer serialises log writes: use a BufferedWriteSyncer, or sample hot log lines.",
  },
  {
    name: "sync.Map",
    pattern: "^sync\\.\\(\\*Map\\)\\.",
    advice: "Storing new keys in a sync.Map takes its mutex (and may copy the read map): use a sharded map " +
      "for write-heavy keys.",
  },
  {
    name: "sync.Pool",
    pattern: "^sync\\.\\(\\*Pool\\)\\.",
    advice: "sync.Pool takes a global lock when a pool is first used on a P: create pools once, not per request.",
  },
  {
    name: "math/rand global source",
    pattern:
      "^math/rand\\.(\\(\\*lockedSource\\)\\.\\w+|Intn|Int31n|Int63n|Int|Int31|Int63|Float64|Float32|Perm|Shuffle|Read)$",
    advice: "The top-level math/rand functions share one locked source: give hot goroutines their own " +
      "rand.New(rand.NewSource(seed)), or use math/rand/v2.",
  },
  {
    name: "expvar",
    pattern: "^expvar\\.",
    advice: "expvar maps serialise updates: keep counters in atomics and publish them with expvar.Func.",
  },
  {
    name: "prometheus client",
    pattern: "^github\\.com/prometheus/client_golang/",
    advice: "Metric vectors take a lock to find the child of a label set: look children up once " +
      "(WithLabelValues outside the hot path).",
  },
  {
    name: "gRPC transport",
    pattern: "^google\\.golang\\.org/grpc/internal/transport\\.",
    advice: "Streams multiplexed on one HTTP/2 connection wait for its flow control and writer: spread " +
      "high-throughput clients over several connections.",
  },
];
