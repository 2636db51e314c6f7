import { Node, ts } from "ts-morph";

/**
 * Whether an identifier names a variable (binds or reads one), rather than a property (`obj.value`, `{ value: 1 }`,
 * a class member) or something inside a type (`(value: T) => R`): only those can clash with a new local.
 */
export function bindsOrReads(id: Node): boolean {
  const parent = id.getParent();
  if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) return false;
  if (
    (Node.isPropertyAssignment(parent) ||
      Node.isMethodDeclaration(parent) ||
      Node.isPropertySignature(parent) ||
      Node.isMethodSignature(parent) ||
      Node.isPropertyDeclaration(parent)) &&
    parent.getNameNode() === id
  ) {
    return false;
  }
  return id.getFirstAncestor((a) => Node.isTypeNode(a)) === undefined;
}

/** Every identifier spelled under `node` (read on the compiler's nodes: nothing is wrapped). */
export function namesIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (child: ts.Node): void => {
    if (ts.isIdentifier(child)) names.add(child.text);
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return names;
}
