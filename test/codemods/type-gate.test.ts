import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Project, ts } from "ts-morph";
import { afterAll, describe, expect, test } from "vitest";
import { gateTypes } from "../../codemods/engine/gate-types.ts";
import { migrate, type FileChange } from "../../codemods/engine/migrate.ts";
import { displayOf, type FunctionResult } from "../../codemods/engine/result.ts";
import { findTypeBreaks } from "../../codemods/engine/type-gate.ts";

/**
 * The type gate on rewrites written by hand: what a stage would have produced. Files live in memory; each test says
 * which functions the "run" changed, and the gate answers which of those rewrites add a type error.
 */
function gate(
  files: Record<string, string>,
  after: Record<string, string>,
  changed: { file: string; function: string; line: number }[],
  options: ts.CompilerOptions = {},
) {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true, allowJs: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, ...options },
  });
  for (const [name, text] of Object.entries(files)) project.createSourceFile(name, after[name] ?? text);
  const changes: FileChange[] = Object.entries(after).map(([name, text]) => ({ file: `/${name}`, before: files[name]!, after: text }));
  const results: FunctionResult[] = changed.map((c) => ({ file: displayOf(`/${c.file}`), function: c.function, line: c.line, outcome: "changed", notes: [] }));
  const { breaks } = findTypeBreaks(project, changes, results);
  return new Map([...breaks].map(([key, reason]) => [key.replace(/^(\.\.\/)+/, ""), reason]));
}

const twoFunctions = `export function parse(text: string): number {
  return Number(text);
}

export function total(a: string, b: string): number {
  return parse(a) + parse(b);
}
`;

describe("the type gate", () => {
  test("a rewrite that adds an error inside its own function is refused, with the error and where it is", () => {
    const broken = twoFunctions.replace("return parse(a) + parse(b);", "return parse(a, b) + parse(b);");
    const breaks = gate({ "a.ts": twoFunctions }, { "a.ts": broken }, [{ file: "a.ts", function: "total", line: 5 }]);
    expect([...breaks.keys()]).toEqual(["a.ts:5:total"]);
    const reason = breaks.get("a.ts:5:total")!;
    expect(reason.code).toBe("would-break-types");
    expect(reason.message).toContain("TS2554 Expected 1 arguments, but got 2.");
    expect(reason.message).toMatch(/a\.ts:6:\d+ as rewritten: return parse\(a, b\) \+ parse\(b\);/);
  });

  test("only the function whose lines hold the error is refused, not its neighbour rewritten in the same file", () => {
    const broken = twoFunctions
      .replace("return Number(text);", "return Number(text.trim());")
      .replace("return parse(a) + parse(b);", "return parse(a) + parse();");
    const breaks = gate({ "a.ts": twoFunctions }, { "a.ts": broken }, [
      { file: "a.ts", function: "parse", line: 1 },
      { file: "a.ts", function: "total", line: 5 },
    ]);
    expect([...breaks.keys()]).toEqual(["a.ts:5:total"]);
  });

  test("an error in a version a stage added beside a function (fAsync, at the end of the file) is that function's", () => {
    const before = `export function first(a: string): string {\n  return a;\n}\n\nexport function second(b: string): string {\n  return b;\n}\n\nexport function third(c: string): string {\n  return c;\n}\n`;
    const after = before.replace("return a;", "return a.trim();").replace("return b;", "return secondAsync(b) as never;") + `\nasync function secondAsync(b: string): Promise<string> {\n  return first(b, b);\n}\n`;
    const breaks = gate({ "a.ts": before }, { "a.ts": after }, [
      { file: "a.ts", function: "first", line: 1 },
      { file: "a.ts", function: "second", line: 5 },
    ]);
    expect([...breaks.keys()]).toEqual(["a.ts:5:second"]);
  });

  test("an error no function holds, in a caller of several changed methods, goes to those the error's text names", () => {
    const before = `export class Store {\n  count(id: string): Promise<number> {\n    return Promise.resolve(id.length);\n  }\n\n  name(id: string): Promise<string> {\n    return Promise.resolve(id);\n  }\n}\n`;
    const after = before.replace("count(id: string)", "count(cx: object, id: string)").replace("return Promise.resolve(id);", "return Promise.resolve(id.trim());");
    const user = `import { Store } from "./a.js";\n\ninterface Counter {\n  count(id: string): Promise<number>;\n}\n\nexport const counter: Counter = new Store();\n`;
    const breaks = gate({ "a.ts": before, "b.ts": user }, { "a.ts": after }, [
      { file: "a.ts", function: "Store.count", line: 2 },
      { file: "a.ts", function: "Store.name", line: 6 },
    ]);
    expect([...breaks.keys()]).toEqual(["a.ts:2:Store.count"]);
  });

  test("an error the file already had, moved by the rewrite, is not the rewrite's", () => {
    const before = `export function f(x: string): number {\n  const n: number = x;\n  return n;\n}\n`;
    const after = `export async function f(x: string): Promise<number> {\n  await null;\n  const n: number = x;\n  return n;\n}\n`;
    expect(gate({ "a.ts": before }, { "a.ts": after }, [{ file: "a.ts", function: "f", line: 1 }]).size).toBe(0);
  });

  test("a caller in another file that no longer fits is laid at the door of the callee's rewrite", () => {
    const callee = `export function load(id: string): Promise<string> {\n  return Promise.resolve(id);\n}\n`;
    const caller = `import { load } from "./a.js";\n\nexport async function main(): Promise<string> {\n  return load("1");\n}\n`;
    const scoped = `export async function load(cx: object, id: string): Promise<string> {\n  return id;\n}\n`;
    const breaks = gate({ "a.ts": callee, "b.ts": caller }, { "a.ts": scoped }, [{ file: "a.ts", function: "load", line: 1 }]);
    expect([...breaks.keys()]).toEqual(["a.ts:1:load"]);
    expect(breaks.get("a.ts:1:load")!.message).toMatch(/TS2554 .*b\.ts:4:\d+ as rewritten: return load\("1"\);/);
  });

  test("JavaScript is compared with the checker's inference: a required function called with the old arity is caught", () => {
    const callee = `exports.load = function load(id, callback) {\n  setTimeout(() => callback(null, id));\n};\n`;
    const caller = `const { load } = require("./a.js");\n\nload("1", (err, v) => console.log(err, v));\n`;
    const rewritten = `exports.load = async function load(id) {\n  return id;\n};\n`;
    const breaks = gate({ "a.js": callee, "b.js": caller }, { "a.js": rewritten }, [{ file: "a.js", function: "exports.load", line: 1 }]);
    expect([...breaks.keys()]).toEqual(["a.js:1:exports.load"]);
    expect(breaks.get("a.js:1:exports.load")!.message).toContain("TS2554");
  });

  test("in JavaScript a parameter moved to a new function is not a new error (no annotation to add there)", () => {
    const before = `function size(path, callback) {\n  callback(null, path.length);\n}\nmodule.exports = { size };\n`;
    const after = `const { callbackify } = require("node:util");\nfunction size(path, callback) {\n  callbackify(sizeAsync)(path, callback);\n}\nasync function sizeAsync(path) {\n  return path.length;\n}\nmodule.exports = { size };\n`;
    expect([...gate({ "a.js": before }, { "a.js": after }, [{ file: "a.js", function: "size", line: 1 }]).values()]).toEqual([]);
  });

  test("in unchecked JavaScript an argument error against a library's overloads is the checker's guess, not counted", () => {
    // JS inference takes readAsync's parameter as optional, so callbackify picks its no-argument overload.
    const before = `function read(path, callback) {\n  callback(null, path);\n}\nmodule.exports = { read };\n`;
    const after = `const { callbackify } = require("node:util");\nfunction read(path, callback) {\n  callbackify(readAsync)(path, callback);\n}\nasync function readAsync(path) {\n  return path;\n}\nmodule.exports = { read };\n`;
    const node = { "node_modules/@types/node/index.d.ts": `declare module "node:util" {\n  export function callbackify(fn: () => Promise<void>): (callback: (err: Error) => void) => void;\n}\n` };
    expect(gate({ ...node, "a.js": before }, { "a.js": after }, [{ file: "a.js", function: "read", line: 1 }]).size).toBe(0);
  });

  test("JavaScript the project checks itself (checkJs) is compared as its build sees it: an implicit any counts", () => {
    const before = `/** @param {string} id */\nexports.load = function load(id) {\n  return Promise.resolve(id);\n};\n`;
    const after = `/** @param {string} id */\nexports.load = async function load(cx, id) {\n  return id;\n};\n`;
    const breaks = gate({ "a.js": before }, { "a.js": after }, [{ file: "a.js", function: "exports.load", line: 2 }], { checkJs: true });
    expect([...breaks.values()].map((r) => r.message)).toEqual([expect.stringContaining("TS7006")]);
  });
});

describe("the type gate's verdicts, settled by the engine", () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "corral-gate-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const reason = { code: "would-break-types", message: "the rewrite would add a type error (a test's)" };

  function write(name: string, text: string): string {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    return file;
  }

  test("--to async: a function named in `refuse` is refused with that reason, and its file is left as it was", async () => {
    const file = write("chain.ts", `export function load(p: Promise<string>): Promise<string> {\n  return p.then((v) => v.trim());\n}\n`);
    const key = `${displayOf(file)}:1:load`;
    const report = await migrate({ targets: [file], to: "async", refuse: { [key]: reason } });
    expect(report.results.map((r) => [r.function, r.outcome, r.reason?.code])).toEqual([["load", "refused", "would-break-types"]]);
    expect(report.results[0]!.reason!.message).toContain("a test's");
    expect(report.changes).toEqual([]);
  });

  test("--to scoped: a callee refused stays legacy, so its caller is written against it as legacy code (bridged)", async () => {
    const file = write(
      "pair.ts",
      `export async function one(id: string): Promise<string> {\n  return id;\n}\n\nexport async function pair(a: string, b: string): Promise<string> {\n  const x = await one(a);\n  return x + (await one(b));\n}\n`,
    );
    const free = await migrate({ targets: [file], to: "scoped", typeGate: false });
    expect(free.changes[0]!.after).toContain("await one(cx, a)");
    const report = await migrate({ targets: [file], to: "scoped", typeGate: false, refuse: { [`${displayOf(file)}:1:one`]: reason } });
    expect(report.results.map((r) => [r.function, r.outcome])).toEqual([
      ["one", "refused"],
      ["pair", "changed"],
    ]);
    expect(report.changes[0]!.after).toContain("await fromPromise(cx, one(a))");
    expect(report.changes[0]!.after).toMatch(/export async function one\(id: string\)/);
  });

  test("gateTypes runs the stage again with each new refusal until no rewrite adds a type error", async () => {
    const file = write("gated.ts", twoFunctions);
    const display = displayOf(file);
    const broken = { file, before: twoFunctions, after: twoFunctions.replace("return parse(a) + parse(b);", "return parse(a, b) + parse(b);") };
    const changed = (name: string, line: number): FunctionResult => ({ file: display, function: name, line, outcome: "changed", notes: [] });
    const reruns: string[][] = [];
    const report = await gateTypes({ results: [changed("total", 5)], changes: [broken], skipped: [] }, { targets: [file], to: "async" }, async (refuse) => {
      reruns.push(Object.keys(refuse));
      return { results: [{ ...changed("total", 5), outcome: "refused", reason: refuse[`${display}:5:total`]! }], changes: [] };
    });
    expect(reruns).toEqual([[`${display}:5:total`]]);
    expect(report.changes).toEqual([]);
    expect(report.results[0]!.reason!.message).toContain("TS2554");
  });
});

test("where corral is not installed, the gate says so once, checks against the running corral's types, and refuses nothing for it", () => {
  const project = new Project({ compilerOptions: { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext } });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "corral-gate-none-")), "a.ts");
  const before = `export async function load(ids: string[]): Promise<string[]> {\n  return Promise.all(ids.map(async (id) => id));\n}\n`;
  // A thunk's cx is typed by all's signature: without corral's types it would be an implicit any.
  const after = `import { all, type Cx } from "corral";\n\nexport async function load(cx: Cx, ids: string[]): Promise<string[]> {\n  return all(cx, ids.map((id) => async (cx) => id));\n}\n`;
  project.createSourceFile(file, after);
  const { breaks, warnings } = findTypeBreaks(project, [{ file, before, after }], [{ file: displayOf(file), function: "load", line: 1, outcome: "changed", notes: [] }]);
  expect([...breaks.values()]).toEqual([]);
  expect(warnings).toEqual([expect.stringContaining("install corral in the project (npm install corral)")]);
  rmSync(path.dirname(file), { recursive: true, force: true });
});
