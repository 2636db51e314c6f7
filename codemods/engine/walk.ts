import type { Node } from "ts-morph";

/**
 * Visit the descendants of `root` in source order. `visit` returns "skip" to not descend into a node, "stop" to end
 * the walk. (ts-morph's own `forEachDescendant` ends the whole walk on `skip()` in some trees, so the codemods use
 * this instead.)
 */
export function walk(root: Node, visit: (node: Node) => "skip" | "stop" | void): void {
  let stopped = false;
  const step = (node: Node): void => {
    if (stopped) return;
    const verdict = visit(node);
    if (verdict === "stop") {
      stopped = true;
      return;
    }
    if (verdict !== "skip") node.forEachChild(step);
  };
  root.forEachChild(step);
}
