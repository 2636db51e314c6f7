import { diffLines } from "diff";

/** Where a line of a rewritten text came from in the original (1-based lines). */
export interface LineMap {
  /** The original line, when this line was left as it was; undefined for a line the rewrite wrote. */
  beforeLine(afterLine: number): number | undefined;
  /**
   * The original lines this line stands for: itself when kept; for a written line, the lines its stretch of
   * rewrite replaced (or, where it only inserted, the line it was inserted after).
   */
  beforeRange(afterLine: number): readonly [number, number];
}

export function lineMap(before: string, after: string): LineMap {
  // For each line of `after`: the original line it kept (positive), or the original range its stretch replaced.
  const kept: (number | undefined)[] = [undefined];
  const ranges: (readonly [number, number])[] = [[0, 0]];
  let old = 1;
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const count = part.count ?? 0;
    if (part.removed) {
      old += count;
      continue;
    }
    if (!part.added) {
      for (let k = 0; k < count; k++) {
        kept.push(old + k);
        ranges.push([old + k, old + k]);
      }
      old += count;
      continue;
    }
    // An added stretch replaces the removed one just before it, if any.
    const previous = parts[i - 1];
    const removed = previous?.removed === true ? (previous.count ?? 0) : 0;
    const range: readonly [number, number] = removed > 0 ? [old - removed, old - 1] : [Math.max(old - 1, 0), Math.max(old - 1, 0)];
    for (let k = 0; k < count; k++) {
      kept.push(undefined);
      ranges.push(range);
    }
  }
  return {
    beforeLine: (line) => kept[line],
    beforeRange: (line) => ranges[line] ?? [old, old],
  };
}
