/**
 * Whether awaiting an err-first callee's promise form goes on as often as its callback would have run. A promise
 * settles once, so the callee must call back at most once: Node's own APIs, ones this run made async or an earlier
 * run kept through `callbackify`, functions of the project that corral reads and proves (answers-once.ts), whatever
 * their types say, and functions declared elsewhere with an err-first callback type do. A function of another
 * package without types is taken to, as `util.promisify` takes it, and so is an untyped parameter or a property of
 * one (an injected `fs`), which the caller chose; the rewrite's note names either. Asked both where the callback is handed over
 * (`api(args, callback)`) and where a continuation is (`api(args, (err, v) => { ... })`): awaited, each goes on once.
 */
import { isBuiltin } from "node:module";
import { Node, type CallExpression } from "ts-morph";
import { refuseUnless } from "../engine/refusal.ts";
import { importedFrom, requiredModule } from "../engine/origin.ts";
import { answersOnce } from "./answers-once.ts";
import { answersThroughCallbackify, declarationsOf } from "./callbackify-shim.ts";
import { madeAsync } from "./callee-forms.ts";
import type { ErrFirstWriter } from "./err-first-writer.ts";
import { isNodeApi, typedErrFirst } from "./wrapper.ts";

/**
 * How corral knows `callee` calls back at most once (with `onlyHowOften`, whatever it answers with: the caller
 * reads no more than the value of a success), or `undefined` when it does not know: a project function it
 * cannot prove, one it cannot find (a method of `this`, a local holding one), an event emitter's `on` (a listener
 * runs on every event), or a function typed with a callback that is not err-first.
 */
export function answerTrust(w: ErrFirstWriter, callee: Node, onlyHowOften: boolean): "known" | "project" | "package" | "assumed" | undefined {
  if (madeAsync(w, callee) !== undefined || isNodeApi(callee)) return "known";
  const found = declarationsOf(callee);
  if (answersThroughCallbackify(callee, found)) return "known";
  // A function of the project is read, whatever its type says: a callback's type does not say how often it is called.
  const declarations = found.filter((d) => !d.getSourceFile().isInNodeModules() && !d.getSourceFile().isDeclarationFile());
  if (declarations.length > 0) return answersOnce(found, { strict: w.settings.strict === true, onlyHowOften: onlyHowOften || w.settings.onlyHowOften === true }) ? "project" : undefined;
  if (typedErrFirst(callee)) return "known";
  if (registersListener(callee)) return undefined;
  // Untyped: `any`, or a package's JavaScript whose types the compiler inferred. A typed function whose callback is
  // not err-first (`names.forEach`) has no promise form.
  const untyped = callee.getType().isAny() || found.some((d) => d.getSourceFile().isInNodeModules() && !d.getSourceFile().isDeclarationFile());
  const from = packageOf(callee) ?? packageDeclaring(found);
  // Not a package's: only a parameter's (an injected `fs`) is the caller's to choose.
  if (!untyped || (from === undefined && !injected(callee))) return undefined;
  const which = from === undefined ? "which corral cannot read" : `from the package ${from}`;
  w.notes.push(`it takes \`${callee.getText()}\` (${which}) to call back once, as util.promisify does`);
  return from === undefined ? "assumed" : "package";
}

/**
 * Refuse `call` unless its callee calls back at most once (see {@link answerTrust}): a callee may call back several
 * times (glob's `_processReaddir2` calls its callback once per entry), where the awaited form goes on once.
 */
export function checkAnswersOnce(w: ErrFirstWriter, call: CallExpression, onlyHowOften = false): void {
  const callee = call.getExpression();
  refuseUnless(
    answerTrust(w, callee, onlyHowOften) !== undefined,
    "callback-api-unknown",
    `\`${callee.getText()}\` is not known to call back at most once (it is not a Node API, a function typed with an ` +
      "err-first callback, one migrated to async, one of another package, or a function of the project corral can " +
      "read to answer once; a listener runs on every event): awaiting it would go on once where the callback may " +
      "have run several times; make it convertible (see its own verdict), or leave this one as it is",
    call,
  );
}

/** Event emitters' methods that register a listener: it runs once per event, not once per call. */
const LISTENS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener", "addEventListener"]);

function registersListener(callee: Node): boolean {
  return Node.isPropertyAccessExpression(callee) && LISTENS.has(callee.getName());
}

/** Whether `callee` is a parameter of the function it is called in, or read from one (`fsImpl.stat`, `options.rmdir`). */
function injected(callee: Node): boolean {
  const root = rootOf(callee);
  return Node.isIdentifier(root) && (root.getSymbol()?.getDeclarations() ?? []).some((d) => Node.isParameterDeclaration(d));
}

/** The package (not Node's own, not a file of the project) `callee` or the object it is read from is imported from. */
function packageOf(callee: Node): string | undefined {
  const root = rootOf(callee);
  const specifier = importedFrom(root) ?? requiredMember(root);
  if (specifier === undefined || specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  return specifier;
}

/** `x` for `ncp` bound as `var ncp = require('x').ncp`. */
function requiredMember(root: Node): string | undefined {
  for (const d of root.getSymbol()?.getDeclarations() ?? []) {
    const init = Node.isVariableDeclaration(d) ? d.getInitializer() : undefined;
    const specifier = init === undefined ? undefined : requiredModule(rootOf(init));
    if (specifier !== undefined) return specifier;
  }
  return undefined;
}

/** The package whose files declare every one of `found` (`jsonfile` behind a project's `u(jsonFile.writeFile)`). */
function packageDeclaring(found: readonly Node[]): string | undefined {
  const names = new Set(found.map((d) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(d.getSourceFile().getFilePath())?.[1]));
  const [only] = names;
  return names.size === 1 ? only : undefined;
}

/** `fs` of `fs.promises.stat`: what a chain of property reads starts from. */
function rootOf(callee: Node): Node {
  let root = callee;
  while (Node.isPropertyAccessExpression(root)) root = root.getExpression();
  return root;
}
