/**
 * corral: Trio's structured concurrency for TypeScript. This is the public door; everything users import from
 * "corral" is named here.
 */
export { all, type AllOptions, type AllResults, type SettledResults, type Thunk } from "./all.ts";
export { bridge } from "./bridge.ts";
export {
  withCancelScope,
  type CancelScope,
  type CancelScopeOptions,
  type ScopeBody,
} from "./cancel-scope.ts";
export { CapacityLimiter } from "./capacity-limiter.ts";
export { openChannel, type ChannelStatistics } from "./channel.ts";
export { checkpoint } from "./checkpoint.ts";
export type { Child } from "./child.ts";
export { SystemClock, type Clock } from "./clock.ts";
export { Condition } from "./condition.ts";
export type { Cx } from "./cx.ts";
export {
  BrokenResourceError,
  BusyResourceError,
  Cancelled,
  ClosedResourceError,
  CorralError,
  EndOfChannel,
  MultiError,
  TooSlowError,
  UsageError,
  WouldBlock,
  isCancelled,
  type CancelSource,
} from "./errors.ts";
export { Event } from "./event.ts";
export { fromAsyncIterable } from "./from-async-iterable.ts";
export { fromCallback, type CallbackFn } from "./from-callback.ts";
export { fromEvent, type EmitterLike, type TargetLike } from "./from-event.ts";
export { fromEvents, type FromEventsOptions } from "./from-events.ts";
export { fromPromise, type FromPromiseOptions, type LegacyWork } from "./from-promise.ts";
export type { Held } from "./internal/run-held.ts";
export { Lock } from "./lock.ts";
export { openLoop, type Loop, type LoopOptions, type LoopReport } from "./loop.ts";
export { named } from "./named.ts";
export { withNursery, type Nursery, type Ready, type ReadyFn } from "./nursery.ts";
export { race } from "./race.ts";
export { ReceiveChannel } from "./receive-channel.ts";
export { retry, type ExponentialBackoff, type RetryOptions } from "./retry.ts";
export { run, type RunOptions } from "./run.ts";
export { Semaphore, type SemaphoreOptions } from "./semaphore.ts";
export { SendChannel } from "./send-channel.ts";
export { sleep, sleepForever, sleepUntil } from "./sleep.ts";
export { failAfter, failAt, moveOnAfter, moveOnAt, shield, type FailOptions } from "./timeouts.ts";
export { toAsyncIterable, type ScopedIterableFn } from "./to-async-iterable.ts";
export { toCallback, type NodeCallback } from "./to-callback.ts";
export { toPromise, type ToPromiseOptions } from "./to-promise.ts";
