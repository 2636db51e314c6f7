/**
 * What an expression names, for `corral check`, followed across files with the type checker's symbols (for
 * JavaScript, its inference of CommonJS: `require`, destructured `require`, `module.exports = { f }`,
 * `exports.f = f`, `module.exports.f = toPromise(f)`): a scoped function (it takes the `Cx` first), or a legacy
 * wrapper of one (it takes what the old function took, and runs the scoped one through `toPromise`/`toCallback`).
 */
import { Node, SyntaxKind, ts, type CallExpression, type SourceFile, type Symbol as MorphSymbol } from "ts-morph";
import { outsideBoundary } from "../to-async/analysis.ts";
import { isAlreadyScoped } from "../to-scoped/world.ts";
import { isCorralCallee } from "./from-corral.ts";
import { isFunctionNode, type FunctionNode } from "./functions.ts";
import { findAll } from "./walk.ts";

/** A scoped function, or a legacy wrapper (with the scoped function it runs, when that can be told). */
export type Callable = { kind: "scoped"; fn: FunctionNode } | { kind: "legacy-wrapper"; scoped: FunctionNode | undefined };

/** What `node` (a callee, or a value passed on) names, if it is a scoped function or a legacy wrapper of one. */
export function resolveCallable(node: Node): Callable | undefined {
  return resolve(node, new Set());
}

/**
 * A scoped function: its first parameter is typed `Cx`; in JavaScript, named `cx` in a function that works with
 * corral (its file imports or requires corral, or it passes its `cx` on), as `--to scoped` writes them.
 */
export function isScopedFunction(fn: FunctionNode): boolean {
  if (!isAlreadyScoped(fn)) return false;
  if (fn.getParameters()[0]!.getTypeNode() !== undefined) return true;
  return usesCorral(fn.getSourceFile()) || passesItsCx(fn);
}

/** `seen` holds the nodes on the way here: a cycle (`a = b`, `b = a`) names nothing. */
function resolve(node: Node, seen: Set<Node>): Callable | undefined {
  node = unwrap(node);
  if (seen.has(node)) return undefined;
  seen.add(node);
  try {
    return resolveOnce(node, seen);
  } finally {
    seen.delete(node);
  }
}

function resolveOnce(node: Node, seen: Set<Node>): Callable | undefined {
  if (isFunctionNode(node)) return callableFunction(node, seen);
  if (Node.isCallExpression(node)) return isBridge(node) ? { kind: "legacy-wrapper", scoped: bridgedFunction(node, seen) } : undefined;
  const name = Node.isPropertyAccessExpression(node) ? node.getNameNode() : node;
  if (!Node.isIdentifier(name) && !Node.isPrivateIdentifier(name)) return undefined;
  // The symbol of `a.b` costs a type check of `a`: not worth it for a name no source file declares (`expect(x).toBe`).
  if (name !== node && !declaredNames(node).has(name.getText())) return undefined;
  const parent = name.getParent();
  const symbol = Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === name ? parent.getValueSymbol() : name.getSymbol();
  return resolveSymbol(symbol, seen);
}

/** The one thing every declaration of `symbol` gives (the symbol of an import or a require followed to its export). */
function resolveSymbol(symbol: MorphSymbol | undefined, seen: Set<Node>): Callable | undefined {
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const declarations = symbol?.getDeclarations() ?? [];
  const found = declarations.map((d) => resolveDeclaration(d, seen));
  const [first] = found;
  return first !== undefined && found.every((f) => f !== undefined && sameCallable(f, first)) ? first : undefined;
}

function sameCallable(a: Callable, b: Callable): boolean {
  return a.kind === "scoped" ? b.kind === "scoped" && a.fn === b.fn : b.kind === "legacy-wrapper";
}

function resolveDeclaration(declaration: Node, seen: Set<Node>): Callable | undefined {
  if (isFunctionNode(declaration)) return declaration.getBody() === undefined ? undefined : callableFunction(declaration, seen);
  if (Node.isVariableDeclaration(declaration) || Node.isPropertyAssignment(declaration) || Node.isPropertyDeclaration(declaration)) {
    const init = declaration.getInitializer();
    return init === undefined ? undefined : resolve(init, seen);
  }
  if (Node.isShorthandPropertyAssignment(declaration)) return resolveSymbol(declaration.getValueSymbol(), seen);
  if (Node.isExportAssignment(declaration)) return resolve(declaration.getExpression(), seen);
  // JavaScript's `module.exports.f = value` / `exports.f = value`: the declaration is the assigned property.
  const assignment = Node.isPropertyAccessExpression(declaration) || Node.isElementAccessExpression(declaration) ? declaration.getParent() : declaration;
  if (Node.isBinaryExpression(assignment) && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken) return resolve(assignment.getRight(), seen);
  return undefined;
}

function callableFunction(fn: FunctionNode, seen: Set<Node>): Callable | undefined {
  if (isScopedFunction(fn)) return { kind: "scoped", fn };
  const bridge = legacyWrapperBridge(fn);
  return bridge === undefined ? undefined : { kind: "legacy-wrapper", scoped: bridgedFunction(bridge, seen) };
}

/**
 * The `toPromise(...)` of a function kept for legacy callers: its one statement runs a bridge, as
 * `--keep-legacy-export` writes it (`return toPromise((cx) => fScoped(cx, a, b))();`).
 */
function legacyWrapperBridge(fn: FunctionNode): CallExpression | undefined {
  if (fn.isAsync() || fn.getParameters()[0]?.getName() === "cx") return undefined;
  const body = fn.getBody();
  const statements = Node.isBlock(body) ? body.getStatements() : body === undefined ? [] : [body];
  if (statements.length !== 1) return undefined;
  const calls = findAll(statements[0]!, (n) => n.kind === SyntaxKind.CallExpression, outsideBoundary);
  const applied = calls.find((c) => Node.isCallExpression(c) && Node.isCallExpression(c.getExpression()) && isBridge(c.getExpression() as CallExpression));
  return applied === undefined ? undefined : ((applied as CallExpression).getExpression() as CallExpression);
}

/** `toPromise(f)` / `toCallback(f)` of corral: a legacy form of `f`. */
function isBridge(call: CallExpression): boolean {
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  return (name === "toPromise" || name === "toCallback") && isCorralCallee(call);
}

/** The scoped function a bridge runs: `toPromise(f)`, or `toPromise((cx) => f(cx, ...))`. */
function bridgedFunction(bridge: CallExpression, seen: Set<Node>): FunctionNode | undefined {
  const [target] = bridge.getArguments();
  if (target === undefined) return undefined;
  let inner: Node = unwrap(target);
  if (Node.isArrowFunction(inner) || Node.isFunctionExpression(inner)) {
    const body = inner.getBody();
    const value = Node.isBlock(body) ? undefined : unwrap(body);
    if (value === undefined || !Node.isCallExpression(value)) return undefined;
    inner = value.getExpression();
  }
  const found = resolve(inner, seen);
  return found?.kind === "scoped" ? found.fn : undefined;
}

const corralUsers = new WeakMap<ts.SourceFile, boolean>();

/** Whether a file imports or requires corral. */
function usesCorral(file: SourceFile): boolean {
  let uses = corralUsers.get(file.compilerNode);
  if (uses === undefined) {
    uses = file.getImportDeclarations().some((i) => /^corral(\/|$)/.test(i.getModuleSpecifierValue())) || /\brequire\(\s*(["'])corral(\/\w+)?\1\s*\)/.test(file.getFullText());
    corralUsers.set(file.compilerNode, uses);
  }
  return uses;
}

/** Whether the function hands its first parameter to a call (`f(cx, ...)`, `fromPromise(cx, ...)`). */
function passesItsCx(fn: FunctionNode): boolean {
  const cx = fn.getParameters()[0]!.getName();
  return findAll(fn, (n) => n.kind === SyntaxKind.CallExpression).some((call) => {
    const [first] = (call as CallExpression).getArguments();
    return first !== undefined && Node.isIdentifier(first) && first.getText() === cx;
  });
}

/** The expression inside parentheses, `as`, `!` and `satisfies`. */
export function unwrap(node: Node): Node {
  while (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isSatisfiesExpression(node)) {
    node = node.getExpression();
  }
  return node;
}

const namesByProgram = new WeakMap<ts.Program, Set<string>>();

/**
 * The names under which a source file of `node`'s program may hold a scoped function or a legacy wrapper: functions
 * and methods taking a `cx` first or of one statement, and names given a function, a bridge call or another name
 * (`{ f }`, `f: g`, `exports.f = f`, `export { f as g }`). A property access names one only through them (what
 * {@link resolveDeclaration} follows: declaration files have no bodies), so no other `a.b` costs a type check of `a`.
 */
function declaredNames(node: Node): Set<string> {
  const program = node.getProject().getProgram().compilerObject;
  let names = namesByProgram.get(program);
  if (names !== undefined) return names;
  const found = new Set<string>();
  const add = (name: ts.Node | undefined, value: ts.Node | undefined): void => {
    if (name !== undefined && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) && (value === undefined || mayHoldCallable(value))) found.add(name.text);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isFunctionExpression(n)) add(n.name, n);
    else if (ts.isVariableDeclaration(n) || ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n)) add(n.name, n.initializer ?? n);
    else if (ts.isShorthandPropertyAssignment(n) || ts.isExportSpecifier(n)) add(n.name, undefined);
    else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left)) add(n.left.name, n.right);
    ts.forEachChild(n, visit);
  };
  for (const file of program.getSourceFiles()) if (!file.isDeclarationFile) visit(file);
  names = found;
  namesByProgram.set(program, names);
  return names;
}

/** Whether a value may be (or name) a scoped function or a legacy wrapper, by its shape alone. */
function mayHoldCallable(value: ts.Node): boolean {
  while (ts.isParenthesizedExpression(value) || ts.isAsExpression(value) || ts.isNonNullExpression(value) || ts.isSatisfiesExpression(value)) value = value.expression;
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) return true;
  if (ts.isCallExpression(value)) return /(^|\.)to(Promise|Callback)$/.test(value.expression.getText());
  if (!ts.isFunctionLike(value)) return false;
  const first = value.parameters[0];
  const scoped = first !== undefined && ((ts.isIdentifier(first.name) && first.name.text === "cx") || /(^|\.)Cx$/.test(first.type?.getText() ?? ""));
  const body = (value as ts.FunctionLikeDeclaration).body;
  return scoped || (body !== undefined && (!ts.isBlock(body) || body.statements.length === 1));
}
