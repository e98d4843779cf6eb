/**
 * Explanations of the overhead categories and of a few functions, for `pprof.explain_overhead`: why the code
 * costs what it does, what usually causes it, and strategies with their expected impact and effort. Every
 * category of `overhead_categories.ts` has one.
 *
 * @module
 */

/** A way to reduce a category's cost. */
export interface Strategy {
  strategy: string;
  expected_impact: string;
  effort: "low" | "medium" | "high";
  description: string;
}

/** The explanation of a category. */
export interface CategoryExplanation {
  brief: string;
  standard: string;
  detailed?: string;
  common_causes: string[];
  strategies: Strategy[];
}

/** The explanation of one function. */
export interface FunctionExplanation {
  category: string;
  explanation: string;
  why_expensive: string;
}

/** Explanations by category name (the names of `OVERHEAD_CATEGORIES`). */
export const CATEGORY_EXPLANATIONS: Record<string, CategoryExplanation> = {
  "Runtime/GC": {
    brief: "Time spent allocating memory and collecting garbage.",
    standard: "Allocation cost grows with the number of allocations; collection cost with the allocation rate, " +
      "the size of the live heap and how many pointers it holds. GC work runs in background workers and, when " +
      "allocation outpaces them, in the allocating goroutines themselves (assists).",
    common_causes: [
      "handlers that allocate per request (temporary slices, maps, strings, boxed interface values)",
      "pointer-heavy data structures that the collector must scan",
      "large temporary buffers or slices grown by append without a size hint",
    ],
    strategies: [
      {
        strategy: "Reuse objects with sync.Pool",
        expected_impact: "20-50% less GC time for pooled types",
        effort: "low",
        description: "Pool buffers and scratch structs on hot paths; reset them before reuse.",
      },
      {
        strategy: "Pre-size slices and maps",
        expected_impact: "fewer grow-and-copy allocations",
        effort: "low",
        description: "make([]T, 0, n) and make(map[K]V, n) when the size is known.",
      },
      {
        strategy: "Tune GOGC or set GOMEMLIMIT",
        expected_impact: "less GC CPU for more memory",
        effort: "low",
        description: "GOGC=200 halves collection frequency; GOMEMLIMIT caps the heap instead.",
      },
    ],
  },
  "OpenTelemetry Metrics": {
    brief: "Recording and exporting OpenTelemetry metrics.",
    standard: "Each measurement looks up the instrument's aggregation for its attribute set; building " +
      "attribute sets per call allocates and hashes, and many distinct sets multiply the aggregations kept.",
    common_causes: ["attribute sets built per call", "high-cardinality attributes", "short export intervals"],
    strategies: [
      {
        strategy: "Precompute attribute sets",
        expected_impact: "most of the per-call cost",
        effort: "low",
        description: "Build attribute.NewSet once and pass it with WithAttributeSet.",
      },
      {
        strategy: "Bound cardinality",
        expected_impact: "less memory and export work",
        effort: "medium",
        description: "Drop ids and free text from attributes; use views to filter them.",
      },
    ],
  },
  "OpenTelemetry Tracing": {
    brief: "Creating, recording and exporting OpenTelemetry spans.",
    standard: "Every span allocates, generates ids, copies its attributes and events, and is handed to a span " +
      "processor; exporters then encode batches (often as protobuf or JSON). With every request sampled, the " +
      "cost is paid per operation.",
    common_causes: [
      "sampling 100% of traffic",
      "spans around tiny operations",
      "many attributes or events per span",
      "a synchronous (simple) span processor on the request path",
    ],
    strategies: [
      {
        strategy: "Sample",
        expected_impact: "cost roughly proportional to the sampled fraction",
        effort: "low",
        description: "ParentBased(TraceIDRatioBased(0.1)) keeps whole traces for a fraction of requests.",
      },
      {
        strategy: "Fewer spans and attributes",
        expected_impact: "less allocation and export work",
        effort: "medium",
        description: "Trace boundaries (RPCs, queries), not helpers; set attributes only if span.IsRecording().",
      },
      {
        strategy: "Batch export off the request path",
        expected_impact: "removes export latency from requests",
        effort: "low",
        description: "Use the batch span processor with a bounded queue.",
      },
    ],
  },
  "Datadog Tracing": {
    brief: "The Datadog tracer creating, sampling and flushing spans.",
    standard: "Spans carry tags and metrics maps that are filled per span; the tracer encodes them with " +
      "msgpack when flushing. Automatic integrations add spans you may not need.",
    common_causes: ["integrations on chatty libraries", "tags computed per span", "no sampling rules"],
    strategies: [
      {
        strategy: "Sampling rules",
        expected_impact: "fewer spans kept and sent",
        effort: "low",
        description: "Set DD_TRACE_SAMPLE_RATE or per-service sampling rules.",
      },
      {
        strategy: "Disable unneeded integrations",
        expected_impact: "fewer spans created",
        effort: "low",
        description: "Turn off integrations for in-memory caches and hot helpers.",
      },
    ],
  },
  "Profiling Agent": {
    brief: "The profiler's own work: collecting stacks, setting labels, encoding profiles.",
    standard: "Sampling profilers cost little per sample; what adds up is per-request label or context " +
      "updates and, at upload time, encoding and compressing the profile.",
    common_causes: ["labels set on every tiny operation", "very high sampling rates"],
    strategies: [{
      strategy: "Set labels at request boundaries only",
      expected_impact: "most of the profiler's per-request cost",
      effort: "low",
      description: "One pprof.Do / setContext per request instead of per step.",
    }],
  },
  "Tracing (in-house)": {
    brief: "The program's own tracing code.",
    standard: "Home-grown tracers often generate ids from crypto/rand, format timestamps as strings, keep " +
      "attribute maps and encode finished spans synchronously, all per request.",
    common_causes: ["every request traced", "JSON export on the request path", "crypto/rand ids"],
    strategies: [
      {
        strategy: "Sample and export asynchronously",
        expected_impact: "cost proportional to the sampled fraction",
        effort: "medium",
        description: "Decide once per request whether to trace; export from a background goroutine.",
      },
      {
        strategy: "Cheaper ids and timestamps",
        expected_impact: "less CPU per span",
        effort: "low",
        description: "Use a fast PRNG for span ids and keep times as integers until export.",
      },
    ],
  },
  "Logging (zap)": {
    brief: "Encoding and writing zap log entries.",
    standard: "zap is cheap per typed field, but every written entry is encoded to JSON, timestamped and " +
      "written under a lock; zap.Any and reflected fields fall back to encoding/json.",
    common_causes: ["info-level logs on every request", "zap.Any/Reflect fields with structs", "no sampling"],
    strategies: [
      {
        strategy: "Log less on hot paths",
        expected_impact: "proportional to entries removed",
        effort: "low",
        description: "Move per-request entries to debug, or sample them (zap sampler).",
      },
      {
        strategy: "Typed fields",
        expected_impact: "removes reflection from encoding",
        effort: "low",
        description: "zap.String/Int/Object instead of zap.Any with structs.",
      },
    ],
  },
  "Logging (logrus)": {
    brief: "Formatting and writing logrus entries.",
    standard: "logrus copies its field map per WithFields call, formats entries with reflection and takes a " +
      "mutex per write.",
    common_causes: ["WithFields on every request", "text formatter with colors", "many hooks"],
    strategies: [{
      strategy: "Move hot paths to a structured zero-allocation logger",
      expected_impact: "several times faster logging",
      effort: "medium",
      description: "zap, zerolog or slog with a JSON handler; keep logrus elsewhere.",
    }],
  },
  "Logging (zerolog)": {
    brief: "Building and writing zerolog events.",
    standard: "zerolog appends JSON directly and is cheap per field; cost comes from the number of events and " +
      "Interface()/Fields() calls that use reflection.",
    common_causes: ["events on every request", "Interface fields"],
    strategies: [{
      strategy: "Level checks and typed fields",
      expected_impact: "proportional to events avoided",
      effort: "low",
      description: "Check logger.Debug().Enabled() before expensive fields; avoid Interface().",
    }],
  },
  "Logging (slog/log)": {
    brief: "The standard library's log and log/slog.",
    standard: "log formats with fmt and writes under a mutex; slog handlers format attributes per record, and " +
      "Any values go through reflection.",
    common_causes: ["log.Printf on hot paths", "slog.Any with structs", "text handlers"],
    strategies: [{
      strategy: "slog with LogAttrs and a level check",
      expected_impact: "fewer allocations per record",
      effort: "low",
      description: "logger.Enabled(ctx, level) before building attributes; typed slog.String/Int.",
    }],
  },
  "Logging (pino)": {
    brief: "pino serializing and writing log lines.",
    standard: "pino is fast per line, but each logged object is serialized with JSON.stringify (plus " +
      "serializers and redaction), and synchronous destinations write on the event loop.",
    common_causes: [
      "logging whole request or response objects",
      "several entries per request at info level",
      "redaction paths",
      "sync: true destinations",
    ],
    strategies: [
      {
        strategy: "Log less, and smaller objects",
        expected_impact: "proportional to bytes serialized",
        effort: "low",
        description: "Use serializers that pick fields; move per-step entries to debug.",
      },
      {
        strategy: "Asynchronous writing",
        expected_impact: "removes write time from the event loop",
        effort: "low",
        description: "pino.destination({ sync: false }) or a transport running in a worker thread.",
      },
    ],
  },
  "Logging (winston)": {
    brief: "winston formatting and transporting log entries.",
    standard: "Each entry goes through a chain of format transforms (often cloning the info object) and every " +
      "transport.",
    common_causes: ["prettyPrint/colorize in production", "splat formatting", "many transports"],
    strategies: [{
      strategy: "Simplify formats, or pino for hot paths",
      expected_impact: "several times cheaper entries",
      effort: "medium",
      description: "format.json() only; fewer transports; pino where volume is high.",
    }],
  },
  "Logging (in-house)": {
    brief: "The program's own logger code (and console output in Node.js).",
    standard: "Home-grown loggers often build maps per entry, format timestamps and marshal with reflection " +
      "(encoding/json), then write synchronously.",
    common_causes: ["map-based fields", "encoding/json per entry", "console.log on hot paths"],
    strategies: [
      {
        strategy: "Use a structured logging library",
        expected_impact: "several times cheaper entries",
        effort: "medium",
        description: "zap/zerolog/slog in Go, pino in Node.js.",
      },
      {
        strategy: "Log less per request",
        expected_impact: "proportional to entries removed",
        effort: "low",
        description: "One entry per request at info; details at debug.",
      },
    ],
  },
  "Prometheus Metrics": {
    brief: "Prometheus client label lookups and observations.",
    standard: "WithLabelValues hashes the label values and looks the child metric up under a lock on every " +
      "call; histograms then search their buckets. High-cardinality labels multiply children and memory.",
    common_causes: ["WithLabelValues per request", "ids, SKUs or paths as label values", "many histograms"],
    strategies: [
      {
        strategy: "Keep child metrics",
        expected_impact: "removes hashing and lookups from the hot path",
        effort: "low",
        description: "Resolve vec.WithLabelValues(...) once per label combination and store it.",
      },
      {
        strategy: "Bound label cardinality",
        expected_impact: "less CPU and memory",
        effort: "medium",
        description: "Use route templates, not raw paths; never ids as labels.",
      },
    ],
  },
  "Metrics (other)": {
    brief: "StatsD, DogStatsD and other metric clients.",
    standard: "Clients format a datagram per metric and send it, or aggregate in maps keyed by name and tags.",
    common_causes: ["a metric call per item in loops", "high-cardinality tags"],
    strategies: [{
      strategy: "Client-side aggregation and batching",
      expected_impact: "fewer formats and sends",
      effort: "low",
      description: "Enable aggregation/buffering in the client; count in loops, send once.",
    }],
  },
  "Metrics (in-house)": {
    brief: "The program's own histogram, counter and gauge code.",
    standard: "Home-grown histograms often keep raw windows and sort copies of them to compute percentiles, " +
      "under a mutex, on the request path.",
    common_causes: ["sorting windows per read", "mutex-protected updates from every request"],
    strategies: [{
      strategy: "Fixed buckets or streaming sketches",
      expected_impact: "constant cost per observation",
      effort: "medium",
      description: "Bucketed histograms or t-digest/HDR; compute percentiles off the request path.",
    }],
  },
  "gRPC Framework": {
    brief: "gRPC transport, framing, codecs and interceptors.",
    standard: "Per call gRPC encodes and decodes messages, manages HTTP/2 streams and runs interceptors " +
      "(logging, metrics, tracing interceptors add their own categories).",
    common_causes: ["large messages", "compression on small messages", "heavy interceptors"],
    strategies: [{
      strategy: "Look at messages and interceptors",
      expected_impact: "varies",
      effort: "medium",
      description: "Smaller messages, no compression below a few KB, cheaper interceptors; the rest is " +
        "usually the cost of doing RPCs.",
    }],
  },
  "Protobuf Serialization": {
    brief: "Encoding and decoding Protocol Buffers messages, including the JSON mapping.",
    standard: "The binary encoding is fast; protojson walks messages through reflection, converts field names " +
      "and formats numbers as text. Cost also comes from allocating a message per decode, resolving Any types " +
      "through the registry, and validating UTF-8 strings.",
    detailed: "protojson is typically 5-10x slower than binary Marshal and allocates per field. Any wrappers " +
      "add a registry lookup and a reflective instantiation per message. Decoding allocates the message tree; " +
      "reusing messages (proto.Reset) avoids that.",
    common_causes: [
      "JSON (protojson) instead of the binary format on internal paths",
      "many Any wrappers",
      "a new message per decode",
      "very large messages",
    ],
    strategies: [
      {
        strategy: "Switch to the binary encoding",
        expected_impact: "5-10x faster encoding",
        effort: "medium",
        description: "proto.Marshal/Unmarshal between services and in storage; JSON only at external edges.",
      },
      {
        strategy: "Reuse messages",
        expected_impact: "2-3x fewer allocations",
        effort: "low",
        description: "Keep messages in a sync.Pool and proto.Reset them before reuse.",
      },
      {
        strategy: "Avoid Any",
        expected_impact: "removes registry lookups",
        effort: "high",
        description: "Use concrete types or oneof fields.",
      },
    ],
  },
  "JSON Serialization": {
    brief: "Encoding and decoding JSON.",
    standard: "Go's encoding/json works through reflection and allocates per value (maps are sorted by key on " +
      "encode); in Node.js JSON.stringify/parse are native but proportional to payload size, and " +
      "libraries that sort keys or detect cycles cost more.",
    common_causes: [
      "encoding the same data several times",
      "map[string]any instead of structs",
      "large payloads",
      "stable (sorted) stringification",
    ],
    strategies: [
      {
        strategy: "Generated or faster codecs",
        expected_impact: "2-5x faster",
        effort: "medium",
        description: "easyjson/goccy/sonic in Go; fast-json-stringify with a schema in Node.js.",
      },
      {
        strategy: "Encode once",
        expected_impact: "proportional to duplicates",
        effort: "low",
        description: "Cache encoded bytes of unchanging data; avoid re-encoding for logs.",
      },
    ],
  },
  "Regular Expressions": {
    brief: "Matching (and compiling) regular expressions.",
    standard: "Go's regexp engine guarantees linear time but is slower than string functions; compiling a " +
      "pattern is far more expensive than matching it. V8's irregexp backtracks, so nested quantifiers can " +
      "make matching super-linear.",
    common_causes: [
      "patterns compiled per call",
      "regexps for fixed substrings",
      "several passes over the same text",
      "nested quantifiers",
    ],
    strategies: [
      {
        strategy: "Compile once",
        expected_impact: "removes compilation entirely",
        effort: "low",
        description: "Package-level regexp.MustCompile; module-level RegExp literals.",
      },
      {
        strategy: "Plain string operations",
        expected_impact: "several times faster for fixed text",
        effort: "low",
        description: "strings.Contains/HasPrefix, indexOf/startsWith.",
      },
      {
        strategy: "One pass",
        expected_impact: "proportional to passes removed",
        effort: "medium",
        description: "Combine replacements into one alternation with a replacer function.",
      },
    ],
  },
  "HTTP Framework": {
    brief: "HTTP server and client machinery.",
    standard: "Parsing requests, managing connections and headers, routing and middleware; most of a " +
      "service's time usually sits below this in its handlers.",
    common_causes: ["no connection reuse in clients", "middleware reading whole bodies", "TLS handshakes"],
    strategies: [{
      strategy: "Reuse connections",
      expected_impact: "removes dial and handshake cost",
      effort: "low",
      description: "One shared http.Client / keep-alive agent; close response bodies.",
    }],
  },
  "Context Operations": {
    brief: "Creating and searching context.Context values.",
    standard: "WithValue adds a layer that Value searches linearly; WithCancel/WithTimeout allocate and " +
      "register with their parent (and timers).",
    common_causes: ["many WithValue layers", "a timeout per tiny call"],
    strategies: [{
      strategy: "One value struct",
      expected_impact: "constant-time lookups",
      effort: "low",
      description: "Store one struct under one key instead of many WithValue layers.",
    }],
  },
  Compression: {
    brief: "Compressing and decompressing data.",
    standard: "Compression is CPU-heavy by nature; creating encoders is expensive too (tables of about 1 MB " +
      "for flate).",
    common_causes: ["a new encoder per call", "high levels", "compressing small or already compressed data"],
    strategies: [
      {
        strategy: "Reuse encoders",
        expected_impact: "removes setup cost",
        effort: "low",
        description: "sync.Pool of gzip.Writer with Reset.",
      },
      {
        strategy: "Lower the level",
        expected_impact: "2-4x faster, slightly larger output",
        effort: "low",
        description: "BestSpeed / SpeedFastest.",
      },
    ],
  },
  "Crypto/TLS": {
    brief: "Hashing, encryption, random numbers and TLS handshakes.",
    standard: "Handshakes (asymmetric crypto) are expensive; bulk encryption and hashing are proportional to " +
      "bytes; crypto/rand reads go to the kernel.",
    common_causes: [
      "no connection or session reuse",
      "hashing large payloads per request",
      "crypto/rand for non-secret ids",
    ],
    strategies: [
      {
        strategy: "Reuse TLS connections and sessions",
        expected_impact: "removes handshakes",
        effort: "low",
        description: "Keep-alive and session tickets.",
      },
      {
        strategy: "Cheaper randomness where security allows",
        expected_impact: "less syscall time",
        effort: "low",
        description: "math/rand/v2 for trace ids and similar non-secret values.",
      },
    ],
  },
};

/** Explanations of single functions. */
export const FUNCTION_EXPLANATIONS: Record<string, FunctionExplanation> = {
  "protojson.decoder.unmarshalAny": {
    category: "Protobuf Serialization",
    explanation: "Decoding an Any from JSON parses its @type URL, looks the type up in the registry, creates " +
      "the message through reflection and decodes it recursively.",
    why_expensive: "registry lookup plus reflective instantiation for every Any value",
  },
  "runtime.mallocgc": {
    category: "Runtime/GC",
    explanation: "The Go allocator: every heap allocation goes through it, and when the collector is behind it " +
      "makes the allocating goroutine assist with marking.",
    why_expensive: "called once per allocation; assists add GC work to the caller",
  },
  "runtime.gcBgMarkWorker": {
    category: "Runtime/GC",
    explanation: "The background garbage-collector mark worker, scanning the live heap.",
    why_expensive: "work proportional to the live heap's pointers, repeated every cycle",
  },
  "encoding/json.Marshal": {
    category: "JSON Serialization",
    explanation: "Encodes a value by reflecting over its type (encoders are cached per type) and writing into " +
      "a buffer; maps are sorted by key.",
    why_expensive: "reflection per value, allocation of the output, key sorting for maps",
  },
  "regexp.MustCompile": {
    category: "Regular Expressions",
    explanation: "Parses and compiles a pattern into a program; meant to run once.",
    why_expensive: "parsing and compilation on every call when used on a hot path",
  },
};
