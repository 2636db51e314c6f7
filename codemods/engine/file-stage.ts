/**
 * The stages decided file by file (`--to async`) at scale: spread over worker threads for a large tree, each with a
 * contiguous share of the files. A file's result depends only on the file and what it imports, so any split gives
 * the same report, in the same order. Each 1.25 MB of source of a share gets a project of its own, dropped when
 * it is done, so memory is bounded by that, not by the tree (see migrate-chunk.ts).
 */
import os from "node:os";
import type { FileChange } from "./migrate.ts";
import type { FunctionResult, Reason } from "./result.ts";
import { onWorker } from "./worker.ts";

/** A file to migrate and the function selector it came with. */
export interface FileTarget {
  absolute: string;
  selector?: string | number;
  /** Functions to refuse whatever the stage would do, by {@link functionKey} (the type gate's verdicts). */
  refuse?: Record<string, Reason>;
  /** Refuse callbacks that may be called in the same turn instead of converting them (`MigrateOptions.strict`). */
  strict?: boolean;
  /** The file's text, when it is not to be read from disk (`MigrateOptions.sources`). */
  text?: string;
}

export interface ChunkReport {
  results: FunctionResult[];
  changes: FileChange[];
}

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
    shares.length <= 1
      ? // The compiler is loaded in this thread only when the work is done here.
        [await (await import("./migrate-chunk.ts")).migrateChunk(files, options.tsconfig, (count) => progress(0, count))]
      : await Promise.all(
          shares.map((share, index) =>
            onWorker<ChunkReport>(
              new URL("./file-stage-worker.js", import.meta.url),
              { share, tsconfig: options.tsconfig },
              (count) => progress(index, count),
            ),
          ),
        );
  return { results: reports.flatMap((r) => r.results), changes: reports.flatMap((r) => r.changes) };
}
