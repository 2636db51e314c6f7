/**
 * `Promise.all`/`allSettled`/`race` over calls become `all`/`race` over thunks, with the same result shapes; a
 * race against a timer becomes `failAfter` (a rejecting timer, its error kept) or `moveOnAfter` (a resolving one).
 * Each element becomes `(cx) => element`, so it runs as a task the combinator can cancel; `xs.map(fn)` becomes
 * `xs.map((x) => (cx) => ...)`. Anything else (a spread, an array built elsewhere) is left to be bridged whole.
 */
import { Node, SyntaxKind, type ArrowFunction, type CallExpression, type Expression, type FunctionExpression } from "ts-morph";
import { Refusal, refuseUnless } from "../engine/refusal.ts";
import { usesOwn, waits } from "../to-async/analysis.ts";
import { corral, direct, visit, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";
import { timeoutRaceOf, type TimeoutRace } from "./patterns.ts";

const KINDS: Record<string, "all" | "allSettled" | "race"> = { "Promise.all": "all", "Promise.allSettled": "allSettled", "Promise.race": "race" };

/** Rewrite `call` if it is a combinator over calls (or `race`, a timeout race); whether it did. */
export function combinator(scope: Scope, call: CallExpression, race?: TimeoutRace): boolean {
  const timeout = race ?? timeoutRaceOf(call);
  if (timeout !== undefined) return timeoutRace(scope, call, timeout);
  const kind = KINDS[call.getExpression().getText()];
  const [list, ...rest] = call.getArguments();
  if (kind === undefined || list === undefined || rest.length > 0) return false;
  let thunks: string | undefined;
  if (Node.isArrayLiteralExpression(list)) {
    const elements = list.getElements();
    if (elements.some((e) => Node.isSpreadElement(e) || Node.isOmittedExpression(e)) || (kind === "race" && elements.length === 0)) return false;
    thunks = `[${elements.map((e) => thunk(scope, e as Expression)).join(", ")}]`;
  } else thunks = mapped(scope, list as Expression);
  if (thunks === undefined) return false;
  scope.notes.add(NOTES[kind]);
  const name = corral(scope, kind === "race" ? "race" : "all");
  scope.edits.replace(call, `${name}(${scope.cx}, ${thunks}${kind === "allSettled" ? ", { settle: true }" : ""})`);
  return true;
}

/** `failAfter(cx, ms, (cx) => work, { error: () => err })` or `moveOnAfter(cx, ms, (cx) => work)`. */
function timeoutRace(scope: Scope, call: CallExpression, race: TimeoutRace): boolean {
  refuseUnless(
    race.timer.withValue !== true,
    "race-timeout-value",
    "the timer resolves with a value of its own; moveOnAfter would give undefined instead, so the rewrite is left to you",
    call,
  );
  refuseUnless(
    !/[(=]|\+\+|--/.test(race.timer.ms),
    "timeout-order",
    `the timeout \`${race.timer.ms}\` is computed by a call; failAfter would compute it before the work starts, in another order`,
    call,
  );
  const [only] = race.work;
  const body =
    race.work.length === 1 && only !== undefined
      ? thunk(scope, only)
      : `(${scope.cx}) => ${corral(scope, "race")}(${scope.cx}, [${race.work.map((w) => thunk(scope, w)).join(", ")}])`;
  if (race.timer.error !== undefined) {
    scope.notes.add(NOTES.failAfter);
    scope.edits.replace(call, `${corral(scope, "failAfter")}(${scope.cx}, ${race.timer.ms}, ${body}, { error: () => ${race.timer.error} })`);
  } else {
    scope.notes.add(NOTES.moveOnAfter);
    scope.edits.replace(call, `${corral(scope, "moveOnAfter")}(${scope.cx}, ${race.timer.ms}, ${body})`);
  }
  return true;
}

/** `(cx) => element`, the element rewritten as code awaited on the spot inside the thunk. */
function thunk(scope: Scope, element: Expression): string {
  refuseUnless(
    !waits(element),
    "await-in-combinator",
    "an element waits (await) before the combinator starts; as a thunk it would wait inside its task instead, in another order",
    element,
  );
  direct(scope, element);
  const text = scope.edits.textOf(element);
  return `(${scope.cx}) => ${text.startsWith("{") ? `(${text})` : text}`;
}

/** `xs.map(fn)` -> `xs.map((x) => (cx) => ...)`: the mapping function now makes thunks. */
function mapped(scope: Scope, list: Expression): string | undefined {
  if (!Node.isCallExpression(list)) return undefined;
  const callee = list.getExpression();
  const [fn, ...rest] = list.getArguments();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "map" || fn === undefined || rest.length > 0) return undefined;
  const source = callee.getExpression();
  visit(scope, source);
  if (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) return `${scope.edits.textOf(source)}.map(${thunkMaker(scope, fn)})`;
  const target = scope.world.scopedCallee(fn);
  if (target === undefined) return undefined;
  const count = target.getParameters().length - (scope.world.migrating.has(target) ? 0 : 1) - (scope.world.droppedSignal.has(target) ? 1 : 0);
  if (count > 3 || target.getParameters().some((p) => p.isRestParameter())) return undefined;
  const names = ["item", "index", "array"].slice(0, count).join(", ");
  const name = scope.world.scopedName.get(target) ?? fn.getText();
  return `${scope.edits.textOf(source)}.map((${names}) => (${scope.cx}) => ${name}(${[scope.cx, names].filter((s) => s !== "").join(", ")}))`;
}

/** `(x) => work(x)` -> `(x) => (cx) => work(cx, x)`; a block body moves into the thunk whole. */
function thunkMaker(scope: Scope, fn: ArrowFunction | FunctionExpression): string {
  if (Node.isFunctionExpression(fn)) {
    refuseUnless(!usesOwn(fn, SyntaxKind.ThisKeyword) && !usesOwn(fn, "arguments"), "combinator-callback-this", "the mapping function reads its own `this` or `arguments`", fn);
    refuseUnless(!fn.isGenerator(), "combinator-callback-generator", "the mapping function is a generator", fn);
  }
  if (fn.getTypeParameters().length > 0) throw new Refusal("combinator-callback-generic", "the mapping function is generic", fn);
  scope.world.thunks.add(fn);
  const body = fn.getBody()!;
  if (Node.isBlock(body)) visit(scope, body);
  else direct(scope, body as Expression);
  const params = fn.getParameters().map((p) => scope.edits.textOf(p)).join(", ");
  const returnType = fn.getReturnTypeNode();
  const bodyText = scope.edits.textOf(body);
  const inner = `${fn.isAsync() ? "async " : ""}(${scope.cx})${returnType === undefined ? "" : `: ${returnType.getText()}`} => ${Node.isBlock(body) || !bodyText.startsWith("{") ? bodyText : `(${bodyText})`}`;
  return `(${params}) => ${inner}`;
}

