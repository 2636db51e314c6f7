/** What a codemod run reports, one entry per function it looked at: values, never flags or thrown strings. */
import path from "node:path";


export type Outcome = "changed" | "unchanged" | "refused" | "error";

/** Why a function was refused or could not be processed: a stable code, and a message that says where and why. */
export interface Reason {
  code: string;
  message: string;
}

export interface FunctionResult {
  /** The file, relative to the working directory. */
  file: string;
  /** `name`, `Class.method`, or `<anonymous>` with the line. */
  function: string;
  line: number;
  outcome: Outcome;
  reason?: Reason;
  /** What the rewrite changes in behaviour, one sentence each. */
  notes: string[];
}

/** The stable name of a function across runs over the same text: its file, line and name as reported. */
export function functionKey(result: Pick<FunctionResult, "file" | "line" | "function">): string {
  return `${result.file}:${result.line}:${result.function}`;
}

/** A file as reports name it: relative to the working directory. */
export function displayOf(absolute: string): string {
  return path.relative(process.cwd(), absolute) || absolute;
}

export function parseFailure(display: string, error: string): FunctionResult {
  return { file: display, function: "", line: 0, outcome: "error", reason: { code: "parse-error", message: `${error}; the file was left untouched` }, notes: [] };
}

/** A bug of ours (the rewrite did not format, say) costs this file, never the run or the file's contents. */
export function internalFailure(display: string, error: unknown): FunctionResult {
  const message = `${display}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}; the file was left untouched`;
  return { file: display, function: "", line: 0, outcome: "error", reason: { code: "internal-error", message }, notes: [] };
}

export function noSuchFunction(display: string, selector: string | number): FunctionResult {
  const message = `${display}:${selector}: no function ${typeof selector === "number" ? "contains line" : "is named"} ${selector}`;
  return { file: display, function: String(selector), line: 0, outcome: "error", reason: { code: "no-such-function", message }, notes: [] };
}
