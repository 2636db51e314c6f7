import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Hazard } from "../../codemods/engine/hazard.ts";
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

/**
 * Calls across the line between scoped and legacy code, followed into other files: a project in TypeScript
 * (ESM imports, a namespace import) and one in JavaScript (CommonJS: require, destructured require,
 * `require("./x").f(...)`, `mod.f(...)`, exports by assignment; and an ES module), each with a file of hazards
 * and a file that does everything right. corral is installed (linked) as users have it.
 */
const CALLS_TS: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022", noEmit: true, allowImportingTsExtensions: true, types: ["node"] } }),
  "lib.ts": `import { fromPromise, toPromise, type Cx } from "corral";

export interface Api {
  get(id: string, options?: { signal?: AbortSignal }): Promise<string>;
}

export async function loadScoped(cx: Cx, api: Api, id: string): Promise<string> {
  return fromPromise(cx, (signal) => api.get(id, { signal }));
}

/** The old signature of {@link loadScoped}, for callers outside corral. */
export function load(api: Api, id: string): Promise<string> {
  return toPromise((cx: Cx) => loadScoped(cx, api, id))();
}

async function sign(cx: Cx, key: string, data: string): Promise<string> {
  return fromPromise(cx, Promise.resolve(key + data));
}

export const crypto = { sign: toPromise(sign) };

export class Repo {
  async find(cx: Cx, id: string): Promise<string> {
    return fromPromise(cx, Promise.resolve(id));
  }

  /** The Cx is optional: given, it is checked; left out, nothing is. */
  close(cx?: Cx): void {
    void cx;
  }
}
`,
  "hazards.ts": `import type { EventEmitter } from "node:events";
import { callbackify } from "node:util";
import { all, type Cx } from "corral";
import * as lib from "./lib.ts";
import { crypto, load, loadScoped, Repo, type Api } from "./lib.ts";

export async function scoped(cx: Cx, api: Api, emitter: EventEmitter): Promise<void> {
  await loadScoped(api as any, "a");
  await lib.loadScoped(cx, api);
  await load(cx as any, api, "b");
  await crypto.sign(cx as any, "key", "data");
  emitter.on("id", loadScoped);
  await all(cx, [(cx) => loadScoped(api as any, "c")]);
  await new Repo().find(api as any);
}

export function legacy(api: Api): unknown {
  void lib.loadScoped(api as any, "d");
  return [callbackify(lib.loadScoped), wrap(loadScoped)];
}

function wrap<T>(fn: T): T {
  return fn;
}

void loadScoped(undefined as any, "e");
`,
  "clean.ts": `import { all, run, toCallback, toPromise, withNursery, type Cx } from "corral";
import { crypto, load, loadScoped, Repo, type Api } from "./lib.ts";

async function twice(cx: Cx, work: (cx: Cx, id: string) => Promise<string>, id: string): Promise<string[]> {
  return [await work(cx, id), await work(cx, id)];
}

async function maybe(cx: Cx, id: string, work?: (cx: Cx, id: string) => Promise<string>): Promise<string> {
  return work === undefined ? id : work(cx, id);
}

async function byId(cx: Cx, id: string): Promise<string> {
  return new Repo().find(cx, id);
}

export async function scoped(cx: Cx, api: Api): Promise<void> {
  await loadScoped(cx, api, "a");
  await twice(cx, (cx, id) => loadScoped(cx, api, id), "b");
  await twice(cx, byId, "c");
  await maybe(cx, "d", byId);
  await all(cx, [(cx) => loadScoped(cx, api, "e")]);
  await withNursery(cx, async (n) => n.start(loadScoped, api, "f"));
}

export function legacy(api: Api): unknown {
  new Repo().close();
  void load(api, "g");
  void crypto.sign("key", "data");
  void toPromise(loadScoped)(api, "h");
  void run((cx) => loadScoped(cx, api, "i"));
  return [toCallback(loadScoped), wrap(toPromise(byId))];
}

function wrap<T>(fn: T): T {
  return fn;
}
`,
};

const CALLS_JS: Record<string, string> = {
  "lib.js": `"use strict";
const { fromPromise, toPromise } = require("corral");

async function load(cx, api, id) {
  return fromPromise(cx, api.get(id));
}

async function sign(cx, key, data) {
  return fromPromise(cx, key.sign(data));
}

module.exports = { load, sign: toPromise(sign) };
`,
  "dirs.js": `"use strict";
const { fromPromise } = require("corral");

exports.ensureDir = async (cx, dir) => {
  await fromPromise(cx, dir.make());
};

module.exports.removeDir = async function removeDir(cx, dir) {
  await fromPromise(cx, dir.remove());
};

class Store {
  async fetch(cx, id) {
    return fromPromise(cx, id.get());
  }
}

module.exports.Store = Store;
`,
  "net.mjs": `import { fromPromise } from "corral";

export async function fetchText(cx, url) {
  return fromPromise(cx, (signal) => fetch(url, { signal }).then((r) => r.text()));
}
`,
  "hazards.js": `"use strict";
const { callbackify, promisify } = require("node:util");
const { load, sign } = require("./lib");
const lib = require("./lib");
const dirs = require("./dirs");
const { ensureDir: ensure } = require("./dirs");
const removeDir = require("./dirs").removeDir;

async function scoped(cx, api, emitter, ids) {
  await load(api, "a");
  await lib.load(api, "b");
  await require("./lib").load(api, "c");
  await ensure("dir");
  await new dirs.Store().fetch("id");
  await dirs.ensureDir(cx, "dir", "extra");
  await sign(cx, "key", "data");
  ids.forEach(load);
  emitter.on("dir", removeDir);
  setTimeout(lib.load, 10);
  return [callbackify(load), promisify(dirs.ensureDir)];
}

function wrap(fn) {
  return fn;
}

function legacy(api) {
  return lib.load(api, "d");
}

module.exports = { scoped, legacy, ensureDirs: wrap(ensure) };
`,
  "hazards.mjs": `import { fetchText } from "./net.mjs";

export async function scoped(cx) {
  return fetchText("https://example.com");
}
`,
  "clean.js": `"use strict";
const { all, toCallback, toPromise, withNursery } = require("corral");
const { load, sign } = require("./lib");
const dirs = require("./dirs");
const { ensureDir: ensure } = require("./dirs");

async function scoped(cx, api, dir) {
  await load(cx, api, "a");
  await dirs.ensureDir(cx, dir);
  await ensure(cx, dir);
  await new dirs.Store().fetch(cx, "id");
  await all(cx, [(cx) => load(cx, api, "b"), (cx) => dirs.removeDir(cx, dir)]);
  await withNursery(cx, async (n) => n.start(load, api, "c"));
}

function wrap(fn) {
  return fn;
}

function legacy(api, emitter) {
  emitter.on("id", toPromise(load));
  sign("key", "data");
  return [toCallback(dirs.ensureDir), wrap(toPromise(ensure))];
}

module.exports = { scoped, legacy };
`,
  "clean.mjs": `import { fetchText } from "./net.mjs";

export async function scoped(cx) {
  return fetchText(cx, "https://example.com");
}
`,
};

/**
 * JavaScript read as a project without a tsconfig reads it (corral's types out of reach: what is known comes from the
 * code), and with one (module nodenext, allowJs: the checker's inference has corral's types).
 */
const JS_SETUPS: [string, Record<string, string>][] = [
  ["no tsconfig", {}],
  ["a tsconfig with allowJs", { "tsconfig.json": JSON.stringify({ compilerOptions: { allowJs: true, module: "nodenext", target: "es2022", noEmit: true, types: ["node"] } }) }],
];

/** Writes `files` into a new folder with corral and Node's types installed (links to this package, built, and its own). */
function projectOf(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "corral-check-calls-"));
  const here = fileURLToPath(new URL("../..", import.meta.url));
  mkdirSync(path.join(root, "node_modules/@types"), { recursive: true });
  symlinkSync(here, path.join(root, "node_modules/corral"), "dir");
  symlinkSync(path.join(here, "node_modules/@types/node"), path.join(root, "node_modules/@types/node"), "dir");
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
  return root;
}

async function hazardsIn(root: string, ...paths: string[]): Promise<{ code: number; hazards: Hazard[] }> {
  const { code, stdout } = await corral(root, "check", ...paths, "--json");
  return { code, hazards: (JSON.parse(stdout) as { hazards: Hazard[] }).hazards };
}

describe("corral check: calls across the scoped/legacy line, across files", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("TypeScript: each hazard with file:line:col, the callee's declaration and a fix hint", async () => {
    root = projectOf(CALLS_TS);
    const { code, hazards } = await hazardsIn(root, "hazards.ts");
    expect(code).toBe(1);
    expect(hazards.map((h) => `${h.file}:${h.line}:${h.column} ${h.code} (in ${h.function}): ${h.hint}`)).toEqual([
      "hazards.ts:8:9 missing-cx (in scoped): pass the context first: loadScoped(cx, ...)",
      "hazards.ts:9:9 wrong-arity (in scoped): match its parameters: lib.loadScoped(cx, api, id)",
      "hazards.ts:10:9 legacy-wrapper-given-cx (in scoped): call loadScoped(cx, ...) natively (export it beside the wrapper if it is not); the wrapper is for legacy callers only",
      "hazards.ts:11:9 legacy-wrapper-given-cx (in scoped): call sign(cx, ...) natively (export it beside the wrapper if it is not); the wrapper is for legacy callers only",
      "hazards.ts:12:20 scoped-function-passed-to-legacy (in scoped): hand legacy code its bridge: toPromise(loadScoped) (toCallback(loadScoped) for err-first callbacks), or start it in a nursery: n.start(loadScoped, ...)",
      "hazards.ts:13:26 missing-cx (in scoped): pass the context first: loadScoped(cx, ...)",
      "hazards.ts:14:9 missing-cx (in scoped): pass the context first: new Repo().find(cx, ...)",
      "hazards.ts:18:8 missing-cx (in legacy): legacy code calls it through the bridge: toPromise(lib.loadScoped)(...) (toCallback for err-first callers), or keep a legacy export of it (--keep-legacy-export)",
      "hazards.ts:19:23 scoped-function-passed-to-legacy (in legacy): err-first callers get toCallback(lib.loadScoped) from corral",
      "hazards.ts:19:45 scoped-function-passed-to-legacy (in legacy): hand legacy code its bridge: toPromise(loadScoped) (toCallback(loadScoped) for err-first callbacks), or start it in a nursery: n.start(loadScoped, ...)",
      "hazards.ts:26:6 missing-cx (in <top level>): run it in a root scope: run((cx) => loadScoped(cx, ...)) (corral migrate <file> --entry writes that)",
    ]);
    expect(hazards.map((h) => h.message).slice(1, 5)).toEqual([
      "`lib.loadScoped` (lib.ts:7) takes 3 arguments with its Cx, but is given 2",
      "`load` is the legacy wrapper of the scoped `loadScoped` (lib.ts:7): it supplies the Cx itself, so given one, every argument lands one place to the right",
      "`crypto.sign` is the legacy wrapper of the scoped `sign` (lib.ts:16): it supplies the Cx itself, so given one, every argument lands one place to the right",
      "`loadScoped` is scoped (it takes a Cx first, lib.ts:7), but `emitter.on` is legacy code: it will call it without one",
    ]);
  });

  test("TypeScript: the same calls done right, 0 hazards", async () => {
    root = projectOf(CALLS_TS);
    expect(await hazardsIn(root, "clean.ts", "lib.ts")).toEqual({ code: 0, hazards: [] });
  });

  test.each(JS_SETUPS)("JavaScript (CommonJS and ES modules), %s: each hazard, callees found through require and import", async (_, config) => {
    root = projectOf({ ...CALLS_JS, ...config });
    const { code, hazards } = await hazardsIn(root, "hazards.js", "hazards.mjs");
    expect(code).toBe(1);
    expect(hazards.map((h) => `${h.file}:${h.line}:${h.column} ${h.code} (in ${h.function}): ${h.hint}`)).toEqual([
      "hazards.js:10:9 missing-cx (in scoped): pass the context first: load(cx, ...)",
      "hazards.js:11:9 missing-cx (in scoped): pass the context first: lib.load(cx, ...)",
      'hazards.js:12:9 missing-cx (in scoped): pass the context first: require("./lib").load(cx, ...)',
      "hazards.js:13:9 missing-cx (in scoped): pass the context first: ensure(cx, ...)",
      "hazards.js:14:9 missing-cx (in scoped): pass the context first: new dirs.Store().fetch(cx, ...)",
      "hazards.js:15:9 wrong-arity (in scoped): match its parameters: dirs.ensureDir(cx, dir)",
      "hazards.js:16:9 legacy-wrapper-given-cx (in scoped): call sign(cx, ...) natively (export it beside the wrapper if it is not); the wrapper is for legacy callers only",
      "hazards.js:17:15 scoped-function-passed-to-legacy (in scoped): hand legacy code its bridge: toPromise(load) (toCallback(load) for err-first callbacks), or start it in a nursery: n.start(load, ...)",
      "hazards.js:18:21 scoped-function-passed-to-legacy (in scoped): hand legacy code its bridge: toPromise(removeDir) (toCallback(removeDir) for err-first callbacks), or start it in a nursery: n.start(removeDir, ...)",
      "hazards.js:19:14 scoped-function-passed-to-legacy (in scoped): hand legacy code its bridge: toPromise(lib.load) (toCallback(lib.load) for err-first callbacks), or start it in a nursery: n.start(lib.load, ...)",
      "hazards.js:20:23 scoped-function-passed-to-legacy (in scoped): err-first callers get toCallback(load) from corral",
      "hazards.js:20:40 scoped-function-passed-to-legacy (in scoped): it returns a promise already: toPromise(dirs.ensureDir) is its legacy form",
      "hazards.js:28:10 missing-cx (in legacy): legacy code calls it through the bridge: toPromise(lib.load)(...) (toCallback for err-first callers), or keep a legacy export of it (--keep-legacy-export)",
      "hazards.js:31:53 scoped-function-passed-to-legacy (in <top level>): hand legacy code its bridge: toPromise(ensure) (toCallback(ensure) for err-first callbacks), or start it in a nursery: n.start(ensure, ...)",
      "hazards.mjs:4:10 missing-cx (in scoped): pass the context first: fetchText(cx, ...)",
    ]);
    expect(hazards.map((h) => h.message).slice(5, 7)).toEqual([
      "`dirs.ensureDir` (dirs.js:4) takes at most 2 arguments with its Cx, but is given 3",
      "`sign` is the legacy wrapper of the scoped `sign` (lib.js:8): it supplies the Cx itself, so given one, every argument lands one place to the right",
    ]);
  });

  test.each(JS_SETUPS)("JavaScript, %s: the same calls done right, 0 hazards", async (_, config) => {
    root = projectOf({ ...CALLS_JS, ...config });
    expect(await hazardsIn(root, "clean.js", "clean.mjs", "lib.js", "dirs.js", "net.mjs")).toEqual({ code: 0, hazards: [] });
  });
});

describe("corral check on what --to scoped writes", () => {
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  const outputs = ["fixtures/to-scoped", "fixtures/entry"].flatMap((stage) =>
    readdirSync(path.join(repo, stage), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(path.join(repo, stage, entry.name)).filter((f) => /^output\.[cm]?[jt]s$/.test(f)).map((f) => `${stage}/${entry.name}/${f}`)),
  );

  // False positives matter: every golden output is clean, but the one whose note says a call is left floating.
  test("the golden outputs: no hazard but the fire-and-forget call a note announces", async () => {
    expect(outputs.length).toBeGreaterThan(50);
    const { code, hazards } = await hazardsIn(repo, ...outputs);
    expect(code).toBe(1);
    expect(hazards.map((h) => `${h.file}:${h.line}:${h.column} ${h.code}`)).toEqual(["fixtures/to-scoped/floating-call-in-scoped-function/output.ts:12:3 floating-promise"]);
  });
});

/**
 * Code that runs in a task without being a scoped function of its own: an inline child (`n.start(async (cx) => ...)`),
 * a deadline's or a thunk's body, a nursery's body; and `Promise` combinators over scoped calls, whose fix is
 * `all`/`race` (bridging them with fromPromise fails at run time: two waits on one cx). TypeScript (the child's
 * `cx` is a Cx by context) and JavaScript (named `cx`, in a file that uses corral).
 */
const INLINE_TS: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", target: "es2022", noEmit: true, types: ["node"] } }),
  "lib.ts": `import { sleep, type Cx } from "corral";

export async function f(cx: Cx, id = 0): Promise<number> {
  await sleep(cx, 1);
  return id;
}
`,
  "hazards.ts": `import { all, moveOnAfter, withNursery, type Cx } from "corral";
import { setTimeout as delay } from "node:timers/promises";
import { f } from "./lib.ts";

export async function crawl(cx: Cx, ids: number[]): Promise<void> {
  await withNursery(cx, async (n) => {
    n.start(async (cx) => {
      await delay(5);
    });
    await delay(1);
  });
  await moveOnAfter(cx, 10, async (cx) => void (await delay(2)));
  await all(cx, [async (cx) => void (await delay(3))]);
  await Promise.all([f(cx), f(cx, 1)]);
  await Promise.all(ids.map((id) => f(cx, id)));
  await Promise.allSettled([f(cx), delay(4)]);
  await Promise.race([f(cx), f(cx, 2)]);
  await Promise.any([f(cx), f(cx, 3)]);
}

export class Pool {
  async run(cx: Cx): Promise<void> {
    await withNursery(cx, (n) => n.start(async (cx) => void (await delay(6))));
  }
}
`,
  "clean.ts": `import { all, fromPromise, moveOnAfter, sleep, withNursery, type Cx } from "corral";
import { setTimeout as delay } from "node:timers/promises";
import { f } from "./lib.ts";

export async function crawl(cx: Cx, ids: number[]): Promise<void> {
  await withNursery(cx, async (n) => {
    n.start(async (cx) => {
      await sleep(cx, 5);
    });
    await fromPromise(cx, (signal) => delay(1, undefined, { signal }));
  });
  await moveOnAfter(cx, 10, async (cx) => void (await f(cx)));
  await all(cx, [(cx) => f(cx), (cx) => f(cx, 1)]);
  await all(cx, ids.map((id) => (cx) => f(cx, id)));
  ids.forEach(async (id) => void (await delay(id)));
  await fromPromise(cx, Promise.all([delay(1), delay(2)]));
}
`,
};

const INLINE_JS: Record<string, string> = {
  "hazards.js": `"use strict";
const { withNursery, sleep } = require("corral");
const { setTimeout: delay } = require("node:timers/promises");

async function f(cx, id) {
  await sleep(cx, 1);
  return id;
}

async function crawl(cx) {
  await withNursery(cx, async (n) => {
    n.start(async (cx) => {
      await delay(5);
    });
    await delay(1);
  });
  await Promise.all([f(cx, 0), f(cx, 1)]);
}

module.exports = { crawl };
`,
};

describe("corral check: inline children and combinators over scoped calls", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("TypeScript: an unbridged await in an inline child, a deadline's body, a thunk, a nursery's body; all/race as the hint for combinators", async () => {
    root = projectOf(INLINE_TS);
    const { code, hazards } = await hazardsIn(root, "hazards.ts");
    expect(code).toBe(1);
    expect(hazards.map((h) => `${h.file}:${h.line}:${h.column} ${h.code} (in ${h.function}): ${h.hint}`)).toEqual([
      "hazards.ts:8:7 unbridged-await (in crawl): bridge it: await fromPromise(cx, (signal) => ...) (pass the signal if it takes one)",
      "hazards.ts:10:5 unbridged-await (in crawl): bridge it: await fromPromise(cx, (signal) => ...) (pass the signal if it takes one)",
      "hazards.ts:12:49 unbridged-await (in crawl): bridge it: await fromPromise(cx, (signal) => ...) (pass the signal if it takes one)",
      "hazards.ts:13:38 unbridged-await (in crawl): bridge it: await fromPromise(cx, (signal) => ...) (pass the signal if it takes one)",
      "hazards.ts:14:3 unbridged-await (in crawl): run each call as a task of its own: await all(cx, [(cx) => f(cx), (cx) => f(cx, 1)])",
      "hazards.ts:15:3 unbridged-await (in crawl): run each call as a task of its own: await all(cx, ids.map((id) => (cx) => f(cx, id)))",
      "hazards.ts:16:3 unbridged-await (in crawl): run each call as a task of its own: await all(cx, [(cx) => f(cx), (cx) => fromPromise(cx, delay(4))], { settle: true })",
      "hazards.ts:17:3 unbridged-await (in crawl): run each call as a task of its own: await race(cx, [(cx) => f(cx), (cx) => f(cx, 2)])",
      "hazards.ts:18:3 unbridged-await (in crawl): start each call as a task of its own: withNursery(cx, (n) => { n.start(...) }), and cancel the nursery's scope at the first success",
      "hazards.ts:23:62 unbridged-await (in Pool.run): bridge it: await fromPromise(cx, (signal) => ...) (pass the signal if it takes one)",
    ]);
    expect(hazards[4]!.message).toBe(
      "`Promise.all` starts scoped calls side by side on one cx: a task waits on one thing at a time, so the second call fails at run time (bridging it with fromPromise does not help)",
    );
  });

  test("TypeScript: the same done right, and a callback legacy code runs, 0 hazards", async () => {
    root = projectOf(INLINE_TS);
    expect(await hazardsIn(root, "clean.ts", "lib.ts")).toEqual({ code: 0, hazards: [] });
  });

  test.each(JS_SETUPS)("JavaScript, %s: an inline child's and a nursery body's unbridged await; all as the hint", async (_, config) => {
    root = projectOf({ ...INLINE_JS, ...config });
    const { hazards } = await hazardsIn(root, "hazards.js");
    expect(hazards.map((h) => `${h.file}:${h.line}:${h.column} ${h.code}: ${h.hint}`)).toEqual([
      "hazards.js:13:7 unbridged-await: bridge it: await fromPromise(cx, (signal) => ...) (pass the signal if it takes one)",
      "hazards.js:15:5 unbridged-await: bridge it: await fromPromise(cx, (signal) => ...) (pass the signal if it takes one)",
      "hazards.js:17:3 unbridged-await: run each call as a task of its own: await all(cx, [(cx) => f(cx, 0), (cx) => f(cx, 1)])",
    ]);
  });
});
