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
    expect(stdout).toMatch(/corral migrate <targets\.\.\.> --to async/);
  });

  test("--version prints the package version", async () => {
    const { code, stdout } = await corral("--version");
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("an unknown command or flag exits 2 with a message on stderr", async () => {
    const unknown = await corral("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^corral: 'frobnicate' is not a corral command; the commands are scan, migrate, review, check, merge-reports\n/);
    const flag = await corral("migrate", "x.ts", "--to", "async", "--bogus");
    expect(flag.code).toBe(2);
    const [said] = flag.stderr.split("\n");
    expect(said).toMatch(/^corral: 'corral migrate' has no option --bogus; its options are --to <value>, --write, /);
    expect(said).toMatch(/A path that starts with '-' goes after '--': corral migrate -- --bogus$/);
    expect(said!.split("'").length % 2).toBe(1); // every quote is closed
  });

  test("migrate refuses usage errors with exit 2: no stage, an unknown stage, a target that does not exist", async () => {
    expect((await corral("migrate", "package.json")).stderr).toMatch(/missing --to/);
    expect((await corral("migrate", "package.json", "--to", "scoped-later")).code).toBe(2);
    const missing = await corral("migrate", "no/such/file.ts:f", "--to", "async");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no\/such\/file\.ts: no such file or folder/);
  });

  test("migrate --help shows the targets and examples", async () => {
    const { code, stdout } = await corral("migrate", "--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/src\/users\.ts:UserRepo\.load/);
    expect(stdout).toMatch(/Exit status: 0/);
    expect(stdout).toMatch(/--callers +with --to scoped: rewrite call sites outside the targets too/);
  });
});
