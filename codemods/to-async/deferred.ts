/**
 * `setImmediate(() => { ... })`, `setTimeout(() => { ... }, ms)`, `process.nextTick(() => { ... })` in an err-first
 * function: the code runs once, later, and answers there (`setImmediate(() => cb(null))`, a callback API deferring
 * its answer). Its async form waits for the same timer, then runs the code: `await setImmediate();` and
 * `await delay(ms);` from `node:timers/promises`, `await new Promise((resolve) => process.nextTick(resolve));`.
 */
import { Node, type ArrowFunction, type CallExpression, type Expression, type FunctionExpression } from "ts-morph";
import { refuseUnless } from "../engine/refusal.ts";
import type { ErrFirstWriter } from "./err-first-writer.ts";
import { usesOwnThis } from "./writer-syntax.ts";

/** A timer call whose function is deferred code: the function, and the arguments after it. */
export interface Deferred {
  fn: ArrowFunction | FunctionExpression;
  rest: Expression[];
}

/** The timers and how many arguments they may take after the function (`setTimeout`: the delay). */
const TIMERS = new Map([
  ["setImmediate", 0],
  ["setTimeout", 1],
  ["process.nextTick", 0],
]);

/** `call` as deferred code, if it is a call of one of Node's timers (not a local of the same name) with a function. */
export function deferredCall(call: CallExpression): Deferred | undefined {
  const callee = call.getExpression();
  const after = TIMERS.get(callee.getText());
  if (after === undefined || !isGlobal(callee)) return undefined;
  const [fn, ...rest] = call.getArguments();
  if (fn === undefined || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) || fn.getParameters().length > 0) return undefined;
  return rest.length <= after ? { fn, rest: rest as Expression[] } : undefined;
}

/** The statement that waits as the timer of `call` did, before the deferred code runs. */
export function deferredWait(w: ErrFirstWriter, call: CallExpression, { fn, rest }: Deferred): string {
  refuseUnless(!Node.isFunctionExpression(fn) || !usesOwnThis(fn), "handler-this-would-change", "the deferred function uses its own `this`", fn);
  switch (call.getExpression().getText()) {
    case "setImmediate":
      return `await ${w.use("node:timers/promises", "setImmediate", "setImmediateAsync")}();`;
    case "setTimeout":
      return `await ${w.use("node:timers/promises", "setTimeout", "delay")}(${rest.map((a) => w.text(a)).join(", ")});`;
    default:
      return "await new Promise((resolve) => process.nextTick(resolve));";
  }
}

/** Whether `callee` (`setTimeout`, `process.nextTick`) is the global one: declared by a library's types, or by none. */
function isGlobal(callee: Node): boolean {
  const root = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  return (root.getSymbol()?.getDeclarations() ?? []).every((d) => d.getSourceFile().isDeclarationFile());
}
