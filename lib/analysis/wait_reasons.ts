/**
 * Data: why a goroutine is blocked, from the runtime or library function it
 * is parked in (Go 1.19 to 1.23 names). Each pattern is a Go RE2 regexp
 * matched against one frame's function name.
 *
 * @module
 */

/** One rule: a blocking function and the wait reason it means. */
export interface WaitRule {
  pattern: string;
  reason: string;
  /**
   * A generic rule (runtime.gopark, semaphores, netpoll internals) decides
   * only when no specific rule matches further up the stack: a goroutine in
   * `sync.(*RWMutex).RLock` also sits in `runtime.semacquire1` and `runtime.gopark`.
   */
  generic?: boolean;
}

/** The rules; among the frames of a blocked call, the leaf-most specific match wins, then the leaf-most generic one. */
export const WAIT_RULES: readonly WaitRule[] = [
  { pattern: "^runtime\\.chanrecv[12]?$", reason: "chan receive" },
  { pattern: "^runtime\\.chansend1?$", reason: "chan send" },
  { pattern: "^runtime\\.selectgo$", reason: "select" },
  { pattern: "^runtime\\.block$", reason: "select (no cases)" },
  { pattern: "^sync\\.\\(\\*Mutex\\)\\.(Lock|lockSlow)$", reason: "mutex" },
  { pattern: "^sync\\.\\(\\*RWMutex\\)\\.(RLock|Lock)$", reason: "rwmutex" },
  { pattern: "^sync\\.\\(\\*Cond\\)\\.Wait$", reason: "cond" },
  { pattern: "^sync\\.\\(\\*WaitGroup\\)\\.Wait$", reason: "waitgroup" },
  { pattern: "^internal/poll\\.runtime_pollWait$", reason: "network IO" },
  { pattern: "^(time\\.Sleep|runtime\\.timeSleep)$", reason: "sleep" },
  {
    pattern:
      "^(syscall|internal/syscall/unix|runtime/internal/syscall|golang\\.org/x/sys/unix)\\.(Syscall6?|RawSyscall6?|Syscall9|syscall6?|rawSyscall6?)$",
    reason: "syscall",
  },
  { pattern: "^runtime\\.(cgocall|asmcgocall)$", reason: "syscall" },
  {
    pattern: "^runtime\\.(gcBgMarkWorker|bgsweep|bgscavenge|forcegchelper|runfinq|gcenable\\.func\\d+)$",
    reason: "GC/idle",
  },
  { pattern: "^os/signal\\.signal_recv$", reason: "signal wait" },
  { pattern: "^runtime\\.(Gosched|goschedIfBusy|goyield)$", reason: "runnable" },
  // Generic: the plumbing below the calls above.
  { pattern: "^sync\\.runtime_notifyListWait$", reason: "cond", generic: true },
  { pattern: "^sync\\.runtime_SemacquireMutex$", reason: "mutex", generic: true },
  { pattern: "^sync\\.runtime_SemacquireRWMutexR?$", reason: "rwmutex", generic: true },
  { pattern: "^sync\\.runtime_SemacquireWaitGroup$", reason: "waitgroup", generic: true },
  {
    pattern: "^(sync\\.runtime_Semacquire|runtime\\.semacquire1?|internal/sync\\.runtime_Semacquire\\w*)$",
    reason: "semaphore",
    generic: true,
  },
  { pattern: "^runtime\\.netpollblock$", reason: "network IO", generic: true },
  { pattern: "^runtime\\.(gopark|goparkunlock)$", reason: "parked", generic: true },
];

/** The reason of a goroutine no rule matched: running, or not parked in a known call. */
export const RUNNING = "running";

/** The state a wait reason implies (labels named state/status override it). */
export function stateOfReason(reason: string): string {
  if (reason === "syscall") return "syscall";
  if (reason === RUNNING) return "running";
  if (reason === "runnable") return "runnable";
  if (reason === "unknown") return "unknown";
  return "waiting";
}
