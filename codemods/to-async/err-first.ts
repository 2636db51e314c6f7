/**
 * Err-first callback functions `f(a, callback)` -> `async function f(a)`. Each callback API called inside becomes
 * its awaited promise form; `callback(err)` becomes `throw err`, `callback(null, value)` becomes `return value`.
 * An exported function keeps its old shape for callers outside the project: `f(a, callback)` stays, and runs the
 * async version through `util.callbackify`. Calls of a file-local function are bridged the same way.
 *
 * A callback called in the same turn (`if (done) return cb()`), or handed to an API that may call it in the same
 * turn, converts with a note: the async form always answers later (`--strict` refuses it instead). A call of the
 * function itself awaits its async version. Refused, because the rewrite would change behaviour: a callback
 * possibly called twice, or not last on its path (code after it would no longer run), a path that ends without
 * calling it, an error passed to an inner callback that is not forwarded, and the callback escaping.
 */
import { Node, SyntaxKind, ts, type FunctionDeclaration, type Identifier } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FunctionNode } from "../engine/functions.ts";
import type { FileImports, Import } from "../engine/imports.ts";
import { isInJSDoc } from "../engine/in-js-doc.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { usesOwn } from "./analysis.ts";
import { ErrFirstWriter, type WriterSettings } from "./err-first-writer.ts";
import { planKeptShape } from "./err-first-kept-shape.ts";
import { isHelperArgument } from "./async-library-helpers.ts";
import { asyncVersionDoc, callbackTagRemoval } from "./js-doc.ts";
import { notErrFirstCall } from "./callback-param.ts";
import { asyncParameterText, readPreamble } from "./preamble.ts";
import { sharedWrapper } from "./module-wrappers.ts";

export interface ErrFirstRewrite {
  edits: Edit[];
  notes: string[];
  imports: Import[];
}

/** What every shape's rewrite is made of: the async body, the parameters it keeps, and the callbackify import. */
export interface AsyncVersion {
  writer: ErrFirstWriter;
  /** `{ ... }`: the body of the async version. */
  body: string;
  /** The parameters but the callback, as written (a union loses the callback's type where the shuffle moves it). */
  kept: string;
  /**
   * The statements at the top that pick the callback out of the arguments and check it (preamble.ts), as written,
   * ending with a line break: the legacy shape runs them before it hands over. Empty when there are none.
   */
  shim: string;
  keptNames: string[];
  /** Every parameter's name, as the legacy shape passes them on. */
  allNames: string;
  /** `<T>` or empty. */
  typeParams: string;
  callbackify: string;
  notes: string[];
  /** `: Promise<T>` where TypeScript cannot infer it (the function is in a cycle of calls), else empty. */
  returnType: string;
}

/**
 * Plan the rewrite of the err-first function `fn` with callback parameter `cb` (`inner`: the edits inside it made
 * already, carried by the code it moves); throws a `Refusal`. A declaration is rewritten here; a method, a function
 * held by a variable, a property or an export keeps its shape for callers nobody can list (err-first-kept-shape.ts).
 */
export function planErrFirst(
  fn: FunctionNode,
  cb: Identifier,
  imports: FileImports,
  inner: readonly Edit[],
  settings: WriterSettings = {},
): ErrFirstRewrite {
  const params = fn.getParameters();
  const constructed = constructorName(fn);
  refuseUnless(
    constructed === undefined,
    "callback-constructor",
    `\`${constructed}\` is a constructor (called with \`new\`, or given a prototype): \`new ${constructed}(...)\` cannot ` +
      "become async; move the callback work into a method and migrate that, or leave it as it is",
    fn,
  );
  const body = fn.getBody();
  refuseUnless(
    Node.isBlock(body),
    "callback-arrow-expression-body",
    "the arrow's body is an expression; give it a block body (`=> { ... }`) and run again",
    fn,
  );
  const odd = notErrFirstCall(fn, cb);
  refuseUnless(
    odd === undefined,
    "callback-not-err-first",
    `\`${odd?.getParent()?.getText()}\` passes a first argument that may not be an error; an err-first callback takes ` +
      "the error (or null) first, and the async form would throw that value: leave it as it is, or pass `(null, value)`",
    odd ?? cb,
  );
  const callbackParameter = params.find((p) => p.getNameNode() === cb)!;
  const others = params.filter((p) => p !== callbackParameter);
  // `arguments` may be read by the shuffle the legacy shape keeps, not by what the async version runs (refused
  // callback-reads-arguments there).
  const preamble = readPreamble(params, body.getStatements(), cb);
  const writer = new ErrFirstWriter(cb, imports, inner, settings);
  // A call of a declaration itself (recursion) awaits its async version, as a call of any function made async here.
  const self = Node.isFunctionDeclaration(fn) ? fn.getName() : undefined;
  const before = self === undefined ? undefined : imports.madeAsync.get(self);
  // Its uses, read once: whether its callers can be bridged decides its shape here and in planDeclaration.
  const uses = self === undefined ? undefined : usesOf(fn as FunctionDeclaration, cb);
  if (self !== undefined) {
    const declaration = fn as FunctionDeclaration;
    const keepsShape = declaration.isExported() || declaration.isDefaultExport() || preamble.shim.length > 0 || !uses!.bridgeable;
    imports.madeAsync.set(self, keepsShape ? `${self}Async` : self);
  }
  let statements: string[];
  try {
    statements = writer.block([...preamble.kept, ...preamble.rest], { later: false, mustLeave: false }, body);
  } finally {
    if (self !== undefined && before === undefined) imports.madeAsync.delete(self);
    else if (self !== undefined) imports.madeAsync.set(self, before!);
  }
  refuseUnless(
    writer.waits.some || settings.proving === true,
    "callback-always-synchronous",
    "the function waits for nothing: it calls its callback before it returns, every time (synchronous code in callback " +
      "style), and its callers may count on that; an async version would answer later, every time: leave it, or make " +
      "it return its value",
    cb,
  );
  if (statements.at(-1) === "return;") statements.pop(); // the end of the function returns anyway
  const notes = [
    "became async: the callback is now called through util.callbackify, after the returned promise settles (on a " +
      "later tick); an error thrown while it starts (an argument a Node API rejects at once, say) now reaches the " +
      "callback too, where it was thrown to the caller",
    ...new Set(writer.notes),
  ];
  if (writer.sameTurn.length > 0) {
    notes.push(
      `it could answer in the same turn (${writer.sameTurn.join("; ")}); the async form always answers later, the ` +
        "usual fix for such APIs (--strict refuses this instead)",
    );
  }
  if (preamble.shim.length > 0) {
    notes.push(
      "its callback shape runs the statements that pick the callback out of its arguments and check it before it hands " +
        "over (a failed check still throws synchronously); the async version keeps the defaults of the other parameters",
    );
  }
  if (preamble.callbackMayBeMissing) {
    notes.push(
      "called without a callback, its callback shape now throws callbackify's TypeError at once; before, it did its " +
        "work and then failed calling the missing callback",
    );
  }
  const source = fn.getSourceFile().getFullText();
  const version: AsyncVersion = {
    writer,
    body: `{\n${statements.join("\n")}\n}`,
    kept: others.map((p) => asyncParameterText(p, preamble)).join(", "),
    // As written, with the blank lines and comments between its statements.
    shim: preamble.shim
      .map((s, i) => {
        const before = s.getPreviousSibling();
        if (i === 0) return s.getText();
        return before !== undefined && before === preamble.shim[i - 1] ? source.slice(before.getEnd(), s.getEnd()) : `\n${s.getText()}`;
      })
      .join("")
      .concat(preamble.shim.length > 0 ? "\n" : ""),
    keptNames: others.map((p) => p.getName()),
    // The legacy shape passes the callback last, wherever it sits (`files(dir, type, callback, options)`).
    allNames: [...others, callbackParameter].map((p) => p.getNameNode().getText()).join(", "),
    typeParams: fn.getTypeParameters().length > 0 ? `<${fn.getTypeParameters().map((t) => t.getText()).join(", ")}>` : "",
    callbackify: writer.use("node:util", "callbackify"),
    notes,
    returnType: self !== undefined && cyclic(writer, self, imports) ? promiseTypeOf(fn, cb) : "",
  };
  if (Node.isFunctionDeclaration(fn)) return planDeclaration(fn, cb, version, imports, uses);
  return planKeptShape(fn, version, imports);
}

/** The name of `fn` if the file uses it as a constructor: `new F(...)`, or `F.prototype` (a function named `F`). */
function constructorName(fn: FunctionNode): string | undefined {
  const name = Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) ? fn.getName() : undefined;
  const parent = fn.getParent();
  const held = name ?? (Node.isVariableDeclaration(parent) ? parent.getName() : undefined);
  if (held === undefined || Node.isArrowFunction(fn)) return undefined;
  const escaped = held.replace(/\$/g, "\\$");
  // `new F(...)`, not `new F.Other(...)`; `F.prototype`, not `x.F.prototype`
  const used = new RegExp(`\\bnew\\s+${escaped}(?![\\w$.])|(^|[^\\w$.])${escaped}\\.prototype\\b`).test(fn.getSourceFile().getFullText());
  return used ? held : undefined;
}

/**
 * The call the legacy shape makes: `callbackify(impl)(a, cb)`, or `callbackify(impl).call(this, a, cb)` where the
 * function reads `this` or `super` (callbackify passes its own `this` on to the async version, and `super.m(...)`
 * calls `m` with it).
 */
export function shimCall(fn: FunctionNode, impl: string, version: AsyncVersion): string {
  const args = version.allNames;
  return usesOwn(fn, SyntaxKind.ThisKeyword) || usesOwn(fn, SyntaxKind.SuperKeyword)
    ? `${version.shim}${version.callbackify}(${impl}).call(this, ${args});`
    : `${version.shim}${version.callbackify}(${impl})(${args});`;
}

function planDeclaration(fn: FunctionDeclaration, cb: Identifier, version: AsyncVersion, imports: FileImports, uses: Uses | undefined): ErrFirstRewrite {
  const name = fn.getName();
  refuseUnless(name !== undefined && uses !== undefined, "callback-function-anonymous", "an anonymous default-exported callback function", fn);
  const { references, callsOnly, bridgeable } = uses;
  const { writer, kept, keptNames, typeParams, notes } = version;
  const params = fn.getParameters();
  const source = fn.getSourceFile().getFullText();
  const exported = fn.isExported() || fn.isDefaultExport();
  // A file-local function with a shuffle keeps its callback shape too: its callers' calling forms still work. So does
  // one used as a value (`module.exports = { f: u(f) }`, `list.forEach(f)`): nobody can list what calls it; and one
  // whose callback is not last, which callbackify could not bridge at its callers.
  const asValue = !callsOnly;
  if (exported || version.shim !== "" || !bridgeable) {
    // Outside callers keep `name(args..., callback)`; the async version sits beside it.
    const impl = `${name}Async`;
    const wrapper =
      `${source.slice(fn.getStart(), params[0]?.getStart() ?? fn.getBody()!.getStart()).replace(/\($/, "(")}` +
      `${params.map((p) => p.getText()).join(", ")})${fn.getReturnTypeNode() === undefined ? "" : `: ${fn.getReturnTypeNode()!.getText()}`} {\n` +
      `  ${shimCall(fn, impl, version)}\n}\n\n` +
      `${asyncVersionDoc(fn, keptNames)}async function ${impl}${typeParams}(${kept})${version.returnType} ${version.body}`;
    notes.push(
      exported
        ? `the async version is ${impl}; ${name} keeps its callback shape for callers outside the project`
        : asValue
          ? `the async version is ${impl}; ${name} keeps its callback shape, as it is used as a value (callers nobody can list)`
          : `the async version is ${impl}; ${name} keeps its callback shape for the callers left in this file (they pass the callback where it is)`,
    );
    imports.madeAsync.set(name, impl);
    for (const call of writer.awaited) imports.nativeCalls.add(call);
    return { edits: [{ start: fn.getStart(), end: fn.getEnd(), text: wrapper }], notes, imports: writer.needed };
  }
  // A file-local function: its callers here call the async version through callbackify.
  const edits: Edit[] = [];
  // Every use is a call here, or an iteratee of the `async` library (callsOnly): each is bridged.
  let bridge: string | undefined; // `callbackify(name)`, or the module-level constant made of it, once
  for (const ref of references) {
    if (ref === fn.getNameNode()) continue;
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
    bridge ??= sharedWrapper(fn.getNameNode()!, `${version.callbackify}(${name})`, "WithCallback", { imports, needed: writer.needed });
    edits.push({ start: ref.getStart(), end: ref.getEnd(), text: bridge, format: false });
  }
  const head = source.slice(fn.getStart(), fn.getNameNode()!.getStart()).replace(/function\s*$/, "");
  edits.push({ start: fn.getStart(), end: fn.getEnd(), text: `${head}async function ${name}${typeParams}(${kept})${version.returnType} ${version.body}` });
  const staleTag = callbackTagRemoval(fn, cb.getText());
  if (staleTag !== undefined) edits.push(staleTag);
  notes.push(`its callers in this file call it through callbackify(${name})`);
  imports.madeAsync.set(name, name);
  for (const call of writer.awaited) imports.nativeCalls.add(call);
  return { edits, notes, imports: writer.needed };
}
/** How a file-local function declaration is used: what refers to it, and whether its calls can be bridged. */
interface Uses {
  references: Node[];
  /**
   * Whether every use is a call of it in its own file with an argument for each parameter (or an iteratee of the
   * `async` library): calls its rewrite can bridge one by one.
   */
  callsOnly: boolean;
  /** Whether callbackify can stand for it at each of its calls: only calls, and the callback last. */
  bridgeable: boolean;
}

function usesOf(fn: FunctionDeclaration, cb: Identifier): Uses {
  const params = fn.getParameters().length;
  // A JSDoc `{@link f}` or `@see f` uses nothing, and keeps naming the function once it is async.
  const references = fn.getNameNode()!.findReferencesAsNodes().filter((ref) => !isInJSDoc(ref));
  const callsOnly = references.every((ref) => {
    if (ref === fn.getNameNode()) return true;
    const call = ref.getParent();
    const called = Node.isCallExpression(call) && call.getExpression() === ref && call.getArguments().length === params;
    return (called || isHelperArgument(ref)) && ref.getSourceFile() === fn.getSourceFile();
  });
  return { references, callsOnly, bridgeable: callsOnly && fn.getParameters().at(-1)?.getNameNode() === cb };
}

/** Whether the function calls itself, or another of the file's functions that calls it back, as it is rewritten. */
function cyclic(writer: ErrFirstWriter, name: string, imports: FileImports): boolean {
  return imports.assumed.has(name) || writer.assumedHere || [...writer.awaited].some((callee) => callee.getText() === name);
}

/**
 * `: Promise<T>` for TypeScript, T the type of the callback's value: in a cycle of calls TypeScript cannot infer an
 * async function's return type (TS7023). JavaScript infers none to break.
 */
function promiseTypeOf(fn: FunctionNode, cb: Identifier): string {
  if (/\.[cm]?jsx?$/.test(fn.getSourceFile().getFilePath())) return "";
  const value = cb.getType().getCallSignatures()[0]?.getParameters()[1];
  if (value === undefined) return ": Promise<void>";
  return `: Promise<${value.getTypeAtLocation(fn).getText(fn, ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope)}>`;
}
