import { ts } from "ts-morph";
import { applyEdits, type Edit } from "./edits.ts";

/**
 * Remove the imports a rewrite made unused (`import { setTimeout as delay }` once every `delay(ms)` became
 * `sleep(cx, ms)`, or the same through `const { setTimeout: delay } = require(...)`), so the result passes
 * `noUnusedLocals` and linters. Only names the file used before and no longer uses; an import that was unused
 * already is none of the codemod's business.
 */
export function pruneImports(file: string, before: string, after: string): string {
  const usedBefore = usedNames(parse(file, before));
  const source = parse(file, after);
  const usedAfter = usedNames(source);
  const dropped = (name: ts.Identifier): boolean => usedBefore.has(name.text) && !usedAfter.has(name.text);
  const edits: Edit[] = [];
  const removeStatement = (statement: ts.Statement): void => {
    const end = after[statement.getEnd()] === "\n" ? statement.getEnd() + 1 : statement.getEnd();
    edits.push({ start: statement.getStart(source), end, text: "", format: false });
  };
  /** Drop the elements whose name is no longer used from a `{ a, b as c }` list, keeping its commas right. */
  const dropElements = <T extends ts.Node>(elements: readonly T[], nameOf: (element: T) => ts.Identifier | undefined): void => {
    const gone = elements.map((e) => nameOf(e) !== undefined && dropped(nameOf(e)!));
    elements.forEach((element, i) => {
      if (!gone[i]) return;
      const next = elements[i + 1];
      const previous = elements[i - 1];
      if (next !== undefined) edits.push({ start: element.getStart(source), end: next.getStart(source), text: "", format: false });
      else if (previous !== undefined && !gone[i - 1]) edits.push({ start: previous.getEnd(), end: element.getEnd(), text: "", format: false });
      else edits.push({ start: element.getStart(source), end: element.getEnd(), text: "", format: false });
    });
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause !== undefined) {
      const clause = statement.importClause;
      const named = clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
      const namespace = clause.namedBindings !== undefined && ts.isNamespaceImport(clause.namedBindings) ? clause.namedBindings.name : undefined;
      const bindings = [clause.name, namespace, ...named.map((n) => n.name)].filter((n): n is ts.Identifier => n !== undefined);
      if (!bindings.some(dropped)) continue;
      if (bindings.every(dropped)) {
        removeStatement(statement);
        continue;
      }
      if (clause.name !== undefined && dropped(clause.name)) {
        edits.push({ start: clause.name.getStart(source), end: clause.namedBindings!.getStart(source), text: "", format: false });
      }
      dropElements(named, (n) => n.name);
      continue;
    }
    const required = requireBinding(statement);
    if (required === undefined) continue;
    if (ts.isIdentifier(required)) {
      if (dropped(required)) removeStatement(statement);
      continue;
    }
    const names = required.elements.map((e) => (ts.isIdentifier(e.name) ? e.name : undefined));
    if (!names.some((n) => n !== undefined && dropped(n))) continue;
    if (names.every((n) => n !== undefined && dropped(n))) removeStatement(statement);
    else dropElements(required.elements, (e) => (ts.isIdentifier(e.name) ? e.name : undefined));
  }
  return edits.length === 0 ? after : applyEdits(after, edits).text;
}

/** The name, or `{ ... }` pattern, of a top-level `const x = require("m")` (its one declaration). */
function requireBinding(statement: ts.Statement): ts.Identifier | ts.ObjectBindingPattern | undefined {
  if (!ts.isVariableStatement(statement)) return undefined;
  const [declaration, ...rest] = statement.declarationList.declarations;
  if (declaration === undefined || rest.length > 0) return undefined;
  const init = declaration.initializer;
  const isRequire = init !== undefined && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === "require" && init.arguments.length === 1 && ts.isStringLiteral(init.arguments[0]!);
  if (!isRequire) return undefined;
  return ts.isIdentifier(declaration.name) || ts.isObjectBindingPattern(declaration.name) ? declaration.name : undefined;
}

function parse(file: string, text: string): ts.SourceFile {
  const kind = /\.[cm]?tsx?$/.test(file) ? (file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS) : ts.ScriptKind.JS;
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
}

/** Names read anywhere outside import declarations and `require` bindings. */
function usedNames(source: ts.SourceFile): Set<string> {
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || (ts.isVariableStatement(node) && node.parent === source && requireBinding(node) !== undefined)) return;
    // `paths.map(...)` does not use an imported `map`.
    if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return used;
}
