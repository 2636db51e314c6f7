/**
 * Whether an err-first function of the project surely calls back at most once per call: corral's own err-first
 * rewrite, reading it only to prove this, accepts it (every path of it ends in one answer, or in none), whether or
 * not this run rewrites it. Awaiting such a callee's promise form goes on once, as its callback did, and never where
 * it never called back. A callee nobody can read (an untyped method, a parameter, a library without types) is not
 * known to.
 *
 * Functions that hand the callback to each other (`rimraf_` -> `rmdir` -> `rmkids` -> `rimraf_`) are proven
 * together: while one is being read, a call of it counts as answering once (each path of each ends in one answer,
 * so no call answers twice, however deep the calls go). What is proven under such an assumption is kept only if the
 * assumption holds.
 */
import { Node } from "ts-morph";
import { isFunctionNode } from "../engine/functions.ts";
import { FileImports } from "../engine/imports.ts";
import { callbackParam } from "./callback-param.ts";
import { planErrFirst } from "./err-first.ts";
import type { WriterSettings } from "./err-first-writer.ts";

/**
 * Functions being read, outermost first (a call of one of them is assumed to answer once), and whether only how
 * often they answer is read: a proof that reads what they answer with too holds where it is not read, not the other
 * way round.
 */
const deciding: { fn: Node; onlyHowOften: boolean }[] = [];
/** Functions proven while an assumption was open: kept once the outermost proof holds, forgotten if it fails. */
let provisional: { fn: Node; key: string }[] = [];
const decided = new WeakMap<Node, Map<string, boolean>>();

/**
 * Whether every one of `declarations` (what a callee may stand for: callbackify-shim.ts `declarationsOf`) is an
 * err-first function of the project that answers at most once.
 */
export function answersOnce(declarations: readonly Node[], settings: WriterSettings): boolean {
  return declarations.length > 0 && declarations.every((fn) => Node.isCallExpression(fn) || provenOnce(fn, settings));
}

function provenOnce(fn: Node, settings: WriterSettings): boolean {
  if (!isFunctionNode(fn) || fn.getSourceFile().isInNodeModules() || fn.getSourceFile().isDeclarationFile()) return false;
  const strict = settings.strict === true;
  const onlyHowOften = settings.onlyHowOften === true;
  const key = `${strict}/${onlyHowOften}`;
  const known = decided.get(fn)?.get(key);
  if (known !== undefined) return known;
  if (deciding.some((d) => d.fn === fn && (onlyHowOften || !d.onlyHowOften))) return true;
  const cb = callbackParam(fn);
  if (cb === undefined) return false;
  const outermost = deciding.length === 0;
  deciding.push({ fn, onlyHowOften });
  let once = false;
  try {
    planErrFirst(fn, cb, new FileImports(fn.getSourceFile()), [], { strict, proving: true, onlyHowOften });
    once = true;
  } catch {
    // refused (or not plannable): not proven; the callee's own verdict says why
  } finally {
    deciding.pop();
  }
  if (outermost) {
    // Every proof made under an assumption now stands (this one held); if it failed they are read again when asked.
    if (once) for (const other of provisional) record(other.fn, other.key, true);
    provisional = [];
    record(fn, key, once);
  } else if (once) {
    provisional.push({ fn, key });
  } else {
    record(fn, key, false);
  }
  return once;
}

function record(fn: Node, key: string, once: boolean): void {
  decided.set(fn, (decided.get(fn) ?? new Map()).set(key, once));
}
