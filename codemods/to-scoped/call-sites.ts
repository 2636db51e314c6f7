/**
 * Call sites of a function made scoped, across the project, outside the functions this run makes scoped (those
 * rewrite their own calls): in a function that already takes a `Cx`, an awaited call becomes native `f(cx, ...)`;
 * anywhere else the call or reference is bridged (`toPromise(f)(...)`, `toPromise(f)`, `toCallback(f)`).
 */
import path from "node:path";
import { Node, SyntaxKind, type CallExpression, type PropertyAccessExpression, type SourceFile } from "ts-morph";
import { assignedExportAt, requiredUses } from "./assigned-exports.ts";
import { EditSet } from "../engine/edit-set.ts";
import { Refusal } from "../engine/refusal.ts";
import type { FunctionNode } from "../engine/functions.ts";
import { bindsOrReads } from "../engine/identifiers.ts";
import { isInJSDoc } from "../engine/in-js-doc.ts";
import { referencesOf } from "../engine/reference-index.ts";
import { bridged, bridgedReference } from "./bridge.ts";
import { isCorralCall, nativeCall, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";
import { enclosingFunction, isAlreadyScoped, type ScopedWorld } from "./world.ts";
import { isFunctionNode } from "../engine/functions.ts";

/**
 * Rewrite the call sites of `fn`; `scopeOf(file)` gives the edits of a file. Returns the notes on them: the bridged
 * ones, and those outside the targets (rewritten only with `--callers`). Without `--callers`, a call site outside the
 * targets is left as it is when the function keeps its old signature for it (`--keep-legacy-export`), and otherwise
 * refuses the function (`callers-outside-targets`).
 */
export function rewriteCallSites(fn: FunctionNode, scopeOf: (file: SourceFile) => Scope): string[] {
  const nameNode = nameNodeOf(fn);
  if (nameNode === undefined) return [];
  const world = scopeOf(fn.getSourceFile()).world;
  const bridgedAt: string[] = [];
  const outside: string[] = [];
  for (const expression of usesOf(fn, nameNode, world)) {
    const ref = Node.isPropertyAccessExpression(expression) ? expression.getNameNode() : expression;
    const enclosing = enclosingFunction(expression);
    if (enclosing !== undefined && (world.thunks.has(enclosing) || (isFunctionNode(enclosing) && world.migrating.has(enclosing)))) continue;
    const file = ref.getSourceFile();
    const inTargets = world.targetFiles.has(file);
    if (!inTargets && !world.callers && world.scopedName.has(fn)) continue; // the old signature is kept for it
    // Outside the targets without --callers, the rewrite is only tried (on edits of its own), to see if it needs one.
    const base = scopeOf(file);
    const scope = { ...base, notes: new Set<string>(), ...(inTargets || world.callers ? {} : { edits: new EditSet(file.getFullText()), needed: [] }) };
    if (!rewriteUse(scope, expression, enclosing, fn)) continue;
    const at = `${path.relative(process.cwd(), file.getFilePath())}:${ref.getStartLineNumber()}`;
    if (!inTargets) outside.push(at);
    if (scope.notes.size > 0) bridgedAt.push(at);
  }
  if (outside.length > 0 && !world.callers) {
    throw new Refusal(
      "callers-outside-targets",
      `\`${nameNode.getText()}\` is used outside the targets (${listed(outside)}), where it would have to change; ` +
        "pass --callers to rewrite those call sites too, or --keep-legacy-export to keep its old signature for them",
      fn,
    );
  }
  const notes: string[] = [];
  if (bridgedAt.length > 0) notes.push(NOTES.bridgedCaller(nameNode.getText(), listed(bridgedAt)));
  if (outside.length > 0) notes.push(NOTES.callersOutsideTargets(listed(outside)));
  return notes;
}

/** Whether `fn` is used in files outside the targets (which `--keep-legacy-export` keeps its old signature for). */
export function usedOutsideTargets(fn: FunctionNode, world: ScopedWorld): boolean {
  const nameNode = nameNodeOf(fn);
  return nameNode !== undefined && usesOf(fn, nameNode, world).some((use) => !world.targetFiles.has(use.getSourceFile()));
}

/**
 * The expressions that use `fn` across the project (`f`, `obj.f`, `m.f` of a required module, ...), each once:
 * its references, and the uses through `require` of what it is exported as by assignment. The export itself
 * (`module.exports = { f }`, `exports.f = f`) is no use: the module exports the function as it now is; nor is a
 * reference in JSDoc (`{@link f}`, `@see f`), which calls nothing and stays as written.
 */
function usesOf(fn: FunctionNode, nameNode: Node, world: ScopedWorld): Node[] {
  const uses = new Set<Node>();
  for (const ref of referencesOf(nameNode)) {
    const parent = ref.getParent();
    const expression = Node.isPropertyAccessExpression(parent) && parent.getNameNode() === ref ? parent : ref;
    if (expression === ref && !bindsOrReads(ref)) continue;
    // `const { f: local } = require(...)`: the property names the export, and the uses of `local` are found through require.
    if (Node.isBindingElement(parent) && parent.getPropertyNameNode() === ref) continue;
    uses.add(expression);
  }
  for (const use of requiredUses(fn)) uses.add(use);
  return [...uses].filter((use) => assignedExportAt(use) === undefined && !isInJSDoc(use));
}

/** Rewrite one use of `fn` (a call or a reference): whether it needed an edit. */
function rewriteUse(scope: Scope, expression: Node, enclosing: Node | undefined, fn: FunctionNode): boolean {
  const before = scope.edits.edits.length;
  const call = expression.getParent();
  const isCall = Node.isCallExpression(call) && call.getExpression() === expression;
  const cx = isCall && isAwaitedOnTheSpot(call) ? scopedContext(scope, enclosing) : undefined;
  if (cx !== undefined) nativeCall({ ...scope, cx }, call as CallExpression, fn, false);
  else if (isCall) bridged(scope, call as CallExpression, fn);
  else bridgedReference(scope, expression);
  return scope.edits.edits.length > before;
}

function listed(places: readonly string[]): string {
  return (places.length > 4 ? [...places.slice(0, 4), `${places.length - 4} more`] : places).join(", ");
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

/**
 * The name callers use: a declaration's, a variable's or a property's holding the function, a method's, or the
 * property it is assigned to (`module.exports.f = async () => ...`).
 */
export function nameNodeOf(fn: FunctionNode): Node | undefined {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) return fn.getNameNode();
  const holder = fn.getParent();
  if (Node.isVariableDeclaration(holder) || Node.isPropertyAssignment(holder) || Node.isPropertyDeclaration(holder)) return holder.getNameNode();
  const exported = assignedExportAt(fn);
  if (exported !== undefined && exported.name !== undefined && Node.isBinaryExpression(exported.site)) return (exported.site.getLeft() as PropertyAccessExpression).getNameNode();
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
