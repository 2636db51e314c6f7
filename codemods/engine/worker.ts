import { Worker } from "node:worker_threads";

/** What a worker thread of the engine posts: files done so far, then its result once. */
export type WorkerMessage<T> = { done: number; what?: string } | { result: T };

/**
 * Run the module at `url` on a worker thread with `data` as its `workerData`: it posts `{ done, what? }` as it goes
 * (handed to `progress`) and `{ result }` at the end, which this resolves with. The worker is ended then.
 */
export function onWorker<T>(url: URL, data: unknown, progress: (done: number, what?: string) => void = () => {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: data });
    worker.on("message", (message: WorkerMessage<T>) => {
      if ("done" in message) progress(message.done, message.what);
      else {
        resolve(message.result);
        void worker.terminate();
      }
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`a worker thread exited with code ${code}`));
    });
  });
}
