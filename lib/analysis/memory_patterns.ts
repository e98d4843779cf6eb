/**
 * Data: function groups that explain memory the Go heap does not show (or
 * shows only in part), matched as Go RE2 regexps against one frame's
 * function name, and the source patterns the repository scan looks for.
 *
 * @module
 */

/** A group of functions whose presence in a profile means something for memory. */
export interface MemoryGroup {
  /** The group's key (used by the suspicion rules). */
  id: "sqlite" | "libc_alloc" | "libc_ops" | "compression" | "cgo";
  label: string;
  patterns: readonly string[];
}

/** The groups, in the order they are reported. */
export const MEMORY_GROUPS: readonly MemoryGroup[] = [
  {
    id: "sqlite",
    label: "SQLite",
    patterns: [
      "^github\\.com/glebarez/go-sqlite",
      "^github\\.com/mattn/go-sqlite3",
      "^modernc\\.org/sqlite",
      "^zombiezen\\.com/go/sqlite",
      "^crawshaw\\.io/sqlite",
      "^github\\.com/ncruces/go-sqlite3",
    ],
  },
  {
    // modernc.org/libc's allocator: C memory (SQLite pages, temp tables) lives outside the Go heap.
    id: "libc_alloc",
    label: "libc allocation",
    patterns: [
      "^modernc\\.org/libc\\.\\(\\*TLS\\)\\.Alloc$",
      "^modernc\\.org/libc\\.X(malloc|realloc|calloc)$",
      "^modernc\\.org/memory\\.\\(\\*Allocator\\)\\.",
    ],
  },
  {
    id: "libc_ops",
    label: "libc memory operations",
    patterns: [
      "^modernc\\.org/libc\\.X(memcpy|memmove|memset|memcmp|free)$",
      "^modernc\\.org/libc\\.\\(\\*TLS\\)\\.Free$",
    ],
  },
  {
    // Compressors keep large windows and tables per instance; a new one per use churns the heap.
    id: "compression",
    label: "compression",
    patterns: [
      "^github\\.com/klauspost/compress/(zstd|zlib|gzip|flate|s2|snappy)\\.",
      "^compress/(flate|gzip|zlib|lzw)\\.",
      "^github\\.com/golang/snappy\\.",
      "^github\\.com/pierrec/lz4",
      "^github\\.com/DataDog/zstd\\.",
      "^github\\.com/andybalholm/brotli\\.",
    ],
  },
  {
    id: "cgo",
    label: "cgo",
    patterns: ["(^|\\.)_Cfunc_", "(^|\\.)_cgo_", "^runtime\\.(cgocall|cgocallback|asmcgocall)$"],
  },
];

/** Allocator internals whose presence in the in-use heap points at fragmentation or allocator overhead. */
export const ALLOCATOR_INTERNALS =
  "^runtime\\.(mallocgc|\\(\\*mcache\\)\\.\\w+|\\(\\*mspan\\)\\.\\w+|\\(\\*mheap\\)\\.\\w+)$";

/** What the repository scan looks for, per code category. */
export interface CodePattern {
  category: "SQLite" | "Compression";
  pattern: string;
  explanation: string;
}

/** Source patterns (Go RE2, matched per line of .go files). */
export const CODE_PATTERNS: readonly CodePattern[] = [
  {
    category: "SQLite",
    pattern: "temp_store\\s*=\\s*['\"]?MEMORY['\"]?",
    explanation: "SQLite keeps temporary tables and indices in memory (C memory, outside the Go heap)",
  },
  {
    category: "SQLite",
    pattern: "PRAGMA\\s+temp_store\\s*=\\s*2",
    explanation: "temp_store=2 is MEMORY: temporary storage in C memory, outside the Go heap",
  },
  { category: "SQLite", pattern: "temp_store=memory", explanation: "temp_store set to memory in a DSN" },
  { category: "SQLite", pattern: "_pragma=temp_store", explanation: "temp_store set through a DSN pragma" },
  {
    category: "Compression",
    pattern: "zstd\\.NewWriter\\(",
    explanation: "each zstd encoder keeps its window and tables; reuse encoders (Reset) instead of making one per use",
  },
  {
    category: "Compression",
    pattern: "zstd\\.NewReader\\(",
    explanation: "each zstd decoder keeps buffers and goroutines until Close; reuse decoders",
  },
  {
    category: "Compression",
    pattern: "gzip\\.NewWriter(Level)?\\(",
    explanation: "each gzip.Writer allocates about 800 KiB of compressor state; reuse writers with Reset",
  },
  {
    category: "Compression",
    pattern: "(flate|zlib)\\.NewWriter(Level|Dict)?\\(",
    explanation: "each flate/zlib writer allocates about 800 KiB of compressor state; reuse writers with Reset",
  },
];

/** Which code category a suspicion is confirmed by. */
export const CODE_CATEGORY_OF: Readonly<Record<string, CodePattern["category"]>> = {
  "SQLite Off-Heap Memory": "SQLite",
  "libc Memory Allocation": "SQLite",
  "Compression Buffers": "Compression",
};
