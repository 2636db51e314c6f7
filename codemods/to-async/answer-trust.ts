/**
 * Whether awaiting an err-first callee's promise form goes on as often as its callback would have run. A promise
 * settles once, so the callee must call back at most once: Node's own APIs, ones this run made async or an earlier
 * run kept through `callbackify`, functions of the project that corral reads and proves (answers-once.ts), whatever
 * their types say, and functions declared elsewhere with an err-first callback type do. A function of another
 * package without types is taken to, as `util.promisify` takes it, and so is a function corral cannot read (an
 * untyped parameter, a property of one, what an untyped call returned), which a caller chose; the rewrite's note
 * names either. Asked both where the callback is handed over
 * (`api(args, callback)`) and where a continuation is (`api(args, (err, v) => { ... })`): awaited, each goes on once.
 */
import { isBuiltin } from "node:module";
import { Node } from "ts-morph";
import { importedFrom } from "../engine/origin.ts";
import { answersOnce } from "./answers-once.ts";
import { answersThroughCallbackify, declarationsOf } from "./callbackify-shim.ts";
import { madeAsync } from "./callee-forms.ts";
import type { ErrFirstWriter } from "./err-first-writer.ts";
import { isNodeApi, typedErrFirst } from "./wrapper.ts";

/**
 * How corral knows `callee` calls back at most once (with `onlyHowOften`, whatever it answers with: the caller
 * reads no more than the value of a success), or `undefined` when it does not know: a project function it
 * cannot prove, a method of `this` it cannot find, an event emitter's `on` (a listener runs on every event), or
 * a function typed with a callback that is not err-first.
 */
export function answerTrust(w: ErrFirstWriter, callee: Node, onlyHowOften: boolean): "known" | "project" | "package" | "assumed" | undefined {
  if (madeAsync(w, callee) !== undefined || isNodeApi(callee) || answersThroughCallbackify(callee)) return "known";
  // A function of the project is read, whatever its type says: a callback's type does not say how often it is called.
  const declarations = declarationsOf(callee).filter((d) => !d.getSourceFile().isInNodeModules() && !d.getSourceFile().isDeclarationFile());
  if (declarations.length > 0) return answersOnce(callee, { strict: w.settings.strict === true, onlyHowOften: onlyHowOften || w.settings.onlyHowOften === true }) ? "project" : undefined;
  if (typedErrFirst(callee)) return "known";
  // Typed, but not with an err-first callback (`names.forEach`): no promise form stands for it.
  if (!callee.getType().isAny() || readsThis(callee) || registersListener(callee)) return undefined;
  const from = packageOf(callee);
  const which = from === undefined ? "which corral cannot read" : `from the package ${from}`;
  w.notes.push(`it takes \`${callee.getText()}\` (${which}) to call back once, as util.promisify does`);
  return from === undefined ? "assumed" : "package";
}

/** Event emitters' methods that register a listener: it runs once per event, not once per call. */
const LISTENS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener", "addEventListener"]);

function registersListener(callee: Node): boolean {
  return Node.isPropertyAccessExpression(callee) && LISTENS.has(callee.getName());
}

/** Whether `callee` is a method of `this` (or of a name bound to it): one of the project's, that corral did not find. */
function readsThis(callee: Node): boolean {
  let root = callee;
  while (Node.isPropertyAccessExpression(root)) root = root.getExpression();
  if (Node.isThisExpression(root)) return root !== callee;
  if (!Node.isIdentifier(root)) return true;
  return (root.getSymbol()?.getDeclarations() ?? []).some((d) => Node.isVariableDeclaration(d) && Node.isThisExpression(d.getInitializer()));
}

/** The package (not Node's own, not a file of the project) `callee` or the object it is read from is imported from. */
function packageOf(callee: Node): string | undefined {
  let root = callee;
  while (Node.isPropertyAccessExpression(root)) root = root.getExpression();
  const specifier = importedFrom(root);
  if (specifier === undefined || specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  return specifier;
}
