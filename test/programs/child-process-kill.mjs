// A child process killed on cancellation (through cx.signal), and one killed because its loop closed.
import { spawn } from "node:child_process";
import { fromEvent, moveOnAfter, openLoop, run, withCancelScope } from "corral";
import { installLoopHooks } from "corral/node";

installLoopHooks();
const forever = ["-e", "process.stdout.write('ready\\n'); setInterval(() => {}, 1000)"];

const result = await run(async (cx) => {
  // 1. Cancelled: the child gets the scope's signal, so the cancellation kills it.
  let cancelled;
  await withCancelScope(cx, async (cx, scope) => {
    const child = spawn(process.execPath, forever, { signal: cx.signal });
    child.on("error", () => {}); // the AbortError of the kill
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    await fromEvent(cx, child.stdout, "data");
    scope.cancel("stop the child");
    try {
      await fromEvent(cx, child, "exit");
    } finally {
      cancelled = await exited; // Cancelled means it stopped: the child has exited by now
    }
  });
  // 2. Owned: a legacy spawn with no signal at all, killed when the loop closes.
  let legacy;
  await openLoop(cx, async () => {
    legacy = spawn(process.execPath, forever);
    await fromEvent(cx, legacy.stdout, "data");
  });
  const [, legacySignal] = await moveOnAfter(cx, 10_000, (cx) => fromEvent(cx, legacy, "exit")) ?? [];
  return { cancelled, legacySignal };
});
console.log(JSON.stringify(result));
