// A program blocked in a task: with installTaskDump() (the default), SIGUSR2 prints the task tree to stderr and the
// program goes on; with --no-dump, SIGUSR2 keeps Node's default action (the process ends). Prints "ready" once the
// task waits; closing its stdin lets the task finish.
import { Event, fromPromise, run, withNursery } from "corral";
import { installTaskDump } from "corral/node";

if (!process.argv.includes("--no-dump")) installTaskDump();
const stop = new Event();
process.stdin.on("end", () => stop.set());
process.stdin.resume();

await run(async function main(cx) {
  await withNursery(cx, async (n) => {
    n.start(async function waitForStdin(cx) {
      await stop.wait(cx);
    });
    n.start(async function bridged(cx) {
      await fromPromise(cx, (signal) => new Promise((resolve) => signal.addEventListener("abort", resolve)));
    });
    process.stdout.write("ready\n");
    await stop.wait(cx);
    n.cancelScope.cancel();
  });
});
process.stdout.write("finished\n");
