/**
 * The overhead categories `pprof.overhead_report` (and `pprof.explain_overhead`) know: observability and
 * infrastructure code found by function-name and file-name patterns (Go RE2), for Go and Node.js profiles.
 * Order matters: a frame belongs to the first category with a matching pattern.
 *
 * @module
 */

/** One overhead category. */
export interface OverheadCategory {
  /** Exact category name (the original tool's names are kept for the categories it had). */
  name: string;
  /** What the category's code does, in one line. */
  description: string;
  /** RE2 patterns matched against function names. */
  functions: string[];
  /** RE2 patterns matched against source file names (Node.js packages live in node_modules paths). */
  files: string[];
  /** What usually helps when the category is large. */
  suggestion: string;
  /** Observability (logging, tracing, metrics, profiling) as opposed to other infrastructure. */
  observability: boolean;
}

/** Every category, in matching order (more specific patterns before generic ones). */
export const OVERHEAD_CATEGORIES: OverheadCategory[] = [
  {
    name: "Runtime/GC",
    description: "Memory allocation and garbage collection (Go runtime, V8)",
    functions: [
      "^runtime\\.(?:mallocgc|newobject|newarray|makeslice|makeslicecopy|growslice|makemap|makemap_small|" +
      "rawstring|rawbyteslice|rawstringtmp|mallocgcTiny|mallocgcSmall|mallocgcLarge)$",
      "^runtime\\.(?:gcBgMarkWorker|gcDrain|gcDrainN|gcAssistAlloc|gcAssistAlloc1|scanobject|scanblock|scanstack|" +
      "scanframeworker|greyobject|markroot|markrootBlock|markrootSpans|gcMarkDone|gcMarkTermination|gcStart|" +
      "bgsweep|bgscavenge|sweepone|gcWriteBarrier|wbBufFlush|wbBufFlush1|bulkBarrierPreWrite|findObject|" +
      "heapBitsSetType|gcFlushBgCredit|gcmarknewobject)(?:\\.|$)",
      "^runtime\\.\\(\\*(?:mcache|mcentral|mheap|gcWork|gcControllerState|sweepLocked|pageAlloc|scavengerState)\\)",
      "^Garbage Collection$",
      "^\\(garbage collector\\)$",
    ],
    files: [],
    suggestion: "Allocate less on hot paths (reuse buffers with sync.Pool, pre-size slices and maps, avoid " +
      "boxing into interfaces); pprof.alloc_paths on a heap profile shows who allocates. Raising GOGC (or " +
      "GOMEMLIMIT) trades memory for less GC CPU.",
    observability: false,
  },
  {
    name: "OpenTelemetry Metrics",
    description: "OpenTelemetry metric instruments and readers",
    functions: ["go\\.opentelemetry\\.io/otel/(?:sdk/)?metric"],
    files: ["node_modules/@opentelemetry/sdk-metrics/"],
    suggestion: "Cache instruments and attribute sets instead of building them per call; keep attribute " +
      "cardinality low and use a longer export interval.",
    observability: true,
  },
  {
    name: "OpenTelemetry Tracing",
    description: "OpenTelemetry spans, context propagation, span processors and exporters",
    functions: ["go\\.opentelemetry\\.io/", "opentelemetry"],
    files: ["node_modules/@opentelemetry/"],
    suggestion: "Sample fewer traces (parent-based ratio sampling), record fewer attributes and events per " +
      "span, batch exports, and avoid spans around tiny operations.",
    observability: true,
  },
  {
    name: "Datadog Tracing",
    description: "Datadog APM tracer: spans, sampling, encoding and flushing",
    functions: ["gopkg\\.in/DataDog/dd-trace-go", "github\\.com/DataDog/dd-trace-go"],
    files: ["node_modules/dd-trace/"],
    suggestion: "Lower the sampling rate, disable integrations you do not need, and drop tags built per span.",
    observability: true,
  },
  {
    name: "Profiling Agent",
    description: "The profiler itself: stack collection, labels/contexts and encoding",
    functions: [
      "^runtime/pprof\\.",
      "github\\.com/grafana/pyroscope-go",
      "github\\.com/DataDog/dd-trace-go/.*/profiler",
    ],
    files: ["node_modules/@datadog/pprof/", "node_modules/pprof-format/", "node_modules/@pyroscope/"],
    suggestion: "Usually small; if large, profile less often or drop per-request label/context updates.",
    observability: true,
  },
  {
    name: "Tracing (in-house)",
    description: "The program's own tracer or span types",
    functions: ["\\.\\(\\*?(?:tracer|Tracer|[a-z]+Tracer)\\)\\.", "\\.\\(\\*?(?:span|Span|[a-z]+Span)\\)\\."],
    files: [],
    suggestion: "Sample requests instead of tracing all of them, export in batches off the request path, and " +
      "build span attributes only for sampled spans.",
    observability: true,
  },
  {
    name: "Logging (zap)",
    description: "go.uber.org/zap: entries, field encoding, writing",
    functions: ["go\\.uber\\.org/zap", "zapcore"],
    files: [],
    suggestion: "Raise the level on hot paths, check `logger.Core().Enabled` (or use `Check`) before building " +
      "fields, prefer typed fields over zap.Any/Reflect, and sample repetitive entries.",
    observability: true,
  },
  {
    name: "Logging (logrus)",
    description: "github.com/sirupsen/logrus: entries, formatters, hooks",
    functions: ["github\\.com/sirupsen/logrus"],
    files: [],
    suggestion: "logrus formats with reflection and locks per entry: log less on hot paths, or move to a " +
      "zero-allocation logger (zap, zerolog, slog with a JSON handler).",
    observability: true,
  },
  {
    name: "Logging (zerolog)",
    description: "github.com/rs/zerolog: events and JSON encoding",
    functions: ["github\\.com/rs/zerolog"],
    files: [],
    suggestion: "Check the level before building events (`Enabled()`), avoid Interface() fields, sample.",
    observability: true,
  },
  {
    name: "Logging (slog/log)",
    description: "The Go standard library's log and log/slog",
    functions: ["^log/slog\\.", "^log\\."],
    files: [],
    suggestion: "Use slog with a level check (`Enabled`) and LogAttrs on hot paths; log less per request.",
    observability: true,
  },
  {
    name: "Logging (pino)",
    description: "pino and its writers (sonic-boom, thread-stream, serializers)",
    functions: [],
    files: [
      "node_modules/pino/",
      "node_modules/pino-[\\w-]+/",
      "node_modules/sonic-boom/",
      "node_modules/thread-stream/",
      "node_modules/fast-redact/",
      "node_modules/quick-format-unescaped/",
    ],
    suggestion: "Log fewer entries per request (raise the level), log small objects instead of whole requests " +
      "(or use serializers that pick fields), avoid redaction paths on hot entries, and write asynchronously " +
      "(pino.destination({sync: false}) or a transport worker).",
    observability: true,
  },
  {
    name: "Logging (winston)",
    description: "winston and its formats and transports",
    functions: [],
    files: ["node_modules/winston/", "node_modules/logform/", "node_modules/winston-transport/"],
    suggestion: "winston's format pipeline runs per entry: log less, simplify formats (no colorize/prettyPrint " +
      "in production), or move hot paths to pino.",
    observability: true,
  },
  {
    name: "Logging (in-house)",
    description: "The program's own logger types, and console output in Node.js",
    functions: ["\\.\\(\\*?(?:logger|Logger|[a-z]+Logger)\\)\\."],
    files: ["^node:internal/console/"],
    suggestion: "Log less on the request path, check the level before formatting, and encode entries without " +
      "reflection.",
    observability: true,
  },
  {
    name: "Prometheus Metrics",
    description: "Prometheus client: label lookups, observations, collection",
    functions: ["github\\.com/prometheus/", "prometheus/client_golang"],
    files: ["node_modules/prom-client/"],
    suggestion: "Resolve metric children once (keep the result of WithLabelValues) instead of per call, keep " +
      "label cardinality low (no ids or SKUs as labels), and scrape less often.",
    observability: true,
  },
  {
    name: "Metrics (other)",
    description: "StatsD/DogStatsD and other metric clients",
    functions: ["github\\.com/DataDog/datadog-go", "github\\.com/rcrowley/go-metrics", "github\\.com/armon/go-metrics"],
    files: ["node_modules/hot-shots/", "node_modules/node-statsd/", "node_modules/@datadog/datadog-metrics/"],
    suggestion: "Aggregate client-side, send in batches, and keep tag cardinality low.",
    observability: true,
  },
  {
    name: "Metrics (in-house)",
    description: "The program's own histogram, counter and gauge types",
    functions: [
      "\\.\\(\\*?(?:histogram|Histogram|[a-z]+Histogram|summary|Summary|gauge|Gauge|[a-z]+Gauge)\\)\\.",
      "\\.\\(\\*?(?:counter|Counter|[a-z]+Counter|metrics|Metrics|[a-z]+Metrics|meter|Meter)\\)\\.",
    ],
    files: [],
    suggestion: "Record into fixed buckets or a streaming sketch instead of copying and sorting windows, and " +
      "compute percentiles off the request path.",
    observability: true,
  },
  {
    name: "gRPC Framework",
    description: "gRPC transport, codecs and interceptors",
    functions: ["google\\.golang\\.org/grpc", "grpc-ecosystem"],
    files: ["node_modules/@grpc/"],
    suggestion: "Usually unavoidable; look at the interceptors you added, message sizes and connection reuse, " +
      "then at your handlers.",
    observability: false,
  },
  {
    name: "Protobuf Serialization",
    description: "Protocol Buffers marshalling, including the JSON mapping (protojson)",
    functions: ["google\\.golang\\.org/protobuf", "github\\.com/golang/protobuf", "github\\.com/gogo/protobuf"],
    files: ["node_modules/protobufjs/", "node_modules/google-protobuf/", "node_modules/@bufbuild/protobuf/"],
    suggestion: "Use the binary encoding instead of protojson on hot paths, reuse messages, and avoid Any; " +
      "generated fast-path code (vtprotobuf) helps further.",
    observability: false,
  },
  {
    name: "JSON Serialization",
    description: "JSON encoding and decoding",
    functions: [
      "^encoding/json\\.",
      "github\\.com/json-iterator/",
      "github\\.com/goccy/go-json",
      "github\\.com/bytedance/sonic",
      "github\\.com/mailru/easyjson",
      "^JSON\\.(?:parse|stringify)$",
    ],
    files: [
      "node_modules/safe-stable-stringify/",
      "node_modules/fast-json-stringify/",
      "node_modules/fast-safe-stringify/",
      "node_modules/json-stringify-safe/",
      "node_modules/secure-json-parse/",
      "node_modules/json-bigint/",
    ],
    suggestion: "Encode less (smaller payloads, fewer re-encodings), use a faster codec or generated code " +
      "(easyjson, fast-json-stringify with a schema), and avoid sorting keys or cycle checks on hot paths.",
    observability: false,
  },
  {
    name: "Regular Expressions",
    description: "Regular expression matching and compilation",
    functions: ["^regexp\\.", "^regexp/syntax\\.", "^RegExp: ", "^RegExp\\.prototype\\."],
    files: [],
    suggestion: "Compile patterns once, prefer plain string operations (strings.Contains, indexOf) for fixed " +
      "text, anchor patterns, avoid nested quantifiers, and run several replacements as one pass.",
    observability: false,
  },
  {
    name: "HTTP Framework",
    description: "HTTP servers, clients and routers",
    functions: [
      "^net/http\\.",
      "golang\\.org/x/net/http2",
      "github\\.com/gin-gonic/gin",
      "github\\.com/labstack/echo",
      "github\\.com/gofiber/",
      "github\\.com/valyala/fasthttp",
      "github\\.com/go-chi/chi",
      "github\\.com/gorilla/mux",
    ],
    files: [
      "^node:_http_",
      "^node:internal/http",
      "node_modules/express/",
      "node_modules/fastify/",
      "node_modules/koa/",
      "node_modules/undici/",
    ],
    suggestion: "Reuse connections (keep-alive, one client), avoid middleware that reads whole bodies, and look " +
      "at your handlers first.",
    observability: false,
  },
  {
    name: "Context Operations",
    description: "context.Context creation and lookups",
    functions: [
      "^context\\.(?:WithValue|WithCancel|WithDeadline|WithTimeout|WithCancelCause|propagateCancel)",
      "^context\\.\\(\\*(?:valueCtx|cancelCtx|timerCtx)\\)",
      "^context\\.value$",
    ],
    files: [],
    suggestion: "Store one struct in the context instead of many WithValue layers, and avoid deadlines per " +
      "tiny call.",
    observability: false,
  },
  {
    name: "Compression",
    description: "Compression and decompression",
    functions: [
      "^compress/",
      "github\\.com/klauspost/compress",
      "github\\.com/golang/snappy",
      "github\\.com/pierrec/lz4",
    ],
    files: ["^node:zlib", "^node:internal/zlib"],
    suggestion: "Lower the compression level, reuse encoders (they are expensive to create), and skip " +
      "compressing small or already compressed payloads.",
    observability: false,
  },
  {
    name: "Crypto/TLS",
    description: "Hashing, encryption and TLS",
    functions: ["^crypto/", "golang\\.org/x/crypto"],
    files: ["^node:crypto", "^node:internal/crypto/", "^node:_tls_", "^node:internal/tls"],
    suggestion: "Reuse TLS connections and sessions, hash less data, and prefer hardware-accelerated ciphers " +
      "(AES-GCM) and faster hashes where security allows.",
    observability: false,
  },
];
