/**
 * Err-first callback functions `f(a, callback)` -> `async function f(a)`. Each callback API called inside becomes
 * its awaited promise form; `callback(err)` becomes `throw err`, `callback(null, value)` becomes `return value`.
 * An exported function keeps its old shape for callers outside the project: `f(a, callback)` stays, and runs the
 * async version through `util.callbackify`. Calls of a file-local function are bridged the same way.
 *
 * Refused, because the rewrite would change behaviour: a callback called synchronously (the async form always
 * answers later), possibly twice, or not last on its path (code after it would no longer run), a path that ends
 * without calling it, an error passed to an inner callback that is not forwarded, and the callback escaping.
 */
import { Node, type FunctionDeclaration, type Identifier } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FileImports, Import } from "../engine/imports.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { ErrFirstWriter } from "./err-first-writer.ts";
import { asyncVersionDoc, callbackTagRemoval } from "./js-doc.ts";
import { asyncParameterText, readPreamble } from "./preamble.ts";
import { isErrFirstCallbackType } from "./types.ts";

const CALLBACK_NAMES = /^(cb|callback|done|next|cont)$/i;

/** The callback parameter of an err-first function: its last parameter, by name or by its `(err, ...)` type. */
export function callbackParam(fn: Node): Identifier | undefined {
  if (!Node.isFunctionDeclaration(fn)) return undefined;
  const last = fn.getParameters().at(-1);
  const name = last?.getNameNode();
  if (last === undefined || !Node.isIdentifier(name)) return undefined;
  if (last.getTypeNode() === undefined || last.getType().isAny()) return CALLBACK_NAMES.test(name.getText()) ? name : undefined;
  // An optional callback (`callback?: Callback`, defaulted by the shuffle at the top) is typed `Callback | undefined`.
  return isErrFirstCallbackType(last.getType().getNonNullableType()) ? name : undefined;
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
export function planErrFirst(fn: FunctionDeclaration, cb: Identifier, imports: FileImports, inner: readonly Edit[]): ErrFirstRewrite {
  const writer = new ErrFirstWriter(cb, imports, inner);
  const body = fn.getBody() as import("ts-morph").Block;
  const preamble = readPreamble(fn.getParameters(), body.getStatements(), cb);
  const statements = writer.block([...preamble.kept, ...preamble.rest], { later: false, mustLeave: false }, body);
  if (statements.at(-1) === "return;") statements.pop(); // the end of the function returns anyway
  const name = fn.getName();
  refuseUnless(name !== undefined, "callback-function-anonymous", "an anonymous default-exported callback function", fn);
  const params = fn.getParameters();
  const kept = params.slice(0, -1).map((p) => asyncParameterText(p, preamble)).join(", ");
  const keptNames = params.slice(0, -1).map((p) => p.getName());
  const source = fn.getSourceFile().getFullText();
  const typeParams = fn.getTypeParameters().length > 0 ? `<${fn.getTypeParameters().map((t) => t.getText()).join(", ")}>` : "";
  const asyncBody = `{\n${statements.join("\n")}\n}`;
  const callbackify = writer.use("node:util", "callbackify");
  const exported = fn.isExported() || fn.isDefaultExport();
  const notes = [
    `became async: the callback is now called through util.callbackify, after the returned promise settles (on a later tick)`,
  ];
  if (exported || preamble.shim.length > 0) {
    // Outside callers keep `name(args..., callback)`, and every calling form the shuffle at its top accepted; the
    // async version sits beside it.
    const impl = `${name}Async`;
    const allParams = params.map((p) => p.getNameNode().getText()).join(", ");
    // As written, with the blank lines and comments between its statements.
    const shim = preamble.shim
      .map((s, i) => {
        const before = s.getPreviousSibling();
        if (i === 0) return `  ${s.getText()}`;
        return before !== undefined && before === preamble.shim[i - 1] ? source.slice(before.getEnd(), s.getEnd()) : `\n  ${s.getText()}`;
      })
      .join("");
    const wrapper =
      `${source.slice(fn.getStart(), params[0]?.getStart() ?? fn.getBody()!.getStart()).replace(/\($/, "(")}` +
      `${params.map((p) => p.getText()).join(", ")})${fn.getReturnTypeNode() === undefined ? "" : `: ${fn.getReturnTypeNode()!.getText()}`} {\n` +
      `${shim}${shim === "" ? "" : "\n"}  ${callbackify}(${impl})(${allParams});\n}\n\n` +
      `${asyncVersionDoc(fn, keptNames)}async function ${impl}${typeParams}(${kept}) ${asyncBody}`;
    notes.push(
      exported
        ? `the async version is ${impl}; ${name} keeps its callback shape for callers outside the project`
        : `the async version is ${impl}; ${name} keeps its callback shape for the callers left in this file`,
    );
    if (preamble.shim.length > 0) {
      notes.push(
        `${name} runs the statements that pick the callback out of its arguments and check it before it hands over (a ` +
          `failed check still throws synchronously); ${impl} keeps the defaults of its other parameters`,
      );
    }
    if (preamble.callbackMayBeMissing) {
      notes.push(
        `called without a callback, ${name} now throws callbackify's TypeError at once; before, it did its work and ` +
          "then failed calling the missing callback",
      );
    }
    imports.madeAsync.set(name, impl);
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
    refuseUnless(!(ref.getStart() > fn.getStart() && ref.getEnd() < fn.getEnd()), "callback-recursive", `${name} calls itself`, ref);
    edits.push({ start: ref.getStart(), end: ref.getEnd(), text: `${callbackify}(${name})`, format: false });
  }
  const head = source.slice(fn.getStart(), fn.getNameNode()!.getStart()).replace(/function\s*$/, "");
  edits.push({ start: fn.getStart(), end: fn.getEnd(), text: `${head}async function ${name}${typeParams}(${kept}) ${asyncBody}` });
  const staleTag = callbackTagRemoval(fn, cb.getText());
  if (staleTag !== undefined) edits.push(staleTag);
  notes.push(`its callers in this file call it through callbackify(${name})`);
  imports.madeAsync.set(name, name);
  return { edits, notes, imports: writer.needed };
}
