import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built `corral` command the CLI tests run, as users do. */
export const bin = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `corral ...args` in `cwd` (with `env` added to this process's); resolves with its exit code and output. */
export function corralIn(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 1 << 28 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}
