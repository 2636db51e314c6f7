import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";


function corral(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args, { NO_COLOR: "", FORCE_COLOR: "", ...env });
}

const SOURCE = `export function load(api: { get(id: string): Promise<string> }, id: string) {
  return api.get(id).then((value) => value.trim());
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-safety-"));
  writeFileSync(path.join(dir, "api.ts"), SOURCE);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", "api.ts");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "start");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("corral migrate --write in a git work tree", () => {
  test("refuses to write over uncommitted changes, writing nothing; --allow-dirty writes", async () => {
    const edited = `${SOURCE}// a change in progress\n`;
    writeFileSync(path.join(dir, "api.ts"), edited);
    const refused = await corral(dir, {}, "migrate", "api.ts", "--to", "async", "--write");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("api.ts has uncommitted changes");
    expect(refused.stderr).toContain("--allow-dirty");
    expect(readFileSync(path.join(dir, "api.ts"), "utf8")).toBe(edited);
    const forced = await corral(dir, {}, "migrate", "api.ts", "--to", "async", "--write", "--allow-dirty");
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(dir, "api.ts"), "utf8")).toContain("export async function load(");
  });

  test("a committed file is written", async () => {
    const { code } = await corral(dir, {}, "migrate", "api.ts", "--to", "async", "--write");
    expect(code).toBe(0);
    expect(readFileSync(path.join(dir, "api.ts"), "utf8")).toContain("await api.get(id)");
  });
});

describe("the diff's colour", () => {
  test("plain when piped or with NO_COLOR; coloured with FORCE_COLOR", async () => {
    const plain = await corral(dir, {}, "migrate", "api.ts", "--to", "async");
    expect(plain.stdout).not.toContain("\x1b[");
    const coloured = await corral(dir, { FORCE_COLOR: "1" }, "migrate", "api.ts", "--to", "async");
    expect(coloured.stdout).toContain("\x1b[32m+export async function load(");
    expect(coloured.stdout).toContain("\x1b[31m-export function load(");
    const none = await corral(dir, { FORCE_COLOR: "1", NO_COLOR: "1" }, "migrate", "api.ts", "--to", "async");
    expect(none.stdout).not.toContain("\x1b[");
  });
});
