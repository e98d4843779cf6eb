/**
 * Data: goroutine categories by preset, each a Go RE2 regexp matched against
 * a goroutine's frames joined with " | " (leaf first). Within a preset the
 * order is the matching order: the first category that matches gets the
 * goroutine.
 *
 * @module
 */
import type { StackPattern } from "./stack_match.ts";

/** The presets, in the order they are tried when all are used. */
export const GOROUTINE_PRESETS: Readonly<Record<string, readonly StackPattern[]>> = {
  temporal: [
    { name: "temporal_activity_poller", pattern: "activityTaskPoller.*(PollTask|doPoll)|PollActivityTaskQueue" },
    { name: "temporal_workflow_poller", pattern: "workflowTaskPoller.*(PollTask|doPoll)|PollWorkflowTaskQueue" },
    { name: "temporal_local_activity", pattern: "localActivityTaskPoller|localActivityTaskHandler" },
    { name: "temporal_activity_exec", pattern: "activityTaskPoller.*ProcessTask|activityTaskHandlerImpl.*Execute" },
    { name: "temporal_workflow_cached", pattern: "coroutineState\\)?\\.(initialYield|yield)" },
    { name: "temporal_heartbeat", pattern: "temporalInvoker.*Heartbeat|internal\\.heartbeat" },
    { name: "temporal_eager_dispatcher", pattern: "baseWorker.*runEagerTaskDispatcher" },
    { name: "temporal_task_dispatcher", pattern: "baseWorker.*runTaskDispatcher" },
    { name: "temporal_session", pattern: "sessionEnvironmentImpl" },
  ],
  grpc: [
    {
      name: "grpc_server_handler",
      pattern:
        "grpc\\..*\\.Serve|grpc\\.handleStream|grpc\\.\\(\\*Server\\)\\.(handleStream|processUnaryRPC|processStreamingRPC)",
    },
    { name: "grpc_client_stream", pattern: "grpc\\..*clientStream|ClientConn.*Invoke|grpc\\.invoke" },
    { name: "grpc_http2_reader", pattern: "http2Client.*reader|http2Server.*HandleStreams|http2.*readLoop" },
    { name: "grpc_http2_writer", pattern: "loopyWriter.*run" },
    { name: "grpc_keepalive", pattern: "http2Client.*keepalive|http2Server.*keepalive" },
    { name: "grpc_callback_serializer", pattern: "grpcsync\\..*CallbackSerializer" },
  ],
  http: [
    { name: "http_server", pattern: "net/http\\.\\(\\*conn\\)\\.serve|http\\..*Serve|http\\.serverHandler" },
    { name: "http_client", pattern: "http\\..*RoundTrip|persistConn\\)?\\.(readLoop|writeLoop)" },
    { name: "http2_client", pattern: "http2\\..*ClientConn|http2\\..*readLoop" },
  ],
  database: [
    { name: "sql_connection", pattern: "database/sql\\.\\(\\*(DB|Conn|Tx|Stmt|Rows)\\)" },
    { name: "postgres", pattern: "jackc/pgx|jackc/puddle|lib/pq\\.|github\\.com/lib/pq" },
    { name: "mysql", pattern: "go-sql-driver/mysql" },
    { name: "mongodb", pattern: "mongo-driver|go\\.mongodb\\.org/" },
    { name: "redis", pattern: "go-redis|redis/go-redis|redigo" },
  ],
  observability: [
    { name: "datadog_profiler", pattern: "dd-trace-go.*profiler" },
    { name: "datadog_tracer", pattern: "dd-trace-go.*tracer" },
    { name: "otel_exporter", pattern: "opentelemetry.*(exporter|Exporter|BatchSpanProcessor|batchSpanProcessor)" },
    { name: "prometheus", pattern: "prometheus" },
  ],
  runtime: [
    { name: "runtime_gc", pattern: "runtime\\.(gcBgMarkWorker|bgsweep|bgscavenge|forcegchelper)" },
    { name: "runtime_finalizer", pattern: "runtime\\.runfinq" },
    { name: "runtime_sysmon", pattern: "runtime\\.sysmon" },
    { name: "runtime_netpoll", pattern: "runtime\\.netpoll( |$)" },
    { name: "runtime_timer", pattern: "runtime\\.timerproc|runtime\\.runTimer" },
    { name: "signal_handler", pattern: "os/signal\\.(loop|signal_recv)|signal_recv" },
  ],
  sync: [
    { name: "sync_mutex", pattern: "sync\\.\\(\\*(RW)?Mutex\\)" },
    { name: "sync_cond", pattern: "sync\\.\\(\\*Cond\\)" },
    { name: "sync_waitgroup", pattern: "sync\\.\\(\\*WaitGroup\\)" },
    { name: "sync_pool", pattern: "sync\\.\\(\\*Pool\\)" },
    { name: "channel_recv", pattern: "runtime\\.chanrecv" },
    { name: "channel_send", pattern: "runtime\\.chansend" },
    { name: "select", pattern: "runtime\\.selectgo|runtime\\.block" },
    { name: "sleep", pattern: "time\\.Sleep" },
    { name: "network_io", pattern: "internal/poll\\.runtime_pollWait" },
  ],
};
