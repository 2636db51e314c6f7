/**
 * Whose rewrite an error the type gate found is (type-gate.ts): the changed files as they were, and the ways of
 * tracing an error in the rewritten program back to one of their functions.
 */
import { ts, type Project } from "ts-morph";
import { functionsOf, isFunctionNode, lineOf, nameOf } from "./functions.ts";
import { lineOfPos, normal, tokenAt, type Found } from "./gate-diagnostics.ts";
import { lineMap, type LineMap } from "./line-map.ts";
import type { FileChange } from "./migrate.ts";
import { functionKey } from "./result.ts";

/** A changed function's extent in its file's original text, in 1-based lines. */
interface Extent {
  key: string;
  start: number;
  end: number;
}

/** A changed file as it was, for telling whose rewrite an error is; worked out only for a file that has one. */
export class FileBefore {
  #extents: Extent[] | undefined;
  #lines: LineMap | undefined;

  constructor(
    private readonly scratch: () => Project,
    private readonly change: FileChange,
    readonly display: string,
    /** Every function this run changed in the file. */
    readonly keys: readonly string[],
  ) {}

  /** Where the changed functions that are functions of the original text lie. */
  get extents(): Extent[] {
    this.#extents ??= functionsOf(this.scratch().createSourceFile(this.change.file, this.change.before, { overwrite: true }))
      .map((fn) => ({ key: functionKey({ file: this.display, line: lineOf(fn), function: nameOf(fn) }), start: lineOf(fn), end: fn.getEndLineNumber() }))
      .filter((e) => this.keys.includes(e.key));
    return this.#extents;
  }

  /** The function's name in a key of this file (`12:Class.method` after the file). */
  nameIn(key: string): string {
    const rest = key.slice(this.display.length + 1);
    return rest.slice(rest.indexOf(":") + 1);
  }

  get lines(): LineMap {
    this.#lines ??= lineMap(this.change.before, this.change.after);
    return this.#lines;
  }
}

/**
 * Whose rewrite made `diagnostic`, the first of: the changed function around it in the rewritten text, by name (a
 * function keeps its name, and a version a stage adds beside it is named after it: `fAsync`, `fScoped`); the
 * changed function whose original lines hold it; the changed function the expression there calls or names (a caller
 * that no longer fits its callee); every changed function of the files involved, narrowed to those the error's
 * text names (`Types of property 'load' are incompatible`) when it names any. Refusing more than the culprit is
 * safe; the run settles again without them.
 */
export function ownersOf(diagnostic: Found, project: Project, changed: ReadonlyMap<string, FileBefore>): string[] {
  const here = changed.get(normal(diagnostic.file.fileName));
  if (here !== undefined) {
    const named = aroundByName(here, diagnostic, project);
    if (named !== undefined) return [named];
    const inside = enclosing(here, here.lines.beforeRange(lineOfPos(diagnostic)));
    if (inside !== undefined) return [inside];
  }
  const callee = calleeOf(diagnostic, project.getProgram().compilerObject, changed);
  if (callee !== undefined) return [callee];
  const involved = (here !== undefined ? [here] : [...changed.values()]).flatMap((f) => f.keys.map((key) => ({ key, name: f.nameIn(key) })));
  const quoted = involved.filter(({ name }) => diagnostic.text.includes(`'${name.slice(name.lastIndexOf(".") + 1)}'`));
  return (quoted.length > 0 ? quoted : involved).map(({ key }) => key);
}

/** The changed function of `file` named as the innermost named function around the diagnostic (or its fAsync, fScoped). */
function aroundByName(file: FileBefore, diagnostic: Found, project: Project): string | undefined {
  const byName = new Map(file.keys.map((key) => [file.nameIn(key), key]));
  const token = project.getSourceFile(diagnostic.file.fileName)?.getDescendantAtPos(diagnostic.start);
  for (const around of token?.getAncestors() ?? []) {
    if (!isFunctionNode(around)) continue;
    const name = nameOf(around);
    const key = byName.get(name) ?? byName.get(name.replace(/(Async|Scoped)$/, ""));
    if (key !== undefined) return key;
  }
  return undefined;
}

/** The innermost changed function whose lines hold `[start, end]` (original lines). */
function enclosing(file: FileBefore, [start, end]: readonly [number, number]): string | undefined {
  let best: Extent | undefined;
  for (const extent of file.extents) {
    if (extent.start <= start && end <= extent.end && (best === undefined || extent.start >= best.start)) best = extent;
  }
  return best?.key;
}

/** The changed function declared where the call or name at the diagnostic resolves, if any. */
function calleeOf(diagnostic: Found, after: ts.Program, changed: ReadonlyMap<string, FileBefore>): string | undefined {
  const checker = after.getTypeChecker();
  let node: ts.Node | undefined = tokenAt(diagnostic.file, diagnostic.start);
  for (; node !== undefined && !ts.isSourceFile(node); node = node.parent) {
    const target = ts.isCallExpression(node) || ts.isNewExpression(node) ? node.expression : ts.isIdentifier(node) ? node : undefined;
    if (target === undefined) continue;
    let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(target) ? target.name : target);
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    for (const declaration of symbol?.declarations ?? []) {
      const file = declaration.getSourceFile();
      const owner = changed.get(normal(file.fileName));
      if (owner === undefined) continue;
      const line = file.getLineAndCharacterOfPosition(declaration.getStart(file)).line + 1;
      const key = enclosing(owner, owner.lines.beforeRange(line));
      if (key !== undefined) return key;
    }
  }
  return undefined;
}
