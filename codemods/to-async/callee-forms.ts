/**
 * What an err-first function's writer knows of the functions its body calls with a callback: the async version this
 * run made of one (awaited natively), its promise form otherwise (`fs.promises.x`, `promisify(...)`), and whether it
 * may call back in the same turn.
 */
import { Node, type CallExpression } from "ts-morph";
import { refuseUnless } from "../engine/refusal.ts";
import { answersThroughCallbackify, keptAsyncVersion } from "./callbackify-shim.ts";
import type { Context, ErrFirstWriter } from "./err-first-writer.ts";
import { callbackifiedFunction, sharedWrapper } from "./module-wrappers.ts";
import { nativeFor } from "./preamble.ts";
import { isNodeApi, promiseCallee, promiseFormOf as knownPromiseForm } from "./wrapper.ts";
import { declaresFunction, isLocalFunction } from "./writer-syntax.ts";

/**
 * Called in the function's own turn, an API that may call back synchronously takes the callback with it: Node's
 * own APIs never do, nor functions this run made async, nor the callback shapes an earlier run kept (through
 * `callbackify`). For any other, the async form answers later where the old one may have answered at once: noted,
 * or refused under `--strict`.
 */
export function checkAnswersLater(w: ErrFirstWriter, call: CallExpression, ctx: Context, callee: Node = call.getExpression()): void {
  if (ctx.later || madeAsync(w, callee) !== undefined || isNodeApi(callee) || answersThroughCallbackify(callee)) return;
  const name = callee.getText();
  const local = isLocalFunction(callee);
  if (w.settings.strict !== true) {
    w.sameTurn.push(`\`${name}\` may call back in the same turn`);
    return;
  }
  refuseUnless(
    false,
    "callback-may-run-synchronously",
    `\`${name}\` may call back synchronously, and the callback with it; the async form always answers later ` +
      (local
        ? `(\`${name}\` keeps its callback form in this run: migrate it too, and this one calls its async version; if it is refused, see why)`
        : declaresFunction(callee)
          ? `(migrate \`${name}\` first: its callback form then answers through callbackify, always later, and this one converts on the next run)`
          : "(corral cannot tell whether it does; without --strict this alone refuses nothing: the rewrite notes it)"),
    call,
  );
}

/** The async version of a file-local err-first function this run rewrote, if `callee` names one (`f`, `exports.f`). */
export function madeAsync(w: ErrFirstWriter, callee: Node): string | undefined {
  // `callbackify(f)(args, cb)`: a call site an earlier run bridged calls the async function natively.
  const bridged = Node.isCallExpression(callee) && /(^|\.)callbackify$/.test(callee.getExpression().getText()) ? callee.getArguments() : [];
  if (bridged.length === 1 && Node.isIdentifier(bridged[0])) return bridged[0].getText();
  const shared = callbackifiedFunction(callee); // `fWithCallback(args, cb)`, `const fWithCallback = callbackify(f)`
  if (shared !== undefined) return shared;
  if (!Node.isIdentifier(callee) && !Node.isPropertyAccessExpression(callee)) return undefined;
  const name = callee.getText();
  let made = w.imports.madeAsync.get(name) ?? (Node.isIdentifier(callee) ? keptAsyncVersion(callee) : undefined);
  if (made === undefined && Node.isIdentifier(callee) && w.imports.pending.has(name)) {
    // A function of this file planned after this one (they call each other): taken to become async, as it is
    // planned to; if it does not, the file is planned again with it kept a callback function.
    const declaration = callee.getSymbol()?.getDeclarations().find((d) => Node.isFunctionDeclaration(d) && d.getSourceFile() === callee.getSourceFile());
    if (declaration !== undefined && Node.isFunctionDeclaration(declaration)) {
      w.imports.assumed.add(name);
      w.assumedHere = true;
      made = declaration.isExported() || declaration.isDefaultExport() ? `${name}Async` : name;
    }
  }
  if (made !== undefined) w.awaited.add(callee);
  return made;
}

/**
 * The promise-returning function that stands for the err-first function `callee` (the async version of one this
 * run made async, `fs.promises.x`, `promisify(...)`); refused at `at` when there is none. With the call's argument
 * `count`, a call that leaves out arguments of a function made async awaits its kept callback shape instead.
 */
export function promiseFormOf(w: ErrFirstWriter, callee: Node, at: Node, count?: number): string {
  const native = madeAsync(w, callee);
  const direct = native === undefined || count === undefined ? native : nativeFor(callee, native, count, at);
  if (direct !== undefined) return direct;
  const form = knownPromiseForm(callee);
  refuseUnless(
    form !== undefined,
    "callback-api-unknown",
    `\`${callee.getText()}\` has no promise form corral knows to give the same result`,
    at,
  );
  const text = promiseCallee(callee, form, () => w.use("node:util", "promisify"));
  return form === "promisify" ? sharedWrapper(callee, text, "Async", w, count) : text;
}
