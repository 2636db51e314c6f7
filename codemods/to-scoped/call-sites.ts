/**
 * Call sites of a function made scoped, across the project, outside the functions this run makes scoped (those
 * rewrite their own calls): in a function that already takes a `Cx`, an awaited call becomes native `f(cx, ...)`;
 * anywhere else the call or reference is bridged (`toPromise(f)(...)`, `toPromise(f)`, `toCallback(f)`).
 */
import path from "node:path";
import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import type { FunctionNode } from "../engine/functions.ts";
import { bindsOrReads } from "../engine/identifiers.ts";
import { bridged, bridgedReference } from "./bridge.ts";
import { isCorralCall, nativeCall, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";
import { enclosingFunction, isAlreadyScoped } from "./world.ts";
import { isFunctionNode } from "../engine/functions.ts";

/** Rewrite the call sites of `fn`; `scopeOf(file)` gives the edits of a file. Returns a note on the bridged ones. */
export function rewriteCallSites(fn: FunctionNode, scopeOf: (file: import("ts-morph").SourceFile) => Scope): string | undefined {
  const nameNode = nameNodeOf(fn);
  if (nameNode === undefined) return undefined;
  const bridgedAt: string[] = [];
  for (const ref of scopeOf(fn.getSourceFile()).world.referencesOf(nameNode)) {
    if (ref === nameNode || ref.getSourceFile().isDeclarationFile() || ref.getSourceFile().isInNodeModules()) continue;
    const parent = ref.getParent();
    const expression = Node.isPropertyAccessExpression(parent) && parent.getNameNode() === ref ? parent : ref;
    if (expression === ref && !bindsOrReads(ref)) continue;
    const world = scopeOf(ref.getSourceFile()).world;
    const enclosing = enclosingFunction(expression);
    if (enclosing !== undefined && (world.thunks.has(enclosing) || (isFunctionNode(enclosing) && world.migrating.has(enclosing)))) continue;
    const scope = { ...scopeOf(ref.getSourceFile()), notes: new Set<string>() };
    const call = expression.getParent();
    const isCall = Node.isCallExpression(call) && call.getExpression() === expression;
    const cx = isCall && isAwaitedOnTheSpot(call) ? scopedContext(scope, enclosing) : undefined;
    if (cx !== undefined) {
      nativeCall({ ...scope, cx }, call as CallExpression, fn, false);
      continue;
    }
    if (isCall) bridged(scope, call as CallExpression, fn);
    else if (!bridgedReference(scope, expression)) continue;
    if (scope.notes.size > 0) bridgedAt.push(`${path.relative(process.cwd(), ref.getSourceFile().getFilePath())}:${ref.getStartLineNumber()}`);
  }
  if (bridgedAt.length === 0) return undefined;
  const shown = bridgedAt.length > 4 ? [...bridgedAt.slice(0, 4), `${bridgedAt.length - 4} more`] : bridgedAt;
  return NOTES.bridgedCaller(nameNode.getText(), shown.join(", "));
}

/**
 * The `cx` of the code around a call, when it is scoped: a function taking `cx: Cx` already, or a function passed
 * to corral itself (`run(() => main())`, written by `--entry`), which is given its `cx` parameter if it has none.
 */
function scopedContext(scope: Scope, enclosing: Node | undefined): string | undefined {
  if (enclosing === undefined || !isFunctionNode(enclosing)) return undefined;
  if (isAlreadyScoped(enclosing)) return enclosing.getParameters()[0]!.getName();
  const owner = enclosing.getParent();
  if (!Node.isArrowFunction(enclosing) || !Node.isCallExpression(owner) || !isCorralCall(owner) || !owner.getArguments().includes(enclosing)) return undefined;
  const [first, ...rest] = enclosing.getParameters();
  if (first !== undefined) return rest.length === 0 && Node.isIdentifier(first.getNameNode()) ? first.getName() : undefined;
  const open = enclosing.getFirstChildByKind(SyntaxKind.OpenParenToken);
  if (open === undefined) return undefined;
  scope.edits.insert(open.getEnd(), "cx", false);
  return "cx";
}

/** The name callers use: a declaration's, a variable's or a property's holding the function, a method's. */
export function nameNodeOf(fn: FunctionNode): Node | undefined {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) return fn.getNameNode();
  const holder = fn.getParent();
  if (Node.isVariableDeclaration(holder) || Node.isPropertyAssignment(holder) || Node.isPropertyDeclaration(holder)) return holder.getNameNode();
  return undefined;
}

/** Whether a call's promise is awaited or returned right where it is made. */
function isAwaitedOnTheSpot(call: Node): boolean {
  let node = call;
  let parent = node.getParent();
  while (parent !== undefined && (Node.isParenthesizedExpression(parent) || Node.isAsExpression(parent) || Node.isNonNullExpression(parent))) {
    node = parent;
    parent = node.getParent();
  }
  return Node.isAwaitExpression(parent) || Node.isReturnStatement(parent) || (Node.isArrowFunction(parent) && parent.getBody() === node);
}
