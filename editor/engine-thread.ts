/**
 * The entry of the engine's worker thread (`engine-client.cts` starts it). It marks the thread gone on exit before
 * it loads the engine, so an engine that does not load, or a thread that dies, answers tsserver with a failure
 * instead of leaving it blocked for good.
 */
import { workerData } from "node:worker_threads";

const counter = new Int32Array((workerData as { state: SharedArrayBuffer }).state);
process.on("exit", () => {
  Atomics.store(counter, 1, 1);
  Atomics.notify(counter, 0);
});

try {
  await import("./engine-worker.ts");
} catch (error) {
  process.stderr.write(`corral/tsserver: corral's engine did not load: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
