/**
 * The type gate: a rewrite may not add a type error. The changed files and the files importing them are checked in
 * memory with the rewrites applied; where one has errors, it is checked as it was too, and every diagnostic the
 * rewrites added is traced back to the function whose rewrite made it; the engine then refuses those functions (`would-break-types`) and settles
 * the run again without them. JavaScript is compared with the checker's JS inference (`checkJs`, for the comparison
 * only), so a call that lost or gained an argument is caught there too.
 *
 * Diagnostics are compared by code and text, counted per file: positions move with the rewrite, the words of an
 * error the file already had do not. This needs nothing from the stages: only the files before and after, and which
 * functions each run changed.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Project, ts } from "ts-morph";
import { lineMap, type LineMap } from "./line-map.ts";
import { functionsOf, lineOf, nameOf } from "./functions.ts";
import type { FileChange } from "./migrate.ts";
import { displayOf, functionKey, type FunctionResult, type Reason } from "./result.ts";

/** A changed function's extent in its file's original text, in 1-based lines. */
interface Extent {
  key: string;
  start: number;
  end: number;
}

/** A changed file as it was, for telling whose rewrite an error is; worked out only for a file that has one. */
class FileBefore {
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
 * The functions whose rewrites add a type error, each with the reason to refuse it: keyed by {@link functionKey}.
 * `project` has the rewritten files in place of the changed ones (see openProject's `texts`), and the rest of the
 * program (the tsconfig's files) where callers may be.
 */
export function findTypeBreaks(
  project: Project,
  changes: readonly FileChange[],
  results: readonly FunctionResult[],
): { breaks: Map<string, Reason>; warnings: string[] } {
  const javascript = comparisonOptions(project);
  const warnings = new Set<string>();
  const missing = changes.find((c) => IMPORTS_CORRAL.test(c.after) && !resolvesCorral(project, c.file));
  if (missing !== undefined) {
    warnings.add(
      `the rewritten code imports corral, which ${displayOf(missing.file)} cannot resolve: install corral in the project ` +
        "(npm install corral) before running it. The type gate checked it against the types of the corral running now",
    );
    useOwnTypes(project);
  }
  const after = project.getProgram().compilerObject;
  let scratch: Project | undefined;
  const parse = (): Project => (scratch ??= new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true } }));
  const keysOf = new Map<string, string[]>();
  for (const r of results) if (r.outcome === "changed") keysOf.set(r.file, [...(keysOf.get(r.file) ?? []), functionKey(r)]);
  const changed = new Map<string, FileBefore>();
  for (const change of changes) {
    const display = displayOf(change.file);
    changed.set(normal(change.file), new FileBefore(parse, change, display, keysOf.get(display) ?? []));
  }
  const checked = filesToCheck(after, new Set(changed.keys()));
  // The program as it was is built only when a rewritten file has errors to compare (most have none).
  let before: ts.Program | undefined;
  const breaks = new Map<string, Reason>();
  for (const name of checked) {
    // corral not installed is said once above, not laid at a rewrite's door.
    const now = diagnosticsOf(after, name, javascript).filter((d) => !CANNOT_FIND_MODULE.has(d.code) || !/'corral(\/[\w-]+)?'/.test(d.text));
    if (now.length === 0) continue;
    before ??= programWith(after, new Map(changes.map((c) => [normal(c.file), c.before])));
    for (const diagnostic of added(diagnosticsOf(before, name, javascript), now, changed.get(name))) {
      const owners = ownersOf(diagnostic, after, changed);
      const reason = { code: "would-break-types", message: describe(diagnostic) };
      for (const key of owners) if (!breaks.has(key)) breaks.set(key, reason);
    }
  }
  return { breaks, warnings: [...warnings] };
}

/** "Cannot find module" and its node16 form: an import of corral where it is not installed is no rewrite's fault. */
const CANNOT_FIND_MODULE = new Set([2307, 2792]);

/**
 * The program with `texts` in place of those files' contents, built from `old` (every other file is reused, the
 * library declarations too: ts-morph keeps those in memory, so they are served from the old program).
 */
function programWith(old: ts.Program, texts: ReadonlyMap<string, string>): ts.Program {
  const options = old.getCompilerOptions();
  const host = ts.createCompilerHost(options, true);
  const library = old.getSourceFiles().find((f) => old.isSourceFileDefaultLibrary(f));
  if (library !== undefined) {
    const folder = library.fileName.slice(0, library.fileName.lastIndexOf("/"));
    host.getDefaultLibLocation = () => folder;
    host.getDefaultLibFileName = (o) => `${folder}/${ts.getDefaultLibFileName(o)}`;
  }
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, onError, fresh) => {
    const text = texts.get(normal(fileName));
    if (text !== undefined) return ts.createSourceFile(fileName, text, language, true);
    return old.getSourceFile(fileName) ?? getSourceFile.call(host, fileName, language, onError, fresh);
  };
  host.fileExists = (fileName) => old.getSourceFile(fileName) !== undefined || fileExists.call(host, fileName);
  host.readFile = (fileName) => texts.get(normal(fileName)) ?? old.getSourceFile(fileName)?.text ?? readFile.call(host, fileName);
  return ts.createProgram({ rootNames: old.getRootFileNames(), options, host, oldProgram: old });
}

/** The changed files and every file of the program that imports one of them (its calls may no longer fit). */
function filesToCheck(program: ts.Program, changed: ReadonlySet<string>): string[] {
  // Public in the compiler, though its declarations leave it out.
  const resolve = (program as ts.Program & { getResolvedModuleFromModuleSpecifier(specifier: ts.StringLiteralLike, file: ts.SourceFile): ts.ResolvedModuleWithFailedLookupLocations | undefined })
    .getResolvedModuleFromModuleSpecifier.bind(program);
  const files = new Set(changed);
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || files.has(normal(file.fileName)) || file.fileName.includes("/node_modules/")) continue;
    const imports = (file as ts.SourceFile & { imports?: readonly ts.StringLiteralLike[] }).imports ?? [];
    for (const specifier of imports) {
      const resolved = resolve(specifier, file)?.resolvedModule;
      if (resolved !== undefined && changed.has(normal(resolved.resolvedFileName))) {
        files.add(normal(file.fileName));
        break;
      }
    }
  }
  return [...files];
}

interface Found {
  file: ts.SourceFile;
  start: number;
  code: number;
  text: string;
}

/** An import or require of corral or one of its entry points. */
const IMPORTS_CORRAL = /(\bfrom|\brequire\()\s*["']corral(\/[\w-]+)?["']/;

/** Whether `corral` resolves from `file` with the project's own options. */
function resolvesCorral(project: Project, file: string): boolean {
  const host = project.getModuleResolutionHost();
  return ts.resolveModuleName("corral", file, project.compilerOptions.get(), host).resolvedModule !== undefined;
}

/**
 * Resolve `corral` and its entry points to the declarations of the corral running now, for a project that has not
 * installed it yet: without them its names would be `any`, and a thunk's `(cx) => ...` an implicit any.
 */
function useOwnTypes(project: Project): void {
  const root = fileURLToPath(new URL(import.meta.url.includes("/dist/") ? "../../../" : "../../", import.meta.url));
  const declarations = (entry: string) => [path.join(root, "dist/runtime", entry, "index.d.ts")];
  const paths = { ...project.compilerOptions.get().paths };
  paths["corral"] ??= declarations("");
  for (const entry of ["testing", "node"]) paths[`corral/${entry}`] ??= declarations(entry);
  project.compilerOptions.set({ paths });
}

/**
 * How JavaScript is compared. Where the project checks it (`checkJs`), as its build would: every diagnostic counts.
 * Elsewhere JavaScript has no build to break, and is compared on what breaks when it runs ({@link JS_BREAKS}), with
 * the checker's JS inference turned on for the comparison only.
 */
type JavaScriptCheck = "as-built" | "runtime";

/**
 * Set the project's options for the comparison, and say how its JavaScript is compared. A project of JavaScript
 * alone, not checked by its own config, is checked without the strict family: nothing it reports is compared
 * there, and it costs ten times the rest (the checker infers every implicit any).
 */
function comparisonOptions(project: Project): JavaScriptCheck {
  const own = project.compilerOptions.get();
  if (own.checkJs === true) return "as-built";
  const typescript = project.getSourceFiles().some((f) => !f.isDeclarationFile() && !f.isInNodeModules() && /\.[cm]?tsx?$/.test(f.getFilePath()));
  const loose = typescript ? {} : { strict: false, noImplicitAny: false, strictNullChecks: false, useUnknownInCatchVariables: false };
  project.compilerOptions.set({ checkJs: true, noEmit: true, ...loose });
  return "runtime";
}

/**
 * What JavaScript is compared on where nothing checks it: what breaks when it runs. Syntax and grammar (TS1xxx,
 * `await` outside an async function among them), unknown names, redeclarations, assignments to constants, calls
 * with the wrong number of arguments, members that do not exist, calls of what is not a function, arguments the
 * callee's own types reject. Left out: implicit `any` (a parameter moved to a new function is "implicitly any"
 * there too, and JavaScript has no annotation to add), modules without type declarations, and the like.
 */
const JS_BREAKS = new Set([2300, 2304, 2339, 2345, 2349, 2351, 2448, 2451, 2551, 2552, 2554, 2555, 2556, 2588, 2630, 2632, 18004]);

/**
 * Argument errors that, in unchecked JavaScript, are the checker's guess and not the code's: the call resolves to a
 * signature declared in a library's `.d.ts`, picked among overloads by JS inference, which takes every parameter
 * of a JavaScript function as optional (`callbackify(readAsync)(path, cb)` picks the overload of a function with no
 * parameter). A call of the project's own function keeps its arity.
 */
const ARGUMENT_ERRORS = new Set([2345, 2554, 2555, 2556]);

/** The file's diagnostics; in unchecked JavaScript, those of {@link JS_BREAKS} and syntax. */
function diagnosticsOf(program: ts.Program, name: string, javascript: JavaScriptCheck): Found[] {
  const file = program.getSourceFile(name);
  if (file === undefined) return [];
  const runtime = javascript === "runtime" && /\.[cm]?jsx?$/.test(name);
  const all = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  const counted = (d: ts.Diagnostic): boolean =>
    !runtime || d.code < 2000 || (JS_BREAKS.has(d.code) && !(ARGUMENT_ERRORS.has(d.code) && callsLibrary(program, file, d.start ?? 0)));
  return all.filter(counted).map((d) => ({
    file,
    start: d.start ?? 0,
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, " "),
  }));
}

/** Whether the call at `position` resolves to a signature declared in a declaration file. */
function callsLibrary(program: ts.Program, file: ts.SourceFile, position: number): boolean {
  let node = tokenAt(file, position);
  while (node !== undefined && !ts.isCallExpression(node) && !ts.isNewExpression(node)) node = node.parent;
  if (node === undefined) return false;
  const declaration = program.getTypeChecker().getResolvedSignature(node)?.getDeclaration();
  return declaration?.getSourceFile().isDeclarationFile === true;
}

/**
 * The diagnostics of `now` that `old` did not have: counted by code and text. Where a file has more of one than
 * before, those inside the rewritten lines are taken to be the new ones.
 */
function added(old: readonly Found[], now: readonly Found[], file: FileBefore | undefined): Found[] {
  const count = new Map<string, number>();
  for (const d of old) count.set(`${d.code}:${d.text}`, (count.get(`${d.code}:${d.text}`) ?? 0) + 1);
  const groups = new Map<string, Found[]>();
  for (const d of now) {
    const key = `${d.code}:${d.text}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const fresh: Found[] = [];
  for (const [key, group] of groups) {
    const extra = group.length - (count.get(key) ?? 0);
    if (extra <= 0) continue;
    const rewritten = (d: Found): number => (file === undefined || file.lines.beforeLine(lineOfPos(d)) !== undefined ? 1 : 0);
    fresh.push(...[...group].sort((a, b) => rewritten(a) - rewritten(b)).slice(0, extra));
  }
  return fresh;
}

/**
 * Whose rewrite made `diagnostic`, the first of: the changed function around it in the rewritten text, by name (a
 * function keeps its name, and a version a stage adds beside it is named after it: `fAsync`, `fScoped`); the
 * changed function whose original lines hold it; the changed function the expression there calls or names (a caller
 * that no longer fits its callee); every changed function of the files involved, narrowed to those the error's
 * text names (`Types of property 'load' are incompatible`) when it names any. Refusing more than the culprit is
 * safe; the run settles again without them.
 */
function ownersOf(diagnostic: Found, after: ts.Program, changed: ReadonlyMap<string, FileBefore>): string[] {
  const here = changed.get(normal(diagnostic.file.fileName));
  if (here !== undefined) {
    const named = aroundByName(here, diagnostic);
    if (named !== undefined) return [named];
    const inside = enclosing(here, here.lines.beforeRange(lineOfPos(diagnostic)));
    if (inside !== undefined) return [inside];
  }
  const callee = calleeOf(diagnostic, after, changed);
  if (callee !== undefined) return [callee];
  const involved = (here !== undefined ? [here] : [...changed.values()]).flatMap((f) => f.keys.map((key) => ({ key, name: f.nameIn(key) })));
  const quoted = involved.filter(({ name }) => diagnostic.text.includes(`'${name.slice(name.lastIndexOf(".") + 1)}'`));
  return (quoted.length > 0 ? quoted : involved).map(({ key }) => key);
}

/** The changed function of `file` named as the innermost named function around the diagnostic (or its fAsync, fScoped). */
function aroundByName(file: FileBefore, diagnostic: Found): string | undefined {
  const byName = new Map(file.keys.map((key) => [file.nameIn(key), key]));
  for (let node = tokenAt(diagnostic.file, diagnostic.start); node !== undefined; node = node.parent) {
    const name = functionName(node);
    if (name === undefined) continue;
    const key = byName.get(name) ?? byName.get(name.replace(/(Async|Scoped)$/, ""));
    if (key !== undefined) return key;
  }
  return undefined;
}

/** A function's name as reports give it (see nameOf in functions.ts), on the compiler's nodes; undefined for others. */
function functionName(node: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? "default";
  const owner = (klass: ts.Node): string | undefined => (ts.isClassLike(klass) ? klass.name?.text : undefined);
  if (ts.isMethodDeclaration(node)) {
    const cls = owner(node.parent);
    return cls === undefined ? node.name.getText() : `${cls}.${node.name.getText()}`;
  }
  if (!ts.isFunctionExpression(node) && !ts.isArrowFunction(node)) return undefined;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (ts.isPropertyDeclaration(parent)) return `${owner(parent.parent) ?? "<class>"}.${parent.name.getText()}`;
  if (ts.isFunctionExpression(node) && node.name !== undefined) return node.name.text;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return parent.left.getText();
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

function tokenAt(file: ts.SourceFile, position: number): ts.Node | undefined {
  const find = (node: ts.Node): ts.Node | undefined =>
    ts.forEachChild(node, (child) => (child.getStart(file) <= position && position < child.getEnd() ? (find(child) ?? child) : undefined));
  return find(file);
}

function lineOfPos(d: Found): number {
  return d.file.getLineAndCharacterOfPosition(d.start).line + 1;
}

/** The error as the rewritten file would have it: where, what, and the rewritten line (not in the file as it is). */
function describe(d: Found): string {
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const source = d.file.text.split("\n")[line]?.trim() ?? "";
  return `the rewrite would add a type error, so it was not made: TS${d.code} ${d.text} (${displayOf(d.file.fileName)}:${line + 1}:${character + 1} as rewritten: ${source})`;
}

function normal(fileName: string): string {
  return fileName.replace(/\\/g, "/");
}
