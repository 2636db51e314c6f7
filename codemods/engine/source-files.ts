import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

/** The file kinds the codemods read. */
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

const SKIPPED_DIRS = new Set(["node_modules", ".git", "dist", "build", "coverage"]);

/** Source files larger than this are skipped (a bundle or generated code, not code to migrate by hand). */
const MAX_FILE_BYTES = 1024 * 1024;

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
      for (const name of names) if (!skipsFolder(name)) visit(path.join(entry, name));
    } else if (EXTENSIONS.some((ext) => entry.endsWith(ext)) && !entry.endsWith(".d.ts")) {
      if (stat.size > MAX_FILE_BYTES) return skip(entry, `over the size limit (${(stat.size / 1024 / 1024).toFixed(1)} MiB > 1 MiB): generated or bundled code is left alone`);
      if (isBinary(entry)) return skip(entry, "a binary file, not source text");
      found.push(path.resolve(entry));
    }
  };
  for (const entry of paths) visit(entry);
  return found;
}

/** Dependencies, build output and hidden folders: a walk of a folder does not enter them. */
function skipsFolder(name: string): boolean {
  return SKIPPED_DIRS.has(name) || (name.startsWith(".") && name !== "." && name !== "..");
}

/**
 * The folder of `file` (its path from the working directory) that {@link sourceFiles} would not have walked into,
 * or undefined: for a tool that walks the tree its own way (jscodeshift walks into `node_modules`) and hands corral
 * each file it found.
 */
export function skippedFolderOf(file: string): string | undefined {
  const folders = path.relative(process.cwd(), path.resolve(file)).split(path.sep).slice(0, -1);
  return folders.find(skipsFolder);
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
