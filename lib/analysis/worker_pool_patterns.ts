/**
 * Data: what the goroutines of a Temporal Go SDK worker are doing, as Go RE2
 * regexps over the joined stack (leaf first), and the states of cached
 * workflow coroutines. Receivers may be pointers (`(*coroutineState).yield`),
 * so names are matched with `\)?` before the method.
 *
 * @module
 */
import type { StackPattern } from "./stack_match.ts";

/** Counters; a goroutine may count in several. */
export const WORKER_COUNTERS: readonly StackPattern[] = [
  { name: "activity_pollers_do_poll", pattern: "activityTaskPoller.*PollTask|basePoller.*doPoll.*activityTaskPoller" },
  { name: "activity_pollers_in_grpc", pattern: "PollActivityTaskQueue" },
  { name: "workflow_pollers_do_poll", pattern: "workflowTaskPoller.*PollTask|basePoller.*doPoll.*workflowTaskPoller" },
  { name: "workflow_pollers_in_grpc", pattern: "PollWorkflowTaskQueue" },
  { name: "local_activity_pollers", pattern: "localActivityTaskPoller.*PollTask" },
  { name: "activities_executing", pattern: "activityTaskPoller.*ProcessTask" },
  { name: "workflows_cached", pattern: "coroutineState.*(?:initialYield|yield)|syncWorkflowDefinition.*Execute" },
  { name: "local_activities_executing", pattern: "localActivityTaskPoller.*ProcessTask" },
  { name: "sessions_active", pattern: "sessionEnvironmentImpl" },
  { name: "heartbeat_goroutines", pattern: "temporalInvoker.*Heartbeat|internal\\.heartbeat" },
  { name: "grpc_streams", pattern: "http2Client.*reader|http2.*readLoop" },
  { name: "task_dispatchers", pattern: "baseWorker.*runTaskDispatcher" },
  { name: "eager_dispatchers", pattern: "baseWorker.*runEagerTaskDispatcher" },
];

/** The state of a cached workflow coroutine: the first rule whose pattern matches its joined stack. */
export const WORKFLOW_STATES: readonly { state: string; pattern: string }[] = [
  { state: "not_started", pattern: "coroutineState\\)?\\.initialYield" },
  { state: "selector", pattern: "selectorImpl\\)?\\.Select" },
  { state: "awaiting_future", pattern: "(decodeFutureImpl|futureImpl)\\)?\\.Get" },
  { state: "awaiting_channel", pattern: "channelImpl\\)?\\.(Receive|ReceiveWithTimeout)" },
  { state: "timer", pattern: "internal\\.Sleep|\\.NewTimer" },
  { state: "executing", pattern: "Execute" },
];

/** The SDK's module path: frames under it are the SDK's, the first frame the SDK calls is the activity or workflow. */
export const TEMPORAL_SDK = "go.temporal.io/sdk";

/** The SDK's default number of pollers per task queue kind. */
export const DEFAULT_POLLERS = 2;
