// A run stuck in its cleanup after Ctrl-C: the first SIGINT cancels it, but a shielded cleanup never ends; the second
// SIGINT prints what is still running to stderr and exits with 130. Prints "ready", then "cleaning up".
import { run, shield, sleep, withNursery } from "corral";
import "corral/node";

await run(
  async function main(cx) {
    await withNursery(cx, async (n) => {
      n.start(async function flushLogs(cx) {
        try {
          process.stdout.write("ready\n");
          await sleep(cx, 60_000);
        } finally {
          process.stdout.write("cleaning up\n");
          await shield(cx, (cx) => sleep(cx, 3_600_000));
        }
      });
    });
  },
  { signals: true },
);
