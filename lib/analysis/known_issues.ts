/**
 * Known performance issues of libraries, for `pprof.vendor_analyze`: per package (a Go package or module
 * path, or an npm package), function-name patterns (Go RE2) that point at a known costly use, and what to do.
 *
 * @module
 */

/** One known issue. */
export interface KnownIssue {
  /** RE2 pattern matched against the hot functions' names. */
  pattern: string;
  severity: "high" | "medium" | "low";
  issue: string;
  recommendation: string;
}

/** The issues of one package. */
export interface KnownPackage {
  /** Go package or module path (matches that package and the packages under it), or npm package name. */
  package: string;
  ecosystem: "go" | "npm";
  repo_url?: string;
  issues: KnownIssue[];
}

/** The known issues, by package. */
export const KNOWN_ISSUES: KnownPackage[] = [
  {
    package: "google.golang.org/protobuf",
    ecosystem: "go",
    repo_url: "https://github.com/protocolbuffers/protobuf-go",
    issues: [
      {
        pattern: "protojson",
        severity: "high",
        issue: "protojson walks every message through reflection and formats text; it is several times slower " +
          "than the binary encoding and allocates per field",
        recommendation: "Use proto.Marshal/proto.Unmarshal (binary) on hot paths; keep JSON for the edges that " +
          "need it (pprof.suggest_fix with issue protojson_overhead drafts the change)",
      },
      {
        pattern: "anypb\\.|UnmarshalTo|\\.unmarshalAny",
        severity: "medium",
        issue: "Any payloads need a registry lookup and a reflective instantiation per message",
        recommendation: "Prefer concrete message types or a oneof; cache resolved types",
      },
      {
        pattern: "protobuf/internal/impl\\.\\(\\*MessageInfo\\)\\.(?:init|initOnce)|protoregistry",
        severity: "low",
        issue: "message type initialisation or registry lookups on the hot path",
        recommendation: "Reuse messages and avoid dynamic type lookups per request",
      },
    ],
  },
  {
    package: "github.com/golang/protobuf",
    ecosystem: "go",
    issues: [{
      pattern: "jsonpb",
      severity: "high",
      issue: "jsonpb (deprecated) is reflection-based JSON for protobuf messages",
      recommendation: "Move to google.golang.org/protobuf and its binary encoding on hot paths",
    }],
  },
  {
    package: "encoding/json",
    ecosystem: "go",
    issues: [
      {
        pattern: "Unmarshal|Decode|\\(\\*decodeState\\)",
        severity: "medium",
        issue: "encoding/json decodes through reflection and allocates per value",
        recommendation: "Decode into concrete structs (not map[string]any), reuse decoders, or use a generated " +
          "or faster codec (easyjson, goccy/go-json, sonic) on hot paths",
      },
      {
        pattern: "Marshal|Encode|\\(\\*encodeState\\)|mapEncoder",
        severity: "medium",
        issue: "encoding/json encodes through reflection; maps are sorted by key on every call",
        recommendation: "Encode structs rather than maps, encode once and reuse the bytes, or use a generated " +
          "encoder",
      },
    ],
  },
  {
    package: "github.com/klauspost/compress",
    ecosystem: "go",
    issues: [
      {
        pattern: "zstd\\..*(?:Encode|Decode)",
        severity: "low",
        issue: "compression is CPU-heavy by nature",
        recommendation: "Lower the level (SpeedFastest), and reuse encoders and decoders",
      },
      {
        pattern: "zstd\\.(?:NewWriter|NewReader)|flate\\.NewWriter|gzip\\.NewWriter",
        severity: "medium",
        issue: "creating an encoder or decoder allocates its tables: expensive per call",
        recommendation: "Create encoders once and reuse them (Reset, sync.Pool)",
      },
    ],
  },
  {
    package: "compress/flate",
    ecosystem: "go",
    issues: [{
      pattern: "NewWriter|\\(\\*compressor\\)\\.init",
      severity: "medium",
      issue: "a new flate writer allocates about 1 MB of tables",
      recommendation: "Reuse writers with Reset (a sync.Pool of gzip.Writer), or lower the level",
    }],
  },
  {
    package: "database/sql",
    ecosystem: "go",
    issues: [{
      pattern: "\\(\\*DB\\)\\.(?:Query|Exec|QueryRow)(?:Context)?$|\\(\\*DB\\)\\.conn$",
      severity: "medium",
      issue: "queries prepared per call, or waiting for a pooled connection",
      recommendation: "Prepare hot statements once (DB.Prepare), size the pool (SetMaxOpenConns, " +
        "SetMaxIdleConns), and check the block profile for connection waits",
    }],
  },
  {
    package: "regexp",
    ecosystem: "go",
    issues: [
      {
        pattern: "^regexp\\.(?:MustCompile|Compile|compile)$|^regexp/syntax\\.",
        severity: "high",
        issue: "regular expressions compiled on the hot path",
        recommendation: "Compile once (a package-level var) and reuse the *Regexp",
      },
      {
        pattern: "backtrack|\\(\\*Regexp\\)\\.doExecute",
        severity: "medium",
        issue: "regexp matching dominates (Go's engine is linear but not fast)",
        recommendation: "Use strings.Contains/HasPrefix for fixed text, anchor patterns, or match fewer inputs",
      },
    ],
  },
  {
    package: "fmt",
    ecosystem: "go",
    issues: [{
      pattern: "Sprintf|Fprintf|\\(\\*pp\\)\\.doPrintf",
      severity: "low",
      issue: "fmt formats through reflection and allocates",
      recommendation: "Use strconv and strings.Builder (or append-style APIs) on hot paths",
    }],
  },
  {
    package: "go.uber.org/zap",
    ecosystem: "go",
    repo_url: "https://github.com/uber-go/zap",
    issues: [
      {
        pattern: "AddReflected|zap\\.Any|zap\\.Reflect|\\(\\*SugaredLogger\\)",
        severity: "medium",
        issue: "reflected fields (zap.Any, Reflect, the sugared logger) go through encoding/json per entry",
        recommendation: "Use typed fields (zap.String, zap.Int, zap.Object with a MarshalLogObject) on hot paths",
      },
      {
        pattern: "EncodeEntry|\\(\\*CheckedEntry\\)\\.Write",
        severity: "low",
        issue: "many entries encoded per request",
        recommendation: "Raise the level or sample (zap.NewSamplerWithOptions) repetitive entries",
      },
    ],
  },
  {
    package: "github.com/sirupsen/logrus",
    ecosystem: "go",
    issues: [{
      pattern: "WithFields|\\(\\*Entry\\)\\.(?:log|write)|\\(\\*TextFormatter\\)|\\(\\*JSONFormatter\\)",
      severity: "medium",
      issue: "logrus copies field maps and formats with reflection under a lock for every entry",
      recommendation: "Log less on hot paths, or move to zap/zerolog/slog",
    }],
  },
  {
    package: "github.com/prometheus/client_golang",
    ecosystem: "go",
    issues: [{
      pattern: "WithLabelValues|GetMetricWithLabelValues|\\(\\*MetricVec\\)\\.hashLabel|hashLabelValues",
      severity: "medium",
      issue: "label values are hashed to find the child metric on every call; high-cardinality labels make " +
        "it worse and grow memory",
      recommendation: "Resolve children once and keep them, and keep label cardinality bounded",
    }],
  },
  {
    package: "go.opentelemetry.io/otel",
    ecosystem: "go",
    issues: [{
      pattern: "ExportSpans|\\(\\*recordingSpan\\)\\.(?:End|SetAttributes|AddEvent)|\\(\\*batchSpanProcessor\\)",
      severity: "medium",
      issue: "every request records and exports spans; attribute copies and export encoding add up",
      recommendation: "Sample (TraceIDRatioBased with a parent-based sampler), record fewer attributes, and " +
        "export with a batch processor off the request path",
    }],
  },
  {
    package: "google.golang.org/grpc",
    ecosystem: "go",
    issues: [{
      pattern: "codec|\\(\\*Server\\)\\.processUnaryRPC|encode|recvAndDecompress",
      severity: "low",
      issue: "gRPC time is mostly message encoding and (de)compression",
      recommendation: "Check message sizes, disable compression for small messages, reuse connections",
    }],
  },
  {
    package: "pino",
    ecosystem: "npm",
    issues: [{
      pattern: "^(?:asJson|LOG|write)$",
      severity: "medium",
      issue: "pino serializes every logged object with JSON.stringify; logging whole requests costs per entry",
      recommendation: "Log small objects (serializers that pick fields), raise the level, write asynchronously",
    }],
  },
  {
    package: "winston",
    ecosystem: "npm",
    issues: [{
      pattern: "transform|format|log",
      severity: "medium",
      issue: "winston runs its format pipeline (and often a deep clone) per entry",
      recommendation: "Simplify formats, avoid splat/prettyPrint in production, or move hot paths to pino",
    }],
  },
  {
    package: "safe-stable-stringify",
    ecosystem: "npm",
    issues: [{
      pattern: "stringify",
      severity: "low",
      issue: "sorted keys and cycle detection make it slower than JSON.stringify",
      recommendation: "Use JSON.stringify where key order and cycles do not matter, or a schema-based " +
        "serializer (fast-json-stringify)",
    }],
  },
  {
    package: "lodash",
    ecosystem: "npm",
    issues: [{
      pattern: "cloneDeep|baseClone|isEqual|baseIsEqual",
      severity: "medium",
      issue: "deep clones and deep comparisons walk whole object graphs",
      recommendation: "Clone or compare only what changes; structuredClone is faster for plain data",
    }],
  },
  {
    package: "ajv",
    ecosystem: "npm",
    issues: [{
      pattern: "compile|_compile|compileSchema",
      severity: "high",
      issue: "JSON schemas compiled per request",
      recommendation: "Compile each schema once and reuse the validate function",
    }],
  },
];
