/**
 * Which project files a file's verdicts can depend on, for `--cache`: the files it imports, transitively (their
 * exported shapes type its calls), and, where the type gate looks at importers, the files importing it with what
 * they import. Imports are found by their text (`import`/`export ... from`, `import()`, `require()`, triple-slash
 * references) and resolved as the compiler resolves them (the project's `paths`, `baseUrl`, `.js` naming a `.ts`);
 * a false match (an import in a comment) only adds a dependency. Files under `node_modules` are left to the
 * lockfile, which {@link environmentHash} covers.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\/\/\/\s*<reference\s+path\s*=\s*)(["'])([^"'\n]+)\1/g;

/** The content hash of a text. */
export function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The import graph of a set of files and of the project files they reach. */
export class DependencyGraph {
  readonly #imports = new Map<string, string[]>();
  readonly #importers = new Map<string, string[]>();
  readonly #hashes = new Map<string, string>();
  readonly #options: ts.CompilerOptions;

  /** `files`: absolute paths; `config`: the tsconfig whose options resolve imports (if any). */
  constructor(files: readonly string[], config: string | undefined) {
    this.#options = compilerOptions(config);
    const pending = [...files];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (this.#imports.has(file)) continue;
      let text = "";
      try {
        text = readFileSync(file, "utf8");
        this.#hashes.set(file, hashOf(text));
      } catch (error) {
        // Unreadable now: its key says so, and changes once it can be read.
        this.#hashes.set(file, `unreadable ${(error as { code?: string }).code ?? String(error)}`);
      }
      const imported = this.#resolve(file, text);
      this.#imports.set(file, imported);
      for (const dependency of imported) {
        this.#importers.set(dependency, [...(this.#importers.get(dependency) ?? []), file]);
        pending.push(dependency);
      }
    }
  }

  /** The content hash of a file the graph read. */
  hash(file: string): string {
    return this.#hashes.get(file)!;
  }

  /** `file` and every project file it imports, directly or not. */
  closure(file: string): Set<string> {
    const seen = new Set<string>();
    const visit = (f: string): void => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const d of this.#imports.get(f) ?? []) visit(d);
    };
    visit(file);
    return seen;
  }

  /** {@link closure} of `file` and of each file of the graph importing it: what the type gate reads for its rewrites. */
  neighbourhood(file: string): Set<string> {
    const all = this.closure(file);
    for (const importer of this.#importers.get(file) ?? []) for (const f of this.closure(importer)) all.add(f);
    return all;
  }

  #resolve(file: string, text: string): string[] {
    const found = new Set<string>();
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[2]!;
      const resolved = specifier.startsWith(".") && match[0].startsWith("///")
        ? { resolvedFileName: path.resolve(path.dirname(file), specifier), isExternalLibraryImport: false }
        : ts.resolveModuleName(specifier, file, this.#options, ts.sys).resolvedModule;
      if (resolved === undefined || resolved.isExternalLibraryImport === true) continue;
      const target = path.resolve(resolved.resolvedFileName);
      if (target.includes(`${path.sep}node_modules${path.sep}`) || !existsSync(target)) continue;
      found.add(target);
    }
    return [...found].sort();
  }
}

function compilerOptions(config: string | undefined): ts.CompilerOptions {
  const base: ts.CompilerOptions = { allowJs: true, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext };
  if (config === undefined) return base;
  const parsed = ts.getParsedCommandLineOfConfigFile(path.resolve(config), { allowJs: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return parsed?.options ?? base;
}

/** What every verdict of a run depends on besides the files: the tsconfig and the installed packages (lockfiles). */
export function environmentHash(config: string | undefined): string {
  const inputs = [config, "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock"];
  return hashOf(
    inputs.map((f) => (f !== undefined && existsSync(f) ? `${f}\0${hashOf(readFileSync(f, "utf8"))}` : `${f}\0-`)).join("\n"),
  );
}
