import { ts, type Node } from "ts-morph";

/**
 * Whether a node lies in a JSDoc comment: `{@link f}`, `@see f`, a JSDoc type (`@param {typeof f} g`). The
 * language service (and so `referencesOf`) counts those as references, but they run nothing: no call or value use of
 * a function is there, and a rewrite of its callers must leave them as written.
 */
export function isInJSDoc(node: Node): boolean {
  for (let at: ts.Node | undefined = node.compilerNode; at !== undefined; at = at.parent) if (ts.isJSDoc(at)) return true;
  return false;
}
