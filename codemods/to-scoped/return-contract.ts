/**
 * What a function gives its legacy callers must survive `--to scoped`: they reach it through `toPromise` (a bridged
 * call, or the old signature `--keep-legacy-export` keeps), which returns a new promise of its own. Two contracts
 * that new promise cannot keep are refused:
 *
 * - the promise returned is the caller's own (`return fn()`, `return promise` of a parameter): the caller tracks that
 *   object (compares it, reads what else it carries: a `cancel()`, a child process), and would get another one;
 * - the function also takes an err-first callback (`return asCallback(p, cb)`, `if (cb) p.then(...)`): callers that
 *   pass the callback ignore the promise, which now rejects with nobody to handle it (an unhandled rejection).
 */
import { Node, type ParameterDeclaration } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { Refusal } from "../engine/refusal.ts";
import { directReturns } from "../to-async/analysis.ts";

/** Refuse a function whose legacy callers would get another promise, or an unhandled one, once it is scoped. */
export function checkReturnContract(fn: FunctionNode): void {
  if (!fn.isAsync()) {
    const handedIn = returnedFromCaller(fn);
    if (handedIn !== undefined) {
      throw new Refusal(
        "returns-foreign-promise",
        `it returns the promise its caller handed it (\`${handedIn.getText()}\`): once scoped, legacy callers get a new promise from toPromise ` +
          "instead of that same object (with whatever else it carries). Leave it legacy (scoped callers can bridge it with fromPromise), or make it async by hand first",
        handedIn,
      );
    }
  }
  const callback = callbackParameter(fn);
  if (callback !== undefined) {
    throw new Refusal(
      "callback-return-contract",
      `it takes an err-first callback (\`${callback.getName()}\`) and returns a promise too: callers that pass the callback ignore the promise, ` +
        "and once scoped it is a new one (through toPromise) that rejects with nobody handling it. Split the callback form from the promise form first",
      callback,
    );
  }
}

/** `return p` or `return fn(...)` where `p`/`fn` is a parameter: the caller's own promise given back. */
function returnedFromCaller(fn: FunctionNode): Node | undefined {
  const params = new Set(fn.getParameters().map((p) => p.getName()));
  const body = fn.getBody();
  const values = Node.isBlock(body)
    ? directReturns(body).flatMap((r) => (r as import("ts-morph").ReturnStatement).getExpression() ?? [])
    : body === undefined ? [] : [body];
  return values.find((value) => {
    const inner = Node.isParenthesizedExpression(value) ? value.getExpression() : value;
    const named = Node.isCallExpression(inner) ? inner.getExpression() : inner;
    return Node.isIdentifier(named) && params.has(named.getText());
  });
}

/** The last parameter, when it is an err-first callback the function uses: named like one, or typed `(err, ...) => ...`. */
function callbackParameter(fn: FunctionNode): ParameterDeclaration | undefined {
  const last = fn.getParameters().at(-1);
  if (last === undefined || !Node.isIdentifier(last.getNameNode())) return undefined;
  const signature = last.getType().getNonNullableType().getCallSignatures()[0];
  const firstName = signature?.getParameters()[0]?.getName();
  const looksLikeOne = /^(cb|callback|done)$/i.test(last.getName()) || (firstName !== undefined && /^err(or)?$/i.test(firstName));
  if (!looksLikeOne) return undefined;
  const used = (last.getNameNode() as import("ts-morph").Identifier).findReferencesAsNodes().some((ref) => ref !== last.getNameNode() && ref.getSourceFile() === fn.getSourceFile() && ref.getStart() > fn.getStart() && ref.getEnd() <= fn.getEnd());
  return used ? last : undefined;
}
