/**
 * What the type gate compares (type-gate.ts): the project's options for the comparison (JavaScript checked with the
 * checker's inference, corral's types where it is not installed) and each file's diagnostics that count.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ts, type Project } from "ts-morph";

export interface Found {
  file: ts.SourceFile;
  start: number;
  code: number;
  text: string;
}

/** An import or require of corral or one of its entry points. */
export const IMPORTS_CORRAL = /(\bfrom|\brequire\()\s*["']corral(\/[\w-]+)?["']/;

/** Whether `corral` resolves from `file` with the project's own options. */
export function resolvesCorral(project: Project, file: string): boolean {
  const host = project.getModuleResolutionHost();
  return ts.resolveModuleName("corral", file, project.compilerOptions.get(), host).resolvedModule !== undefined;
}

/**
 * Resolve `corral` and its entry points to the declarations of the corral running now, for a project that has not
 * installed it yet: without them its names would be `any`, and a thunk's `(cx) => ...` an implicit any.
 */
export function useOwnTypes(project: Project): void {
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
export type JavaScriptCheck = "as-built" | "runtime";

/**
 * Set the project's options for the comparison, and say how its JavaScript is compared. A project of JavaScript
 * alone, not checked by its own config, is checked without the strict family: nothing it reports is compared
 * there, and it costs ten times the rest (the checker infers every implicit any).
 */
export function comparisonOptions(project: Project): JavaScriptCheck {
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
export function diagnosticsOf(program: ts.Program, name: string, javascript: JavaScriptCheck): Found[] {
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

export function tokenAt(file: ts.SourceFile, position: number): ts.Node | undefined {
  const find = (node: ts.Node): ts.Node | undefined =>
    ts.forEachChild(node, (child) => (child.getStart(file) <= position && position < child.getEnd() ? (find(child) ?? child) : undefined));
  return find(file);
}

export function lineOfPos(d: Found): number {
  return d.file.getLineAndCharacterOfPosition(d.start).line + 1;
}

export function normal(fileName: string): string {
  return fileName.replace(/\\/g, "/");
}
