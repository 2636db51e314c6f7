/**
 * Shapes of legacy timing code that `--to scoped` turns into corral's own: sleeps (`new Promise((r) =>
 * setTimeout(r, ms))`, `setTimeout(ms)` of `timers/promises`) and timers raced against work
 * (`new Promise((_, reject) => setTimeout(() => reject(err), ms))`), written in place or behind a one-line helper.
 */
import { Node, ts, type CallExpression, type Expression } from "ts-morph";
import { findAll } from "../engine/walk.ts";
import { importedFrom } from "../engine/origin.ts";
import { functionOf } from "./world.ts";

/** A timer promise: it rejects with `error` (made when it fires), or resolves with nothing, after `ms`. */
export interface Timer {
  ms: string;
  /** The rejection's expression, as text, for a rejecting timer. */
  error?: string;
  /** A resolving timer that resolves with a value (`setTimeout(() => resolve(v), ms)`): no corral form keeps it. */
  withValue?: boolean;
}

/** What a helper call means once its parameters are replaced by the call's arguments. */
interface Inlined {
  body: Expression;
  /** Text of an expression of the helper's body, with its parameters replaced by the arguments' text. */
  text(node: Node): string;
  /** The argument passed for a parameter the body uses as a whole expression, if `node` is one. */
  argumentFor(node: Node): Expression | undefined;
}

/** `timers/promises`' `setTimeout`, imported or required under any name. */
function isPromiseTimer(callee: Node): boolean {
  const root = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : symbolName(callee);
  return name === "setTimeout" && /^(node:)?timers\/promises$/.test(importedFrom(root) ?? "");
}

/** The name an identifier has where it comes from: `setTimeout` for `delay` of `import { setTimeout as delay }`. */
function symbolName(id: Node): string | undefined {
  for (const declaration of id.getSymbol()?.getDeclarations() ?? []) {
    if (Node.isImportSpecifier(declaration)) return declaration.getName();
    if (Node.isBindingElement(declaration)) return declaration.getPropertyNameNode()?.getText() ?? declaration.getName();
  }
  return id.getText();
}

/** The global `setTimeout` (not a local of that name). */
function isGlobalSetTimeout(callee: Node): boolean {
  if (!Node.isIdentifier(callee) || callee.getText() !== "setTimeout") return false;
  return (callee.getSymbol()?.getDeclarations() ?? []).every((d) => d.getSourceFile().isInNodeModules() || d.getSourceFile().isDeclarationFile());
}

/** The single expression an executor or callback runs: `x => expr`, `x => { expr; }`. */
function soleExpression(fn: Node): Expression | undefined {
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn)) return undefined;
  const body = fn.getBody();
  if (!Node.isBlock(body)) return body as Expression;
  const [only, ...rest] = body.getStatements();
  return rest.length === 0 && only !== undefined && Node.isExpressionStatement(only) ? only.getExpression() : undefined;
}

/**
 * The timer `node` is, if it is one: a `new Promise` whose executor only sets a timeout that settles it, or
 * `setTimeout(ms)` of `timers/promises` (which resolves with nothing).
 */
function timerOf(node: Node, text: (n: Node) => string = (n) => n.getText()): Timer | undefined {
  if (Node.isCallExpression(node) && isPromiseTimer(node.getExpression())) {
    const [ms, value, ...rest] = node.getArguments();
    if (ms === undefined || rest.length > 0) return undefined;
    return value === undefined || value.getText() === "undefined" ? { ms: text(ms) } : { ms: text(ms), withValue: true };
  }
  if (!Node.isNewExpression(node) || node.getExpression().getText() !== "Promise") return undefined;
  const [executor] = node.getArguments();
  if (executor === undefined || (!Node.isArrowFunction(executor) && !Node.isFunctionExpression(executor))) return undefined;
  const [resolve, reject] = executor.getParameters().map((p) => p.getName());
  const call = soleExpression(executor);
  if (call === undefined || !Node.isCallExpression(call) || !isGlobalSetTimeout(call.getExpression())) return undefined;
  const [callback, ms, ...rest] = call.getArguments();
  if (callback === undefined || ms === undefined || rest.length > 0) return undefined;
  if (Node.isIdentifier(callback)) return callback.getText() === resolve ? { ms: text(ms) } : undefined;
  const settle = soleExpression(callback);
  if (settle === undefined || !Node.isCallExpression(settle) || (callback as unknown as { getParameters(): unknown[] }).getParameters().length > 0) return undefined;
  const settler = settle.getExpression().getText();
  const [arg, ...more] = settle.getArguments();
  if (more.length > 0) return undefined;
  if (settler === reject && arg !== undefined) return { ms: text(ms), error: text(arg) };
  if (settler === resolve) return arg === undefined || arg.getText() === "undefined" ? { ms: text(ms) } : { ms: text(ms), withValue: true };
  return undefined;
}

/** The milliseconds of a sleep: a timer that resolves with nothing. */
export function sleepOf(node: Node, text?: (n: Node) => string): string | undefined {
  const timer = timerOf(node, text);
  return timer === undefined || timer.error !== undefined || timer.withValue === true ? undefined : timer.ms;
}

/** A timeout race: `Promise.race([...work, timer])` with exactly one timer among the elements. */
export interface TimeoutRace {
  work: Expression[];
  timer: Timer;
}

/** The timeout race `node` is, reading elements through `inlined` when it comes from a helper's body. */
export function timeoutRaceOf(node: Node, inlined?: Inlined): TimeoutRace | undefined {
  if (!Node.isCallExpression(node) || node.getExpression().getText() !== "Promise.race") return undefined;
  const [list, ...rest] = node.getArguments();
  if (list === undefined || rest.length > 0 || !Node.isArrayLiteralExpression(list)) return undefined;
  const elements = list.getElements();
  if (elements.some((e) => Node.isSpreadElement(e) || Node.isOmittedExpression(e))) return undefined;
  const text = inlined === undefined ? undefined : (n: Node) => inlined.text(n);
  const timers = elements.map((e) => timerOf(e, text));
  const found = timers.filter((t) => t !== undefined);
  if (found.length !== 1 || elements.length < 2) return undefined;
  const work = elements.filter((_, i) => timers[i] === undefined).map((e) => (inlined === undefined ? e : inlined.argumentFor(e)));
  if (work.some((w) => w === undefined)) return undefined;
  return { work: work as Expression[], timer: found[0]! };
}

/**
 * A call of a one-line helper (`function delay(ms) { return new Promise(...) }`, `withTimeout(work, ms)`), read
 * as its body with the parameters replaced by the arguments. Only plain parameters, each used at most once, and
 * arguments without side effects when a parameter is unused, so nothing is evaluated a different number of times.
 */
export function inlineHelper(call: CallExpression, argText: (n: Node) => string): Inlined | undefined {
  const helper = functionOf(call.getExpression());
  if (helper === undefined || helper.isAsync()) return undefined;
  const body = helper.getBody();
  let returned: Node | undefined = body;
  if (Node.isBlock(body)) {
    const [only, ...rest] = body.getStatements();
    returned = rest.length === 0 && only !== undefined && Node.isReturnStatement(only) ? only.getExpression() : undefined;
  }
  if (returned === undefined) return undefined;
  const params = helper.getParameters();
  const args = call.getArguments();
  if (params.some((p) => !Node.isIdentifier(p.getNameNode()) || p.isRestParameter() || p.hasInitializer()) || args.length > params.length) return undefined;
  const byName = new Map<string, Expression | undefined>(params.map((p, i) => [p.getName(), args[i] as Expression | undefined]));
  const uses = new Map<string, number>();
  for (const id of findAll(returned, (n) => ts.isIdentifier(n) && byName.has(n.text))) {
    if (id.getSymbol()?.getDeclarations().some((d) => params.includes(d as never))) uses.set(id.getText(), (uses.get(id.getText()) ?? 0) + 1);
  }
  for (const [name, arg] of byName) {
    const count = uses.get(name) ?? 0;
    if (count > 1 && arg !== undefined && !isSimple(arg)) return undefined;
    if (count === 0 && arg !== undefined && !isSimple(arg)) return undefined;
  }
  const replacement = (id: Node): string | undefined => {
    if (!Node.isIdentifier(id) || !byName.has(id.getText())) return undefined;
    const arg = byName.get(id.getText());
    return arg === undefined ? "undefined" : isSimple(arg) ? argText(arg) : `(${argText(arg)})`;
  };
  return {
    body: returned as Expression,
    text(node: Node): string {
      const direct = replacement(node);
      if (direct !== undefined) return direct;
      let out = "";
      let at = node.getStart();
      const source = node.getSourceFile().getFullText();
      for (const id of findAll(node, (n) => ts.isIdentifier(n) && byName.has(n.text))) {
        const value = replacement(id);
        if (value === undefined || id.getStart() < at) continue;
        out += source.slice(at, id.getStart()) + value;
        at = id.getEnd();
      }
      return out + source.slice(at, node.getEnd());
    },
    argumentFor(node: Node): Expression | undefined {
      if (!Node.isIdentifier(node) || !byName.has(node.getText())) return undefined;
      return (uses.get(node.getText()) ?? 0) === 1 ? byName.get(node.getText()) : undefined;
    },
  };
}

/** An expression evaluating it twice or not at all cannot tell apart: a name, a literal, a property read. */
function isSimple(node: Node): boolean {
  if (Node.isIdentifier(node) || Node.isLiteralExpression(node) || Node.isNoSubstitutionTemplateLiteral(node)) return true;
  if (node.getText() === "this" || node.getText() === "undefined") return true;
  if (Node.isPropertyAccessExpression(node)) return isSimple(node.getExpression());
  if (Node.isPrefixUnaryExpression(node)) return isSimple(node.getOperand());
  return false;
}
