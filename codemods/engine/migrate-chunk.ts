/**
 * One thread's share of the file-by-file stage: the files in projects of up to 1.25 MB of source each, each file
 * planned, then formatted with others in batches. See file-stage.ts.
 */
import { statSync } from "node:fs";
import { planToAsync } from "../to-async/plan.ts";
import type { ChunkReport, FileTarget } from "./file-stage.ts";
import { Formatter } from "./format.ts";
import type { FileChange } from "./migrate.ts";
import { migrateFile, refusing, type Planner } from "./migrate-file.ts";
import { openProject, syntaxError } from "./project.ts";
import { displayOf, internalFailure, parseFailure, type FunctionResult } from "./result.ts";

/**
 * Source read by one project, in bytes; the files after get a new project, and the compiler's memory of these
 * (their trees, the nodes the analysis wrapped, the checker) is dropped with the old one. Memory follows the size of
 * the source, not the number of files: the 2,000-file benchmark project (2.5 MB) runs in a 400 MB heap. A new
 * project parses and binds the library declarations again (about 0.2 s); emptying the old one instead cost more, as
 * ts-morph releases wrapped nodes one by one.
 */
const PROJECT_BYTES = 1_250_000;

/** Files whose edits are formatted together, in one prettier call (its fixed cost, paid once for them all). */
const FORMAT_BATCH = 50;

/** Files in this thread (their imports are read as the compiler needs them). */
export async function migrateChunk(chunk: readonly FileTarget[], tsconfig: string | undefined, progress?: (done: number) => void): Promise<ChunkReport> {
  // Each file's results and change, in file order, whenever its formatting finishes.
  const done: { results: FunctionResult[]; change?: FileChange }[] = [];
  const formatted: Promise<void>[] = [];
  const formatter = new Formatter();
  for (const [start, end] of projectParts(chunk)) {
    const part = chunk.slice(start, end);
    const texts = new Map(part.flatMap((f) => (f.text === undefined ? [] : [[f.absolute, f.text] as const])));
    const project = openProject(part.map((f) => f.absolute), tsconfig, false, {}, texts);
    for (const { absolute, selector, refuse, strict } of part) {
      const display = displayOf(absolute);
      const file = project.getSourceFileOrThrow(absolute);
      const error = syntaxError(file, display);
      const mine: (typeof done)[number] = { results: [] };
      done.push(mine);
      if (error !== undefined) mine.results.push(parseFailure(display, error));
      else {
        const before = file.getFullText();
        const after = migrateFile(file, display, selector, refusing(strict === true ? strictly : planToAsync, display, refuse), mine.results, formatter).then(
          (text) => {
            if (text !== before) mine.change = { file: absolute, before, after: text };
          },
          (error: unknown) => void mine.results.push(internalFailure(display, error)),
        );
        formatted.push(after);
      }
      if (formatter.size >= FORMAT_BATCH) await formatter.flush();
      progress?.(done.length);
    }
  }
  await formatter.flush();
  await Promise.all(formatted);
  return { results: done.flatMap((d) => d.results), changes: done.flatMap((d) => (d.change === undefined ? [] : [d.change])) };
}

/** `--to async` under `--strict`: a callback that may be called in the same turn is refused, not converted. */
const strictly: Planner = (fn, inner, imports) => planToAsync(fn, inner, imports, { strict: true });

/** The files each project reads, as `[start, end)`: consecutive files of up to PROJECT_BYTES (one file at least). */
function projectParts(chunk: readonly FileTarget[]): [number, number][] {
  const parts: [number, number][] = [];
  let size = 0;
  for (const [index, { absolute, text }] of chunk.entries()) {
    const bytes = text === undefined ? statSync(absolute).size : Buffer.byteLength(text);
    if (index === 0 || size + bytes > PROJECT_BYTES) {
      parts.push([index, index]);
      size = 0;
    }
    size += bytes;
    parts[parts.length - 1]![1] = index + 1;
  }
  return parts;
}
