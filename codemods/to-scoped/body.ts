/**
 * The body of a function becoming scoped: every wait becomes a checkpoint. Scoped callees awaited get `cx`;
 * legacy promises awaited are bridged with `fromPromise` (given the scope's signal when the callee takes one);
 * `Promise.all`/`allSettled`/`race` become `all`/`race`, a race against a timer `failAfter`/`moveOnAfter`, a sleep
 * `sleep`; a catch that swallows everything lets `Cancelled` through. A scoped function's promise that is not
 * awaited on the spot (kept, passed on, left floating) runs as a task of its own through `toPromise`.
 */
import { Node, SyntaxKind, type CallExpression, type Expression } from "ts-morph";
import type { EditSet } from "../engine/edit-set.ts";
import type { FileImports, Import } from "../engine/imports.ts";
import { refuseUnless } from "../engine/refusal.ts";
import { importedFrom } from "../engine/origin.ts";
import { walk } from "../engine/walk.ts";
import { isBoundary } from "../to-async/analysis.ts";
import { bridged, bridgedReference } from "./bridge.ts";
import { guardCatch, hasCheckpoint } from "./catch-guard.ts";
import { combinator } from "./combinators.ts";
import { NOTES } from "./notes.ts";
import { inlineHelper, sleepOf, timeoutRaceOf } from "./patterns.ts";
import { signalForm } from "./signal.ts";
import { type ScopedWorld } from "./world.ts";
import { callScopedVersion, keptLegacyCallee } from "./kept-legacy.ts";

/** What rewriting one scoped function's code needs; `cx` is the name of the context in the code being visited. */
export interface Scope {
  world: ScopedWorld;
  edits: EditSet;
  imports: FileImports;
  needed: Import[];
  notes: Set<string>;
  cx: string;
}

/** Rewrite a scoped function's body (a block, or an arrow's expression, whose value is the function's result). */
export function rewriteBody(scope: Scope, body: Node): void {
  if (Node.isBlock(body)) visit(scope, body);
  else direct(scope, body as Expression, false);
}

/** The corral name `name` as it is written in this file (imported when needed). */
export function corral(scope: Scope, name: string): string {
  return scope.imports.take(scope.needed, "corral", name);
}

/** Visit code whose value, if a promise, nobody awaits on the spot. */
export function visit(scope: Scope, node: Node): void {
  if (isBoundary(node)) return; // a nested function is not scoped: its calls are bridged by the call-site pass
  if (Node.isAwaitExpression(node)) return direct(scope, node.getExpression());
  if (Node.isReturnStatement(node)) {
    const value = node.getExpression();
    return value === undefined ? undefined : direct(scope, value, false);
  }
  if (Node.isForOfStatement(node) && node.isAwaited()) return forAwait(scope, node);
  if (Node.isVariableDeclaration(node) && awaitedNext(scope, node)) {
    node.getNameNode().forEachChild((child) => visit(scope, child));
    return direct(scope, node.getInitializerOrThrow());
  }
  if (Node.isCallExpression(node)) {
    const callee = scope.world.scopedCallee(node.getExpression());
    if (callee !== undefined) {
      for (const arg of node.getArguments()) visit(scope, arg);
      return bridged(scope, node, callee);
    }
  }
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
    if (bridgedReference(scope, node)) return;
  }
  node.forEachChild((child) => visit(scope, child));
  if (Node.isCatchClause(node)) guardCatch(scope, node);
  const cleanup = Node.isTryStatement(node) ? node.getFinallyBlock() : undefined;
  if (cleanup !== undefined && hasCheckpoint(cleanup)) scope.notes.add(NOTES.finallyWaits);
}

/** Visit an expression whose promise is awaited on the spot (awaited, returned, or a thunk's result). */
export function direct(scope: Scope, node: Expression, awaited = true): void {
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isSatisfiesExpression(node)) {
    return direct(scope, node.getExpression(), awaited);
  }
  if (Node.isConditionalExpression(node)) {
    visit(scope, node.getCondition());
    direct(scope, node.getWhenTrue(), awaited);
    return direct(scope, node.getWhenFalse(), awaited);
  }
  if (Node.isCallExpression(node)) {
    if (unbridged(scope, node)) return;
    if (isCorralCall(node)) return node.forEachChild((child) => visit(scope, child));
    // A one-line timeout helper is read for what it does, even when it becomes scoped itself: inlined, the work
    // runs inside the timeout's scope and is cancelled with it.
    if (helperOrSleep(scope, node)) return;
    const callee = scope.world.scopedCallee(node.getExpression()) ?? keptLegacyCallee(scope, node);
    if (callee !== undefined) return nativeCall(scope, node, callee);
    if (combinator(scope, node)) return;
    refuseChainOverScoped(scope, node);
  }
  const ms = sleepOf(node, (n) => scope.edits.textOf(n));
  if (ms !== undefined) {
    scope.notes.add(NOTES.sleep);
    return scope.edits.replace(node, `${corral(scope, "sleep")}(${scope.cx}, ${ms})`);
  }
  if (!isPromiseLike(node, awaited) || (Node.isIdentifier(node) && isHeldDirect(scope, node))) return visit(scope, node);
  node.forEachChild((child) => visit(scope, child));
  bridge(scope, node);
}

/**
 * `const p = work(); try { ... await p ...`, the shape `--to async` gives a chain with a catch (the work starts
 * before the try, so its synchronous throw misses the catch): nothing waits between the two, so the work is
 * written as awaited on the spot (a native call, a combinator) and `await p` is left as it is.
 */
function awaitedNext(scope: Scope, declaration: import("ts-morph").VariableDeclaration): boolean {
  const name = declaration.getNameNode();
  const init = declaration.getInitializer();
  const list = declaration.getParent();
  const statement = list?.getParent();
  if (!Node.isIdentifier(name) || init === undefined || !Node.isVariableDeclarationList(list) || list.getDeclarationKind() !== "const") return false;
  if (!Node.isVariableStatement(statement) || list.getDeclarations().length !== 1) return false;
  const next = statement.getNextSibling();
  if (next === undefined || !Node.isTryStatement(next)) return false;
  const refs = name.findReferencesAsNodes().filter((r) => r !== name);
  const firstWait = next.getTryBlock().getDescendantsOfKind(SyntaxKind.AwaitExpression)[0];
  if (refs.length !== 1 || firstWait === undefined || firstWait.getExpression() !== refs[0]) return false;
  const before = next.getTryBlock().getDescendantsOfKind(SyntaxKind.CallExpression).filter((c) => c.getEnd() <= firstWait.getStart());
  if (before.some((c) => scope.world.scopedCallee(c.getExpression()) !== undefined)) return false;
  scope.world.heldDirect.add(declaration);
  return true;
}

function isHeldDirect(scope: Scope, id: Node): boolean {
  return (id.getSymbol()?.getDeclarations() ?? []).some((d) => scope.world.heldDirect.has(d));
}

/** `fromPromise(cx, work)`: with the signal when the work is a call that takes one, else the promise as it is. */
function bridge(scope: Scope, node: Expression): void {
  const form = signalForm(scope, node);
  if (form !== undefined) {
    scope.notes.add(NOTES.signal);
    return scope.edits.replace(node, `${corral(scope, "fromPromise")}(${scope.cx}, (${form.signal}) => ${form.text})`);
  }
  scope.notes.add(NOTES.detached(node.getText().length > 40 ? `${node.getText().slice(0, 37)}...` : node.getText()));
  scope.edits.replace(node, `${corral(scope, "fromPromise")}(${scope.cx}, ${scope.edits.textOf(node)})`);
}

/**
 * `toPromise(f)(args)` awaited on the spot in code that is scoped now: the bridge an earlier run wrote for a legacy
 * caller becomes the native call `f(cx, args)` (`toPromise(obj.m.bind(obj))(args)`: `obj.m(cx, args)`).
 */
function unbridged(scope: Scope, call: CallExpression): boolean {
  const inner = call.getExpression();
  if (!isBridgeCall(inner)) return false;
  const [fn, ...options] = inner.getArguments();
  if (fn === undefined || options.length > 0) return false;
  const bound = Node.isCallExpression(fn) && Node.isPropertyAccessExpression(fn.getExpression()) && (fn.getExpression() as import("ts-morph").PropertyAccessExpression).getName() === "bind";
  const target = bound ? ((fn as CallExpression).getExpression() as import("ts-morph").PropertyAccessExpression).getExpression() : fn;
  const callee = scope.world.scopedCallee(target);
  if (callee === undefined || scope.world.droppedSignal.has(callee)) return false;
  for (const arg of call.getArguments()) visit(scope, arg);
  const args = call.getArguments().map((a) => scope.edits.textOf(a));
  const name = scope.world.scopedName.get(callee);
  const calleeText = name === undefined ? target.getText() : target.getText().replace(/[\w$]+$/, name);
  scope.edits.replace(call, `${calleeText}(${[scope.cx, ...args].join(", ")})`);
  return true;
}

/** `f(args)` of a scoped `f`, awaited: `f(cx, args)` (without the `AbortSignal` argument `f` no longer takes). */
export function nativeCall(scope: Scope, call: CallExpression, callee: import("../engine/functions.ts").FunctionNode, visitArgs = true): void {
  const args = call.getArguments();
  if (visitArgs) for (const arg of args) visit(scope, arg);
  const dropped = scope.world.droppedSignal.get(callee);
  const index = dropped === undefined ? -1 : callee.getParameters().indexOf(dropped);
  const kept = args.filter((_, i) => i !== index);
  const renamed = scope.world.scopedName.get(callee);
  if (renamed !== undefined) callScopedVersion(scope, call, renamed);
  if (kept.length === args.length) {
    const open = call.getFirstChildByKindOrThrow(SyntaxKind.OpenParenToken);
    scope.edits.insert(open.getEnd(), args.length === 0 ? scope.cx : `${scope.cx}, `, false);
    return;
  }
  const text = [scope.cx, ...kept.map((a) => scope.edits.textOf(a))].join(", ");
  const open = call.getFirstChildByKindOrThrow(SyntaxKind.OpenParenToken);
  const close = call.getLastChildByKindOrThrow(SyntaxKind.CloseParenToken);
  scope.edits.replaceRange(open.getEnd(), close.getStart(), text);
}

/**
 * `await helper(...)` where the helper is a sleep or a timeout race written on one line: corral's own forms. A sleep
 * helper that becomes scoped itself is called natively instead (`delay(cx, 20)`, the same sleep): inlined, it would
 * be left without a caller, which `noUnusedLocals` reports.
 */
function helperOrSleep(scope: Scope, call: CallExpression): boolean {
  const inlined = inlineHelper(call, (n) => scope.edits.textOf(n));
  if (inlined === undefined) return false;
  if (sleepOf(inlined.body, (n) => n.getText()) !== undefined) {
    if (scope.world.scopedCallee(call.getExpression()) !== undefined) return false;
    for (const arg of call.getArguments()) visit(scope, arg);
    scope.notes.add(NOTES.sleepHelper(call.getExpression().getText()));
    scope.edits.replace(call, `${corral(scope, "sleep")}(${scope.cx}, ${sleepOf(inlined.body, (n) => inlined.text(n))!})`);
    return true;
  }
  const first = timeoutRaceOf(inlined.body, inlined);
  if (first === undefined) return false;
  for (const arg of call.getArguments()) if (!first.work.includes(arg as Expression)) visit(scope, arg);
  return combinator(scope, call, timeoutRaceOf(inlined.body, inlined)!);
}

/** A Promise chain (`.then`/`.catch`/`.finally`) that runs a scoped function: its handlers could swallow `Cancelled`. */
function refuseChainOverScoped(scope: Scope, call: CallExpression): void {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !["then", "catch", "finally"].includes(callee.getName())) return;
  let scopedInside: Node | undefined;
  walk(call, (node) => {
    // A scoped call, or one an earlier run bridged (`toPromise(f)(...)`): the same chain, the same refusal.
    const bridgedScoped = Node.isCallExpression(node) && isCorralCall(node) && node.getArguments().some((a) => scope.world.scopedCallee(a) !== undefined);
    if (bridgedScoped || (Node.isCallExpression(node) && scope.world.scopedCallee(node.getExpression()) !== undefined)) {
      scopedInside = node;
      return "stop";
    }
    return undefined;
  });
  refuseUnless(
    scopedInside === undefined,
    "chain-over-scoped",
    "a Promise chain runs a function that becomes scoped; its handlers would see Cancelled as an ordinary error. " +
      "Run --to async on this function first, so the chain becomes awaits",
    call,
  );
}

/** `for await (x of legacy)`: each step a checkpoint, the source closed on cancellation. */
function forAwait(scope: Scope, loop: import("ts-morph").ForOfStatement): void {
  const source = loop.getExpression();
  const bridgedAlready = Node.isCallExpression(source) && isCorralCall(source);
  loop.forEachChild((child) => visit(scope, child));
  if (bridgedAlready || !isAsyncIterable(source)) return;
  scope.notes.add(NOTES.forAwait);
  scope.edits.replace(source, `${corral(scope, "fromAsyncIterable")}(${scope.cx}, ${scope.edits.textOf(source)})`);
}

/** Whether a `for await` source is an async iterable (not an array or a sync iterable, which `for await` also takes). */
function isAsyncIterable(source: Node): boolean {
  const type = source.getType();
  if (type.isAny() || type.isUnknown()) return true;
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.every((part) => part.getProperties().some((p) => p.getName().includes("asyncIterator")));
}

/** A call of corral's `toPromise` (or, with `orCallback`, `toCallback`): a bridge an earlier rewrite wrote. */
export function isBridgeCall(node: Node, orCallback = false): node is CallExpression {
  if (!Node.isCallExpression(node) || !isCorralCall(node)) return false;
  return (orCallback ? /(^|\.)(toPromise|toCallback)$/ : /(^|\.)toPromise$/).test(node.getExpression().getText());
}

/** A call of something imported from corral (already scoped code: `fromPromise(cx, ...)`, `sleep(cx, ms)`). */
export function isCorralCall(call: CallExpression): boolean {
  const callee = call.getExpression();
  const root = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  // Imported or required from corral (`const { sleep: sleep2 } = require("corral")` too).
  if (/^corral(\/|$)/.test(importedFrom(root) ?? "")) return true;
  let symbol = root.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  return (symbol?.getDeclarations() ?? []).some((d) => /[\\/]corral[\\/](runtime|dist)[\\/]/.test(d.getSourceFile().getFilePath()));
}

/**
 * Whether awaiting `node` waits for something: its type is a promise or thenable. An untyped (`any`) call awaited on
 * the spot counts (plain JavaScript awaits calls of promise APIs); an untyped value, or a call only returned, does
 * not: bridging a plain value would fail where `await` passes it through.
 */
export function isPromiseLike(node: Node, awaited = true): boolean {
  const type = node.getType();
  if (type.isAny() || type.isUnknown()) return awaited && (Node.isCallExpression(node) || Node.isNewExpression(node));
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  // Every part: `string | Promise<string>` or `Promise<void> | undefined` (`close?.()`) is no promise to bridge.
  return parts.every((part) => part.getProperty("then") !== undefined);
}
