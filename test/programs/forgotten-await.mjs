// A scope function called without `await` inside run: run rejects with one UsageError, and the floating promise it
// left behind does not reject unhandled afterwards (which would end the process with code 1).
import { all, failAfter, moveOnAfter, openLoop, race, run, shield, sleep, withCancelScope, withNursery } from "corral";

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
