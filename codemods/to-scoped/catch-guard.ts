/**
 * Catch-alls in scoped code: a catch that can end without rethrowing what it caught swallows (or replaces) a
 * `Cancelled` too, so a timeout or a failing sibling could not stop the function. It gets `if (isCancelled(e)) throw e;`
 * first, written indented like the block's code.
 */
import { Node, SyntaxKind, ts, type CatchClause, type ThrowStatement } from "ts-morph";
import { findAll } from "../engine/walk.ts";
import { endReachable, findOwn, outsideBoundary } from "../to-async/analysis.ts";
import { corral, type Scope } from "./body.ts";
import { NOTES } from "./notes.ts";

/**
 * A catch that can end without throwing swallows whatever the try threw, `Cancelled` included, so a timeout or a
 * failing sibling could not stop the function: it rethrows `Cancelled` first. Only where the try has a checkpoint.
 */
export function guardCatch(scope: Scope, clause: CatchClause): void {
  const tryStatement = clause.getParent();
  if (!Node.isTryStatement(tryStatement) || !hasCheckpoint(tryStatement.getTryBlock())) return;
  const block = clause.getBlock();
  const binding = clause.getVariableDeclaration();
  if (rethrowsAlways(block, binding?.getNameNode())) return;
  const first = block.getStatements()[0];
  if (first !== undefined && /\bisCancelled\(/.test(first.getText())) return;
  const isCancelled = corral(scope, "isCancelled");
  scope.notes.add(NOTES.catchGuard);
  const open = block.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken);
  // Written indented like the block's code (prettier does not indent a statement added on its own).
  const indent = `\n${indentOf(block.getStatements()[0] ?? clause, block.getStatements()[0] === undefined)}`;
  const guard = (name: string): string => `${indent}if (${isCancelled}(${name})) throw ${name};`;
  if (binding !== undefined && Node.isIdentifier(binding.getNameNode())) {
    scope.edits.insert(open.getEnd(), guard(binding.getName()), false);
    return;
  }
  const name = freshName(block, "error");
  if (binding === undefined) {
    scope.edits.insert(block.getStart(), `(${name}) `, false);
    scope.edits.insert(open.getEnd(), guard(name), false);
    return;
  }
  // A destructured binding: catch the error whole, check it, then destructure it as before.
  const pattern = binding.getNameNode();
  scope.edits.add({ start: pattern.getStart(), end: binding.getEnd(), text: name, format: false });
  const type = binding.getTypeNode();
  scope.edits.insert(open.getEnd(), `${guard(name)}${indent}const ${pattern.getText()}${type === undefined ? "" : `: ${type.getText()}`} = ${name};`, false);
}

/**
 * Whether the catch block always rethrows the caught error itself: no way out but `throw e`. A catch that throws
 * another error (`throw new Error(\`failed: ${e.message}\`)`) replaces a `Cancelled` too, so it is guarded.
 */
export function rethrowsAlways(block: Node, binding: Node | undefined): boolean {
  if (binding === undefined || !Node.isIdentifier(binding) || endReachable(block)) return false;
  if (findOwn(block, (n) => ts.isReturnStatement(n) || ts.isBreakStatement(n) || ts.isContinueStatement(n)) !== undefined) return false;
  const throws = findAll(block, ts.isThrowStatement, outsideBoundary) as ThrowStatement[];
  return throws.length > 0 && throws.every((t) => t.getExpression().getText() === binding.getText());
}

/** The indentation of `node`'s line, one level deeper when `deeper` (the file's own unit: a tab or its spaces). */
function indentOf(node: Node, deeper: boolean): string {
  const text = node.getSourceFile().getFullText();
  const lineStart = text.lastIndexOf("\n", node.getStart() - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  if (!deeper) return indent;
  return indent + (indent.startsWith("\t") ? "\t" : /\n {4}\S/.test(text) && !/\n {2}\S/.test(text) ? "    " : "  ");
}

function freshName(block: Node, base: string): string {
  const used = new Set(block.getDescendants().filter(Node.isIdentifier).map((id) => id.getText()));
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  return name;
}

/** Whether `node` waits somewhere outside nested functions: an `await` or a `for await`. */
export function hasCheckpoint(node: Node): boolean {
  return findOwn(node, (child) => ts.isAwaitExpression(child) || (ts.isForOfStatement(child) && child.awaitModifier !== undefined)) !== undefined;
}


