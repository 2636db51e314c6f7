/**
 * `promisify(copyDirItems)(...)` or `callbackify(onDir)(...)` written at every call makes a new function per call
 * and is noise a reviewer reads past. Where the wrapped function is a name of the module's own (a module-level
 * declaration or an import), the wrapper is made once at module level, named after it
 * (`const copyDirItemsAsync = promisify(copyDirItems)`), and every rewritten call in the file uses that name. A
 * member (`promisify(fs.rename)`) keeps its wrapper at the call: the member is read at each call, as written, so a
 * stub a test sets after the module loads is still seen. It goes after the
 * imports, or after the declaration it reads when that is not hoisted (a `const`, a class); it is not made at all
 * (the call keeps its own wrapper) where code running while the module loads could reach it before it exists, or
 * where the file assigns the wrapped function anew (`fs.stat = ...`), which the shared wrapper would not see.
 */
import { Node, SyntaxKind, ts } from "ts-morph";
import { mention, type FileImports, type Import } from "../engine/imports.ts";
import { findAll } from "../engine/walk.ts";

/**
 * `text` (the wrapper of `target`, e.g. `promisify(fs.stat)`) made once at module level and named `<name><suffix>`
 * (`statAsync`); `text` itself where that would not be the same, or where a call passes `count` arguments (the
 * callback included) to a function of this file declared with another number: the callback does not land in the
 * last parameter there, which only that call can show.
 */
export function sharedWrapper(
  target: Node,
  text: string,
  suffix: "Async" | "WithCallback",
  rewrite: { imports: FileImports; needed: Import[] },
  count?: number,
): string {
  const { imports, needed } = rewrite;
  const after = moduleLevelEnd(target, imports);
  if (after === undefined || (count !== undefined && declaredParameters(target).some((n) => n !== count))) return text;
  const name = target.getText();
  // `saveAsync` may be taken by save's own async version (its callback shape kept): then `savePromisified`
  const preferred = [`${name}${suffix}`, `${name}${suffix === "Async" ? "Promisified" : "Callbackified"}`];
  const needs = needed.filter((i) => i.declared === undefined && mention(text, i.local) >= 0);
  const own = !imports.madeAsync.has(name) ? preferred[0] : undefined;
  return imports.declare(needed, text, { preferred, ...(own === undefined ? {} : { own }) }, after, needs);
}

/** How many parameters the functions of this file `target` names are declared with. */
function declaredParameters(target: Node): number[] {
  if (!Node.isIdentifier(target)) return [];
  return (target.getSymbol()?.getDeclarations() ?? []).flatMap((d) => {
    const fn = Node.isVariableDeclaration(d) ? d.getInitializer() : d;
    return fn !== undefined && (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) || Node.isArrowFunction(fn)) ? [fn.getParameters().length] : [];
  });
}

/**
 * `f` for `fWithCallback`, a module-level `const fWithCallback = callbackify(f)` an earlier run made: its callers
 * call `f` natively once they are async.
 */
export function callbackifiedFunction(callee: Node): string | undefined {
  if (!Node.isIdentifier(callee)) return undefined;
  const declarations = callee.getSymbol()?.getDeclarations() ?? [];
  const [declaration] = declarations;
  if (declarations.length !== 1 || !Node.isVariableDeclaration(declaration) || !Node.isSourceFile(declaration.getVariableStatement()?.getParent())) return undefined;
  const init = declaration.getInitializer();
  if (init === undefined || !Node.isCallExpression(init) || !/(^|\.)callbackify$/.test(init.getExpression().getText())) return undefined;
  const [inner, ...rest] = init.getArguments();
  return inner !== undefined && rest.length === 0 && Node.isIdentifier(inner) ? inner.getText() : undefined;
}

/**
 * Where a module-level constant reading `target` may be declared: the end of the declaration `target` reads, or 0
 * when that is hoisted (an import, a function declaration); undefined when `target` is not the module's own
 * (a parameter, `this.m`, a local), is assigned anew in the file, or code running at load before that place could
 * call the rewritten code.
 */
function moduleLevelEnd(target: Node, imports: FileImports): number | undefined {
  // A member (`fs.rename`) is read at each call, as written: a stub a test sets after the module loads (require-inject,
  // sinon) must still be seen, so its wrapper stays at the call (write-file-atomic's suite stubs graceful-fs so).
  if (!Node.isIdentifier(target)) return undefined;
  const file = target.getSourceFile();
  const declarations = target.getSymbol()?.getDeclarations() ?? [];
  if (declarations.length === 0 || declarations.some((d) => d.getSourceFile() !== file)) return undefined;
  let end = 0;
  for (const declaration of declarations) {
    const statement = topLevelStatement(declaration);
    if (statement === undefined) return undefined;
    const hoisted = Node.isFunctionDeclaration(statement) || (Node.isImportDeclaration(statement) && !statement.isTypeOnly());
    if (!hoisted) end = Math.max(end, statement.getEnd());
    if (Node.isVariableStatement(statement) && !statement.getDeclarationKind().startsWith("const") && isReassigned(target)) return undefined;
    if (Node.isFunctionDeclaration(statement) && isReassigned(target)) return undefined;
  }
  const at = Math.max(end, imports.importsEnd());
  const runsBefore = file.getStatements().some((s) => s.getStart() < at && runsCodeAtLoad(s));
  return runsBefore ? undefined : end;
}

/** The top-level statement that declares `declaration` (an import, a function, a class, a variable), if it is one. */
function topLevelStatement(declaration: Node): Node | undefined {
  if (Node.isFunctionDeclaration(declaration) || Node.isClassDeclaration(declaration)) return Node.isSourceFile(declaration.getParent()) ? declaration : undefined;
  if (Node.isImportSpecifier(declaration) || Node.isImportClause(declaration) || Node.isNamespaceImport(declaration)) {
    return declaration.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
  }
  if (Node.isImportEqualsDeclaration(declaration)) return Node.isSourceFile(declaration.getParent()) ? declaration : undefined;
  let variable: Node | undefined = declaration;
  while (Node.isBindingElement(variable) || Node.isObjectBindingPattern(variable) || Node.isArrayBindingPattern(variable)) variable = variable.getParent();
  const statement = Node.isVariableDeclaration(variable) ? variable.getVariableStatement() : undefined;
  return statement !== undefined && Node.isSourceFile(statement.getParent()) ? statement : undefined;
}

/** Whether the file assigns the binding `name` stands for anywhere (`f = ...`, `f += ...`, `f++`). */
function isReassigned(name: Node): boolean {
  const symbol = name.getSymbol();
  const text = name.getText();
  return findAll(name.getSourceFile(), (n) => ts.isIdentifier(n) && n.text === text).some((id) => {
    if (id.getSymbol() !== symbol) return false;
    const parent = id.getParent();
    if (Node.isBinaryExpression(parent)) {
      const kind = parent.getOperatorToken().getKind();
      return parent.getLeft() === id && kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
    }
    return (Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) && [SyntaxKind.PlusPlusToken, SyntaxKind.MinusMinusToken].includes(parent.getOperatorToken());
  });
}

/**
 * Whether a top-level statement runs code while the module loads (a call, `new`, a tagged template outside any
 * function), which could reach rewritten code before a constant declared after it exists. Imports and requires
 * (and calls of what they return) do not count: they run other modules, not this one's functions.
 */
function runsCodeAtLoad(statement: Node): boolean {
  if (Node.isImportDeclaration(statement) || Node.isImportEqualsDeclaration(statement) || Node.isFunctionDeclaration(statement)) return false;
  if (Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement)) return false;
  if (Node.isExpressionStatement(statement) && Node.isStringLiteral(statement.getExpression())) return false;
  // `require("m")`, `require("debug")("x")`: only other modules' code
  const isRequire = (n: ts.Node): boolean => {
    let callee: ts.Node = n;
    while (ts.isCallExpression(callee) || ts.isPropertyAccessExpression(callee)) callee = callee.expression;
    return ts.isIdentifier(callee) && callee.text === "require";
  };
  const isFunction = (n: ts.Node): boolean => ts.isFunctionLike(n) && !ts.isCallSignatureDeclaration(n);
  const runs = findAll(
    statement,
    (n) => (ts.isCallExpression(n) && !isRequire(n)) || ts.isNewExpression(n) || ts.isTaggedTemplateExpression(n) || ts.isDecorator(n),
    (n) => !isFunction(n),
    true,
  );
  return runs.length > 0;
}
