/**
 * A client of tsserver's protocol, as editors speak it: requests as JSON lines on stdin, answers and events as
 * `Content-Length` framed JSON on stdout. Every request waits for its own answer, however long a loaded machine
 * takes; nothing here times out.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createRequire } from "node:module";

/** TypeScript 5's tsserver (the devDependency `typescript5`): the `typescript` of this project is the native 7. */
export const tsserverPath = createRequire(import.meta.url).resolve("typescript5/lib/tsserver.js");

interface Answer {
  request_seq: number;
  success: boolean;
  message?: string;
  body?: unknown;
}

export class TsServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (answer: Answer) => void>();
  /** Everything tsserver wrote to its log file is in `logFile`, for a failing test's reader. */
  constructor(cwd: string, args: readonly string[], readonly logFile: string) {
    this.child = spawn(process.execPath, [tsserverPath, "--logVerbosity", "verbose", "--logFile", logFile, ...args], { cwd, stdio: "pipe" });
    this.child.stdout.on("data", (chunk: Buffer) => this.read(chunk));
  }

  /** Sends `command` and resolves with its answer's body; rejects with tsserver's message when it fails. */
  async request<T>(command: string, args: unknown): Promise<T> {
    const answer = await this.send(command, args);
    if (!answer.success) throw new Error(`tsserver ${command}: ${answer.message}`);
    return answer.body as T;
  }

  /** Sends `command` and resolves with its answer, failed or not. */
  send(command: string, args: unknown): Promise<Answer> {
    const seq = ++this.seq;
    const answered = new Promise<Answer>((resolve) => this.pending.set(seq, resolve));
    this.child.stdin.write(`${JSON.stringify({ seq, type: "request", command, arguments: args })}\n`);
    return answered;
  }

  /** Sends a request tsserver answers with nothing (`open`, `exit`). */
  notify(command: string, args: unknown): void {
    this.child.stdin.write(`${JSON.stringify({ seq: ++this.seq, type: "request", command, arguments: args })}\n`);
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.notify("exit", {});
    this.child.stdin.end();
    await exited;
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf("\r\n\r\n");
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, header).toString())?.[1]);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString()) as { type: string } & Answer;
      this.buffer = this.buffer.subarray(header + 4 + length);
      if (message.type === "response") this.pending.get(message.request_seq)?.(message);
    }
  }
}
