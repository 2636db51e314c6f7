/**
 * `corral check` on `await Promise.all([f(cx), g(cx)])`: scoped calls started side by side on one `cx`. Bridging the
 * combinator (`fromPromise`) does not help: both calls would wait on the one task at once, and the second wait fails
 * at run time. Each call needs a task of its own, which is what corral's `all` and `race` give; the hint writes the
 * call the way `--to scoped` would (each element a thunk `(cx) => element`, a foreign promise bridged in its thunk,
 * `xs.map(fn)` mapping to thunks).
 */
import { Node, type ArrowFunction, type CallExpression } from "ts-morph";
import { unwrap } from "./resolve-callable.ts";

/** corral's counterpart of each `Promise` combinator over scoped calls, by what the callee reads. */
const COUNTERPARTS: Record<string, (cx: string, thunks: string) => string> = {
  "Promise.all": (cx, thunks) => `all(${cx}, ${thunks})`,
  "Promise.allSettled": (cx, thunks) => `all(${cx}, ${thunks}, { settle: true })`,
  "Promise.race": (cx, thunks) => `race(${cx}, ${thunks})`,
};

/** What `corral check` says about a combinator awaited in scoped code. */
export interface CombinatorHint {
  message: string;
  hint: string;
}

/**
 * The message and hint for `value` when it is a `Promise` combinator over a list holding scoped work (`isScoped`
 * tells which elements are), or `undefined` when it is not one.
 */
export function combinatorHint(value: Node, cx: string, isScoped: (element: Node) => boolean): CombinatorHint | undefined {
  if (!Node.isCallExpression(value)) return undefined;
  const callee = value.getExpression().getText();
  const [list, ...rest] = value.getArguments();
  if (!/^Promise\.(all|allSettled|race|any)$/.test(callee) || list === undefined || rest.length > 0) return undefined;
  const thunks = thunksOf(unwrap(list), cx, isScoped);
  if (thunks === undefined) return undefined;
  const message = `\`${callee}\` starts scoped calls side by side on one ${cx}: a task waits on one thing at a time, so the second call fails at run time (bridging it with fromPromise does not help)`;
  const counterpart = COUNTERPARTS[callee];
  const hint =
    counterpart === undefined
      ? `start each call as a task of its own: withNursery(${cx}, (n) => { n.start(...) }), and cancel the nursery's scope at the first success`
      : `run each call as a task of its own: await ${counterpart(cx, thunks)}`;
  return { message, hint };
}

/** `[(cx) => f(cx), ...]` or `xs.map((x) => (cx) => f(cx, x))`, if the list holds scoped work; else undefined. */
function thunksOf(list: Node, cx: string, isScoped: (element: Node) => boolean): string | undefined {
  const thunk = (text: string): string => `(${cx}) => ${text.startsWith("{") ? `(${text})` : text}`;
  if (Node.isArrayLiteralExpression(list)) {
    const elements = list.getElements();
    if (!elements.some((e) => isScoped(e))) return undefined;
    // A spread's elements are not written here: the hint shows the shape, each element a thunk.
    if (elements.some((e) => Node.isSpreadElement(e) || Node.isOmittedExpression(e))) return `[${thunk("...")}, ...]`;
    return `[${elements.map((e) => thunk(isScoped(e) ? flat(e) : `fromPromise(${cx}, ${flat(e)})`)).join(", ")}]`;
  }
  if (!Node.isCallExpression(list)) return undefined;
  const mapping = mappingOf(list);
  const body = mapping?.getBody();
  if (mapping === undefined || body === undefined || Node.isBlock(body) || !isScoped(body)) return undefined;
  const params = mapping.getParameters().map((p) => p.getText()).join(", ");
  return `${flat(list.getExpression())}((${params}) => ${thunk(flat(body))})`;
}

/** The arrow of `xs.map((x) => ...)`. */
function mappingOf(call: CallExpression): ArrowFunction | undefined {
  const callee = call.getExpression();
  const [fn, ...rest] = call.getArguments();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "map" || rest.length > 0) return undefined;
  return fn !== undefined && Node.isArrowFunction(fn) ? fn : undefined;
}

/** Code on one line, as a hint quotes it. */
function flat(node: Node): string {
  return node.getText().replace(/\s+/g, " ");
}
