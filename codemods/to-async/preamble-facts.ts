/**
 * Facts about the expressions of an err-first function's preamble (see preamble.ts): whether evaluating one does
 * something, and which conditions stay false once a default has given a parameter its value.
 */
import { Node, SyntaxKind, ts, type Expression, type Statement } from "ts-morph";
import { findAll } from "../engine/walk.ts";

const EFFECTS = new Set([SyntaxKind.CallExpression, SyntaxKind.NewExpression, SyntaxKind.TaggedTemplateExpression, SyntaxKind.AwaitExpression, SyntaxKind.YieldExpression, SyntaxKind.DeleteExpression]);
const FUNCTIONS = new Set([SyntaxKind.FunctionExpression, SyntaxKind.ArrowFunction]);

function isAssignmentOrUpdate(node: ts.Node): boolean {
  if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) return node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken;
  return ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

/** Whether evaluating `expression` may do something: call, construct, assign, update, delete, await or yield. */
export function hasEffects(expression: Node): boolean {
  const test = (node: ts.Node) => EFFECTS.has(node.kind) || isAssignmentOrUpdate(node);
  // Creating a function does nothing; its body runs only when it is called.
  return test(expression.compilerNode) || findAll(expression, test, (node) => !FUNCTIONS.has(node.kind), true).length > 0;
}

export function isAssignmentTarget(id: Node): boolean {
  const parent = id.getParent();
  if (Node.isBinaryExpression(parent)) {
    const kind = parent.getOperatorToken().getKind();
    return parent.getLeft() === id && kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
  }
  return (Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) && isAssignmentOrUpdate(parent.compilerNode);
}

/** `assert(...)`, `assert.equal(...)`, `assert.strictEqual(...)`, ...: a call of Node's `assert` or one of its methods. */
export function isAssertCall(expression: Expression): expression is import("ts-morph").CallExpression {
  if (!Node.isCallExpression(expression)) return false;
  const callee = expression.getExpression();
  const base = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  return Node.isIdentifier(base) && base.getText() === "assert";
}

/** `E` of `x || E` or `x ?? E`. */
export function orElse(value: Expression, target: string): Expression | undefined {
  const inner = Node.isParenthesizedExpression(value) ? value.getExpression() : value;
  if (!Node.isBinaryExpression(inner)) return undefined;
  const operator = inner.getOperatorToken().getKind();
  if (operator !== SyntaxKind.BarBarToken && operator !== SyntaxKind.QuestionQuestionToken) return undefined;
  return inner.getLeft().getText() === target ? inner.getRight() : undefined;
}

export function isObjectValue(value: Expression): boolean {
  const inner = Node.isParenthesizedExpression(value) ? value.getExpression() : value;
  return Node.isObjectLiteralExpression(inner) || Node.isArrayLiteralExpression(inner);
}

/** `!x`, `x == null`, `x === undefined`, ...: true only for a falsy `x`, so once it is false it stays false. */
export function isFalsyTest(condition: Expression, target: string): boolean {
  const inner = Node.isParenthesizedExpression(condition) ? condition.getExpression() : condition;
  if (Node.isPrefixUnaryExpression(inner)) return inner.getOperatorToken() === SyntaxKind.ExclamationToken && inner.getOperand().getText() === target;
  if (!Node.isBinaryExpression(inner)) return false;
  const operator = inner.getOperatorToken().getKind();
  if (operator === SyntaxKind.BarBarToken) return isFalsyTest(inner.getLeft(), target) && isFalsyTest(inner.getRight(), target);
  const equality = [SyntaxKind.EqualsEqualsToken, SyntaxKind.EqualsEqualsEqualsToken].includes(operator);
  const [left, right] = [inner.getLeft().getText(), inner.getRight().getText()];
  return equality && ((left === target && NULLISH.has(right)) || (right === target && NULLISH.has(left)));
}

const NULLISH = new Set(["null", "undefined", "void 0"]);

/**
 * Whether `condition` is false whenever `target` holds an object: built with `||` and `&&` from `!x`, nullish
 * tests and `typeof x` comparisons.
 */
export function falseForObjects(condition: Expression, target: string): boolean {
  const inner = Node.isParenthesizedExpression(condition) ? condition.getExpression() : condition;
  if (isFalsyTest(inner, target)) return true;
  if (!Node.isBinaryExpression(inner)) return false;
  const operator = inner.getOperatorToken().getKind();
  if (operator === SyntaxKind.BarBarToken) return falseForObjects(inner.getLeft(), target) && falseForObjects(inner.getRight(), target);
  if (operator === SyntaxKind.AmpersandAmpersandToken) return falseForObjects(inner.getLeft(), target) || falseForObjects(inner.getRight(), target);
  const [typeOf, literal] = Node.isTypeOfExpression(inner.getLeft()) ? [inner.getLeft(), inner.getRight()] : [inner.getRight(), inner.getLeft()];
  if (!Node.isTypeOfExpression(typeOf) || typeOf.getExpression().getText() !== target || !Node.isStringLiteral(literal)) return false;
  const isObject = literal.getLiteralValue() === "object";
  if (operator === SyntaxKind.EqualsEqualsEqualsToken || operator === SyntaxKind.EqualsEqualsToken) return !isObject;
  if (operator === SyntaxKind.ExclamationEqualsEqualsToken || operator === SyntaxKind.ExclamationEqualsToken) return isObject;
  return false;
}

/** Whether `statement` reads a name declared in `later` statements (hoisted functions and `var`s among them). */
export function readsLaterDeclarations(statement: Statement, later: readonly Statement[]): boolean {
  if (later.length === 0) return false;
  const [start, end] = [later[0]!.getStart(), later.at(-1)!.getEnd()];
  return findAll(statement, (node) => ts.isIdentifier(node)).some((id) =>
    (id.getSymbol()?.getDeclarations() ?? []).some((d) => d.getSourceFile() === statement.getSourceFile() && d.getStart() >= start && d.getEnd() <= end),
  );
}

/** Whether `node` mentions the name `name` (as an identifier). */
export function mentions(node: Node, name: string): boolean {
  return findAll(node, (n) => ts.isIdentifier(n) && n.text === name, undefined, true).length > 0 || (Node.isIdentifier(node) && node.getText() === name);
}
