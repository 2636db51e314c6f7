/**
 * The stages decided file by file (`--to async`) at scale: spread over worker threads for a large tree, each with a
 * contiguous share of the files. A file's result depends only on the file and what it imports, so any split gives
 * the same report, in the same order. Nodes wrapped while a file is analysed are released once it is done, and the
 * project is emptied every 400 files (keeping only the parsed library declarations), so memory is bounded by that,
 * not by the tree (2,000 files run in a 400 MB heap).
 */
import os from "node:os";
import type { Project } from "ts-morph";
import { planToAsync } from "../to-async/plan.ts";
import { Formatter } from "./format.ts";
import { migrateFile } from "./migrate-file.ts";
import { openProject, refill, syntaxError } from "./project.ts";
import type { FileChange } from "./migrate.ts";
import { displayOf, internalFailure, parseFailure, type FunctionResult } from "./result.ts";
import { onWorker } from "./worker.ts";

/** A file to migrate and the function selector it came with. */
export interface FileTarget {
  absolute: string;
  selector?: string | number;
}

export interface ChunkReport {
  results: FunctionResult[];
  changes: FileChange[];
}

/** Files read by the project at once; then it is emptied for the next ones (the compiler's memory of them is dropped). */
const PROJECT_FILES = 400;

/** Files whose edits are formatted together, in one prettier call (its fixed cost, paid once for them all). */
const FORMAT_BATCH = 50;

/** Below this many files a run stays in one thread (a worker's start-up and its own project cost more). */
export const PARALLEL_FROM = 200;

/** How many worker threads a run of `files` files uses by default: one per core for a large tree, else none. */
function defaultJobs(files: number): number {
  return files < PARALLEL_FROM ? 1 : Math.max(1, os.availableParallelism());
}

/**
 * Migrate the files with `--to async`; `onProgress` hears how many files are done. With `jobs` > 1, each worker
 * takes a contiguous share and reads it in one project of its own (a file's imports are read once per worker).
 */
export async function migrateFiles(
  files: readonly FileTarget[],
  options: {
    tsconfig?: string | undefined;
    jobs?: number | undefined;
    onProgress?: ((done: number, total: number) => void) | undefined;
    verdictsOnly?: boolean;
    /** Put even a single share on a worker thread: this thread has other work meanwhile (`scan`). */
    offThread?: boolean;
  },
): Promise<ChunkReport> {
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(files.length), files.length));
  const size = Math.ceil(files.length / jobs);
  const shares: FileTarget[][] = [];
  for (let i = 0; i < files.length; i += size) shares.push(files.slice(i, i + size));
  const done = new Array<number>(shares.length).fill(0);
  const progress = (share: number, count: number): void => {
    done[share] = count;
    options.onProgress?.(done.reduce((a, b) => a + b, 0), files.length);
  };
  const reports =
    shares.length <= 1 && options.offThread !== true
      ? [await migrateChunk(files, options.tsconfig, (count) => progress(0, count), options.verdictsOnly)]
      : await Promise.all(
          shares.map((share, index) =>
            onWorker<ChunkReport>(
              new URL("./file-stage-worker.js", import.meta.url),
              { share, tsconfig: options.tsconfig, verdictsOnly: options.verdictsOnly === true },
              (count) => progress(index, count),
            ),
          ),
        );
  return { results: reports.flatMap((r) => r.results), changes: reports.flatMap((r) => r.changes) };
}

/** Files in this thread, in one project (their imports are read as the compiler needs them). */
export async function migrateChunk(
  chunk: readonly FileTarget[],
  tsconfig: string | undefined,
  progress?: (done: number) => void,
  verdictsOnly = false,
): Promise<ChunkReport> {
  // Each file's results and change, in file order, whenever its formatting finishes.
  const done: { results: FunctionResult[]; change?: FileChange }[] = [];
  const formatted: Promise<void>[] = [];
  const formatter = verdictsOnly ? undefined : new Formatter();
  let project: Project | undefined;
  for (const [index, { absolute, selector }] of chunk.entries()) {
    // The project is emptied every PROJECT_FILES files: memory stays bounded by that many files and what they import.
    if (index % PROJECT_FILES === 0) {
      const next = chunk.slice(index, index + PROJECT_FILES).map((f) => f.absolute);
      if (project === undefined) project = openProject(next, tsconfig);
      else refill(project, next);
    }
    const display = displayOf(absolute);
    const file = project!.getSourceFileOrThrow(absolute);
    const error = syntaxError(file, display);
    const mine: (typeof done)[number] = { results: [] };
    done.push(mine);
    if (error !== undefined) mine.results.push(parseFailure(display, error));
    else {
      const before = file.getFullText();
      const after = migrateFile(file, display, selector, planToAsync, mine.results, formatter).then(
        (text) => {
          if (text !== before && !verdictsOnly) mine.change = { file: absolute, before, after: text };
        },
        (error: unknown) => void mine.results.push(internalFailure(display, error)),
      );
      formatted.push(after);
    }
    if (formatter !== undefined && formatter.size >= FORMAT_BATCH) await formatter.flush();
    progress?.(index + 1);
  }
  await formatter?.flush();
  await Promise.all(formatted);
  return { results: done.flatMap((d) => d.results), changes: done.flatMap((d) => (d.change === undefined ? [] : [d.change])) };
}
