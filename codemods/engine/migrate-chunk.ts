/**
 * One thread's share of the file-by-file stage: the files in projects of 400 files each, each file planned, then
 * formatted with others in batches. See file-stage.ts.
 */
import type { Project } from "ts-morph";
import { planToAsync } from "../to-async/plan.ts";
import type { ChunkReport, FileTarget } from "./file-stage.ts";
import { Formatter } from "./format.ts";
import type { FileChange } from "./migrate.ts";
import { migrateFile } from "./migrate-file.ts";
import { openProject, syntaxError } from "./project.ts";
import { displayOf, internalFailure, parseFailure, type FunctionResult } from "./result.ts";

/**
 * Files read by one project; the next ones get a new project, and the compiler's memory of these (their trees, the
 * nodes the analysis wrapped, the checker) is dropped with the old one. A new project parses and binds the library
 * declarations again (about 0.2 s); emptying the old one instead cost more, as ts-morph releases wrapped nodes one by one.
 */
const PROJECT_FILES = 400;

/** Files whose edits are formatted together, in one prettier call (its fixed cost, paid once for them all). */
const FORMAT_BATCH = 50;

/** Files in this thread (their imports are read as the compiler needs them). */
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
    // A new project every PROJECT_FILES files: memory stays bounded by that many files and what they import.
    if (index % PROJECT_FILES === 0) project = openProject(chunk.slice(index, index + PROJECT_FILES).map((f) => f.absolute), tsconfig);
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
