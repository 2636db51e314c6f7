/**
 * Why the jscodeshift transforms run corral's engine on a thread of their own: jscodeshift loads a transform through
 * `@babel/register` (unless `--no-babel`), whose hook stays on every `require` of the process and compiles what it
 * loads with babel, node_modules included. The engine's CommonJS dependencies then fail to load (ts-morph: babel's
 * class plugins reject its static blocks). A worker thread has a module loader of its own, without the hook, so the
 * engine loads there as it does under the CLI; one thread per jscodeshift worker process, started with its first
 * file, keeps the compiler and the standard library's declarations warm across files.
 */
import { Worker } from "node:worker_threads";
import type { SourceAnswer, SourceRequest } from "./migrate-source.ts";

interface Waiting {
  resolve: (answer: SourceAnswer) => void;
  reject: (error: Error) => void;
}

/** A started thread and the requests it has not answered yet, by id. */
interface Running {
  worker: Worker;
  pending: Map<number, Waiting>;
}

/** A worker thread running migrateSource, asked one file at a time; it holds its process open only while asked. */
export class EngineThread {
  private running: Running | undefined;
  private next = 0;

  /** `url`: the thread's module (engine-thread-main.ts). */
  constructor(private readonly url: URL) {}

  /** The file of `request`, migrated on the thread (started if it is not running). */
  ask(request: SourceRequest): Promise<SourceAnswer> {
    const { worker, pending } = (this.running ??= this.start());
    const id = this.next++;
    if (pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, request });
    });
  }

  private start(): Running {
    const running: Running = { worker: new Worker(this.url), pending: new Map() };
    const { worker, pending } = running;
    worker.on("message", ({ id, answer, error }: { id: number; answer?: SourceAnswer; error?: string }) => {
      const waiting = pending.get(id);
      pending.delete(id);
      // Idle, the thread must not keep jscodeshift's worker process from exiting once jscodeshift is done with it.
      if (pending.size === 0) worker.unref();
      if (error !== undefined) waiting?.reject(new Error(`corral failed on this file (a bug of ours; please report it): ${error}`));
      else waiting?.resolve(answer!);
    });
    // A thread that dies fails the files it was asked; the next file starts another.
    const fail = (error: Error): void => {
      if (this.running === running) this.running = undefined;
      for (const { reject } of pending.values()) reject(error);
      pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`corral's engine thread exited with code ${code}`)));
    return running;
  }
}
