// A scope function called without `await` inside run: run rejects with one UsageError, and the floating promise it
// left behind does not reject unhandled afterwards (which would end the process with code 1).
import { all, CapacityLimiter, failAfter, Lock, moveOnAfter, openLoop, race, retry, run, Semaphore, shield, sleep, withCancelScope, withNursery } from "corral";

const sleeper = async (cx) => void (await sleep(cx, 10));
const forgotten = {
  withNursery: (cx) => withNursery(cx, async (n) => n.start(sleeper)),
  withCancelScope: (cx) => withCancelScope(cx, sleeper),
  moveOnAfter: (cx) => moveOnAfter(cx, 5, sleeper),
  failAfter: (cx) => failAfter(cx, 5, sleeper),
  shield: (cx) => shield(cx, sleeper),
  all: (cx) => all(cx, [sleeper]),
  race: (cx) => race(cx, [sleeper]),
  openLoop: (cx) => openLoop(cx, () => sleeper(cx)),
  retry: (cx) => retry(cx, sleeper, { attempts: 2 }),
  withLock: (cx) => new Lock().withLock(cx, sleeper),
  limiterRun: (cx) => new CapacityLimiter(1).run(cx, sleeper),
  semaphoreRun: (cx) => new Semaphore(1).run(cx, sleeper),
  startWithResult: (cx) => withNursery(cx, async (n) => void n.startWithResult(sleeper).result(cx)),
};
const outcomes = {};
for (const [name, call] of Object.entries(forgotten)) {
  try {
    outcomes[name] = await run(async (cx) => {
      call(cx); // no await
      return "returned";
    });
  } catch (error) {
    outcomes[name] = `${error.name}: ${error.message.slice(0, 40)}`;
  }
}
console.log(JSON.stringify(outcomes));
