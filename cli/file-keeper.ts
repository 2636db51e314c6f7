import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FileChange } from "../codemods/engine/migrate.ts";

/**
 * Files written for a trial, each remembered as it was before its first write, so they can be put back: between
 * trials, and at once if the process is interrupted or fails. Writes are atomic (a temporary file renamed over).
 */
export class FileKeeper {
  /** Each written file's text before corral first wrote it. */
  readonly #original = new Map<string, string>();

  /** Make the files read as `changes` say, and every other file written before read as it was. */
  write(changes: readonly FileChange[]): void {
    const wanted = new Map(changes.map((c) => [c.file, c.after]));
    for (const change of changes) if (!this.#original.has(change.file)) this.#original.set(change.file, change.before);
    for (const [file, original] of this.#original) writeIfDifferent(file, wanted.get(file) ?? original);
  }

  /** Put every file written back as it was. Safe to call at any time, again and again. */
  restore(): void {
    for (const [file, original] of this.#original) writeIfDifferent(file, original);
  }

  /** Forget the originals: what is written now stays, whatever happens next. */
  keep(): void {
    this.#original.clear();
  }
}

/** Write `text` over `file` atomically, unless it reads so already. */
export function writeIfDifferent(file: string, text: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) return;
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.corral-${process.pid}`);
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
