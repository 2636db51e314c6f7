/** Facts about the syntax of an err-first function's body that its writer (err-first-writer.ts) asks. */
import { Node, SyntaxKind, ts, type FunctionExpression, type ReturnStatement, type Statement } from "ts-morph";
import { findAll } from "../engine/walk.ts";
import { declarationsOf } from "./callbackify-shim.ts";

/** The identifiers under `node` spelled `name` (found without wrapping the others). */
export function named(node: Node, name: string): Node[] {
  return findAll(node, (n) => ts.isIdentifier(n) && n.text === name);
}

/** `null` or `undefined`, as an argument. */
export function isNullish(node: Node): boolean {
  return Node.isNullLiteral(node) || (Node.isIdentifier(node) && node.getText() === "undefined");
}

/** The `return` statements in `statement` that leave the function it is in (not a function inside it). */
export function ownReturns(statement: Statement): ReturnStatement[] {
  const all = Node.isReturnStatement(statement) ? [statement] : statement.getDescendantsOfKind(SyntaxKind.ReturnStatement);
  return all.filter((r) => {
    const owner = enclosingFunction(r);
    return owner === undefined || owner.getStart() < statement.getStart();
  });
}

/** Whether `fn` reads its own `this` (not an inner function's). */
export function usesOwnThis(fn: FunctionExpression): boolean {
  return fn.getDescendantsOfKind(SyntaxKind.ThisKeyword).some((t) => t.getFirstAncestor((a) => Node.isFunctionExpression(a) || Node.isFunctionDeclaration(a)) === fn);
}

/** Whether `callee` resolves to a function declared somewhere in the project (it can be migrated). */
export function declaresFunction(callee: Node): boolean {
  return declarationsOf(callee).some((d) => Node.isFunctionDeclaration(d));
}

/** Whether `callee` names a function declared in its own file. */
export function isLocalFunction(callee: Node): boolean {
  return Node.isIdentifier(callee) && (callee.getSymbol()?.getDeclarations() ?? []).some((d) => Node.isFunctionDeclaration(d) && d.getSourceFile() === callee.getSourceFile());
}

/** Whether a function inside `statements` reads the variable `name` declares (it could run after a reassignment). */
export function readInClosure(name: Node, statements: readonly Statement[]): boolean {
  const symbol = name.getSymbol();
  const owner = enclosingFunction(name);
  return statements.some((statement) => named(statement, name.getText()).some((id) => id.getSymbol() === symbol && enclosingFunction(id) !== owner));
}

/** The function (of any kind) `node` is in. */
function enclosingFunction(node: Node): Node | undefined {
  return node.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a) || Node.isArrowFunction(a) || Node.isFunctionExpression(a));
}

/** Whether code in `statements` assigns the variable `name` declares (`x = ...`, `x += ...`, `x++`). */
export function isAssigned(statements: readonly Statement[], name: Node): boolean {
  const symbol = name.getSymbol();
  return statements.some((statement) =>
    named(statement, name.getText()).some((id) => {
      if (id.getSymbol() !== symbol) return false;
      const parent = id.getParent();
      if (Node.isBinaryExpression(parent)) return parent.getLeft() === id && parent.getOperatorToken().getKind() >= SyntaxKind.FirstAssignment && parent.getOperatorToken().getKind() <= SyntaxKind.LastAssignment;
      return Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent) ? [SyntaxKind.PlusPlusToken, SyntaxKind.MinusMinusToken].includes(parent.getOperatorToken()) : false;
    }),
  );
}
