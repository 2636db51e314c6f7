import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const programs = fileURLToPath(new URL("../programs/", import.meta.url));

/**
 * One of test/programs/ in a child process, driven by what it prints: `until` waits for a marker on stdout or stderr
 * (no timer: a slow machine only makes it slower), `exited` for its end. The programs import the built package.
 */
export class WatchedProgram {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  private waiting: (() => boolean)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(name: string, args: string[] = []) {
    this.child = spawn(process.execPath, [programs + name, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk: Buffer) => this.heard(() => (this.stdout += chunk.toString())));
    this.child.stderr!.on("data", (chunk: Buffer) => this.heard(() => (this.stderr += chunk.toString())));
    this.exited = new Promise((resolve, reject) => {
      this.child.on("error", reject);
      this.child.on("exit", (code, signal) => resolve({ code, signal }));
    });
  }

  /** Resolves once stdout or stderr (`stream`) contains or matches `marker`; rejects if the program exits first. */
  until(marker: string | RegExp, stream: "stdout" | "stderr" = "stdout"): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const text = this[stream];
        if (typeof marker === "string" ? !text.includes(marker) : !marker.test(text)) return false;
        resolve();
        return true;
      };
      if (check()) return;
      this.waiting.push(check);
      void this.exited.then(() => {
        if (!check()) reject(new Error(`the program exited before printing ${String(marker)} on ${stream}:\n${this.stdout}\n${this.stderr}`));
      });
    });
  }

  private heard(append: () => void): void {
    append();
    this.waiting = this.waiting.filter((check) => !check());
  }
}
