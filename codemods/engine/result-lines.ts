/**
 * A function's result as the lines of a report: what `corral migrate` prints, and what its jscodeshift transforms
 * say through jscodeshift's `report`, so the two read alike.
 */
import type { FunctionResult } from "./result.ts";

/**
 * `refused: name (file:line): [code] message` for a function refused or failed; a file that failed whole (it does
 * not parse) is named alone. Undefined for a function changed or left unchanged.
 */
export function outcomeLine(result: FunctionResult): string | undefined {
  if (result.outcome !== "refused" && result.outcome !== "error") return undefined;
  const what = result.function === "" ? result.file : `${result.function} (${result.file}:${result.line})`;
  return `${result.outcome}: ${what}: [${result.reason!.code}] ${result.reason!.message}`;
}

/** `note: name (file:line): note`, one for each thing the function's rewrite changes in behaviour. */
export function noteLines(result: FunctionResult): string[] {
  return result.notes.map((note) => `note: ${result.function} (${result.file}:${result.line}): ${note}`);
}
