import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";

// The bin as users run it: the built file. `npm ci` builds dist/ through the prepare script.
const bin = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const exec = promisify(execFile);

async function corral(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the corral bin", () => {
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm ci does it)`);
  });

  test("--help lists the commands and exits 0", async () => {
    const { code, stdout } = await corral("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^corral: structured concurrency/);
    expect(stdout).toMatch(/corral migrate <targets> --to async\|scoped/);
  });

  test("--version prints the package version", async () => {
    const { code, stdout } = await corral("--version");
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("a command that does not exist yet exits 2 with a message on stderr", async () => {
    const { code, stdout, stderr } = await corral("migrate", "src/a.ts:f", "--to", "async");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/'migrate' is not available in this version/);
  });
});
