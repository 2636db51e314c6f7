/**
 * One run of a package's own test suite in its checkout, bounded in time: the command runs in its own process
 * group, so a runner that hangs is ended with every process it started, and the run is reported `timeout`.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { suiteCounts, type SuiteCounts } from "./suite-counts.ts";

export interface SuiteRun {
  status: "green" | "red" | "timeout";
  counts?: SuiteCounts;
  seconds: number;
  /** The full output, kept beside the work. */
  log: string;
}

/** Run `command` in `dir` (with its `node_modules/.bin` on the path), for at most `timeoutSeconds`. */
export function runSuite(dir: string, command: string, timeoutSeconds: number, log: string): Promise<SuiteRun> {
  const started = performance.now();
  const env = { ...process.env, PATH: `${path.join(dir, "node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}`, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" };
  const child = spawn("sh", ["-c", command], { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  child.stderr.on("data", (c: Buffer) => chunks.push(c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // The group has already exited.
    }
  }, timeoutSeconds * 1000);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString("utf8");
      writeFileSync(log, output);
      const counts = suiteCounts(output);
      const status = timedOut ? "timeout" : code === 0 ? "green" : "red";
      resolve({ status, ...(counts === undefined ? {} : { counts }), seconds: (performance.now() - started) / 1000, log });
    });
  });
}
