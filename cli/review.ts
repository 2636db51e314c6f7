/**
 * What `corral review` shows: the pending changes of a stage (a dry run), function by function, each with its notes
 * and its hunks old and new side by side, so a reviewer can take them one at a time.
 */
import { structuredPatch } from "diff";
import { Project, ts } from "ts-morph";
import type { MigrateReport } from "../codemods/engine/migrate.ts";
import { functionsOf, lineOf, nameOf } from "../codemods/engine/functions.ts";
import type { FunctionResult } from "../codemods/engine/result.ts";
import { displayOf } from "../codemods/engine/result.ts";

/** A row of a side-by-side hunk: the same line on both sides, or an old line against a new one (either may be absent). */
export interface Row {
  old?: string;
  new?: string;
  same: boolean;
}

/** One hunk, as rows side by side. */
export interface Hunk {
  oldStart: number;
  newStart: number;
  rows: Row[];
}

/** A function with pending changes (or `<file>` for a file's hunks outside any function: imports, call sites). */
export interface ReviewItem {
  file: string;
  function: string;
  line: number;
  notes: string[];
  hunks: Hunk[];
}

export function reviewItems(report: MigrateReport): ReviewItem[] {
  const items: ReviewItem[] = [];
  const scratch = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022 } });
  for (const change of report.changes) {
    const display = displayOf(change.file);
    // No context: each hunk is one change, placed in the function it changes; the rows show context enough.
    const patch = structuredPatch(display, display, change.before, change.after, "", "", { context: 0 });
    // Which function each hunk falls in, by the original's line ranges (innermost reported function first).
    const source = scratch.createSourceFile(`/review${items.length}${change.file.replace(/^.*(\.[cm]?[jt]sx?)$/, "$1")}`, change.before, { overwrite: true });
    const reported = report.results.filter((r) => r.file === display && r.outcome === "changed");
    const ranges = functionsOf(source)
      .map((fn) => ({ fn, result: reported.find((r) => r.function === nameOf(fn) && r.line === lineOf(fn)), start: fn.getStartLineNumber(), end: fn.getEndLineNumber() }))
      .filter((r): r is { fn: (typeof r)["fn"]; result: FunctionResult; start: number; end: number } => r.result !== undefined)
      .sort((a, b) => b.start - a.start); // innermost (latest start) first
    const byFunction = new Map<FunctionResult | undefined, Hunk[]>();
    for (const hunk of patch.hunks) {
      const line = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart; // an insertion comes after oldStart
      const owner = ranges.find((r) => r.start <= line && line <= r.end)?.result;
      byFunction.set(owner, [...(byFunction.get(owner) ?? []), { oldStart: hunk.oldStart, newStart: hunk.newStart, rows: rowsOf(hunk.lines) }]);
    }
    for (const result of reported) {
      items.push({ file: display, function: result.function, line: result.line, notes: result.notes, hunks: byFunction.get(result) ?? [] });
    }
    const rest = byFunction.get(undefined);
    if (rest !== undefined) items.push({ file: display, function: "<file>", line: 0, notes: ["imports, and call sites outside the functions above"], hunks: rest });
  }
  return items;
}

/** A unified hunk's lines as rows: context on both sides, each run of removals set against the additions after it. */
function rowsOf(lines: readonly string[]): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!lines[i]!.startsWith("-") && !lines[i]!.startsWith("+")) {
      const text = lines[i++]!.slice(1);
      rows.push({ old: text, new: text, same: true });
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (i < lines.length && lines[i]!.startsWith("-")) removed.push(lines[i++]!.slice(1));
    while (i < lines.length && lines[i]!.startsWith("+")) added.push(lines[i++]!.slice(1));
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      rows.push({ ...(k < removed.length ? { old: removed[k]! } : {}), ...(k < added.length ? { new: added[k]! } : {}), same: false });
    }
  }
  return rows;
}

/** The items as text: old on the left, new on the right, `width` columns in all. */
export function reviewText(items: readonly ReviewItem[], width: number): string {
  const half = Math.max(30, Math.floor((width - 3) / 2));
  const cell = (text: string | undefined): string => {
    const flat = (text ?? "").replace(/\t/g, "  ");
    return flat.length > half ? `${flat.slice(0, half - 1)}…` : flat.padEnd(half);
  };
  const out: string[] = [];
  for (const item of items) {
    out.push(`== ${item.function} (${item.file}${item.line > 0 ? `:${item.line}` : ""})`);
    for (const note of item.notes) out.push(`   note: ${note}`);
    for (const hunk of item.hunks) {
      out.push(`   ${cell(`@@ old ${hunk.oldStart}`)} | @@ new ${hunk.newStart}`);
      for (const row of hunk.rows) out.push(`${row.same ? "   " : " ~ "}${cell(row.old)} | ${row.new ?? ""}`);
    }
    out.push("");
  }
  return `${out.join("\n")}${items.length} function${items.length === 1 ? "" : "s"} to review\n`;
}
