/**
 * The old signatures `--keep-legacy-export` writes: `f(a, b) { return toPromise((cx) => fScoped(cx, a, b))(); }`.
 * They serve legacy callers only. A scoped caller calls the scoped version natively instead (`fScoped(cx, a, b)`,
 * `obj.mScoped(cx, ...)`, `m.fScoped(cx, ...)`), in the run that keeps the old signature and in later runs alike,
 * so cancellation reaches it and no task is started.
 */
import { Node, type CallExpression, type Expression } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { assignedFunction, isModuleValue, requiredBinding } from "./assigned-exports.ts";
import { isBridgeCall, type Scope } from "./body.ts";
import { nameNodeOf } from "./call-sites.ts";
import { functionOf } from "./world.ts";

/** The `toPromise(...)(...)` call a kept old signature consists of, if `fn` is one. */
export function shimCall(fn: FunctionNode): CallExpression | undefined {
  if (fn.isAsync()) return undefined;
  const body = fn.getBody();
  let value: Node | undefined = body;
  if (Node.isBlock(body)) {
    const [only, ...rest] = body.getStatements();
    value = rest.length === 0 && only !== undefined && Node.isReturnStatement(only) ? only.getExpression() : undefined;
  }
  return value !== undefined && Node.isCallExpression(value) && isBridgeCall(value.getExpression()) ? value : undefined;
}

/**
 * For a kept old signature that passes its parameters on unchanged (`(cx) => fScoped(cx, a, b)`, no signal option),
 * the scoped function behind it and the name it is called by (`fScoped`).
 */
export function scopedBehind(fn: FunctionNode): { scoped: FunctionNode; name: string } | undefined {
  const call = shimCall(fn);
  if (call === undefined || call.getArguments().length > 0) return undefined;
  const [thunk, ...options] = (call.getExpression() as CallExpression).getArguments();
  if (options.length > 0 || thunk === undefined || !Node.isArrowFunction(thunk) || thunk.getParameters().length !== 1) return undefined;
  const inner = thunk.getBody() as Expression;
  if (!Node.isCallExpression(inner)) return undefined;
  const expected = [thunk.getParameters()[0]!.getName(), ...fn.getParameters().map((p) => `${p.isRestParameter() ? "..." : ""}${p.getName()}`)];
  if (inner.getArguments().map((a) => a.getText()).join() !== expected.join()) return undefined;
  const target = inner.getExpression();
  const scoped = functionOf(target);
  const name = Node.isPropertyAccessExpression(target) ? target.getName() : target.getText();
  return scoped === undefined ? undefined : { scoped, name };
}

/**
 * An awaited call of an old signature kept beside its scoped version (by an earlier `--keep-legacy-export` run):
 * the scoped one is called instead, through the same name plus `Scoped` (`fScoped`, `m.fScoped`).
 */
export function keptLegacyCallee(scope: Scope, call: CallExpression): FunctionNode | undefined {
  const shim = functionOf(call.getExpression());
  const behind = shim === undefined ? undefined : scopedBehind(shim);
  if (shim === undefined || behind === undefined || !scope.world.isScoped(behind.scoped) || behind.name !== `${nameNodeOf(shim)?.getText()}Scoped`) return undefined;
  scope.world.scopedName.set(shim, behind.name);
  return shim;
}

/**
 * Call the scoped version of a function whose old signature is kept for outside callers: `fScoped`, `obj.mScoped`,
 * `m.fScoped` of a required module (what a kept export by assignment adds beside `f`), and `m.fScoped` where the
 * module is the function (`const f = require("./f")`, `require("./f")`).
 */
export function callScopedVersion(scope: Scope, call: CallExpression, name: string): void {
  const expression = call.getExpression();
  if (Node.isPropertyAccessExpression(expression)) {
    // Exported by assignment, each exported name gains its own `Scoped` name; otherwise (a method, a namespace
    // import) the member is named after the declaration.
    const id = expression.getNameNode();
    const assigned = (id.getSymbol()?.getDeclarations() ?? []).some((d) => assignedFunction(d) !== undefined);
    return scope.edits.add({ start: id.getStart(), end: id.getEnd(), text: assigned ? `${expression.getName()}Scoped` : name, format: false });
  }
  if (isModuleValue(expression)) return scope.edits.insert(expression.getEnd(), `.${name}`, false);
  // A function expression calling itself by its own name (`exports.f = async function f() { ... f() }`): the
  // name is the scoped function's still.
  if ((expression.getSymbol()?.getDeclarations() ?? []).some((d) => Node.isFunctionExpression(d))) return;
  const required = requiredBinding(expression);
  const scoped = required === undefined ? name : `${required}Scoped`;
  scope.edits.add({ start: expression.getStart(), end: expression.getEnd(), text: scoped, format: false });
  scope.world.importScoped(expression, scoped);
}
