/** What a codemod run reports, one entry per function it looked at: values, never flags or thrown strings. */

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
