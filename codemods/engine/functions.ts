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

/** A getter or a setter: read and written as a property, it cannot become `async` or take a `cx`. */
export type Accessor = import("ts-morph").GetAccessorDeclaration | import("ts-morph").SetAccessorDeclaration;

export function isAccessor(node: Node): node is Accessor {
  return Node.isGetAccessorDeclaration(node) || Node.isSetAccessorDeclaration(node);
}

/** What a stage deciding function by function decides on: a function, or an accessor (refused, or left alone). */
export type Candidate = FunctionNode | Accessor;

const CANDIDATE_KINDS = [...KINDS, SyntaxKind.GetAccessor, SyntaxKind.SetAccessor];

/** {@link functionsOf} and the accessors with a body, in source order: what a stage deciding function by function looks at. */
export function functionsAndAccessorsOf(file: SourceFile): Candidate[] {
  return findAll(file, (node) => CANDIDATE_KINDS.includes(node.kind) && (node as ts.FunctionLikeDeclaration).body !== undefined) as Candidate[];
}

/**
 * Every function of the file, outermost first (source order). Found on the compiler's nodes, so only the functions
 * are wrapped (a large file's other nodes never are).
 */
export function functionsOf(file: SourceFile): FunctionNode[] {
  return findAll(file, (node) => KINDS.includes(node.kind) && (node as ts.FunctionLikeDeclaration).body !== undefined) as FunctionNode[];
}

/**
 * How a function is named in reports and targets: `name`, `Class.method` (an accessor too), `object.method`, or
 * `<anonymous>`.
 */
export function nameOf(fn: Candidate): string {
  if (Node.isFunctionDeclaration(fn)) return fn.getName() ?? "default";
  if (Node.isMethodDeclaration(fn) || isAccessor(fn)) {
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
export function lineOf(fn: Candidate): number {
  return fn.getStartLineNumber();
}

/**
 * The functions `target` names in `file`. A line selects the innermost function containing it; a name selects
 * every function with that name (a declaration, a variable or property holding one, a method).
 */
export function select(file: SourceFile, selector: string | number | undefined): FunctionNode[] {
  return selectAmong(functionsOf(file), selector);
}

/** {@link select} among `all` (a file's functions in source order, or {@link functionsAndAccessorsOf} it). */
export function selectAmong<F extends Candidate>(all: F[], selector: string | number | undefined): F[] {
  if (selector === undefined) return all;
  if (typeof selector === "number") {
    const containing = all.filter((fn) => fn.getStartLineNumber() <= selector && selector <= fn.getEndLineNumber());
    return containing.length === 0 ? [] : [containing[containing.length - 1]!];
  }
  return all.filter((fn) => nameOf(fn) === selector);
}
