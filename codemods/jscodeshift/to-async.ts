/**
 * corral's `--to async` as a jscodeshift transform (`transforms/to-async.cjs` loads it), for teams that already run
 * their codemods through jscodeshift. It is `corral migrate <file> --to async`, not a copy of it: the engine runs on
 * `file.path` with jscodeshift's `file.source` as the file's text, so the project around the file (its tsconfig, the
 * files it imports, the type gate) is read from disk as the CLI reads it. The transform returns the new text and
 * writes nothing: jscodeshift writes it, or does not under `--dry`. Refusals and notes go through `api.report`.
 *
 * What differs from one `corral migrate src --to async` run: jscodeshift hands the transform one file at a time and
 * writes each as it is done, so a file is decided against its imports as they are on disk at that moment (some of
 * them perhaps rewritten by this run already): what `corral migrate <that file> --to async` would give then.
 */
import { UsageError } from "../../runtime/errors.ts";
import { EngineThread } from "./engine-thread.ts";
import { readTransformOptions, type TransformOptions } from "./transform-options.ts";

/** The file jscodeshift hands a transform: its path as jscodeshift found it, and its text. */
export interface TransformFile {
  path: string;
  source: string;
}

/**
 * The part of jscodeshift's API the transforms use: `report` prints a line under the file's name. jscodeshift's
 * test helper (`applyTransform`) gives no `report`: the lines go to stderr then.
 */
export interface TransformApi {
  report?: (message: string) => void;
}

const engine = new EngineThread(new URL("./engine-thread-main.js", import.meta.url));

/**
 * Rewrite the file's callbacks and Promise chains to async/await, as `corral migrate <file> --to async` does, and say
 * its notes, refusals and errors through `api.report`.
 *
 * @returns the file's new text; `file.source` itself when nothing changes (a file whose functions were all refused).
 * @throws UsageError without the file's path, or when an option has a value corral cannot read; Error when corral
 * could not process the file (it does not parse): jscodeshift counts the file as an error and leaves it untouched.
 * @example
 * ```sh
 * npx jscodeshift -t node_modules/corral/transforms/to-async.cjs src/
 * ```
 */
export async function toAsync(file: TransformFile, api: TransformApi, options: TransformOptions): Promise<string> {
  if (typeof file.path !== "string" || typeof file.source !== "string") {
    throw new UsageError("corral's transform needs the file's path and text ({ path, source }): it reads the project around the file from disk");
  }
  const answer = await engine.ask({ path: file.path, source: file.source, ...readTransformOptions(options) });
  const report = api.report ?? ((line: string) => void process.stderr.write(`${file.path}: ${line}\n`));
  for (const line of answer.reports) report(line);
  if (answer.failure !== undefined) throw new Error(answer.failure);
  return answer.text;
}
