/** The engine thread of the jscodeshift transforms (engine-thread.ts): answers each file, one at a time, in order. */
import { parentPort } from "node:worker_threads";
import { migrateSource, type SourceRequest } from "./migrate-source.ts";

let queue = Promise.resolve();
parentPort!.on("message", ({ id, request }: { id: number; request: SourceRequest }) => {
  queue = queue.then(() =>
    migrateSource(request).then(
      (answer) => parentPort!.postMessage({ id, answer }),
      (error: unknown) => parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    ),
  );
});
