import { closeSync, existsSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { Project, ts, type SourceFile } from "ts-morph";

/** The file kinds the codemods read. */
export const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", "build", "coverage"]);

/**
 * A ts-morph project over `paths` (files or folders). With a tsconfig (given, or `tsconfig.json` in the working
 * directory) its compiler options are used, so types resolve as in the project; JavaScript is always read.
 */
export function openProject(paths: readonly string[], tsconfig?: string, whole = false): Project {
  const config = tsconfig ?? (existsSync("tsconfig.json") ? "tsconfig.json" : undefined);
  const project =
    config === undefined
      ? new Project({
          compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true },
          skipAddingFilesFromTsConfig: true,
        })
      : new Project({ tsConfigFilePath: config, skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: true } });
  const targets = sourceFiles(paths);
  // A rewrite that reaches callers needs the rest of the project: the tsconfig's files, when the targets are among them.
  if (whole && config !== undefined) {
    const files = projectFiles(config);
    if (targets.some((t) => files.has(t))) for (const file of files) project.addSourceFileAtPath(file);
  }
  for (const file of targets) project.addSourceFileAtPath(file);
  return project;
}

/**
 * `project` emptied of the files it read and given `paths` instead: the library declarations (TypeScript's lib
 * files, types under node_modules) stay parsed and bound, so the next share of a large tree costs its own files
 * only (a fresh project would parse and bind the libraries again: about half a second each time).
 */
export function refill(project: Project, paths: readonly string[]): void {
  for (const file of project.getProgram().compilerObject.getSourceFiles()) {
    if (file.fileName.includes("/node_modules/")) continue;
    const wrapped = project.getSourceFile(file.fileName);
    if (wrapped !== undefined) project.removeSourceFile(wrapped);
  }
  for (const file of paths) project.addSourceFileAtPath(file);
}

/** The source files a tsconfig takes in (without reading them). */
function projectFiles(config: string): Set<string> {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.resolve(config), { allowJs: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return new Set((parsed?.fileNames ?? []).filter((f) => !f.endsWith(".d.ts") && !f.includes("/node_modules/")).map((f) => path.resolve(f)));
}

/** Source files larger than this are skipped (a bundle or generated code, not code to migrate by hand). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A file or folder the codemods did not read, and why. */
export interface Skipped {
  file: string;
  reason: string;
}

/**
 * Every source file under `paths`, in a stable order. Folders reached twice through symbolic links (a loop), files
 * over {@link MAX_FILE_BYTES}, binary files and unreadable entries are left out, and listed in `skipped` if given.
 */
export function sourceFiles(paths: readonly string[], skipped: Skipped[] = []): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const skip = (entry: string, reason: string): void => void skipped.push({ file: path.relative(process.cwd(), entry) || entry, reason });
  const visit = (entry: string): void => {
    let stat;
    try {
      stat = statSync(entry);
    } catch (error) {
      const code = (error as { code?: string }).code;
      return skip(entry, code === "ELOOP" ? "a symbolic link loop" : `unreadable (${code ?? String(error)})`);
    }
    if (stat.isDirectory()) {
      const real = realpathSync(entry);
      if (seen.has(real)) return skip(entry, `a folder already read (${path.relative(process.cwd(), real) || real}), reached again through a symbolic link`);
      seen.add(real);
      let names: string[];
      try {
        names = readdirSync(entry).sort();
      } catch (error) {
        return skip(entry, `unreadable (${(error as { code?: string }).code ?? String(error)})`);
      }
      for (const name of names) if (!SKIPPED_DIRS.has(name) && !name.startsWith(".")) visit(path.join(entry, name));
    } else if (EXTENSIONS.some((ext) => entry.endsWith(ext)) && !entry.endsWith(".d.ts")) {
      if (stat.size > MAX_FILE_BYTES) return skip(entry, `over the size limit (${(stat.size / 1024 / 1024).toFixed(1)} MiB > 1 MiB): generated or bundled code is left alone`);
      if (isBinary(entry)) return skip(entry, "a binary file, not source text");
      found.push(path.resolve(entry));
    }
  };
  for (const entry of paths) visit(entry);
  return found;
}

/** A NUL byte in the first 8 KiB: not text (what git and grep decide by too). */
function isBinary(file: string): boolean {
  const buffer = Buffer.alloc(8192);
  const fd = openSync(file, "r");
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).includes(0);
  } finally {
    closeSync(fd);
  }
}

/** The first syntax error of `file` as `file:line:col: message`, or undefined if it parses. */
export function syntaxError(file: SourceFile, display: string): string | undefined {
  const [diagnostic] = file.getProject().getProgram().compilerObject.getSyntacticDiagnostics(file.compilerNode);
  if (diagnostic === undefined) return undefined;
  const { line, character } = file.compilerNode.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  return `${display}:${line + 1}:${character + 1}: ${message}`;
}
