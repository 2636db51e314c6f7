/**
 * `new Promise` wrappers around a timer, an event or a callback API, and their awaited forms:
 * - `new Promise((resolve) => setTimeout(resolve, ms))` -> `await delay(ms)` (`node:timers/promises`);
 * - `new Promise((resolve, reject) => { e.once("done", resolve); e.once("error", reject); })` ->
 *   `const [value] = await once(e, "done")` (`node:events`);
 * - `new Promise((resolve, reject) => api(...args, (err, value) => err ? reject(err) : resolve(value)))` ->
 *   `api` in its promise form: `fs.promises.x(...)` for `fs.x`, else `promisify(api)(...)` (`node:util`).
 * Anything else inside the executor is left alone and the function refused: the executor's other code would run at
 * a different time.
 */
import { Node, type ArrowFunction, type CallExpression, type Expression, type FunctionExpression, type NewExpression } from "ts-morph";
import { Refusal, refuseUnless } from "../engine/refusal.ts";
import { importedFrom } from "../engine/origin.ts";
import { isErrFirstCallbackType } from "./types.ts";

/** An import the rewrite needs: `name` from `module`, used as `local`. */
export interface Needed {
  module: string;
  name: string;
}

export type Wrapper =
  /** `early`: the value is read when the timer is set (`setTimeout(resolve, ms, value)`), not when it fires. */
  | { kind: "timer"; delay: Expression | undefined; value: Expression | undefined; early: boolean }
  | { kind: "event"; emitter: Expression; event: Expression }
  /** `resolves`: whether the wrapper resolves with the callback's value (`resolve(value)`), not `undefined`. */
  | { kind: "callback"; call: CallExpression; args: Expression[]; callee: Expression; form: "fs" | "promisify"; resolves: boolean };

/** fs functions whose promise form takes the same arguments and resolves with the callback's value. */
const FS_PROMISES = new Set([
  "access", "appendFile", "chmod", "chown", "copyFile", "cp", "lchown", "link", "lstat", "lutimes", "mkdir",
  "mkdtemp", "readFile", "readdir", "readlink", "realpath", "rename", "rm", "rmdir", "stat", "statfs", "symlink",
  "truncate", "unlink", "utimes", "writeFile",
]);

/**
 * fs functions on file descriptors with no promise form in `fs.promises` (it has `FileHandle` methods instead) whose
 * `promisify`d form resolves with the callback's value (`read` and `write` resolve with an object: not here).
 */
const FS_DESCRIPTOR = new Set(["open", "close", "fstat", "fsync", "fdatasync", "ftruncate", "futimes", "fchmod", "fchown"]);

/** Node modules whose callback functions have promisified forms with other result shapes (`util.promisify.custom`). */
const CUSTOM_PROMISIFY = new Set(["child_process", "dns", "timers"]);

/** Whether `node` is `new Promise(...)`. */
export function isPromiseWrapper(node: Node): node is NewExpression {
  return Node.isNewExpression(node) && node.getExpression().getText() === "Promise";
}

/**
 * Whether `node` is `new Promise(() => {})`, a promise that never settles (what the err-first rewrite returns on a
 * path that never called back): it wraps nothing, and awaiting it waits forever, as it should.
 */
export function isNeverSettling(node: Node): boolean {
  if (!isPromiseWrapper(node)) return false;
  const [executor, ...more] = node.getArguments();
  if (more.length > 0 || executor === undefined || !(Node.isArrowFunction(executor) || Node.isFunctionExpression(executor))) return false;
  const body = executor.getBody();
  return executor.getParameters().length === 0 && Node.isBlock(body) && body.getStatements().length === 0;
}

/** The wrapper `node` is; a `Refusal` naming what does not fit when it is a `new Promise` of another shape. */
export function wrapperOf(node: NewExpression): Wrapper {
  const [executor] = node.getArguments();
  refuseUnless(
    executor !== undefined && (Node.isArrowFunction(executor) || Node.isFunctionExpression(executor)),
    "promise-wrapper-executor",
    "the `new Promise` executor is not a function written in place",
    node,
  );
  const fn = executor as ArrowFunction | FunctionExpression;
  const [resolve, reject] = fn.getParameters().map((p) => p.getName());
  refuseUnless(resolve !== undefined && fn.getParameters().length <= 2, "promise-wrapper-executor", "the executor's parameters are not (resolve, reject)", fn);
  const statements = executorStatements(fn);
  const timer = asTimer(statements, resolve!);
  if (timer !== undefined) return timer;
  const event = reject === undefined ? undefined : asEvent(statements, resolve!, reject);
  if (event !== undefined) return event;
  const callback = reject === undefined ? undefined : asCallback(statements, resolve!, reject);
  if (callback !== undefined) return callback;
  throw new Refusal(
    "promise-wrapper-unrecognized",
    "this `new Promise` does more than wrap one timer, one event or one callback call; its executor runs at once " +
      "and its other code would move, so it is left for a person to rewrite",
    node,
  );
}

function executorStatements(fn: ArrowFunction | FunctionExpression): Node[] {
  const body = fn.getBody();
  return Node.isBlock(body) ? body.getStatements().map((s) => (Node.isExpressionStatement(s) ? s.getExpression() : s)) : [body];
}

/** `setTimeout(resolve, ms)`, `setTimeout(resolve, ms, value)`, `setTimeout(() => resolve(value), ms)`. */
function asTimer(statements: Node[], resolve: string): Wrapper | undefined {
  const [only] = statements;
  if (statements.length !== 1 || !Node.isCallExpression(only) || only.getExpression().getText() !== "setTimeout") return undefined;
  const [callback, delay, extra, ...rest] = only.getArguments() as Expression[];
  if (callback === undefined || rest.length > 0) return undefined;
  if (callback.getText() === resolve) return { kind: "timer", delay, value: extra, early: true };
  const value = calledWithOne(callback, resolve);
  if (value === undefined || extra !== undefined) return undefined;
  return { kind: "timer", delay, value: value === "none" ? undefined : value, early: false };
}

/** `emitter.once(name, resolve)` and `emitter.once("error", reject)`, in either order. */
function asEvent(statements: Node[], resolve: string, reject: string): Wrapper | undefined {
  if (statements.length !== 2) return undefined;
  const calls = statements.map((s) => (Node.isCallExpression(s) ? onceCall(s) : undefined));
  if (calls.some((c) => c === undefined)) return undefined;
  const [a, b] = calls as { emitter: Expression; event: Expression; listener: string }[];
  const byListener = (name: string) => [a!, b!].find((c) => c.listener === name);
  const done = byListener(resolve);
  const failed = byListener(reject);
  if (done === undefined || failed === undefined || done === failed) return undefined;
  if (failed.event.getText().replace(/'/g, '"') !== '"error"' || done.emitter.getText() !== failed.emitter.getText()) return undefined;
  if (!Node.isIdentifier(done.emitter) && !Node.isPropertyAccessExpression(done.emitter)) return undefined;
  return { kind: "event", emitter: done.emitter, event: done.event };
}

function onceCall(call: CallExpression): { emitter: Expression; event: Expression; listener: string } | undefined {
  const callee = call.getExpression();
  const [event, listener] = call.getArguments() as Expression[];
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "once" || call.getArguments().length !== 2) return undefined;
  if (!Node.isStringLiteral(event) || !Node.isIdentifier(listener)) return undefined;
  return { emitter: callee.getExpression(), event, listener: listener.getText() };
}

/** `api(...args, (err, value) => ...)` whose callback only rejects with err or resolves with value. */
function asCallback(statements: Node[], resolve: string, reject: string): Wrapper | undefined {
  const [only] = statements;
  if (statements.length !== 1 || !Node.isCallExpression(only)) return undefined;
  const args = only.getArguments() as Expression[];
  const callback = args[args.length - 1];
  if (callback === undefined || !(Node.isArrowFunction(callback) || Node.isFunctionExpression(callback))) return undefined;
  const params = callback.getParameters().map((p) => p.getName());
  const [err, value] = params;
  if (err === undefined || params.length > 2) return undefined;
  const settles = settlesPlainly(callback, err, value, resolve, reject);
  if (settles === undefined) return undefined;
  const callee = only.getExpression();
  const form = promiseFormOf(callee);
  if (form === undefined) return undefined;
  return { kind: "callback", call: only, args: args.slice(0, -1), callee, form, resolves: settles === "value" };
}

/**
 * The callback's body is exactly "reject with err if err, else resolve with value": `err ? reject(err) :
 * resolve(value)`, `if (err) reject(err); else resolve(value);` or `if (err) return reject(err); resolve(value);`.
 * What it resolves with: the callback's `value`, or `undefined` (`resolve()`); `undefined` when it is another body.
 */
function settlesPlainly(
  callback: ArrowFunction | FunctionExpression,
  err: string,
  value: string | undefined,
  resolve: string,
  reject: string,
): "value" | "undefined" | undefined {
  const rejects = (n: Node | undefined): boolean => calledWithOne(n, reject, err) !== undefined;
  const resolves = (n: Node | undefined): "value" | "undefined" | undefined => {
    const arg = calledWithOne(n, resolve, value);
    if (arg === "none") return "undefined";
    return arg !== undefined && arg.getText() === value ? "value" : undefined;
  };
  let body = callback.getBody();
  while (Node.isParenthesizedExpression(body)) body = body.getExpression();
  if (!Node.isBlock(body)) {
    return Node.isConditionalExpression(body) && body.getCondition().getText() === err && rejects(body.getWhenTrue()) ? resolves(body.getWhenFalse()) : undefined;
  }
  const statements = body.getStatements();
  const [first, second] = statements;
  if (!Node.isIfStatement(first) || first.getExpression().getText() !== err) return undefined;
  const then = unwrap(first.getThenStatement());
  const otherwise = first.getElseStatement();
  if (statements.length === 1 && otherwise !== undefined) return rejects(then) ? resolves(unwrap(otherwise)) : undefined;
  if (statements.length === 2 && otherwise === undefined && Node.isReturnStatement(first.getThenStatement())) {
    return rejects(then) && Node.isExpressionStatement(second) ? resolves(second.getExpression()) : undefined;
  }
  return undefined;
}

/** A statement's expression (through a block of one, an expression statement, or a return). */
function unwrap(node: Node | undefined): Node | undefined {
  if (node === undefined) return undefined;
  if (Node.isBlock(node)) return node.getStatements().length === 1 ? unwrap(node.getStatements()[0]) : undefined;
  if (Node.isExpressionStatement(node)) return node.getExpression();
  if (Node.isReturnStatement(node)) return node.getExpression();
  return node;
}

/**
 * If `node` is a call of `name` with at most one argument (equal to `expected` when given): the argument, or "none".
 * An arrow `() => name(x)` counts as its body.
 */
function calledWithOne(node: Node | undefined, name: string, expected?: string): Expression | "none" | undefined {
  let call = node;
  if (call !== undefined && Node.isArrowFunction(call) && call.getParameters().length === 0) call = call.getBody();
  if (call === undefined || !Node.isCallExpression(call) || call.getExpression().getText() !== name) return undefined;
  const args = call.getArguments() as Expression[];
  if (args.length > 1) return undefined;
  if (args.length === 0) return "none";
  if (expected !== undefined && args[0]!.getText() !== expected) return undefined;
  return args[0];
}

/** How `callee` becomes promise-returning: `fs.x` -> `fs.promises.x`; another function -> `promisify`. */
export function promiseFormOf(callee: Node): "fs" | "promisify" | undefined {
  const origin = moduleOf(callee);
  if (origin !== undefined && CUSTOM_PROMISIFY.has(origin)) return undefined;
  if (Node.isPropertyAccessExpression(callee) && origin === "fs" && FS_PROMISES.has(callee.getName()) && Node.isIdentifier(callee.getExpression())) {
    return "fs";
  }
  if (Node.isPropertyAccessExpression(callee) && origin === "fs" && FS_DESCRIPTOR.has(callee.getName()) && Node.isIdentifier(callee.getExpression())) {
    return "promisify";
  }
  if (origin === "fs" && !Node.isIdentifier(callee)) return undefined;
  if (!takesErrFirstCallback(callee)) return undefined;
  if (Node.isIdentifier(callee)) return "promisify";
  // `obj.method` becomes `promisify(obj.method.bind(obj))`: obj is read twice, so it must be a plain name.
  return Node.isPropertyAccessExpression(callee) && /^(this|[\w$]+)(\.[\w$]+)*$/.test(callee.getExpression().getText())
    ? "promisify"
    : undefined;
}

/**
 * The promise-returning callee that stands for the callback API `callee`: `fs.promises.x` for `fs.x`, else
 * `promisify(fn)` (`promisify(obj.m.bind(obj))` for a method, so it keeps its `this`).
 */
export function promiseCallee(callee: Node, form: "fs" | "promisify", promisify: () => string): string {
  const text = callee.getText();
  const dot = text.lastIndexOf(".");
  if (form === "fs") return `${text.slice(0, dot)}.promises.${text.slice(dot + 1)}`;
  // fs's functions (and graceful-fs's, which wrap them) do not read `this` (`promisify(fs.close)`); another object's
  // method may.
  // `super.m` is bound to `this` (`super` alone is not an expression).
  const receiver = text.slice(0, dot) === "super" ? "this" : text.slice(0, dot);
  const bound = dot < 0 || moduleOf(callee) === "fs" || moduleOf(callee) === "graceful-fs" ? text : `${text}.bind(${receiver})`;
  return `${promisify()}(${bound})`;
}

/**
 * Whether `callee`'s last parameter is an err-first callback (by its type; an untyped callee is taken on trust):
 * `promisify` is only right for those, not for `array.push(callback)`.
 */
export function takesErrFirstCallback(callee: Node): boolean {
  const type = callee.getType();
  if (type.isAny()) return true;
  return type.getCallSignatures().some((signature) => {
    const last = signature.getParameters().at(-1);
    const declaration = last?.getDeclarations()[0];
    if (last === undefined || declaration === undefined) return false;
    const parameterType = last.getTypeAtLocation(declaration);
    return parameterType.isAny() || isErrFirstCallbackType(parameterType);
  });
}

/**
 * Whether `callee`'s types promise an err-first callback (a typed last parameter, not `any`): a contract that it
 * calls back once, which an untyped function in JavaScript does not give.
 */
export function typedErrFirst(callee: Node): boolean {
  const type = callee.getType();
  if (type.isAny()) return false;
  return type.getCallSignatures().some((signature) => {
    const last = signature.getParameters().at(-1);
    const declaration = last?.getDeclarations()[0];
    if (last === undefined || declaration === undefined) return false;
    const parameterType = last.getTypeAtLocation(declaration);
    return !parameterType.isAny() && isErrFirstCallbackType(parameterType);
  });
}

/** Modules whose callback APIs always call back on a later turn: Node's own, and graceful-fs (a drop-in fs). */
const NODE_ASYNC_MODULES = new Set(["fs", "graceful-fs", "zlib", "dns", "crypto", "child_process", "net", "http", "https", "stream"]);

/** Whether `callee` is a function of one of Node's own modules (so it calls back on a later turn). */
export function isNodeApi(callee: Node): boolean {
  const origin = moduleOf(callee);
  return origin !== undefined && NODE_ASYNC_MODULES.has(origin);
}

/** The Node built-in module a callee comes from (`fs` for `fs.readFile` or an imported `readFile`), if any. */
function moduleOf(callee: Node): string | undefined {
  const root = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  return importedFrom(root)?.replace(/^node:/, "").replace(/\/promises$/, "");
}
