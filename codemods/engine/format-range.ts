import { ts } from "ts-morph";

/** A span of text. */
export interface Span {
  start: number;
  end: number;
}

/**
 * A node as prettier's JavaScript tree (ESTree) has it, read off TypeScript's tree of the same text. The two differ
 * where it matters here: `export function f` is two ESTree nodes (the export, then the function from `function`
 * on), and some TypeScript nodes have no ESTree counterpart (a statement's declaration list, parentheses).
 */
interface View {
  node: ts.Node;
  /** The declaration inside an `export` (or `export default`), starting after those keywords. */
  inner: boolean;
  start: number;
  end: number;
}

/**
 * What prettier formats when asked to format `[start, end)` of a text: the source elements (statements and
 * declarations, in prettier's sense) that the range starts and ends in, widened to siblings, found the way
 * prettier's range formatting finds them (`calculateRange` in prettier's src/main/range.js) but on TypeScript's
 * tree of the same text, which the engine has already. Undefined when the range touches no element: prettier
 * then formats nothing.
 */
export function elementSpan(source: ts.SourceFile, range: Span): Span | undefined {
  const text = source.text;
  let { start, end } = range;
  const first = text.slice(start, end).search(/\S/);
  const blank = first === -1;
  if (!blank) {
    start += first;
    while (end > start && !/\S/.test(text[end - 1]!)) end--;
  }
  const atStart = find(source, start, "rangeStart");
  if (atStart === undefined) return undefined;
  const atEnd = blank ? atStart : find(source, end, "rangeEnd");
  if (atEnd === undefined) return undefined;
  const [from, to] = siblings(atStart, atEnd);
  return { start: Math.min(from.start, to.start), end: Math.max(from.end, to.end) };
}

/** The deepest element around `offset` and all its ancestors, innermost first (prettier's `findNodeAtOffset`). */
function find(source: ts.SourceFile, offset: number, kind: "rangeStart" | "rangeEnd"): View[] | undefined {
  const visit = (view: View, ancestors: View[]): View[] | undefined => {
    if (offset > view.end || offset < view.start || (kind === "rangeEnd" && offset === view.start) || (kind === "rangeStart" && offset === view.end)) {
      return undefined;
    }
    const path = [view, ...ancestors];
    for (const child of children(view, source)) {
      const found = visit(child, path);
      if (found !== undefined) return found;
    }
    return isElement(view, kind === "rangeStart" ? ancestors[0] : undefined) ? path : undefined;
  };
  for (const child of children({ node: source, inner: false, start: 0, end: source.text.length }, source)) {
    const found = visit(child, []);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Prettier's `findSiblingAncestors`: widen the two ends to the outermost nodes that still fit the range. */
function siblings(atStart: View[], atEnd: View[]): [View, View] {
  let [from, ...fromAncestors] = atStart as [View, ...View[]];
  let [to, ...toAncestors] = atEnd as [View, ...View[]];
  if (same(from, to)) return [from, to];
  for (const ancestor of toAncestors) {
    if (ancestor.start >= from.start) to = ancestor;
    else break;
  }
  for (const ancestor of fromAncestors) {
    if (ancestor.end > to.end) break;
    if (isElement(ancestor, undefined)) from = ancestor;
    if (same(from, to)) break;
  }
  return [from, to];
}

function same(a: View, b: View): boolean {
  return a.node === b.node && a.inner === b.inner;
}

const K = ts.SyntaxKind;

/** TypeScript nodes with no ESTree node of their own: their children stand in their place. */
function transparent(node: ts.Node): boolean {
  switch (node.kind) {
    case K.ParenthesizedExpression:
    case K.CaseBlock:
    case K.HeritageClause:
    case K.ImportClause:
    case K.NamedImports:
    case K.NamedExports:
      return true;
    case K.VariableDeclarationList:
      return node.parent.kind === K.VariableStatement;
    case K.Block:
      return node.parent.kind === K.ClassStaticBlockDeclaration;
    default:
      return false;
  }
}

/** The node's children in the ESTree view, in source order. */
function children(view: View, source: ts.SourceFile): View[] {
  if (!view.inner && exported(view.node)) return [{ node: view.node, inner: true, start: innerStart(view.node, source), end: view.end }];
  const out: View[] = [];
  const add = (node: ts.Node): void => {
    if (transparent(node)) node.forEachChild(add);
    else out.push({ node, inner: false, start: node.getStart(source), end: node.getEnd() });
  };
  view.node.forEachChild(add);
  return out;
}

/** Whether a declaration carries `export`: ESTree wraps it in an export declaration. */
function exported(node: ts.Node): boolean {
  if (node.kind === K.ExportAssignment || node.kind === K.ExportDeclaration) return false;
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return modifiers?.some((m) => m.kind === K.ExportKeyword) === true && isStatement(node);
}

/** Where the declaration inside `export` / `export default` starts: its first token after those keywords. */
function innerStart(node: ts.Node, source: ts.SourceFile): number {
  const modifiers = ts.getModifiers(node as ts.HasModifiers) ?? [];
  let after = node.getStart(source);
  for (const m of modifiers) {
    if (m.kind !== K.ExportKeyword && m.kind !== K.DefaultKeyword) break;
    after = m.getEnd();
  }
  return after + /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(source.text.slice(after))![0].length;
}

/** Prettier's `isJsSourceElement`: statements and declarations. Without a parent, a `for` head's declaration counts. */
function isElement(view: View, parent: View | undefined): boolean {
  const node = view.node;
  if (!view.inner && exported(node)) return true;
  // A declaration list is a view of its own only in a `for` head (a statement's list is transparent).
  if (node.kind === K.VariableDeclarationList) return parent === undefined;
  if (node.kind === K.MethodDeclaration) return (node as ts.MethodDeclaration).body === undefined;
  return isStatement(node);
}

function isStatement(node: ts.Node): boolean {
  switch (node.kind) {
    case K.Block:
    case K.VariableStatement:
    case K.EmptyStatement:
    case K.ExpressionStatement:
    case K.IfStatement:
    case K.DoStatement:
    case K.WhileStatement:
    case K.ForStatement:
    case K.ForInStatement:
    case K.ForOfStatement:
    case K.ContinueStatement:
    case K.BreakStatement:
    case K.ReturnStatement:
    case K.WithStatement:
    case K.SwitchStatement:
    case K.LabeledStatement:
    case K.ThrowStatement:
    case K.TryStatement:
    case K.DebuggerStatement:
    case K.FunctionDeclaration:
    case K.ClassDeclaration:
    case K.InterfaceDeclaration:
    case K.TypeAliasDeclaration:
    case K.EnumDeclaration:
    case K.ModuleDeclaration:
    case K.ImportEqualsDeclaration:
    case K.ImportDeclaration:
    case K.ExportDeclaration:
    case K.ExportAssignment:
    case K.NamespaceExportDeclaration:
      return true;
    default:
      return false;
  }
}
