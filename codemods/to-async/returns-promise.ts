/**
 * Whether a function answers with a promise it makes or is handed (`return new Promise(...)`, `return Promise.all(...)`,
 * `return fsp.readFile(p)` typed as a Promise, a chain), in any shape: `scan` calls such a function's style
 * `promise`, and `--to async` says why it leaves one unchanged.
 */
import { Node, type ReturnStatement } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { directReturns } from "./analysis.ts";

/** Whether some value `fn` returns (its own returns, or an arrow's expression body) surely is a promise. */
export function returnsPromise(fn: FunctionNode): boolean {
  const body = fn.getBody();
  if (body === undefined) return false;
  if (!Node.isBlock(body)) return isPromise(body);
  return directReturns(fn).some((ret) => {
    const value = (ret as ReturnStatement).getExpression();
    return value !== undefined && isPromise(value);
  });
}

function isPromise(value: Node): boolean {
  if (Node.isParenthesizedExpression(value)) return isPromise(value.getExpression());
  if (Node.isNewExpression(value)) return value.getExpression().getText() === "Promise";
  if (Node.isCallExpression(value)) {
    const callee = value.getExpression();
    if (/^Promise\.\w+$/.test(callee.getText())) return true;
    if (Node.isPropertyAccessExpression(callee) && ["then", "catch", "finally"].includes(callee.getName())) return true;
  }
  const type = value.getType();
  if (type.isAny() || type.isUnknown()) return false;
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.some((part) => part.getSymbol()?.getName() === "Promise");
}
