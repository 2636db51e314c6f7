/** The options of corral's jscodeshift transforms, read from what jscodeshift's command line passes along. */
import { UsageError } from "../../runtime/errors.ts";
import type { SourceRequest } from "./migrate-source.ts";

/**
 * jscodeshift's options: its own, and the ones its command line does not know, passed along. corral reads `project`
 * (`--project=tsconfig.json`, as `corral migrate --project`) and `strict` (`--strict=true`, as `corral migrate --strict`).
 */
export type TransformOptions = Readonly<Record<string, unknown>>;

/**
 * `project` and `strict` from jscodeshift's options, as the engine takes them.
 *
 * @throws UsageError when one has a value corral cannot read; the message says how to write it.
 */
export function readTransformOptions(options: TransformOptions): Pick<SourceRequest, "tsconfig" | "strict"> {
  const { project, strict } = options;
  if (project !== undefined && typeof project !== "string") {
    throw new UsageError(`--project was given ${JSON.stringify(project)}; expected the path of a tsconfig.json: --project=tsconfig.json`);
  }
  if (strict !== undefined && typeof strict !== "boolean") {
    // jscodeshift reads `--strict src/` as strict = "src/": an option it does not know takes the argument after it.
    throw new UsageError(`--strict was given ${JSON.stringify(strict)}; write --strict=true (jscodeshift gives an option it does not know the argument after it)`);
  }
  return { ...(project === undefined ? {} : { tsconfig: project }), ...(strict === true ? { strict } : {}) };
}
