import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syncButWaiting } from "../../bench/yield/looks-waiting.ts";
import type { ScanEntry } from "../../bench/yield/tally.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "corral-looks-waiting-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = `
function mkdirP(p, opts, f, made) {
  var cb = f || function () {}
  fs.mkdir(p, function (er) { cb(er, made) })
}
function helper(a, next) {
  return next === undefined ? a : a + 1
}
function wrap(p) {
  return new Promise(function (resolve) { resolve(p) })
}
function outer() {
  return function inner() { return new Promise(function (resolve) { resolve() }) }
}
`;
writeFileSync(path.join(dir, "lib.js"), source);
const at = (name: string, line: number): ScanEntry => ({ file: "lib.js", function: name, line, style: "sync" });

describe("bench:yield's check on scan", () => {
  it("names the sync functions that use a callback-named last parameter or return a new Promise", () => {
    const scan = [at("mkdirP", 2), at("helper", 6), at("wrap", 9), at("outer", 12), { ...at("inner", 13), style: "chain" as const }];
    expect(syncButWaiting(dir, scan).map((f) => f.function)).toEqual(["mkdirP", "wrap"]);
  });
});
