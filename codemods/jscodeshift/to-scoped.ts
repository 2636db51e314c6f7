/**
 * `transforms/to-scoped.cjs`: there is no `--to scoped` jscodeshift transform, and this says why, as a clear error
 * for each file jscodeshift hands it. `--to scoped` is not decided file by file: a function becomes scoped only if
 * its callers, in any file, can be written against it (natively with `cx`, or bridged), and refusals settle in a
 * fixpoint over the whole run before any call site is written. A jscodeshift transform sees one file, may write only
 * that file, and runs while other workers rewrite other files, so it could neither reach the callers nor decide
 * the same way twice.
 */
import { UsageError } from "../../runtime/errors.ts";
import type { TransformApi, TransformFile } from "./to-async.ts";
import type { TransformOptions } from "./transform-options.ts";

/** What to run instead, in the error each file gets. */
export const TO_SCOPED_MESSAGE =
  "corral's --to scoped is decided across the project (a function's callers in every file are rewritten with it, " +
  "and refusals settle over the whole run), which a jscodeshift transform, given one file at a time, cannot do; " +
  "run `npx corral migrate <paths> --to scoped` instead (a dry run with a diff; add --write to apply). " +
  "The file-by-file stage is a jscodeshift transform: transforms/to-async.cjs";

/**
 * Refuses every file with {@link TO_SCOPED_MESSAGE}: jscodeshift counts each as an error and leaves it untouched.
 *
 * @throws UsageError always.
 */
export function toScoped(_file: TransformFile, _api: TransformApi, _options: TransformOptions): never {
  throw new UsageError(TO_SCOPED_MESSAGE);
}
