/**
 * One thread's share of the file-by-file stage: the files in one project (emptied every 400 files), each planned,
 * then formatted with others in batches. See file-stage.ts.
 */
import type { Project } from "ts-morph";
import { planToAsync } from "../to-async/plan.ts";
import type { ChunkReport, FileTarget } from "./file-stage.ts";
import { Formatter } from "./format.ts";
import type { FileChange } from "./migrate.ts";
import { migrateFile } from "./migrate-file.ts";
import { openProject, refill, syntaxError } from "./project.ts";
import { displayOf, internalFailure, parseFailure, type FunctionResult } from "./result.ts";

/** Files read by the project at once; then it is emptied for the next ones (the compiler's memory of them is dropped). */
const PROJECT_FILES = 400;

/** Files whose edits are formatted together, in one prettier call (its fixed cost, paid once for them all). */
const FORMAT_BATCH = 50;

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
