/**
 * What `bench:yield` counts, from what the CLI prints with `--json`: a package's functions by style (`scan`), and for
 * one `migrate` stage how many functions it changed, refused (by reason code), and left unchanged with and without a
 * reason, over the functions that take a callback or wait on a promise (style other than `sync`) and over all.
 * Pure: `bench/yield/main.ts` runs the CLI, `test/bench/tally.test.ts` feeds hand-made reports.
 */
import type { Outcome, Reason } from "../../codemods/engine/result.ts";
import type { ScannedFunction } from "../../codemods/engine/scan.ts";

/** One function of `corral scan --json`, as far as the bench reads it. */
export type ScanEntry = Pick<ScannedFunction, "file" | "function" | "line" | "style">;

/** One result of `corral migrate --json`. */
export interface MigrateEntry {
  file: string;
  function: string;
  line: number;
  outcome: Outcome;
  reason?: Reason | null;
}

/** A stage's outcomes over one set of functions. */
export interface Outcomes {
  functions: number;
  changed: number;
  /** Refused functions by reason code. */
  refused: Record<string, number>;
  unchangedWithReason: number;
  unchangedWithoutReason: number;
  /** Files or functions the run could not process (`parse-error`, `internal-error`, ...). */
  errors: number;
}

/** A stage's outcomes over the functions that take a callback or wait on a promise, and over all its functions. */
export interface StageTally {
  /** Functions whose style in the scan before the stage is not `sync`. */
  waiting: Outcomes;
  /** Every function the stage reported, including ones the scan does not list (anonymous functions). */
  all: Outcomes;
}

/** Counts of a package's functions by the style `scan` gives them. */
export type Styles = Record<string, number>;

export function emptyOutcomes(): Outcomes {
  return { functions: 0, changed: 0, refused: {}, unchangedWithReason: 0, unchangedWithoutReason: 0, errors: 0 };
}

/** Functions by style, as `scan` called them. */
export function countStyles(scan: readonly ScanEntry[]): Styles {
  const styles: Styles = {};
  for (const f of scan) styles[f.style] = (styles[f.style] ?? 0) + 1;
  return styles;
}

/** Whether a style is a function's own waiting: a callback, a chain, an await, or a mix. */
export function isWaiting(style: string): boolean {
  return style !== "sync";
}

/**
 * Count a stage's `results` against the `scan` of the same text (run just before the stage): a result is matched to
 * its scanned function by file, line and name, so its style says whether it counts among the waiting ones.
 */
export function tallyStage(scan: readonly ScanEntry[], results: readonly MigrateEntry[]): StageTally {
  const styleOf = new Map(scan.map((f) => [keyOf(f), f.style]));
  const tally: StageTally = { waiting: emptyOutcomes(), all: emptyOutcomes() };
  const waitingKeys = new Set(scan.filter((f) => isWaiting(f.style)).map(keyOf));
  for (const result of results) {
    add(tally.all, result);
    // A function the scan does not list (an anonymous one) counts in `all` only: its style is not known.
    if (isWaiting(styleOf.get(keyOf(result)) ?? "sync")) {
      add(tally.waiting, result);
      waitingKeys.delete(keyOf(result));
    }
  }
  // A waiting function the stage did not report is one it left alone without a word.
  for (const _ of waitingKeys) {
    tally.waiting.functions += 1;
    tally.waiting.unchangedWithoutReason += 1;
  }
  return tally;
}

function keyOf(f: { file: string; line: number; function: string }): string {
  return `${f.file}:${f.line}:${f.function}`;
}

function add(into: Outcomes, result: MigrateEntry): void {
  into.functions += 1;
  if (result.outcome === "changed") into.changed += 1;
  else if (result.outcome === "refused") {
    const code = result.reason?.code ?? "(no code)";
    into.refused[code] = (into.refused[code] ?? 0) + 1;
  } else if (result.outcome === "error") into.errors += 1;
  else if (result.reason) into.unchangedWithReason += 1;
  else into.unchangedWithoutReason += 1;
}

/** The sum of several packages' outcomes. */
export function sumOutcomes(parts: readonly Outcomes[]): Outcomes {
  const sum = emptyOutcomes();
  for (const part of parts) {
    sum.functions += part.functions;
    sum.changed += part.changed;
    sum.unchangedWithReason += part.unchangedWithReason;
    sum.unchangedWithoutReason += part.unchangedWithoutReason;
    sum.errors += part.errors;
    for (const [code, n] of Object.entries(part.refused)) sum.refused[code] = (sum.refused[code] ?? 0) + n;
  }
  return sum;
}

export function sumStyles(parts: readonly Styles[]): Styles {
  const sum: Styles = {};
  for (const part of parts) for (const [style, n] of Object.entries(part)) sum[style] = (sum[style] ?? 0) + n;
  return sum;
}

/** All refusals of a stage, whatever their reason. */
export function refusedCount(outcomes: Outcomes): number {
  return Object.values(outcomes.refused).reduce((a, b) => a + b, 0);
}

/** The share of the waiting functions a stage changed, in percent (0 when there are none). */
export function convertedPercent(outcomes: Outcomes): number {
  return outcomes.functions === 0 ? 0 : (100 * outcomes.changed) / outcomes.functions;
}
