import { Node, SyntaxKind, type SourceFile, type ts } from "ts-morph";
import { findAll } from "./walk.ts";

/** A function-like node the codemods can target. */
export type FunctionNode =
  | import("ts-morph").FunctionDeclaration
  | import("ts-morph").FunctionExpression
  | import("ts-morph").ArrowFunction
  | import("ts-morph").MethodDeclaration;

const KINDS = [
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
];

export function isFunctionNode(node: Node): node is FunctionNode {
  return KINDS.includes(node.getKind());
}

/**
 * Every function of the file, outermost first (source order). Found on the compiler's nodes, so only the functions
 * are wrapped (a large file's other nodes never are).
 */
export function functionsOf(file: SourceFile): FunctionNode[] {
  return findAll(file, (node) => KINDS.includes(node.kind) && (node as ts.FunctionLikeDeclaration).body !== undefined) as FunctionNode[];
}

/** How a function is named in reports and targets: `name`, `Class.method`, `object.method`, or `<anonymous>`. */
export function nameOf(fn: FunctionNode): string {
  if (Node.isFunctionDeclaration(fn)) return fn.getName() ?? "default";
  if (Node.isMethodDeclaration(fn)) {
    const owner = fn.getParent();
    const ownerName = Node.isClassDeclaration(owner) || Node.isClassExpression(owner) ? owner.getName() : undefined;
    return ownerName === undefined ? fn.getName() : `${ownerName}.${fn.getName()}`;
  }
  const parent = fn.getParent();
  if (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent) || Node.isPropertyDeclaration(parent)) {
    const name = parent.getName();
    const owner = parent.getParent();
    if (Node.isPropertyDeclaration(parent) && (Node.isClassDeclaration(owner) || Node.isClassExpression(owner))) {
      return `${owner.getName() ?? "<class>"}.${name}`;
    }
    return name;
  }
  if (Node.isFunctionExpression(fn) && fn.getName() !== undefined) return fn.getName()!;
  if (Node.isBinaryExpression(parent) && parent.getOperatorToken().getText() === "=") return parent.getLeft().getText();
  return "<anonymous>";
}

/** The 1-based line where the function starts. */
export function lineOf(fn: FunctionNode): number {
  return fn.getStartLineNumber();
}

/**
 * The functions `target` names in `file`. A line selects the innermost function containing it; a name selects
 * every function with that name (a declaration, a variable or property holding one, a method).
 */
export function select(file: SourceFile, selector: string | number | undefined): FunctionNode[] {
  const all = functionsOf(file);
  if (selector === undefined) return all;
  if (typeof selector === "number") {
    const containing = all.filter((fn) => fn.getStartLineNumber() <= selector && selector <= fn.getEndLineNumber());
    return containing.length === 0 ? [] : [containing[containing.length - 1]!];
  }
  return all.filter((fn) => nameOf(fn) === selector);
}
