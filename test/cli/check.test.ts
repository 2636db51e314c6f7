import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";


function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

const CLEAN = `import { fromPromise, isCancelled, type Cx } from "corral";

export async function good(cx: Cx, api: { get(id: string): Promise<string> }): Promise<string> {
  try {
    return await fromPromise(cx, api.get("a"));
  } catch (error) {
    if (isCancelled(error)) throw error;
    return "";
  }
}
`;

const HAZARDS = `import type { Cx } from "corral";
import { good } from "./clean.ts";

export async function bad(cx: Cx, api: { get(id: string): Promise<string> }): Promise<string> {
  api.get("floating");
  try {
    const v = await api.get("x");
    await good(api as never, api);
    return v;
  } catch {
    return "fallback";
  }
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-check-"));
  writeFileSync(path.join(dir, "clean.ts"), CLEAN);
  writeFileSync(path.join(dir, "hazards.ts"), HAZARDS);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("corral check", () => {
  test("clean scoped code: exit 0", async () => {
    const { code, stdout } = await corral(dir, "check", "clean.ts");
    expect(code).toBe(0);
    expect(stdout).toBe("0 hazards\n");
  });

  test("each hazard with file:line:col and a fix hint; exit 1 so it can gate CI", async () => {
    const { code, stdout } = await corral(dir, "check", ".", "--json");
    expect(code).toBe(1);
    const { hazards } = JSON.parse(stdout) as { hazards: { code: string; file: string; line: number; column: number; hint: string }[] };
    expect(hazards.map((h) => `${h.file}:${h.line}:${h.column} ${h.code}`)).toEqual([
      "hazards.ts:5:3 floating-promise",
      "hazards.ts:7:15 unbridged-await",
      "hazards.ts:8:11 missing-cx",
      "hazards.ts:10:5 swallowed-cancelled",
    ]);
    expect(hazards.every((h) => h.hint.length > 0)).toBe(true);
  });
});
