/** What each `--to scoped` rewrite changes in behaviour, one sentence each, as the diff shows them. */
export const NOTES = {
  scoped:
    "became scoped: it takes cx first, and a timeout or a failing sibling above it now cancels it at its next wait",
  madeAsync: "became async: if code before its first await throws, it now returns a rejected promise instead of throwing",
  exported:
    "is exported with a new signature: callers outside this project must now pass a Cx (or go through toPromise); " +
    "--keep-legacy-export keeps the old signature for them",
  legacyExport: (name: string, scoped: string) =>
    `keeps its old signature for outside callers: ${name}(...) runs ${scoped} through toPromise, in the current loop or a fresh run`,
  droppedSignal: (name: string) =>
    `its AbortSignal parameter ${name} became cx.signal: scoped callers cancel it through their scope, legacy callers pass the signal to toPromise`,
  signal:
    "a call that takes an AbortSignal is now given the scope's (fromPromise): a cancellation aborts it and waits until it has stopped " +
    "(a callee that ignores the signal holds the cancellation up; fromPromise's detachAfter bounds the wait)",
  detached: (what: string) =>
    `awaiting ${what} is now a checkpoint (fromPromise): on cancellation it is detached (it cannot be stopped), kept by the loop as an orphan, and its late failure recorded`,
  all:
    "Promise.all became all(cx, ...): when one call fails the others are now cancelled and awaited before the error is thrown " +
    "(an element that throws at once no longer keeps the later ones from starting: they start, then are cancelled)",
  allSettled:
    "Promise.allSettled became all(cx, ..., { settle: true }): the same result shapes; a cancellation now stops every call and is thrown " +
    "instead of recorded (and an element that throws at once now gives a rejected entry where the old code rejected whole)",
  race: "Promise.race became race(cx, ...): once one call settles, the others are cancelled and awaited",
  failAfter:
    "Promise.race against a setTimeout rejection became failAfter(cx, ms, ..., { error }): on timeout the work is now cancelled and awaited, " +
    "then the same error is thrown; the timer no longer runs on after the work wins",
  moveOnAfter:
    "Promise.race against a setTimeout became moveOnAfter(cx, ms, ...): on timeout the work is now cancelled and awaited, and the result is undefined as before",
  sleep: "a setTimeout sleep became sleep(cx, ms): a cancellation now ends the wait at once, and MockClock drives it",
  sleepHelper: (name: string) => `${name}(ms) is a sleep: it became sleep(cx, ms), which a cancellation ends at once`,
  catchGuard:
    "a catch that swallowed or replaced every error now rethrows Cancelled first (isCancelled), so a timeout or a failing sibling can still stop this function",
  finallyWaits:
    "a finally block waits: after a cancellation its waits raise Cancelled at once (cancellation is level-triggered), " +
    "so cleanup that must finish belongs in shield(cx, (cx) => ...) with a timeout of its own",
  forAwait: "for await over a legacy iterable became fromAsyncIterable(cx, ...): each step is a checkpoint and a cancellation closes the source",
  bridgedCall: (name: string) =>
    `${name}(...) is not awaited on the spot here, so it runs as a task of its own through toPromise: cancelling this code does not stop it`,
  bridgedCaller: (name: string, where: string) =>
    `legacy callers go through toPromise(${name}) (${where}): each call runs as a task in the current loop (or a fresh run) and settles once it has finished`,
  callersOutsideTargets: (where: string) =>
    `call sites outside the targets were rewritten too, as --callers allows (${where}): review those files with the rest`,
  callbackified: (name: string) => `callbackify(${name}) became toCallback(${name}): the same err-first shape, run as a task`,
  entry:
    "the program's main now runs inside run(): legacy timers, rejections and handles belong to its loop and are cleaned up when main returns (a main that " +
    "only starts a server must now wait for it to close); Ctrl-C cancels it and waits for cleanup",
} as const;
