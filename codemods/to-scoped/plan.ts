/**
 * The `--to scoped` eligibility check and plan for one function, shared by `scan` and `migrate`: the function
 * takes `cx: Cx` first and its body waits through corral (see body.ts); or `undefined` when there is nothing to
 * make scoped; or a thrown `Refusal` saying why it would change behaviour.
 */
import path from "node:path";
import { Node, SyntaxKind, ts, type ParameterDeclaration } from "ts-morph";
import { nameOf, type FunctionNode } from "../engine/functions.ts";
import { isInJSDoc } from "../engine/in-js-doc.ts";
import { referencesOf } from "../engine/reference-index.ts";
import { Refusal, refuseUnless } from "../engine/refusal.ts";
import { findOwn, usesOwn } from "../to-async/analysis.ts";
import { asyncInsertion, isGenerator } from "../to-async/plan.ts";
import { rewriteBody, type Scope } from "./body.ts";
import { assignedExportsOf } from "./assigned-exports.ts";
import { isExported } from "./exported.ts";
import { shimCall } from "./kept-legacy.ts";
import { legacyExport } from "./legacy-export.ts";
import { checkReturnContract } from "./return-contract.ts";
import { NOTES } from "./notes.ts";
import { cxNameFor, isAlreadyScoped, isStrictlyCheckedJs } from "./world.ts";

/** Whether the function is one `--to scoped` makes scoped: async, or returning a promise. */
export function isCandidate(fn: FunctionNode): boolean {
  if (isAlreadyScoped(fn) || nameOf(fn) === "<anonymous>" || shimCall(fn) !== undefined) return false; // an old signature kept for legacy callers stays legacy
  if (isGenerator(fn)) return fn.isAsync();
  return fn.isAsync() || returnsPromise(fn);
}

/** Decide, before any rewriting, whether `fn` can become scoped: a `Refusal` if not. */
export function checkScoped(fn: FunctionNode): void {
  refuseUnless(!isGenerator(fn), "async-generator", "an async generator's callers iterate it; make it scoped by hand with toAsyncIterable", fn);
  if (!Node.isArrowFunction(fn) && !Node.isMethodDeclaration(fn)) {
    refuseUnless(
      !usesOwn(fn, SyntaxKind.ThisKeyword),
      "uses-this",
      "the function reads its own `this`, which bridged callers (toPromise(f)) would not pass; make it a method or an arrow first",
      fn,
    );
  }
  refuseUnless(!usesOwn(fn, "arguments"), "uses-arguments", "the function reads `arguments`, whose positions shift once it takes cx first", fn);
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) {
    refuseUnless(fn.getOverloads().length === 0, "overloads", "the function has overload signatures; each would need cx", fn);
  }
  if (Node.isMethodDeclaration(fn)) {
    checkMethod(fn);
    const untyped = untypedCalls(fn);
    if (untyped.length > 0) {
      throw new Refusal(
        "untyped-callers",
        `\`.${fn.getName()}(...)\` is called on values whose type is unknown (${untyped.slice(0, 3).join(", ")}${untyped.length > 3 ? ", ..." : ""}); ` +
          "those calls cannot be told apart from calls of this method, and would not pass cx. Type them (JSDoc works), or bridge by hand",
        fn,
      );
    }
  }
  const escapes = escapingObject(fn);
  if (escapes !== undefined) {
    throw new Refusal(
      "object-escapes",
      "the object holding it is handed over elsewhere, where code may call it with its old signature; " +
        "bridge it there with toPromise instead, or keep the object in a const used only as `obj.method(...)`",
      escapes,
    );
  }
  const shape = fixedShape(fn);
  if (shape !== undefined) {
    throw new Refusal(
      "typed-by-context",
      `its signature is fixed by the type \`${shape}\` it is written for; callers through that type would not pass cx. ` +
        "Bridge it where it is handed over instead, or change the type first",
      fn,
    );
  }
  checkReturnContract(fn);
  if (!fn.isAsync()) {
    const declared = fn.getReturnTypeNode();
    if (declared !== undefined) {
      refuseUnless(
        fn.getReturnType().getSymbol()?.getName() === "Promise", // `Promise<T>`, an alias of it, `globalThis.Promise`
        "return-type-not-promise",
        `the declared return type \`${declared.getText()}\` is not a Promise; a scoped function is async`,
        declared,
      );
    }
  }
}

/** Write the function as scoped into `scope.edits`. */
export function planScoped(fn: FunctionNode, scope: Scope): void {
  const source = fn.getSourceFile().getFullText();
  const cx = cxNameFor(fn);
  const param = cxParameter(fn, scope, cx);
  scope.notes.add(NOTES.scoped);
  if (!fn.isAsync()) {
    scope.notes.add(NOTES.madeAsync);
    scope.edits.add({ ...asyncInsertion(fn), format: false });
  }
  const dropped = scope.world.droppedSignal.get(fn);
  const params = fn.getParameters();
  if (params.length === 0) {
    const open = fn.getFirstChildByKind(SyntaxKind.OpenParenToken);
    if (open === undefined) throw new Refusal("internal", "no parameter list", fn);
    scope.edits.insert(open.getEnd(), param, false);
  } else if (Node.isArrowFunction(fn) && fn.getFirstChildByKind(SyntaxKind.OpenParenToken) === undefined) {
    scope.edits.add({ start: params[0]!.getStart(), end: params[0]!.getEnd(), text: `(${param}, ${params[0]!.getText()})`, format: false });
  } else {
    scope.edits.insert(params[0]!.getStart(), params.length === 1 && dropped === params[0] ? param : `${param}, `, false);
  }
  if (dropped !== undefined) {
    scope.notes.add(NOTES.droppedSignal(dropped.getName()));
    dropParameter(scope, dropped, source);
    replaceSignalReads(scope, fn, dropped, cx);
  }
  if (isExported(fn) || scope.world.scopedName.has(fn)) {
    if (scope.world.keepLegacyExport) legacyExport(fn, scope, cx);
    else scope.notes.add(NOTES.exported);
  }
  rewriteBody({ ...scope, cx }, fn.getBody()!);
}

/**
 * The new first parameter as written: `cx: Cx` in TypeScript; in JavaScript the checker reads strictly (`checkJs`
 * or `// @ts-check`, with `noImplicitAny`), `cx` typed by an inline JSDoc `@type {import("corral").Cx}`, since an
 * untyped `cx` is an implicit any there; else `cx`.
 */
function cxParameter(fn: FunctionNode, scope: Scope, cx: string): string {
  const file = fn.getSourceFile();
  if (/\.[cm]?tsx?$/.test(file.getFilePath())) return `${cx}: ${scope.imports.take(scope.needed, "corral", "Cx", "Cx", true)}`;
  return isStrictlyCheckedJs(file) ? `/** @type {import("corral").Cx} */ ${cx}` : cx;
}

/**
 * The `AbortSignal` parameter a function takes from its callers (`load(id, signal?: AbortSignal)`): the hand-made
 * plumbing `cx.signal` replaces. Only one read as a signal (no reassignment, no other type).
 */
export function signalParameter(fn: FunctionNode): ParameterDeclaration | undefined {
  const params = fn.getParameters();
  const found = params.filter((p) => /^AbortSignal(\s*\|\s*(undefined|null))*$/.test(p.getTypeNode()?.getText() ?? "") && Node.isIdentifier(p.getNameNode()));
  if (found.length !== 1) return undefined;
  const param = found[0]!;
  if (params.slice(params.indexOf(param) + 1).some((p) => p.isRestParameter()) || param.hasInitializer()) return undefined;
  const written = param.findReferencesAsNodes().some((ref) => {
    const parent = ref.getParent();
    return Node.isBinaryExpression(parent) && parent.getLeft() === ref && /=$/.test(parent.getOperatorToken().getText());
  });
  return written ? undefined : param;
}

function dropParameter(scope: Scope, param: ParameterDeclaration, source: string): void {
  const params = (param.getParent() as FunctionNode).getParameters();
  const index = params.indexOf(param);
  let start = param.getStart();
  let end = param.getEnd();
  if (index > 0) start = params[index - 1]!.getEnd();
  else if (params.length > 1) end = params[1]!.getStart();
  else if (source.slice(end).startsWith(",")) end += 1;
  scope.edits.add({ start, end, text: "", format: false });
}

/** Reads of the dropped parameter become `cx.signal` (in nested functions too: they close over `cx`). */
function replaceSignalReads(scope: Scope, fn: FunctionNode, param: ParameterDeclaration, cx: string): void {
  for (const ref of param.findReferencesAsNodes()) {
    if (ref === param.getNameNode() || ref.getSourceFile() !== fn.getSourceFile() || ref.getStart() < fn.getStart() || ref.getEnd() > fn.getEnd()) continue;
    const parent = ref.getParent();
    if (Node.isShorthandPropertyAssignment(parent)) scope.edits.add({ start: ref.getStart(), end: ref.getEnd(), text: `${ref.getText()}: ${cx}.signal`, format: false });
    else scope.edits.add({ start: ref.getStart(), end: ref.getEnd(), text: `${cx}.signal`, format: false });
  }
}

/**
 * For a function held by an object literal (`{ price: async () => ... }`, `{ async load() {} }`): the object, when it
 * goes anywhere but a `const` read only as `obj.member` (passed, returned, nested in another object).
 */
function escapingObject(fn: FunctionNode): Node | undefined {
  const holder = Node.isMethodDeclaration(fn) ? fn : fn.getParent();
  const object = holder?.getParent();
  if (!Node.isObjectLiteralExpression(object) || (!Node.isPropertyAssignment(holder) && !Node.isMethodDeclaration(holder))) return undefined;
  const declaration = object.getParent();
  if (assignedExportsOf(fn).length > 0) return undefined; // `module.exports = { ... }`: callers are found through require
  if (!Node.isVariableDeclaration(declaration) || declaration.getTypeNode() !== undefined || !Node.isIdentifier(declaration.getNameNode())) return object;
  const uses = referencesOf(declaration.getNameNode()).filter((r) => !isInJSDoc(r)); // `{@link obj}` hands nothing over
  return uses.every((r) => Node.isPropertyAccessExpression(r.getParent()) && (r.getParent() as import("ts-morph").PropertyAccessExpression).getExpression() === r)
    ? undefined
    : object;
}

/** The type a function's signature must fit, when it has one: an annotated variable, a typed object's property. */
function fixedShape(fn: FunctionNode): string | undefined {
  if (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) {
    const type = fn.getContextualType();
    return type === undefined ? undefined : type.getText(fn);
  }
  if (Node.isMethodDeclaration(fn) && Node.isObjectLiteralExpression(fn.getParent())) {
    const type = (fn.getParent() as import("ts-morph").ObjectLiteralExpression).getContextualType();
    return type?.getProperty(fn.getName()) === undefined ? undefined : type.getText(fn);
  }
  return undefined;
}

/** Calls `x.name(...)` across the project where `x` is untyped: they may be calls of this method, unseen. */
function untypedCalls(fn: import("ts-morph").MethodDeclaration): string[] {
  const name = fn.getName();
  const found: string[] = [];
  for (const file of fn.getProject().getSourceFiles()) {
    if (file.isDeclarationFile() || file.isInNodeModules() || !file.getFullText().includes(`.${name}(`)) continue;
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== name) continue;
      const receiver = callee.getExpression().getType();
      if (receiver.isAny() || receiver.isUnknown()) found.push(`${path.relative(process.cwd(), file.getFilePath())}:${call.getStartLineNumber()}`);
    }
  }
  return found;
}

/** A type other than the class itself, with a member `name`, that a `new C(...)` of the class is handed to. */
function structuralUse(owner: import("ts-morph").ClassDeclaration, name: string): string | undefined {
  const className = owner.getNameNode();
  if (className === undefined) return undefined;
  for (const ref of referencesOf(className)) {
    const created = ref.getParent();
    if (!Node.isNewExpression(created) || created.getExpression() !== ref) continue;
    const type = created.getContextualType();
    if (type === undefined || type.getSymbol()?.getDeclarations().includes(owner) === true) continue;
    if (type.getProperty(name) !== undefined) return type.getText(created);
  }
  return undefined;
}

function checkMethod(fn: import("ts-morph").MethodDeclaration): void {
  const owner = fn.getParent();
  if (!Node.isClassDeclaration(owner) && !Node.isClassExpression(owner)) return;
  const name = fn.getName();
  const base = owner.getBaseClass();
  let inBase = base?.getType().getProperty(name) !== undefined;
  // A static method overrides the base's static side.
  for (let b = base; fn.isStatic() && b !== undefined && !inBase; b = b.getBaseClass()) inBase = b.getStaticMember(name) !== undefined;
  const inInterface = owner.getImplements().some((i) => i.getType().getProperty(name) !== undefined);
  const derived = Node.isClassDeclaration(owner) ? owner.getDerivedClasses().some((d) => d.getInstanceMember(name) !== undefined || d.getStaticMember(name) !== undefined) : false;
  const usedAs = Node.isClassDeclaration(owner) && !fn.isStatic() ? structuralUse(owner, name) : undefined;
  if (usedAs !== undefined) {
    throw new Refusal(
      "typed-by-context",
      `instances of the class are used as \`${usedAs}\`, whose \`${name}\` takes no cx; callers through that type would not pass it. ` +
        "Bridge the class where it is handed over, or change the type first",
      fn,
    );
  }
  if (inBase || inInterface || derived) {
    throw new Refusal(
      "method-override",
      `\`${name}\` ${inBase ? "overrides a base class method" : inInterface ? "implements an interface member" : "is overridden in a subclass"}; ` +
        "every version would have to take cx together. Migrate the hierarchy by hand, or bridge it",
      fn,
    );
  }
}

/** Whether every way out of a non-async function gives a promise (its return type is a Promise). */
function returnsPromise(fn: FunctionNode): boolean {
  // Without a `return` of a value (nor an expression body) it gives undefined: no need to ask the checker.
  const body = fn.getBody();
  if (Node.isBlock(body) && fn.getReturnTypeNode() === undefined && findOwn(body, (n) => ts.isReturnStatement(n) && n.expression !== undefined) === undefined) return false;
  const type = fn.getReturnType();
  return type.getSymbol()?.getName() === "Promise";
}
