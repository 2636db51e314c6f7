import type { Node } from "ts-morph";
import { displayOf, type Reason } from "./result.ts";

/**
 * A decision not to transform, found by an eligibility check: thrown inside a check (so a check reads top to
 * bottom) and turned into a `refused` result with `file:line:col` and the source line by the engine.
 */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly why: string,
    readonly at: Node,
  ) {
    super(why);
  }

  /** The reason as reported: the why, then where (the file the node is in: a caller may be in another), then the source line. */
  reason(): Reason {
    const source = this.at.getSourceFile();
    const file = displayOf(source.getFilePath());
    const { line, column } = source.getLineAndColumnAtPos(this.at.getStart());
    const text = source.getFullText().split("\n")[line - 1]?.trim() ?? "";
    return { code: this.code, message: `${this.why} (${file}:${line}:${column}: ${text})` };
  }
}

/** Refuse with `code` at `node` unless `condition` holds. */
export function refuseUnless(condition: unknown, code: string, why: string, at: Node): asserts condition {
  if (!condition) throw new Refusal(code, why, at);
}

/**
 * A decision that a function needs nothing from the stage, and why (it is async already, it returns a promise it
 * does not wait on, it is the callback shape an earlier run kept): reported `unchanged` with this reason, so no
 * function that takes a callback or returns a promise is left unchanged without one.
 */
export class Unchanged extends Refusal {}
