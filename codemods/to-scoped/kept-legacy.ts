/**
 * The old signatures `--keep-legacy-export` writes: `f(a, b) { return toPromise((cx) => fScoped(cx, a, b))(); }`.
 * They serve legacy callers only. A scoped caller awaiting one (code migrated in a later run) calls the scoped
 * function behind it natively instead: `fScoped(cx, a, b)`, so cancellation reaches it and no task is started.
 */
import { Node, type CallExpression, type Expression } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { isBridgeCall } from "./body.ts";
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
