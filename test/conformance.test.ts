import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { HANG_MS } from "./support/hang.ts";

/** See test/conformance/README.md: each program must behave the same with corral/register preloaded. */
const folder = fileURLToPath(new URL("./conformance/", import.meta.url));
const programs = readdirSync(folder).filter((name) => name.endsWith(".mjs"));

interface Observed {
  stdout: string;
  exit: string;
  errors: string[];
}

function observe(program: string, preload: string[]): Promise<Observed> {
  const args = [...preload, folder + program];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: HANG_MS }, (error, stdout, stderr) => {
      const exit = error === null ? "0" : String(error.code ?? error.signal);
      const errors = stderr.split("\n").filter((line) => /^[A-Za-z]*(Error|Warning)\b/.test(line));
      resolve({ stdout, exit, errors });
    });
  });
}

describe("Node's behaviour is unchanged by corral/register", () => {
  test("there are programs to compare", () => {
    expect(programs.length).toBeGreaterThanOrEqual(6);
  });

  test.each(programs)("%s", async (program) => {
    const [plain, imported, required] = await Promise.all([
      observe(program, []),
      observe(program, ["--import", "corral/register"]),
      observe(program, ["--require", "corral/register"]),
    ]);
    expect(plain.stdout.length + plain.errors.length).toBeGreaterThan(0); // the program did something observable
    expect(imported).toEqual(plain);
    expect(required).toEqual(plain);
  });
});
