/**
 * Err-first callback functions `f(a, callback)` -> `async function f(a)`. Each callback API called inside becomes
 * its awaited promise form; `callback(err)` becomes `throw err`, `callback(null, value)` becomes `return value`.
 * An exported function keeps its old shape for callers outside the project: `f(a, callback)` stays, and runs the
 * async version through `util.callbackify`. Calls of a file-local function are bridged the same way.
 *
 * A callback called in the same turn (`if (done) return cb()`), or handed to an API that may call it in the same
 * turn, converts with a note: the async form always answers later (`--strict` refuses it instead). A call of the
 * function itself awaits its async version. Refused, because the rewrite would change behaviour: a callback possibly called twice, or not last on its path (code after it would no longer run), a path that ends
 * without calling it, an error passed to an inner callback that is not forwarded, and the callback escaping.
 */
import { Node, ts, type FunctionDeclaration, type Identifier } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FileImports, Import } from "../engine/imports.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { ErrFirstWriter, type WriterSettings } from "./err-first-writer.ts";
import { asyncVersionDoc, callbackTagRemoval } from "./js-doc.ts";
import { isErrFirstCallbackType } from "./types.ts";

const CALLBACK_NAMES = /^(cb|callback|done|next|cont)$/i;

/** The callback parameter of an err-first function: its last parameter, by name or by its `(err, ...)` type. */
export function callbackParam(fn: Node): Identifier | undefined {
  if (!Node.isFunctionDeclaration(fn)) return undefined;
  const last = fn.getParameters().at(-1);
  const name = last?.getNameNode();
  if (last === undefined || !Node.isIdentifier(name)) return undefined;
  if (last.getTypeNode() === undefined || last.getType().isAny()) return CALLBACK_NAMES.test(name.getText()) ? name : undefined;
  return isErrFirstCallbackType(last.getType()) ? name : undefined;
}

export interface ErrFirstRewrite {
  edits: Edit[];
  notes: string[];
  imports: Import[];
}

/**
 * Plan the rewrite of the err-first function `fn` with callback parameter `cb` (`inner`: the edits inside it made
 * already, carried by the code it moves); throws a `Refusal`.
 */
export function planErrFirst(
  fn: FunctionDeclaration,
  cb: Identifier,
  imports: FileImports,
  inner: readonly Edit[],
  settings: WriterSettings = {},
): ErrFirstRewrite {
  const name = fn.getName();
  refuseUnless(name !== undefined, "callback-function-anonymous", "an anonymous default-exported callback function", fn);
  const exported = fn.isExported() || fn.isDefaultExport();
  const writer = new ErrFirstWriter(cb, imports, inner, settings);
  const body = fn.getBody() as import("ts-morph").Block;
  // A call of the function itself (recursion) awaits its async version, as a call of any function made async here.
  const before = imports.madeAsync.get(name);
  imports.madeAsync.set(name, exported ? `${name}Async` : name);
  let statements: string[];
  try {
    statements = writer.block(body.getStatements(), { later: false, mustLeave: false }, body);
  } finally {
    if (before === undefined) imports.madeAsync.delete(name);
    else imports.madeAsync.set(name, before);
  }
  if (statements.at(-1) === "return;") statements.pop(); // the end of the function returns anyway
  const returnType = cyclic(writer, name, imports) ? promiseTypeOf(fn, cb) : "";
  const params = fn.getParameters();
  const kept = params.slice(0, -1).map((p) => p.getText()).join(", ");
  const keptNames = params.slice(0, -1).map((p) => p.getName());
  const source = fn.getSourceFile().getFullText();
  const typeParams = fn.getTypeParameters().length > 0 ? `<${fn.getTypeParameters().map((t) => t.getText()).join(", ")}>` : "";
  const asyncBody = `{\n${statements.join("\n")}\n}`;
  const callbackify = writer.use("node:util", "callbackify");
  const notes = [
    `became async: the callback is now called through util.callbackify, after the returned promise settles (on a later tick)`,
  ];
  if (writer.sameTurn.length > 0) {
    notes.push(
      `it could answer in the same turn (${writer.sameTurn.join("; ")}); the async form always answers later, the ` +
        "usual fix for such APIs (--strict refuses this instead)",
    );
  }
  if (exported) {
    // Outside callers keep `name(args..., callback)`; the async version sits beside it.
    const impl = `${name}Async`;
    const allParams = params.map((p) => p.getNameNode().getText()).join(", ");
    const wrapper =
      `${source.slice(fn.getStart(), params[0]?.getStart() ?? fn.getBody()!.getStart()).replace(/\($/, "(")}` +
      `${params.map((p) => p.getText()).join(", ")})${fn.getReturnTypeNode() === undefined ? "" : `: ${fn.getReturnTypeNode()!.getText()}`} {\n` +
      `  ${callbackify}(${impl})(${allParams});\n}\n\n` +
      `${asyncVersionDoc(fn, keptNames)}async function ${impl}${typeParams}(${kept})${returnType} ${asyncBody}`;
    notes.push(`the async version is ${impl}; ${name} keeps its callback shape for callers outside the project`);
    imports.madeAsync.set(name, impl);
    for (const call of writer.awaited) imports.nativeCalls.add(call);
    return { edits: [{ start: fn.getStart(), end: fn.getEnd(), text: wrapper }], notes, imports: writer.needed };
  }
  // A file-local function: its callers here call the async version through callbackify.
  const edits: Edit[] = [];
  for (const ref of fn.getNameNode()!.findReferencesAsNodes()) {
    if (ref === fn.getNameNode()) continue;
    const call = ref.getParent();
    refuseUnless(
      Node.isCallExpression(call) && call.getExpression() === ref && call.getArguments().length === params.length,
      "callback-function-escapes",
      `${name} is used other than by a call with a callback (passed as a value, or called with other arguments); ` +
        "its callers cannot be bridged one by one",
      ref,
    );
    refuseUnless(ref.getSourceFile() === fn.getSourceFile(), "callback-function-escapes", `${name} is used in another file`, ref);
    if (imports.nativeCalls.has(ref)) continue; // a caller planned before this one awaits it natively
    if (ref.getStart() > fn.getStart() && ref.getEnd() < fn.getEnd()) {
      // A call of itself the body's rewrite awaits; any other is left calling the old shape, which is gone.
      refuseUnless(
        writer.awaited.has(ref),
        "callback-recursive",
        `${name} calls itself other than as the last step of a path (or inside a function that stays a callback); ` +
          "the async version could not await that call: export it (its callback shape stays beside the async version), or rewrite the call by hand",
        ref,
      );
      continue;
    }
    edits.push({ start: ref.getStart(), end: ref.getEnd(), text: `${callbackify}(${name})`, format: false });
  }
  const head = source.slice(fn.getStart(), fn.getNameNode()!.getStart()).replace(/function\s*$/, "");
  edits.push({ start: fn.getStart(), end: fn.getEnd(), text: `${head}async function ${name}${typeParams}(${kept})${returnType} ${asyncBody}` });
  const staleTag = callbackTagRemoval(fn, cb.getText());
  if (staleTag !== undefined) edits.push(staleTag);
  notes.push(`its callers in this file call it through callbackify(${name})`);
  imports.madeAsync.set(name, name);
  for (const call of writer.awaited) imports.nativeCalls.add(call);
  return { edits, notes, imports: writer.needed };
}

/** Whether the function calls itself, or another of the file's functions that calls it back, as it is rewritten. */
function cyclic(writer: ErrFirstWriter, name: string, imports: FileImports): boolean {
  return imports.assumed.has(name) || writer.assumedHere || [...writer.awaited].some((callee) => callee.getText() === name);
}

/**
 * `: Promise<T>` for TypeScript, T the type of the callback's value: in a cycle of calls TypeScript cannot infer an
 * async function's return type (TS7023). JavaScript infers none to break.
 */
function promiseTypeOf(fn: FunctionDeclaration, cb: Identifier): string {
  if (/\.[cm]?jsx?$/.test(fn.getSourceFile().getFilePath())) return "";
  const value = cb.getType().getCallSignatures()[0]?.getParameters()[1];
  if (value === undefined) return ": Promise<void>";
  return `: Promise<${value.getTypeAtLocation(fn).getText(fn, ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope)}>`;
}
