import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";


function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

const GOOD = `export function load(api: { get(id: string): Promise<string> }, id: string) {
  return api.get(id).then((value) => value.trim());
}
`;
const BINARY = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x00, 0x41]);
const BIG = `export const data = "${"x".repeat(1024 * 1024 + 10)}";\n`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-bad-"));
  mkdirSync(path.join(dir, "src/nested"), { recursive: true });
  writeFileSync(path.join(dir, "src/good.ts"), GOOD);
  writeFileSync(path.join(dir, "src/broken.ts"), "export function (\n");
  writeFileSync(path.join(dir, "src/binary.js"), BINARY);
  writeFileSync(path.join(dir, "src/bundle.js"), BIG);
  symlinkSync("..", path.join(dir, "src/nested/up"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("bad input", () => {
  test("symbolic link loops, binary and oversized files are skipped with a message; the rest is migrated", async () => {
    const { code, stdout, stderr } = await corral(dir, "migrate", "src", "--to", "async", "--write", "--json");
    expect(code).toBe(1); // broken.ts could not be parsed
    const report = JSON.parse(stdout) as { results: { file: string; outcome: string; reason: { code: string; message: string } | null }[]; skipped: { file: string; reason: string }[] };
    expect(report.skipped).toEqual([
      { file: path.join("src", "binary.js"), reason: "a binary file, not source text" },
      { file: path.join("src", "bundle.js"), reason: expect.stringMatching(/^over the size limit \(1\.0 MiB > 1 MiB\)/) },
      { file: path.join("src", "nested", "up"), reason: expect.stringMatching(/reached again through a symbolic link/) },
    ]);
    expect(stderr).toContain("corral: skipped src/binary.js: a binary file, not source text");
    const broken = report.results.find((r) => r.file === path.join("src", "broken.ts"))!;
    expect(broken.outcome).toBe("error");
    expect(broken.reason!.message).toMatch(/^src\/broken\.ts:1:17: .*; the file was left untouched$/);
    expect(readFileSync(path.join(dir, "src/broken.ts"), "utf8")).toBe("export function (\n");
    expect(readFileSync(path.join(dir, "src/binary.js"))).toEqual(BINARY);
    expect(readFileSync(path.join(dir, "src/good.ts"), "utf8")).toContain("export async function load(");
  });

  test("unknown flags, missing targets, and functions that do not exist", async () => {
    const flag = await corral(dir, "migrate", "src", "--to", "async", "--frobnicate");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("'corral migrate' has no option --frobnicate;");
    const missing = await corral(dir, "migrate", "nowhere.ts", "--to", "async");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nowhere.ts: no such file or folder");
    const noFunction = await corral(dir, "migrate", "src/good.ts:nothing", "--to", "scoped");
    expect(noFunction.code).toBe(1);
    expect(noFunction.stdout).toContain("src/good.ts:nothing: no function is named nothing");
    expect((await corral(dir, "frobnicate")).code).toBe(2);
    expect((await corral(dir, "scan", "--frobnicate")).code).toBe(2);
    expect((await corral(dir, "check", "nowhere")).code).toBe(2);
  });
});
