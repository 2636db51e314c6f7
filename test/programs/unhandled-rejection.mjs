// An unhandled rejection of legacy code inside a loop fails the loop's scope; outside any loop Node's default holds.
import { run, sleep, withNursery } from "corral";
import { installLoopHooks } from "corral/node";

installLoopHooks();
const log = [];
try {
  await run(async (cx) => {
    await withNursery(cx, async (n) => {
      n.start(async (cx) => {
        try {
          await sleep(cx, 60_000);
        } finally {
          log.push("sibling cancelled and cleaned up");
        }
      });
      // Legacy code that forgets a catch.
      setTimeout(() => Promise.reject(new Error("legacy rejection nobody handled")), 1);
    });
  });
} catch (error) {
  log.push(`run failed with: ${error.message}`);
}
console.log(JSON.stringify(log));
// Outside every loop: Node's own behaviour, a crash with exit code 1.
Promise.reject(new Error("outside any loop"));
