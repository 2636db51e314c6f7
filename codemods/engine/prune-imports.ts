import { ts } from "ts-morph";
import { applyEdits, type Edit } from "./edits.ts";

/**
 * Remove the imports a rewrite made unused (`import { setTimeout as delay }` once every `delay(ms)` became
 * `sleep(cx, ms)`), so the result passes `noUnusedLocals`. Only names the file used before and no longer uses; an
 * import that was unused already is none of the codemod's business.
 */
export function pruneImports(file: string, before: string, after: string): string {
  const usedBefore = usedNames(parse(file, before));
  const source = parse(file, after);
  const usedAfter = usedNames(source);
  const edits: Edit[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause === undefined) continue;
    const clause = statement.importClause;
    const named = clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
    const namespace = clause.namedBindings !== undefined && ts.isNamespaceImport(clause.namedBindings) ? clause.namedBindings.name : undefined;
    const bindings = [clause.name, namespace, ...named.map((n) => n.name)].filter((n): n is ts.Identifier => n !== undefined);
    const dropped = new Set(bindings.filter((b) => usedBefore.has(b.text) && !usedAfter.has(b.text)).map((b) => b.text));
    if (dropped.size === 0) continue;
    if (bindings.every((b) => dropped.has(b.text))) {
      const end = after[statement.getEnd()] === "\n" ? statement.getEnd() + 1 : statement.getEnd();
      edits.push({ start: statement.getStart(source), end, text: "", format: false });
      continue;
    }
    if (clause.name !== undefined && dropped.has(clause.name.text)) {
      edits.push({ start: clause.name.getStart(source), end: clause.namedBindings!.getStart(source), text: "", format: false });
    }
    named.forEach((element, i) => {
      if (!dropped.has(element.name.text)) return;
      const next = named[i + 1];
      const previous = named[i - 1];
      if (next !== undefined) edits.push({ start: element.getStart(source), end: next.getStart(source), text: "", format: false });
      else if (previous !== undefined && !dropped.has(previous.name.text)) edits.push({ start: previous.getEnd(), end: element.getEnd(), text: "", format: false });
      else edits.push({ start: element.getStart(source), end: element.getEnd(), text: "", format: false });
    });
  }
  return edits.length === 0 ? after : applyEdits(after, edits).text;
}

function parse(file: string, text: string): ts.SourceFile {
  const kind = /\.[cm]?tsx?$/.test(file) ? (file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS) : ts.ScriptKind.JS;
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
}

/** Names read anywhere outside import declarations. */
function usedNames(source: ts.SourceFile): Set<string> {
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return used;
}
