/**
 * The second part of `npm run demo`: a tour of the runtime on the real clock (about a second), what a team gets once
 * its code runs in corral.
 */
import {
  failAfter,
  isCancelled,
  moveOnAfter,
  run,
  shield,
  sleep,
  TooSlowError,
  withNursery,
  type Cx,
} from "corral";

let start = performance.now();
function say(message: string): void {
  process.stdout.write(`${String(Math.round(performance.now() - start)).padStart(5)} ms  ${message}\n`);
}

/** Legacy code: a Promise API that honours an AbortSignal, as fetch and fs/promises do. */
function legacyRequest(name: string, ms: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      say(`  legacy ${name}: saw the abort, stopped its timer`);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(`${name}: 200 OK`);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function fetchAll(cx: Cx): Promise<void> {
  say("1. A timeout reaches legacy work: failAfter(cx, 150) around three requests of 50, 100 and 400 ms");
  try {
    await failAfter(cx, 150, (cx) =>
      withNursery(cx, (n) => {
        for (const [name, ms] of [["users", 50], ["orders", 100], ["reports", 400]] as const) {
          n.start(async (cx) => say(`  ${await legacyRequest(name, ms, cx.signal)}`));
        }
      }),
    );
  } catch (error) {
    if (!(error instanceof TooSlowError)) throw error;
    say(`  -> ${error.name}: ${error.message.split(":")[0]}; nothing is left running`);
  }
}

async function failFast(cx: Cx): Promise<void> {
  say("2. One failure cancels its siblings, their cleanup runs (shielded), then the error comes out unchanged");
  try {
    await withNursery(cx, (n) => {
      n.start(async (cx) => {
        try {
          await sleep(cx, 10_000);
        } catch (error) {
          if (!isCancelled(error)) throw error;
          say("  worker: cancelled, flushing its buffer under a shield");
          await shield(cx, (cx) => sleep(cx, 50));
          say("  worker: flushed");
          throw error;
        }
      });
      n.start(async (cx) => {
        await sleep(cx, 100);
        throw new RangeError("invalid page size");
      });
    });
  } catch (error) {
    say(`  -> caught ${(error as Error).name}: ${(error as Error).message} (after every task stopped)`);
  }
}

async function levelTriggered(cx: Cx): Promise<void> {
  say("3. Cancellation is level-triggered: a catch-all cannot keep a cancelled task alive");
  const result = await moveOnAfter(cx, 100, async (cx) => {
    try {
      await sleep(cx, 10_000);
    } catch {
      say("  a catch-all swallowed the Cancelled and carried on...");
    }
    await sleep(cx, 10);
    say("  (never printed: the next checkpoint raised Cancelled again)");
    return "finished";
  });
  say(`  -> moveOnAfter gave ${String(result)}: the task stopped at its next checkpoint`);
}

/** Run the tour. */
export async function runtimeTour(): Promise<void> {
  start = performance.now();
  await run(async (cx) => {
    await fetchAll(cx);
    await failFast(cx);
    await levelTriggered(cx);
  });
  say("done: every task, timer and legacy request finished or was stopped before run() returned");
}
