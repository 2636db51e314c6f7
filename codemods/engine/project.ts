import { existsSync } from "node:fs";
import path from "node:path";
import { Project, ts, type SourceFile } from "ts-morph";
import { shareDeclarations } from "./shared-declarations.ts";
import { sourceFiles } from "./source-files.ts";

/**
 * A ts-morph project over `paths` (files or folders). With a tsconfig (given, or `tsconfig.json` in the working
 * directory) its compiler options are used, so types resolve as in the project; JavaScript is always read.
 * `options` are set over the project's own; a file in `texts` (by absolute path) is read with that text instead.
 */
export function openProject(
  paths: readonly string[],
  tsconfig?: string,
  whole = false,
  options: ts.CompilerOptions = {},
  texts: ReadonlyMap<string, string> = new Map(),
): Project {
  const config = configOf(tsconfig);
  const project =
    config === undefined
      ? new Project({
          compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, ...options },
          skipAddingFilesFromTsConfig: true,
        })
      : new Project({ tsConfigFilePath: config, skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: true, ...options } });
  shareDeclarations(project);
  const targets = sourceFiles(paths);
  // A rewrite that reaches callers needs the rest of the project: the tsconfig's files, when the targets are among them.
  if (whole && config !== undefined) {
    const files = projectFiles(config);
    if (targets.some((t) => files.has(t))) for (const file of files) add(project, file, texts);
  }
  for (const file of targets) add(project, file, texts);
  return project;
}

/** The tsconfig a run reads types with: the one given, else `tsconfig.json` in the working folder if there is one. */
export function configOf(tsconfig: string | undefined): string | undefined {
  return tsconfig ?? (existsSync("tsconfig.json") ? "tsconfig.json" : undefined);
}

function add(project: Project, file: string, texts: ReadonlyMap<string, string>): void {
  const text = texts.get(file);
  if (project.getSourceFile(file) !== undefined) return;
  if (text === undefined) project.addSourceFileAtPath(file);
  else project.createSourceFile(file, text, { overwrite: true });
}

/** The source files a tsconfig takes in (without reading them). */
export function projectFiles(config: string): Set<string> {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.resolve(config), { allowJs: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return new Set((parsed?.fileNames ?? []).filter((f) => !f.endsWith(".d.ts") && !f.includes("/node_modules/")).map((f) => path.resolve(f)));
}

/** The first syntax error of `file` as `file:line:col: message`, or undefined if it parses. */
export function syntaxError(file: SourceFile, display: string): string | undefined {
  const [diagnostic] = file.getProject().getProgram().compilerObject.getSyntacticDiagnostics(file.compilerNode);
  if (diagnostic === undefined) return undefined;
  const { line, character } = file.compilerNode.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  return `${display}:${line + 1}:${character + 1}: ${message}`;
}
