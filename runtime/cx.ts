/**
 * The context a scoped function receives as its first parameter. A `Cx` names its task: pass it to every corral
 * operation (`sleep(cx, ms)`, `lock.acquire(cx)`) and to every scoped function you call. Entering `withNursery` or
 * `withCancelScope` pushes a scope onto the task, so reads below see the innermost scope in effect at that moment.
 */
export interface Cx {
  /**
   * An `AbortSignal` for legacy APIs (`fetch(url, { signal: cx.signal })`). It aborts, with the `Cancelled` as its
   * reason, exactly when cancellation becomes effective for this task's innermost scope; never under a shield.
   * Created on first read, one per scope.
   */
  readonly signal: AbortSignal;
  /** The effective deadline on the run's clock: the earliest deadline of the scopes in effect (up to the nearest
   * shield), `Infinity` if none, `-Infinity` once cancellation is effective here. */
  readonly deadline: number;
  /** Whether cancellation is effective here: the next checkpoint will throw `Cancelled`. */
  readonly cancelled: boolean;
  /** The run's current time in milliseconds. */
  now(): number;
}
