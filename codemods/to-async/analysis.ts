/** Facts about functions and statements that the `--to async` rewrites rely on. */
import { Node, SyntaxKind, type Block } from "ts-morph";
import { walk } from "../engine/walk.ts";
import { boundNames } from "./rename.ts";

/** Whether `fn` uses `this`/`super` (a keyword kind) or `arguments` (a name) of its own, outside nested functions. */
export function usesOwn(fn: Node, what: SyntaxKind | string): boolean {
  let found = false;
  walk(fn, (node) => {
    if (isBoundary(node) && !Node.isArrowFunction(node)) return "skip"; // arrows share `this`/`arguments`
    if (typeof what === "string" ? Node.isIdentifier(node) && node.getText() === what : node.getKind() === what) {
      found = true;
      return "stop";
    }
    return undefined;
  });
  return found;
}

/** The return statements of `fn` itself (not of functions nested in it). */
export function directReturns(fn: Node): Node[] {
  const found: Node[] = [];
  walk(fn, (node) => {
    if (isBoundary(node)) return "skip";
    if (Node.isReturnStatement(node)) found.push(node);
    return undefined;
  });
  return found;
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
  walk(fn, (node) => {
    if (isBoundary(node)) return "skip";
    if (Node.isVariableDeclarationList(node)) {
      const topLevel = node.getParent()?.getParent() === block;
      if (topLevel || node.getDeclarationKind() === "var") {
        for (const declaration of node.getDeclarations()) found.push(...boundNames(declaration.getNameNode()));
      }
    }
    return undefined;
  });
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

/** A node that starts a function or class of its own: what is inside belongs to it, not to the enclosing function. */
export function isBoundary(node: Node): boolean {
  return (
    Node.isFunctionDeclaration(node) ||
    Node.isFunctionExpression(node) ||
    Node.isArrowFunction(node) ||
    Node.isMethodDeclaration(node) ||
    Node.isConstructorDeclaration(node) ||
    Node.isGetAccessorDeclaration(node) ||
    Node.isSetAccessorDeclaration(node) ||
    Node.isClassDeclaration(node) ||
    Node.isClassExpression(node)
  );
}

/** The first node under `root`, outside functions nested in it, that passes `test`. */
export function findOwn(root: Node, test: (node: Node) => boolean): Node | undefined {
  let found: Node | undefined;
  walk(root, (node) => {
    if (isBoundary(node)) return "skip";
    if (test(node)) {
      found = node;
      return "stop";
    }
    return undefined;
  });
  return found;
}

/** Whether `node` is, or holds outside nested functions, an `await`. */
export function waits(node: Node): boolean {
  return Node.isAwaitExpression(node) || findOwn(node, Node.isAwaitExpression) !== undefined;
}
