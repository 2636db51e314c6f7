import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn } from "../support/cli.ts";

/** Answers at once for an empty path, later otherwise: a "sometimes synchronous" callback API. */
const SOURCE = `const fs = require("fs");

function check(path, cb) {
  if (path === "") return cb(new Error("no path"));
  fs.access(path, (err) => {
    if (err) return cb(err);
    cb(null, true);
  });
}

module.exports = { check };
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-strict-"));
  writeFileSync(path.join(dir, "check.js"), SOURCE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  function: string;
  outcome: string;
  reason: { code: string } | null;
  notes: string[];
}

describe("corral migrate --to async --strict", () => {
  test("without --strict a callback answered in the same turn converts, with a note that it now answers later", async () => {
    const { code, stdout } = await corralIn(dir, ["migrate", "check.js", "--to", "async", "--json"]);
    expect(code).toBe(0);
    const [check] = (JSON.parse(stdout) as { results: Result[] }).results;
    expect(check).toMatchObject({ function: "check", outcome: "changed" });
    expect(check!.notes).toContainEqual(expect.stringMatching(/answered in the same turn\); the async form always answers later/));
  });

  test("--strict refuses it, and leaves the file byte-identical", async () => {
    const { code, stdout } = await corralIn(dir, ["migrate", "check.js", "--to", "async", "--strict", "--write", "--json"]);
    expect(code).toBe(0);
    const [check] = (JSON.parse(stdout) as { results: Result[] }).results;
    expect(check).toMatchObject({ function: "check", outcome: "refused", reason: { code: "callback-called-synchronously" } });
    expect(readFileSync(path.join(dir, "check.js"), "utf8")).toBe(SOURCE);
  });

  test("--strict goes with --to async only (a usage error otherwise)", async () => {
    const { code, stderr } = await corralIn(dir, ["migrate", "check.js", "--to", "scoped", "--strict"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--strict goes with --to async");
  });

  test("--strict: the advice works: once the callee in another file is migrated, a second run converts its caller", async () => {
    writeFileSync(
      path.join(dir, "size.js"),
      `const fs = require("fs");\n\nfunction size(path, cb) {\n  fs.stat(path, (err, stats) => {\n    if (err) return cb(err);\n    cb(null, stats.size);\n  });\n}\n\nmodule.exports = { size };\n`,
    );
    writeFileSync(
      path.join(dir, "twice.js"),
      `const { size } = require("./size");\n\nfunction twiceSize(path, cb) {\n  size(path, (err, n) => {\n    if (err) return cb(err);\n    cb(null, n * 2);\n  });\n}\n\nmodule.exports = { twiceSize };\n`,
    );
    const outcomes = async () => {
      const { stdout } = await corralIn(dir, ["migrate", "size.js", "twice.js", "--to", "async", "--strict", "--write", "--json"]);
      return Object.fromEntries((JSON.parse(stdout) as { results: Result[] }).results.map((r) => [r.function, r]));
    };
    const first = await outcomes();
    expect(first.size).toMatchObject({ outcome: "changed" });
    expect(first.twiceSize).toMatchObject({ outcome: "refused", reason: { code: "callback-may-run-synchronously" } });
    expect((first.twiceSize!.reason as unknown as { message: string }).message).toContain("migrate `size` first");
    const second = await outcomes();
    expect(second.twiceSize).toMatchObject({ outcome: "changed" });
    const twice = readFileSync(path.join(dir, "twice.js"), "utf8");
    expect(twice).toContain("const sizeAsync = promisify(size);"); // made once, after the requires
    expect(twice).toContain("await sizeAsync(path)");
    const third = await outcomes();
    expect(new Set(Object.values(third).map((r) => r.outcome))).toEqual(new Set(["unchanged"]));
  });
});
