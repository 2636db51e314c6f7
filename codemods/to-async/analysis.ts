/** Facts about functions and statements that the `--to async` rewrites rely on. */
import { Node, SyntaxKind, ts, type Block } from "ts-morph";
import { findAll } from "../engine/walk.ts";
import { boundNames } from "./rename.ts";

/** Whether `fn` uses `this`/`super` (a keyword kind) or `arguments` (a name) of its own, outside nested functions. */
export function usesOwn(fn: Node, what: SyntaxKind | string): boolean {
  const test =
    typeof what === "string" ? (node: ts.Node) => ts.isIdentifier(node) && node.text === what : (node: ts.Node) => node.kind === what;
  // Arrows share `this` and `arguments` with the function around them.
  return findAll(fn, test, (node) => !BOUNDARIES.has(node.kind) || node.kind === SyntaxKind.ArrowFunction, true).length > 0;
}

/** The return statements of `fn` itself (not of functions nested in it). */
export function directReturns(fn: Node): Node[] {
  return findAll(fn, (node) => node.kind === SyntaxKind.ReturnStatement, outsideBoundary);
}

/** The names a handler's block declares at its top level, and its `var`s anywhere outside nested functions. */
export function declaredIn(block: Block, fn: Node): import("ts-morph").Identifier[] {
  const found: import("ts-morph").Identifier[] = [];
  for (const statement of block.getStatements()) {
    if (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement)) {
      const name = statement.getNameNode();
      if (name !== undefined) found.push(name);
    }
  }
  for (const list of findAll(fn, (node) => node.kind === SyntaxKind.VariableDeclarationList, outsideBoundary)) {
    if (!Node.isVariableDeclarationList(list)) continue;
    const topLevel = list.getParent()?.getParent() === block;
    if (topLevel || list.getDeclarationKind() === "var") {
      for (const declaration of list.getDeclarations()) found.push(...boundNames(declaration.getNameNode()));
    }
  }
  return found;
}

/** Whether control can run off the end of `node` (conservative: true unless it surely returns or throws). */
export function endReachable(node: Node): boolean {
  if (Node.isReturnStatement(node) || Node.isThrowStatement(node)) return false;
  if (Node.isBlock(node)) {
    const last = node.getStatements().at(-1);
    return last === undefined || endReachable(last);
  }
  if (Node.isIfStatement(node)) {
    const otherwise = node.getElseStatement();
    return otherwise === undefined || endReachable(node.getThenStatement()) || endReachable(otherwise);
  }
  return true;
}

/** An expression whose evaluation does nothing: dropped when its value is discarded. */
export function isInert(node: Node): boolean {
  return (
    Node.isIdentifier(node) ||
    Node.isLiteralExpression(node) ||
    node.getKind() === SyntaxKind.TrueKeyword ||
    node.getKind() === SyntaxKind.FalseKeyword ||
    node.getKind() === SyntaxKind.NullKeyword
  );
}

/** Kinds of nodes that start a function or class of their own: what is inside belongs to them. */
const BOUNDARIES: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
  SyntaxKind.ClassDeclaration,
  SyntaxKind.ClassExpression,
]);

/** A node that starts a function or class of its own: what is inside belongs to it, not to the enclosing function. */
export function isBoundary(node: Node): boolean {
  return BOUNDARIES.has(node.getKind());
}

/** For {@link findAll}: look inside anything but nested functions and classes. */
export function outsideBoundary(node: ts.Node): boolean {
  return !BOUNDARIES.has(node.kind);
}

/** The first node under `root`, outside functions nested in it, that passes `test` (on the compiler's node). */
export function findOwn(root: Node, test: (node: ts.Node) => boolean): Node | undefined {
  return findAll(root, (node) => !BOUNDARIES.has(node.kind) && test(node), outsideBoundary, true)[0];
}

/** Whether `fn` calls `.then`/`.catch`/`.finally` itself (outside nested functions): its waits are chains. */
export function hasOwnChain(fn: Node): boolean {
  const link = (node: ts.Node): boolean =>
    ts.isPropertyAccessExpression(node) && ["then", "catch", "finally"].includes(node.name.text) && ts.isCallExpression(node.parent);
  return findOwn(fn, link) !== undefined;
}

/** Whether `node` is, or holds outside nested functions, an `await`. */
export function waits(node: Node): boolean {
  return Node.isAwaitExpression(node) || findOwn(node, ts.isAwaitExpression) !== undefined;
}
