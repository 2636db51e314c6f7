/**
 * Handlers passed by reference (`.then(parse)`, `.then(this.format)`): whether calling them directly, later, keeps
 * what the promise would have done: the same function (read when the chain was built), the same `this`.
 */
import { Node, SyntaxKind, type Expression } from "ts-morph";
import { Refusal, refuseUnless } from "../engine/refusal.ts";
import { usesOwn } from "./analysis.ts";
import { mayBeThenableType } from "./types.ts";

/** The callee text for a handler passed by reference, if calling it directly keeps its `this` and its timing. */
export function calleeOf(expr: Expression): string {
  if (Node.isIdentifier(expr)) {
    const declaration = expr.getSymbol()?.getDeclarations()[0];
    refuseUnless(
      declaration === undefined || stable(declaration),
      "handler-reference-may-change",
      `the handler \`${expr.getText()}\` is a variable that may be reassigned; the chain reads it when it is ` +
        "built, the awaited form would read it later",
      expr,
    );
    refuseUnless(
      surelyFunction(expr, declaration),
      "handler-may-not-be-function",
      `the handler \`${expr.getText()}\` may not be a function (a promise passes the value through when it is ` +
        "undefined; a direct call would throw)",
      expr,
    );
    return expr.getText();
  }
  if (Node.isPropertyAccessExpression(expr)) {
    const owner = expr.getExpression();
    if (Node.isThisExpression(owner) && !methodUsesThis(expr)) return expr.getText();
    if (THIS_FREE.has(expr.getText())) return expr.getText();
    throw new Refusal(
      "handler-this-would-change",
      `the handler \`${expr.getText()}\` is a method passed without its object: the promise calls it with ` +
        "`this` undefined, a direct call would pass the object",
      expr,
    );
  }
  if (Node.isCallExpression(expr)) {
    const callee = expr.getExpression();
    const [bound] = expr.getArguments();
    if (
      Node.isPropertyAccessExpression(callee) &&
      callee.getName() === "bind" &&
      expr.getArguments().length === 1 &&
      Node.isPropertyAccessExpression(callee.getExpression()) &&
      (callee.getExpression() as import("ts-morph").PropertyAccessExpression).getExpression().getText() === bound?.getText() &&
      (Node.isThisExpression(bound) || Node.isIdentifier(bound))
    ) {
      return callee.getExpression().getText(); // `obj.m.bind(obj)` is a call of `obj.m`
    }
  }
  throw new Refusal(
    "handler-built-at-chain-time",
    `the handler \`${expr.getText()}\` is computed when the chain is built; the awaited form would compute it later`,
    expr,
  );
}

/**
 * Whether a handler passed by reference declares no parameter (in every signature): its direct call passes none,
 * as `done(value)` would not type-check (TS2554) and the function never sees the value. One that reads `arguments`
 * does see it, and is refused: called with the value it would not type-check, called without it would not get it.
 */
export function takesNoArgument(expr: Expression): boolean {
  const signatures = expr.getType().getCallSignatures();
  if (signatures.length === 0 || signatures.some((signature) => signature.getParameters().length > 0)) return false;
  const declared = declarationOf(expr);
  refuseUnless(
    declared === undefined || Node.isArrowFunction(declared) || !usesOwn(declared, "arguments"),
    "handler-uses-arguments",
    `the handler \`${expr.getText()}\` declares no parameter but reads \`arguments\`: called directly with the value it ` +
      "would not type-check, and without it it would not see the value",
    expr,
  );
  return true;
}

/** The function a handler reference names, when it is declared in the project: a function, a `const` arrow, a method. */
function declarationOf(expr: Expression): Node | undefined {
  const name = Node.isPropertyAccessExpression(expr) ? expr.getNameNode() : expr;
  const declaration = name.getSymbol()?.getDeclarations()[0];
  if (declaration === undefined) return undefined;
  if (Node.isVariableDeclaration(declaration) || Node.isPropertyDeclaration(declaration)) {
    const init = declaration.getInitializer();
    return init !== undefined && (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) ? init : undefined;
  }
  return Node.isFunctionDeclaration(declaration) || Node.isMethodDeclaration(declaration) ? declaration : undefined;
}

/** Whether calling a handler passed by reference may give a thenable (its result is then awaited). */
export function referenceMayBeThenable(expr: Expression): boolean {
  const signatures = expr.getType().getCallSignatures();
  if (signatures.length === 0) return true;
  return signatures.some((signature) => mayBeThenableType(signature.getReturnType()));
}

/** Globals whose methods never read `this`, so `.then(JSON.parse)` is `JSON.parse(value)`. */
const THIS_FREE = new Set([
  "JSON.parse",
  "JSON.stringify",
  "Object.keys",
  "Object.values",
  "Object.entries",
  "Object.freeze",
  "Array.isArray",
  "Array.from",
  "console.log",
  "console.error",
  "console.warn",
  "console.info",
  "console.debug",
]);

/** Whether a declaration names something that cannot be reassigned between building the chain and running it. */
function stable(declaration: Node): boolean {
  if (Node.isFunctionDeclaration(declaration) || Node.isClassDeclaration(declaration)) return true;
  if (Node.isImportSpecifier(declaration) || Node.isImportClause(declaration) || Node.isNamespaceImport(declaration)) return true;
  if (Node.isVariableDeclaration(declaration)) {
    const list = declaration.getParent();
    return Node.isVariableDeclarationList(list) && list.getDeclarationKind() === "const";
  }
  if (Node.isParameterDeclaration(declaration)) {
    const name = declaration.getName();
    const fn = declaration.getParent();
    return !fn
      .getDescendantsOfKind(SyntaxKind.BinaryExpression)
      .some((b) => b.getOperatorToken().getKind() === SyntaxKind.EqualsToken && b.getLeft().getText() === name);
  }
  return false;
}

/** Whether `expr` is surely a function: declared as one, or typed as one that cannot be undefined or null. */
function surelyFunction(expr: Expression, declaration: Node | undefined): boolean {
  if (Node.isFunctionDeclaration(declaration)) return true;
  if (Node.isVariableDeclaration(declaration)) {
    const init = declaration.getInitializer();
    if (init !== undefined && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) return true;
  }
  const type = expr.getType();
  if (type.isAny() || type.isUnknown() || type.isNullable()) return false;
  return type.getCallSignatures().length > 0;
}

/** Whether `this.m` names a method whose body reads `this` (an arrow-valued property never does). */
function methodUsesThis(access: import("ts-morph").PropertyAccessExpression): boolean {
  const declaration = access.getNameNode().getSymbol()?.getDeclarations()[0];
  if (declaration === undefined) return true;
  if (Node.isPropertyDeclaration(declaration)) {
    const init = declaration.getInitializer();
    return !(init !== undefined && Node.isArrowFunction(init));
  }
  if (Node.isMethodDeclaration(declaration)) return usesOwn(declaration, SyntaxKind.ThisKeyword) || usesOwn(declaration, SyntaxKind.SuperKeyword);
  return true;
}
