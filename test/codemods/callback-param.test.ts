import { Project } from "ts-morph";
import { expect, test } from "vitest";
import { functionsOf, nameOf } from "../../codemods/engine/functions.ts";
import { callbackParam } from "../../codemods/to-async/callback-param.ts";

/** The callback parameter found in each named function of `code`, by the function's name. */
function found(code: string, file = "input.js"): Record<string, string | null> {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, strict: true } });
  const source = project.createSourceFile(file, code);
  const named = functionsOf(source).filter((fn) => nameOf(fn) !== "<anonymous>");
  return Object.fromEntries(named.map((fn) => [nameOf(fn), callbackParam(fn)?.getText() ?? null]));
}

test("an untyped callback is found by its name and its use, in every shape", () => {
  const code = `
    exports.files = function files(dir, type, callback, options) { setTimeout(() => callback(null, [])); };
    Store.prototype.read = function (name, cb) { this.cbs.push(cb); };
    const api = { load(p, done) { later(() => done(null, p)); }, stat: (p, next) => { fs.stat(p, next); } };
    class Reader { read(p, cont) { if (!p) return cont(new Error("no path")); cont(null, p); } }
    function forever(task, errback) { var done = once(errback); task(done); }
  `;
  expect(found(code)).toEqual({ files: "callback", "Store.prototype.read": "cb", load: "done", stat: "next", "Reader.read": "cont", forever: "errback" });
});

test("an iteratee, a value-first call and a synchronous no-argument call of a weak name are not callbacks", () => {
  const code = `
    function each(arr, fn) { for (const x of arr) fn(x); }
    function map(arr, fn) { return arr.map(fn); }
    function tell(value, next) { next(value); }
    function check(x, fn) { if (x) fn(new Error("x")); }
  `;
  expect(found(code)).toEqual({ each: null, map: null, tell: null, check: "fn" });
});

test("a typed callback is found by its type, whatever its name: inline, an alias, an interface", () => {
  const code = `
    type Callback<T> = (err: Error | null, value?: T) => void;
    interface Reply { (problem: Error | null, size?: number): void }
    export function a(p: string, whenDone: Callback<number>) { whenDone(null, 1); }
    export const b = (p: string, reply: Reply): void => { reply(null, 2); };
    export class C { m(p: string, k: (e: Error | null) => void) { k(null); } }
    export function d(p: string, onItem: (item: string) => void) { onItem(p); }
  `;
  expect(found(code, "input.ts")).toEqual({ a: "whenDone", b: "reply", "C.m": "k", d: null });
});

test("a parameter the optional-argument shuffle moves a function into is the callback, whatever its name", () => {
  const code = `
    function mkdirP(p, opts, f, made) {
      if (typeof opts === 'function') { f = opts; opts = {}; }
      var cb = f || function () {};
      fs.mkdir(p, cb);
    }
    const pick = (a, then) => { if (typeof a == "function") then = a; run(then); };
    function unrelated(a, b) { if (typeof a === 'function') b = 1; return b; }
  `;
  expect(found(code)).toEqual({ mkdirP: "f", pick: "then", unrelated: null });
});
