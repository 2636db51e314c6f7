/**
 * `--cache`: the verdicts of earlier runs, one JSON file per command under the cache folder (by default
 * `node_modules/.cache/corral`, where ESLint and prettier keep theirs). An entry is found by a key that hashes
 * everything its verdicts depend on (see cache-keys.ts), so an entry is either right or never read: nothing is
 * invalidated by hand. Each run keeps only the entries it used or made, so the file follows the tree's size.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Where `--cache` keeps its files when `--cache-location` does not say. */
export const DEFAULT_CACHE_LOCATION = path.join("node_modules", ".cache", "corral");

/** `--cache` as the engine takes it: the folder, and the name of this command's file in it. */
export interface CacheOptions {
  location: string;
  /** The file's name: one per command and stage (`scan`, `migrate-async`). */
  name: string;
  /** corral's version: a new corral decides everything again. */
  version: string;
}

/** What a run did with its cache, for the report: the file it wrote, and how many files it reused or decided. */
export interface CacheStats {
  file: string;
  reused: number;
  decided: number;
}

/** The entries of one cache file, read once; {@link VerdictCache.save} writes the used and new ones back. */
export class VerdictCache<T> {
  readonly file: string;
  readonly #old: Record<string, T>;
  readonly #kept: Record<string, T> = {};

  constructor(options: CacheOptions) {
    this.file = path.join(options.location, `${options.name}.json`);
    this.#old = read(this.file);
  }

  /** The entry under `key`, if an earlier run made one (it is then kept). */
  get(key: string): T | undefined {
    const found = Object.hasOwn(this.#old, key) ? this.#old[key] : undefined;
    if (found !== undefined) this.#kept[key] = found;
    return found;
  }

  set(key: string, value: T): void {
    this.#kept[key] = value;
  }

  /** Write the cache file (atomically: a temporary file renamed over it); `files` says how many the run reused and decided. */
  save(files: Omit<CacheStats, "file">): CacheStats {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#kept));
    renameSync(temporary, this.file);
    return { file: path.relative(process.cwd(), this.file) || this.file, ...files };
  }
}

/** A cache file's entries; none when it is missing or unreadable (a cache is never worth failing a run for). */
function read<T>(file: string): Record<string, T> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, T>) : {};
  } catch {
    return {};
  }
}
