/**
 * tsserver asks a plugin synchronously (`getApplicableRefactors`, `getEditsForRefactor`, `getSemanticDiagnostics`
 * return values, not promises), and corral's engine is asynchronous ES modules. This client asks the engine on a
 * worker thread and blocks tsserver's thread until the answer is there (`Atomics.wait` on a counter the worker moves
 * after posting, then `receiveMessageOnPort`). Why not the alternatives: spawning the CLI per request pays Node's
 * start and the compiler's load (about a second) each time; computing in the background and answering from a cache
 * alone would offer actions whose verdict is not known yet. The worker keeps the compiler loaded and keeps verdicts
 * per file text, so only the first question after a save waits for the engine.
 */
import path = require("node:path");
import workerThreads = require("node:worker_threads");
import type { EngineRequest, EngineResponse } from "./protocol.ts";

/** A worker thread running corral's engine, asked synchronously. Started on the first request. */
class EngineClient {
  private worker: workerThreads.Worker | undefined;
  private port: workerThreads.MessagePort | undefined;
  /** [0]: answers posted so far; [1]: 1 once the worker is gone (engine-thread.ts). */
  private counter = new Int32Array(new SharedArrayBuffer(8));
  private next = 0;
  private readonly answers = new Map<number, EngineResponse>();

  /** Blocks until the engine answers `request`. */
  ask(request: EngineRequest): EngineResponse {
    const id = this.send(request);
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      this.drain();
      const answer = this.answers.get(id);
      if (answer !== undefined) {
        this.answers.delete(id);
        return answer;
      }
      if (Atomics.load(this.counter, 1) === 1) {
        this.stop();
        return { kind: "failed", message: "the engine's worker thread stopped (why is on tsserver's stderr); the next request starts a new one" };
      }
      Atomics.wait(this.counter, 0, seen);
    }
  }

  /** Ends the worker; the next request starts a new one. */
  private stop(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = undefined;
    this.port = undefined;
    this.answers.clear();
  }

  private send(request: EngineRequest): number {
    if (this.worker === undefined || this.port === undefined) {
      const { port1, port2 } = new workerThreads.MessageChannel();
      this.counter = new Int32Array(new SharedArrayBuffer(8));
      this.worker = new workerThreads.Worker(path.join(__dirname, "engine-thread.js"), {
        workerData: { port: port2, state: this.counter.buffer },
        transferList: [port2],
        // tsserver's stdout is its protocol: whatever the engine prints goes to its stderr.
        stdout: true,
        stderr: true,
      });
      this.worker.stdout.pipe(process.stderr);
      this.worker.stderr.pipe(process.stderr);
      // tsserver's own lifetime decides: the worker never keeps the process alive.
      this.worker.unref();
      // A crash is seen through the counter (the worker marks it on exit); without a listener it would crash tsserver.
      this.worker.on("error", () => undefined);
      port1.unref();
      this.port = port1;
    }
    const id = this.next++;
    this.port.postMessage({ id, request });
    return id;
  }

  private drain(): void {
    for (let got = this.port && workerThreads.receiveMessageOnPort(this.port); got !== undefined; got = this.port && workerThreads.receiveMessageOnPort(this.port)) {
      const { id, response } = got.message as { id: number; response: EngineResponse };
      this.answers.set(id, response);
    }
  }
}

export = EngineClient;
