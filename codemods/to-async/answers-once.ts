/**
 * Whether an err-first function of the project surely calls back exactly once per call: corral's own err-first
 * rewrite accepts it (every path of it ends in one answer), whether or not this run rewrites it. Awaiting such a
 * callee's promise form goes on once, as its callback did. A callee nobody can read (an untyped method, a
 * parameter, a library without types) is not known to.
 */
import type { Node } from "ts-morph";
import { isFunctionNode } from "../engine/functions.ts";
import { FileImports } from "../engine/imports.ts";
import { callbackParam } from "./callback-param.ts";
import { declarationsOf } from "./callbackify-shim.ts";
import { planErrFirst } from "./err-first.ts";
import type { WriterSettings } from "./err-first-writer.ts";

/** Functions being decided (a cycle of calls proves nothing), and those decided, per `--strict`. */
const deciding = new Set<Node>();
const decided = new WeakMap<Node, Map<boolean, boolean>>();

/** Whether every function `callee` may stand for is an err-first function of the project that answers once. */
export function answersOnce(callee: Node, settings: WriterSettings): boolean {
  const declarations = declarationsOf(callee);
  return declarations.length > 0 && declarations.every((fn) => provenOnce(fn, settings));
}

function provenOnce(fn: Node, settings: WriterSettings): boolean {
  if (!isFunctionNode(fn) || fn.getSourceFile().isInNodeModules() || fn.getSourceFile().isDeclarationFile()) return false;
  const strict = settings.strict === true;
  const known = decided.get(fn)?.get(strict);
  if (known !== undefined) return known;
  const cb = callbackParam(fn);
  if (cb === undefined || deciding.has(fn)) return false;
  deciding.add(fn);
  let once = false;
  try {
    planErrFirst(fn, cb, new FileImports(fn.getSourceFile()), [], settings);
    once = true;
  } catch {
    // refused (or not plannable): not proven; the callee's own verdict says why
  } finally {
    deciding.delete(fn);
  }
  decided.set(fn, (decided.get(fn) ?? new Map()).set(strict, once));
  return once;
}
