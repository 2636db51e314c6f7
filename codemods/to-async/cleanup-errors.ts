/**
 * Error combination in cleanup: an err-first step followed by a cleanup step that always runs, whose callback
 * answers with one of the two errors:
 *
 *     fs.futimes(fd, atime, mtime, (err) => fs.close(fd, (closeErr) => cb(err || closeErr)));
 *
 * The async form keeps which error wins: `err || closeErr` (the first error; the cleanup's only when there was
 * none) is a `try`/`catch` that runs the cleanup and rethrows the first error; `closeErr || err` (the cleanup's
 * error wins) is exactly `try`/`finally`; `cb(err)` with the cleanup's error unread ignores it.
 */
import { Node, type ArrowFunction, type CallExpression, type Expression, type FunctionExpression } from "ts-morph";

/** Which error the callback answers with. */
export type Precedence = "first" | "cleanup" | "first-only";

export interface CleanupCombination {
  /** The cleanup call (`fs.close(fd, ...)`), its last argument the callback answering. */
  cleanup: CallExpression;
  /** The first step's error, as the inner callback named it. */
  error: string;
  precedence: Precedence;
}

/**
 * The combination `step`'s callback `fn` is, if it is one: `(err) => cleanup(args, (closeErr) => cb(err ||
 * closeErr))`, with or without braces and `return`; `isCallback` tells the function's own callback.
 */
export function cleanupCombination(fn: ArrowFunction | FunctionExpression, isCallback: (node: Node) => boolean): CleanupCombination | undefined {
  const [first, ...others] = fn.getParameters();
  if (first === undefined || others.length > 0 || !Node.isIdentifier(first.getNameNode())) return undefined;
  const cleanup = onlyCall(fn);
  const inner = cleanup?.getArguments().at(-1);
  if (cleanup === undefined || inner === undefined || !(Node.isArrowFunction(inner) || Node.isFunctionExpression(inner))) return undefined;
  if (isCallback(cleanup.getExpression())) return undefined;
  const firstSymbol = first.getNameNode().getSymbol();
  const readsFirst = (node: Node): boolean =>
    (Node.isIdentifier(node) && node.getSymbol() === firstSymbol) || node.getDescendants().some((d) => Node.isIdentifier(d) && d.getSymbol() === firstSymbol);
  if (cleanup.getArguments().slice(0, -1).some(readsFirst)) return undefined;
  const innerParams = inner.getParameters();
  if (innerParams.length > 1) return undefined;
  const answer = onlyCall(inner);
  if (answer === undefined || !isCallback(answer.getExpression()) || answer.getArguments().length !== 1) return undefined;
  const [arg] = answer.getArguments() as [Expression];
  const second = innerParams[0]?.getNameNode();
  const secondSymbol = second !== undefined && Node.isIdentifier(second) ? second.getSymbol() : undefined;
  const is = (node: Node, symbol: unknown): boolean => Node.isIdentifier(node) && symbol !== undefined && node.getSymbol() === symbol;
  const error = first.getName();
  if (is(arg, firstSymbol)) {
    const unread = secondSymbol === undefined || !inner.getDescendants().some((d) => d !== second && is(d, secondSymbol));
    return unread ? { cleanup, error, precedence: "first-only" } : undefined;
  }
  if (!Node.isBinaryExpression(arg) || arg.getOperatorToken().getText() !== "||") return undefined;
  if (is(arg.getLeft(), firstSymbol) && is(arg.getRight(), secondSymbol)) return { cleanup, error, precedence: "first" };
  if (is(arg.getLeft(), secondSymbol) && is(arg.getRight(), firstSymbol)) return { cleanup, error, precedence: "cleanup" };
  return undefined;
}

/** The one call a function's body is: `x => f()`, `{ f(); }` or `{ return f(); }`. */
function onlyCall(fn: ArrowFunction | FunctionExpression): CallExpression | undefined {
  const body = fn.getBody();
  let expression: Node | undefined = body;
  if (Node.isBlock(body)) {
    const statements = body.getStatements();
    const only = statements.length === 1 ? statements[0] : undefined;
    expression = Node.isExpressionStatement(only) || Node.isReturnStatement(only) ? only.getExpression() : undefined;
  }
  return expression !== undefined && Node.isCallExpression(expression) ? expression : undefined;
}
