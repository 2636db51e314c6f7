/** A text edit against a file's original text: replace `[start, end)` with `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /** The function whose rewrite made the edit (set by the engine). */
  owner?: object;
  /** Whether prettier formats the edit's text (default true; a one-token replacement is written as it should read). */
  format?: boolean;
}

/**
 * Apply non-overlapping edits once; everything outside them stays byte-identical. Returns the new text and where
 * each edit's text landed in it (for formatting exactly those ranges).
 */
export function applyEdits(text: string, edits: readonly Edit[]): { text: string; ranges: { start: number; end: number }[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let at = 0;
  const ranges: { start: number; end: number }[] = [];
  for (const edit of sorted) {
    if (edit.start < at) throw new Error(`corral bug: overlapping edits at ${edit.start}`);
    out += text.slice(at, edit.start);
    if (edit.format !== false) ranges.push({ start: out.length, end: out.length + edit.text.length });
    out += edit.text;
    at = edit.end;
  }
  return { text: out + text.slice(at), ranges };
}
