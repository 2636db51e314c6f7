/**
 * What the migration map's page script reads: the scan report packed small (files, styles, outcomes and reasons
 * named once and referred to by number), so a 2,000-file map parses in a few milliseconds and the page draws only
 * the rows asked for. The per-folder summary is counted here too, once, for the page to print as it is.
 */
import path from "node:path";
import type { Outcome, Reason } from "../codemods/engine/result.ts";
import type { ScanReport, ScannedFunction, StageVerdict, Style } from "../codemods/engine/scan.ts";

/** Every style, in the order the map lists them. */
export const STYLES: readonly Style[] = ["callback", "chain", "promise", "mixed", "async", "scoped", "sync"];

/** Every outcome a stage can have, in the order the map lists them. */
export const OUTCOMES: readonly Outcome[] = ["changed", "refused", "unchanged", "error"];

/**
 * One function: `[file, name, line, style, async outcome, async reason, scoped outcome, scoped reason, calls]`,
 * each a number into the tables of {@link MapData} (a reason of -1 is none); calls are `file:function` keys.
 */
export type PackedFunction = [number, string, number, number, number, number, number, number, string[]];

/** The scan report as the page script reads it, from the JSON in the page's `#map-data` script element. */
export interface MapData {
  files: string[];
  styles: readonly Style[];
  outcomes: readonly Outcome[];
  reasons: Reason[];
  functions: PackedFunction[];
  order: string[];
}

/** The report packed for the page: each file, style, outcome and distinct reason written once. */
export function mapData(report: ScanReport): MapData {
  const files = distinctFiles(report);
  const fileIndex = new Map(files.map((file, i) => [file, i]));
  const reasons: Reason[] = [];
  const reasonIndex = new Map<string, number>();
  const reason = (verdict: StageVerdict): number => {
    if (verdict.reason === null || verdict.reason === undefined) return -1;
    const key = `${verdict.reason.code}\n${verdict.reason.message}`;
    let index = reasonIndex.get(key);
    if (index === undefined) {
      index = reasons.push({ code: verdict.reason.code, message: verdict.reason.message }) - 1;
      reasonIndex.set(key, index);
    }
    return index;
  };
  const functions = report.functions.map((fn): PackedFunction => [
    fileIndex.get(fn.file)!,
    fn.function,
    fn.line,
    STYLES.indexOf(fn.style),
    OUTCOMES.indexOf(fn.async.outcome),
    reason(fn.async),
    OUTCOMES.indexOf(fn.scoped.outcome),
    reason(fn.scoped),
    fn.calls,
  ]);
  return { files, styles: STYLES, outcomes: OUTCOMES, reasons, functions, order: report.order };
}

/** The files of the report's functions, in the report's order. */
export function distinctFiles(report: ScanReport): string[] {
  return [...new Set(report.functions.map((f) => f.file))];
}

/** One row of the per-folder summary: a folder and everything under it. */
export interface FolderSummary {
  folder: string;
  /** How many folders of the summary it is under: the indent of its row. */
  depth: number;
  files: number;
  functions: number;
  styles: Record<Style, number>;
  async: Record<Outcome, number>;
  scoped: Record<Outcome, number>;
}

/**
 * The per-folder summary: every folder that holds a scanned file, and the folders above it up to the one they all
 * share, each counting the files and functions under it (so a parent's row adds up its children's), in tree order.
 */
export function folderSummaries(report: ScanReport): FolderSummary[] {
  const rows = new Map<string, FolderSummary>();
  const files = new Map<string, Set<string>>();
  const roots = new Set(report.functions.map((fn) => topFolder(fn.file)));
  for (const fn of report.functions) {
    for (const folder of foldersOf(fn.file, roots)) {
      let row = rows.get(folder);
      if (row === undefined) {
        row = { folder, depth: 0, files: 0, functions: 0, styles: zero(STYLES), async: zero(OUTCOMES), scoped: zero(OUTCOMES) };
        rows.set(folder, row);
        files.set(folder, new Set());
      }
      count(row, fn);
      files.get(folder)!.add(fn.file);
    }
  }
  const sorted = [...rows.values()].sort((a, b) => compareFolders(a.folder, b.folder));
  for (const row of sorted) {
    row.files = files.get(row.folder)!.size;
    row.depth = sorted.filter((other) => other !== row && isUnder(row.folder, other.folder)).length;
  }
  return sorted;
}

/** Whether `file` (or folder) is `folder` or lies under it; `.` holds everything. The page script has its own copy. */
export function isUnder(file: string, folder: string): boolean {
  return folder === "." || file === folder || file.startsWith(folder.endsWith("/") ? folder : `${folder}/`);
}

/** A file's folder and each folder above it, up to the topmost of the report (`.` when files sit at the top). */
function foldersOf(file: string, roots: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let folder = path.posix.dirname(file);
  for (;;) {
    out.push(folder);
    const parent = path.posix.dirname(folder);
    if (parent === folder || (roots.size === 1 && roots.has(folder))) return out;
    folder = parent;
  }
}

/** The first segment of a file's folder (`.` for a file at the top, `/` for an absolute path). */
function topFolder(file: string): string {
  const dir = path.posix.dirname(file);
  return dir === "." ? "." : dir.startsWith("/") ? "/" : dir.split("/")[0]!;
}

/** Tree order: a folder before what is under it, siblings by name with numbers in number order (part2 before part10). */
function compareFolders(a: string, b: string): number {
  if (a === "." || b === ".") return a === b ? 0 : a === "." ? -1 : 1;
  const left = a.split("/");
  const right = b.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = left[i]!.localeCompare(right[i]!, "en", { numeric: true });
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function zero<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function count(row: FolderSummary, fn: ScannedFunction): void {
  row.functions += 1;
  row.styles[fn.style] += 1;
  row.async[fn.async.outcome] += 1;
  row.scoped[fn.scoped.outcome] += 1;
}
