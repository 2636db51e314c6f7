/**
 * Which helper of the `async` library (or of `neo-async`, its drop-in) a call calls, known by the import or
 * `require` it comes from, never by a name alone; the helpers `async-library.ts` writes, and what each takes.
 */
import { Node, type CallExpression, type Expression, type Identifier } from "ts-morph";
import { importedFrom } from "../engine/origin.ts";
import { refuseUnless } from "../engine/refusal.ts";

const LIBRARIES = new Set(["async", "neo-async"]);

/** What a helper does: iterate a collection (`each`: for effect, `map`: for results) or run a list of tasks. */
export type Shape = "each" | "eachOf" | "map" | "series" | "parallel" | "waterfall";

export interface Helper {
  shape: Shape;
  /** `limit`: a limit argument comes before the iteratee. */
  order: "parallel" | "series" | "limit";
}

const each = (order: Helper["order"]): Helper => ({ shape: "each", order });
const eachOf = (order: Helper["order"]): Helper => ({ shape: "eachOf", order });
const map = (order: Helper["order"]): Helper => ({ shape: "map", order });

/** The helpers corral writes, by every name the library gives them. */
export const HELPERS: Readonly<Record<string, Helper>> = {
  each: each("parallel"),
  forEach: each("parallel"),
  eachSeries: each("series"),
  forEachSeries: each("series"),
  eachLimit: each("limit"),
  forEachLimit: each("limit"),
  eachOf: eachOf("parallel"),
  forEachOf: eachOf("parallel"),
  eachOfSeries: eachOf("series"),
  forEachOfSeries: eachOf("series"),
  eachOfLimit: eachOf("limit"),
  forEachOfLimit: eachOf("limit"),
  map: map("parallel"),
  mapSeries: map("series"),
  mapLimit: map("limit"),
  series: { shape: "series", order: "series" },
  parallel: { shape: "parallel", order: "parallel" },
  waterfall: { shape: "waterfall", order: "series" },
};

/**
 * Whether `ref` is handed to a helper of the async library as an iteratee or a task (`each(items, ref, done)`,
 * `series([ref, ...], done)`): the library calls it as `ref(...args, callback)`, so `callbackify(ref)` of its async
 * version takes its place, until the helper's call is rewritten to call the async version itself.
 */
export function isHelperArgument(ref: Node): boolean {
  const parent = ref.getParent();
  const call = Node.isArrayLiteralExpression(parent) ? parent.getParent() : parent;
  if (!Node.isCallExpression(call) || helperName(call.getExpression()) === undefined) return false;
  const args = call.getArguments();
  return Node.isArrayLiteralExpression(parent) ? args[0] === parent : args.includes(ref) && args.at(-1) !== ref && args[0] !== ref;
}

/** `eachLimit(items, 1, ...)` is `eachSeries`; another limit has no loop of the same order (yet). */
export function checkLimitOfOne(name: string, limit: Expression): void {
  refuseUnless(
    Node.isNumericLiteral(limit),
    "async-limit-computed",
    `the limit of \`${name}\` is computed when it runs; corral writes a limit of 1 as a loop, and cannot tell what this one is`,
    limit,
  );
  refuseUnless(
    limit.getLiteralValue() === 1,
    "async-limit",
    `\`${name}\` runs up to ${limit.getText()} iteratees at once; a loop runs one, \`Promise.all\` all of them. Rewrite it with a pool ` +
      "(or p-limit) by hand",
    limit,
  );
}

/**
 * neo-async passes an iteratee the index too (`iteratee(item, index, callback)`) when it declares three parameters:
 * a named iteratee is written as `f(item)` only when it surely declares another number (a function of the file).
 */
export function checkNeoArity(call: CallExpression, reference: Expression): void {
  const callee = call.getExpression();
  const root = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  if (!(importedFrom(root) ?? "").startsWith("neo-async")) return;
  const declared = Node.isIdentifier(reference) ? reference.getSymbol()?.getDeclarations()[0] : undefined;
  refuseUnless(
    declared !== undefined && Node.isFunctionDeclaration(declared) && declared.getParameters().length !== 3,
    "async-iteratee-arity",
    `neo-async passes \`${reference.getText()}\` the index as well when it declares three parameters, and corral cannot tell how many it declares`,
    reference,
  );
}

/** The helper of the async library `callee` names (`eachSeries`), known by its import or `require`. */
export function helperName(callee: Node): string | undefined {
  if (Node.isPropertyAccessExpression(callee)) {
    const root = callee.getExpression();
    return Node.isIdentifier(root) && LIBRARIES.has(importedFrom(root) ?? "") && isWholeModule(root) ? callee.getName() : undefined;
  }
  if (!Node.isIdentifier(callee)) return undefined;
  const module = importedFrom(callee);
  if (module === undefined) return undefined;
  if (LIBRARIES.has(module)) return isWholeModule(callee) ? undefined : importedName(callee);
  // `require("async/eachSeries")`, `import eachSeries from "async/eachSeries"`: one helper's own module.
  const own = /^(?:async|neo-async)\/(\w+?)(?:\.js)?$/.exec(module);
  return own !== null && isWholeModule(callee) ? own[1] : undefined;
}

/** Whether `id` is bound to a module itself (a default or namespace import, `const x = require(...)`). */
function isWholeModule(id: Identifier): boolean {
  return (id.getSymbol()?.getDeclarations() ?? []).some(
    (d) => Node.isImportClause(d) || Node.isNamespaceImport(d) || (Node.isVariableDeclaration(d) && Node.isIdentifier(d.getNameNode())),
  );
}

/** The name a helper has in the library, for `{ eachSeries as each }` of an import or a `require`. */
function importedName(id: Identifier): string | undefined {
  for (const d of id.getSymbol()?.getDeclarations() ?? []) {
    if (Node.isImportSpecifier(d)) return d.getName();
    if (Node.isBindingElement(d)) return d.getPropertyNameNode()?.getText() ?? d.getName();
  }
  return undefined;
}
