import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HANG_MS } from "./hang.ts";

/**
 * Run one of test/programs/ in a Node process of its own: unhandled rejections and crashes must meet Node's own
 * process-level handling, not the test runner's. The programs import the built package (dist/): build first.
 */
const programs = fileURLToPath(new URL("../programs/", import.meta.url));

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProgram(name: string, nodeArgs: string[] = [], args: string[] = []): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, programs + name, ...args], { timeout: HANG_MS }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}
