/**
 * The hazards of calls across the line between scoped and legacy code, anywhere in a file (legacy code too), with
 * callees followed into other files: a scoped function called without a `Cx` or with the wrong number of
 * arguments, a legacy wrapper given a `Cx` (every argument one place to the right), and a scoped function handed to
 * code that will call it without one. In TypeScript the compiler catches most of the first two, unless a type is
 * `any`; in JavaScript nothing else does.
 */
import path from "node:path";
import { Node, SyntaxKind, ts, type CallExpression, type NewExpression, type SourceFile } from "ts-morph";
import { isAlreadyScoped } from "../to-scoped/world.ts";
import { isCorralCallee } from "./from-corral.ts";
import { isFunctionNode, nameOf, type FunctionNode } from "./functions.ts";
import { hazardAt, short, type Hazard } from "./hazard.ts";
import { isScopedFunction, resolveCallable, unwrap } from "./resolve-callable.ts";
import { findAll, wrap } from "./walk.ts";

/** The call hazards of `file` (shown as `display`), in source order. */
export function callHazards(file: SourceFile, display: string): Hazard[] {
  const found: Hazard[] = [];
  const calls = findAll(file, (n) => n.kind === SyntaxKind.CallExpression || n.kind === SyntaxKind.NewExpression) as (CallExpression | NewExpression)[];
  for (const call of calls) {
    if (Node.isCallExpression(call)) {
      const callee = resolveCallable(call.getExpression());
      if (callee?.kind === "scoped") found.push(...scopedCallHazards(call, callee.fn, display));
      if (callee?.kind === "legacy-wrapper" && passesCx(call)) found.push(wrapperGivenCx(call, callee.scoped, display));
    }
    found.push(...passedToLegacy(call, display));
  }
  return found;
}

function scopedCallHazards(call: CallExpression, fn: FunctionNode, display: string): Hazard[] {
  const name = short(call.getExpression().getText());
  const where = declaredAt(fn);
  if (!passesCx(call)) {
    if (fn.getParameters()[0]!.isOptional()) return []; // `notifyAll(cx?: Cx)`: the Cx is asked for, not needed
    const caller = call.getFirstAncestor(isFunctionNode);
    const cx = cxInScope(call);
    const hint =
      cx !== undefined
        ? `pass the context first: ${name}(${cx}, ...)`
        : caller === undefined
          ? `run it in a root scope: run((cx) => ${name}(cx, ...)) (corral migrate <file> --entry writes that)`
          : `legacy code calls it through the bridge: toPromise(${name})(...) (toCallback for err-first callers), or keep a legacy export of it (--keep-legacy-export)`;
    const shifted = call.getArguments().length === 0 ? "" : ": every argument lands one place to the left";
    return [hazardAt("missing-cx", call, display, `\`${name}\` is scoped (it takes a Cx first, ${where}) but is called without one${shifted}`, hint)];
  }
  const args = call.getArguments();
  if (args.some((a) => Node.isSpreadElement(a))) return [];
  const { min, max } = arity(fn);
  if (args.length >= min && args.length <= max) return [];
  const expected = max === min ? `${min}` : max === Infinity ? `at least ${min}` : min <= 1 ? `at most ${max}` : `${min} to ${max}`;
  return [
    hazardAt(
      "wrong-arity",
      call,
      display,
      `\`${name}\` (${where}) takes ${expected} argument${max === 1 ? "" : "s"} with its Cx, but is given ${args.length}`,
      `match its parameters: ${name}(${fn.getParameters().map((p) => p.getName()).join(", ")})`,
    ),
  ];
}

function wrapperGivenCx(call: CallExpression, scoped: FunctionNode | undefined, display: string): Hazard {
  const name = short(call.getExpression().getText());
  const of = scoped === undefined ? "a scoped function" : `the scoped \`${nameOf(scoped)}\` (${declaredAt(scoped)})`;
  const native = scoped === undefined ? "the scoped function" : `${nameOf(scoped)}(${unwrap(call.getArguments()[0]!).getText()}, ...)`;
  return hazardAt(
    "legacy-wrapper-given-cx",
    call,
    display,
    `\`${name}\` is the legacy wrapper of ${of}: it supplies the Cx itself, so given one, every argument lands one place to the right`,
    `call ${native} natively (export it beside the wrapper if it is not); the wrapper is for legacy callers only`,
  );
}

/** Scoped functions passed by name to a call that is neither corral's nor scoped (it would call them without a Cx). */
function passedToLegacy(call: CallExpression | NewExpression, display: string): Hazard[] {
  const values = (call.getArguments() as Node[]).filter((a) => Node.isIdentifier(a) || Node.isPropertyAccessExpression(a));
  if (values.length === 0) return [];
  const found: Hazard[] = [];
  for (const value of values) {
    const named = resolveCallable(value);
    if (named?.kind !== "scoped" || acceptsScoped(call, value)) continue;
    const name = short(value.getText());
    const receiver = short(call.getExpression().getText());
    const hint = /(^|\.)callbackify$/.test(receiver)
      ? `err-first callers get toCallback(${name}) from corral`
      : /(^|\.)promisify$/.test(receiver)
        ? `it returns a promise already: toPromise(${name}) is its legacy form`
        : `hand legacy code its bridge: toPromise(${name}) (toCallback(${name}) for err-first callbacks), or start it in a nursery: n.start(${name}, ...)`;
    found.push(hazardAt("scoped-function-passed-to-legacy", value, display, `\`${name}\` is scoped (it takes a Cx first, ${declaredAt(named.fn)}), but \`${receiver}\` is legacy code: it will call it without one`, hint));
  }
  return found;
}

/**
 * Whether a call may be given a scoped function: corral's own (`n.start(f)`, `toPromise(f)`, `run(f)`), a scoped
 * function (it passes its Cx on), or a parameter declared as a function that takes a Cx first. (The declared type,
 * not the contextual one: `wrap<T>(fn: T)` is instantiated with the scoped function's own type.)
 */
function acceptsScoped(call: CallExpression | NewExpression, value: Node): boolean {
  if (Node.isCallExpression(call) && (isCorralCallee(call) || resolveCallable(call.getExpression())?.kind === "scoped")) return true;
  const signature = call.getProject().getTypeChecker().compilerObject.getResolvedSignature(call.compilerNode);
  const params = signature?.getDeclaration()?.parameters ?? [];
  const index = call.getArguments().indexOf(value);
  const last = params[params.length - 1];
  const param = index < params.length ? params[index] : last?.dotDotDotToken !== undefined ? last : undefined;
  if (param === undefined) return false;
  let type = wrap(call, param).getType();
  if (param.dotDotDotToken !== undefined) type = type.getArrayElementType() ?? type;
  return type.getNonNullableType().getCallSignatures().some((s) => {
    const first = s.getParameters()[0]?.getValueDeclaration();
    return first !== undefined && isCxType(first.getType());
  });
}

/** Whether the call's first argument is a `Cx`: typed so, or, untyped, a scoped function's `cx` or a name ending in `cx`. */
export function passesCx(call: CallExpression): boolean {
  const given = call.getArguments()[0];
  if (given === undefined) return false;
  const first = unwrap(given);
  // The common case without a type check: the `cx` parameter of a scoped function (`cx: Cx`, or JavaScript's `cx`).
  const declaration = Node.isIdentifier(first) ? first.getSymbol()?.getDeclarations()[0] : undefined;
  if (Node.isParameterDeclaration(declaration)) {
    const fn = declaration.getParent();
    if (isFunctionNode(fn) && fn.getParameters()[0] === declaration && isScopedFunction(fn)) return true;
  }
  const type = given.getType();
  if (!type.isAny() && !type.isUnknown()) return isCxType(type);
  return /cx\d*$/i.test(first.getText());
}

/**
 * The name of the `Cx` a call can pass: the first parameter of the nearest function taking one (a thunk's too; in
 * JavaScript, one named `cx`, even in a function that does not pass it on yet).
 */
function cxInScope(node: Node): string | undefined {
  for (const fn of node.getAncestors()) {
    if (!isFunctionNode(fn)) continue;
    const first = fn.getParameters()[0];
    if (first !== undefined && Node.isIdentifier(first.getNameNode()) && (isAlreadyScoped(fn) || isCxType(first.getType()))) return first.getName();
  }
  return undefined;
}

/** corral's `Cx` (by its name: the types may come from its sources, its build or a copy), or a type shaped like one. */
export function isCxType(type: import("ts-morph").Type): boolean {
  const symbol = type.getAliasSymbol() ?? type.getSymbol();
  return symbol?.getName() === "Cx" || (type.getProperty("signal") !== undefined && type.getProperty("deadline") !== undefined);
}

/** How many arguments a scoped function takes. JavaScript's parameters may all be left out (only too many is wrong). */
function arity(fn: FunctionNode): { min: number; max: number } {
  const params = fn.getParameters();
  const open = params.some((p) => p.isRestParameter()) || findAll(fn, (n) => ts.isIdentifier(n) && n.text === "arguments", () => true, true).length > 0;
  const typed = params[0]!.getTypeNode() !== undefined;
  const required = typed ? params.map((p) => !p.isOptional()).lastIndexOf(true) + 1 : 1;
  return { min: Math.max(1, required), max: open ? Infinity : params.length };
}

/** `file:line` of a function, as the reports show files. */
function declaredAt(fn: FunctionNode): string {
  return `${path.relative(process.cwd(), fn.getSourceFile().getFilePath()) || fn.getSourceFile().getBaseName()}:${fn.getStartLineNumber()}`;
}
