import { brandPublic, publicKey } from "./internal/brand.ts";

/**
 * Every error corral throws, in one place. Each class has a stable `code` so callers can branch without
 * comparing message strings, and every message says what happened and what to do about it.
 */

/** Where a cancellation came from. */
export type CancelSource = "explicit" | "deadline" | "nursery" | "signal" | "shutdown";

/** Base class of corral's errors: a stable `code` beside the message. */
export class CorralError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Raised at a checkpoint once a cancel scope around it is cancelled. Level-triggered: every later checkpoint
 * inside the same scope raises it again, so catching one does not keep a task alive. Let it propagate; the
 * scope that was cancelled absorbs it. Catch-alls should rethrow it: `if (isCancelled(e)) throw e;`.
 */
export class Cancelled extends CorralError {
  /** What the canceller passed to `cancel(reason)`, the aborted signal's reason, or the error that failed a nursery. */
  readonly reason: unknown;
  readonly source: CancelSource;
  constructor(source: CancelSource, reason: unknown, message: string) {
    super("CORRAL_CANCELLED", message);
    this.source = source;
    this.reason = reason;
  }
}

const cancelledKey = publicKey("Cancelled");

/** Whether `e` is a corral {@link Cancelled}, also across duplicate copies of the package (older ones by its code). */
export function isCancelled(e: unknown): e is Cancelled {
  if (typeof e !== "object" || e === null) return false;
  if ((e as Record<symbol, unknown>)[cancelledKey] === true) return true;
  return e instanceof Error && (e as { code?: unknown }).code === "CORRAL_CANCELLED";
}

/** Thrown by `failAfter`/`failAt` when the body did not finish before the deadline. Its stack points at the caller. */
export class TooSlowError extends CorralError {
  constructor(message: string) {
    super("CORRAL_TOO_SLOW", message);
  }
}

const suppressedKey: unique symbol = Symbol.for("corral.suppressed");

/**
 * Several failures from one nursery. In a run with `strict: true` a nursery that collected more than one
 * failure throws a `MultiError` whose `errors` are all of them, the first first. In the default mode the first
 * failure is rethrown unchanged (so `instanceof` checks written for `Promise.all` keep working) and the others
 * are kept on it: read them with {@link MultiError.suppressed}; they are also listed at the end of its `stack`.
 * No failure is ever lost: when the first cannot carry the others (a thrown string or number, a frozen, sealed or
 * non-extensible object), the default mode throws a `MultiError` too.
 */
export class MultiError extends AggregateError {
  readonly code = "CORRAL_MULTI";
  constructor(errors: readonly unknown[]) {
    super(errors, `${errors.length} tasks failed in one nursery; see .errors (the first failure is errors[0])`);
    this.name = "MultiError";
  }

  /** The failures that were kept on `error` because it was rethrown first (empty when there were none). */
  static suppressed(error: unknown): readonly unknown[] {
    if (typeof error !== "object" || error === null) return [];
    return (error as { [suppressedKey]?: unknown[] })[suppressedKey] ?? [];
  }

  /**
   * @internal The error to throw for `first` followed by `others` in the default mode: `first` itself with `others`
   * kept on it (non-enumerable) and listed in its stack, or, when `first` cannot carry them, a `MultiError` of all.
   */
  static keep(first: unknown, others: readonly unknown[]): unknown {
    if ((typeof first !== "object" && typeof first !== "function") || first === null) {
      return new MultiError([first, ...others]);
    }
    const kept = [...MultiError.suppressed(first), ...others];
    try {
      Object.defineProperty(first, suppressedKey, { value: kept, configurable: true, writable: true });
    } catch {
      return new MultiError([first, ...others]); // frozen, sealed, non-extensible, or a proxy that refuses
    }
    if (first instanceof Error && typeof first.stack === "string") {
      const lines = others.map((e, i) => `  [also failed ${i + 1}/${others.length}] ${describe(e)}`);
      try {
        first.stack = `${first.stack}\n${lines.join("\n")}`;
      } catch {
        // a read-only stack: the others are still kept on it, for MultiError.suppressed
      }
    }
    return first;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return (e.stack ?? `${e.name}: ${e.message}`).split("\n").join("\n    ");
  return String(e);
}

/** A resource was used after it was closed by this side (for example `send` after `close`). */
export class ClosedResourceError extends CorralError {
  constructor(message: string) {
    super("CORRAL_CLOSED", message);
  }
}

/** A resource can no longer work because of something outside this task (the other side closed, the holder died). */
export class BrokenResourceError extends CorralError {
  constructor(message: string) {
    super("CORRAL_BROKEN", message);
  }
}

/** Two tasks tried to use a resource that allows one user at a time. */
export class BusyResourceError extends CorralError {
  constructor(message: string) {
    super("CORRAL_BUSY", message);
  }
}

/** Every sender of a channel is closed and its buffer is empty: there will be no more values. */
export class EndOfChannel extends CorralError {
  constructor(message = "the channel has ended: every sender was closed and no values remain") {
    super("CORRAL_END_OF_CHANNEL", message);
  }
}

/** A `...Nowait` operation could not complete without blocking. */
export class WouldBlock extends CorralError {
  constructor(message: string) {
    super("CORRAL_WOULD_BLOCK", message);
  }
}

/**
 * What an err-first callback gets from `toCallback` when the scoped function failed with a falsy value (`throw
 * undefined`, a rejection with `null`, `0` or `""`): passed as is, the callback would read it as success. Same `code`
 * as Node's `util.callbackify` gives (`ERR_FALSY_VALUE_REJECTION`), so code written for it keeps working; the value
 * is its `reason`.
 */
export class FalsyRejectionError extends CorralError {
  readonly reason: unknown;
  constructor(reason: unknown, where: string) {
    super(
      "ERR_FALSY_VALUE_REJECTION",
      `${where}: the scoped function failed with a falsy value (${String(reason)}), kept as this error's .reason; ` +
        "an err-first callback would read the value itself as success. Throw an Error instead.",
    );
    this.reason = reason;
  }
}

/** corral was called in a way it does not support; the message says how to call it instead. */
export class UsageError extends CorralError {
  constructor(message: string) {
    super("CORRAL_USAGE", message);
  }
}

// `instanceof` recognises these across duplicate copies of corral (see internal/brand.ts). Names are spelt out: a
// bundler may rename the classes.
const branded: [Function, string][] = [
  [CorralError, "CorralError"],
  [Cancelled, "Cancelled"],
  [TooSlowError, "TooSlowError"],
  [MultiError, "MultiError"],
  [ClosedResourceError, "ClosedResourceError"],
  [BrokenResourceError, "BrokenResourceError"],
  [BusyResourceError, "BusyResourceError"],
  [EndOfChannel, "EndOfChannel"],
  [WouldBlock, "WouldBlock"],
  [FalsyRejectionError, "FalsyRejectionError"],
  [UsageError, "UsageError"],
];
for (const [cls, name] of branded) brandPublic(cls, name);
