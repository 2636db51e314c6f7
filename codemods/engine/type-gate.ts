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
import { Project, ts } from "ts-morph";
import { comparisonOptions, diagnosticsOf, IMPORTS_CORRAL, lineOfPos, normal, resolvesCorral, useOwnTypes, type Found } from "./gate-diagnostics.ts";
import { FileBefore, ownersOf } from "./gate-owners.ts";
import type { FileChange } from "./migrate.ts";
import { displayOf, functionKey, type FunctionResult, type Reason } from "./result.ts";

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
      const owners = ownersOf(diagnostic, project, changed);
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

/** The error as the rewritten file would have it: where, what, and the rewritten line (not in the file as it is). */
function describe(d: Found): string {
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const source = d.file.text.split("\n")[line]?.trim() ?? "";
  return `the rewrite would add a type error, so it was not made: TS${d.code} ${d.text} (${displayOf(d.file.fileName)}:${line + 1}:${character + 1} as rewritten: ${source})`;
}
