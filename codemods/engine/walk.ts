import { ts, type Node } from "ts-morph";

/**
 * Visit the descendants of `root` in source order. `visit` returns "skip" to not descend into a node, "stop" to end
 * the walk. (ts-morph's own `forEachDescendant` ends the whole walk on `skip()` in some trees, so the codemods use
 * this instead.) Every node visited is wrapped; to search for a few kinds, {@link findAll} is cheaper.
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

/**
 * The descendants of `root` that pass `test`, in source order, searched on the compiler's nodes so that only
 * those found are wrapped (wrapping every node of a large function costs more than the search itself). A node
 * `enter` refuses is tested but not looked inside. With `first`, the search ends at the first found.
 */
export function findAll(root: Node, test: (node: ts.Node) => boolean, enter: (node: ts.Node) => boolean = () => true, first = false): Node[] {
  const found: ts.Node[] = [];
  const step = (node: ts.Node): boolean | undefined => {
    if (test(node)) {
      found.push(node);
      if (first) return true;
    }
    return enter(node) ? ts.forEachChild(node, step) : undefined;
  };
  ts.forEachChild(root.compilerNode, step);
  return found.map((node) => wrap(root, node));
}

/**
 * The ts-morph node for a compiler node of `anchor`'s file: the one ts-morph itself would hand out. (ts-morph
 * does this through a method its typings leave out; it is how every ts-morph navigation wraps a node.)
 */
export function wrap(anchor: Node, node: ts.Node): Node {
  return (anchor as unknown as { _getNodeFromCompilerNode(node: ts.Node): Node })._getNodeFromCompilerNode(node);
}
