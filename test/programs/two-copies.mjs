// corral loaded twice, as when a project reaches it through a symbolic link that the runner resolves both as the link
// and as its real path: run with --preserve-symlinks, argv[2] a link to the package root. Each copy must recognise
// the other's objects (a cx, a loop, the error classes) and share the state that must be single.
import { pathToFileURL } from "node:url";
import * as a from "corral";
import * as aTesting from "corral/testing";

const other = (entry) => import(pathToFileURL(`${process.argv[2]}/dist/runtime/${entry}`).href);
const b = await other("index.js");
const bNode = await other("node/index.js");
const outcome = { twoCopies: a.run !== b.run };

// A cx from one copy's run, used with the other copy's primitives; its errors checked with the other's classes.
outcome.crossed = await a.run(
  async (cx) => {
    await b.sleep(cx, 1_000);
    await b.checkpoint(cx);
    const fromB = await b.withNursery(cx, async (n) => {
      n.start((cx) => b.sleep(cx, 5));
      return b.fromPromise(cx, Promise.resolve("bridged"));
    });
    const timedOut = await b.moveOnAfter(cx, 10, (cx) => a.sleepForever(cx));
    const caught = await a.failAfter(cx, 10, (cx) => b.sleepForever(cx)).catch((e) => e);
    const misuse = await b.sleep(cx, -1).catch((e) => e);
    return {
      now: cx.now(),
      fromB,
      timedOut: timedOut ?? "moved on",
      tooSlow: [caught instanceof a.TooSlowError, caught instanceof b.TooSlowError, caught instanceof b.CorralError],
      usage: [misuse instanceof a.UsageError, misuse instanceof b.UsageError, misuse instanceof b.Cancelled],
    };
  },
  { clock: new aTesting.MockClock({ autojump: true }) },
);

// A Cancelled from one copy is absorbed and recognised by the other's.
const cancelled = await b.run(async (cx) => {
  let seen;
  await a.withCancelScope(cx, async (cx, scope) => {
    scope.cancel();
    seen = await b.checkpoint(cx).catch((e) => e);
    throw seen;
  });
  return [seen instanceof a.Cancelled, seen instanceof b.Cancelled, a.isCancelled(seen)];
});
outcome.cancelled = cancelled;

// A loop opened by one copy runs the other copy's toPromise; hooks installed through one copy serve both.
bNode.installLoopHooks();
outcome.loop = await a.run((cx) => a.openLoop(cx, (loop) => b.toPromise(async (cx) => (await a.sleep(cx, 1), "in loop"), { loop })()));
outcome.currentLoop = await b.run(() => new Promise((resolve) => setTimeout(() => resolve(a.toPromise(async () => "found")()), 1)));
console.log(JSON.stringify(outcome));
