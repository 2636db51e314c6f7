/**
 * `corral scan [paths] [--json] [--project tsconfig.json]`: every function's style, what each stage would do or why
 * it refuses, the calls between them, and a suggested order. Exit 0, or 1 when a file could not be read.
 */
import { existsSync, writeFileSync } from "node:fs";
import { Progress } from "./progress.ts";
import { scanHtml } from "./scan-html.ts";
import { scan, type ScanReport, type StageVerdict } from "../codemods/engine/scan.ts";
import { UsageFailure } from "./usage.ts";

export const scanHelp = `corral scan [paths...] [--json] [--html report.html] [--project tsconfig.json]

An inventory before migrating: for every named function under the paths (default: the current folder), its style
(callback, chain, async, scoped, mixed, sync), what --to async and --to scoped would do to it now (or the reason
it refuses: the same checks migrate runs), the functions of the project it calls, and a suggested order: the entry
inside run() first, then --to async, then --to scoped from the leaves of the call graph up.

Options:
  --json              print { functions: [{ file, function, line, style, async, scoped, calls }], errors, skipped, order }
  --html <file>       also write a migration map to open in a browser, one self-contained file (it loads
                      nothing from elsewhere): totals, a per-folder summary, the functions to search by name
                      and filter by style, verdict, reason and folder, and each file's code when it is opened
  --project <file>    the tsconfig.json to read types with (default: ./tsconfig.json if present)

Examples:
  corral scan src/
  corral scan src/ --json > inventory.json
  corral scan src/ --html migration-map.html

Exit status: 0, 1 when a file could not be read (it is listed), 2 on a usage error.
`;

export async function scanCommand(args: { paths: string[]; json: boolean; project: string | undefined; html?: string | undefined }): Promise<number> {
  const paths = args.paths.length === 0 ? ["."] : args.paths;
  for (const p of paths) if (!existsSync(p)) throw new UsageFailure(`${p}: no such file or folder`);
  if (args.project !== undefined && !existsSync(args.project)) throw new UsageFailure(`--project ${args.project}: no such file`);
  const progress = new Progress("files read");
  const report = await scan(paths, args.project, (done, total, what) => progress.update(done, total, what));
  progress.end();
  for (const { file, reason } of report.skipped) process.stderr.write(`corral: skipped ${file}: ${reason}\n`);
  if (args.html !== undefined) {
    const page = scanHtml(report);
    writeFileSync(args.html, page);
    const bytes = Buffer.byteLength(page);
    const size = bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
    process.stderr.write(`corral: wrote the migration map to ${args.html} (${size}, one self-contained page with the code of the files; nothing else written)\n`);
  }
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
  return report.errors.length > 0 ? 1 : 0;
}

function describe(report: ScanReport): string {
  const out: string[] = [];
  let file = "";
  const width = Math.max(8, ...report.functions.map((f) => f.function.length));
  for (const fn of report.functions) {
    if (fn.file !== file) {
      file = fn.file;
      out.push(file);
    }
    out.push(`  ${`${fn.function}`.padEnd(width)}  :${String(fn.line).padEnd(4)} ${fn.style.padEnd(8)}  async: ${verdict(fn.async).padEnd(28)}  scoped: ${verdict(fn.scoped)}`);
  }
  for (const error of report.errors) out.push(`error: ${error.message}`);
  const count = (pick: (f: (typeof report.functions)[number]) => string): string => {
    const counts = new Map<string, number>();
    for (const f of report.functions) counts.set(pick(f), (counts.get(pick(f)) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${n} ${k}`).join(", ");
  };
  out.push("", `${report.functions.length} functions: ${count((f) => f.style)}`);
  out.push(`--to async would: ${count((f) => f.async.outcome)}`);
  out.push(`--to scoped would (now): ${count((f) => f.scoped.outcome)}`);
  if (report.order.length > 0) out.push("", "Suggested order:", ...report.order.map((step, i) => `  ${i + 1}. ${step}`));
  return `${out.join("\n")}\n`;
}

function verdict(v: StageVerdict): string {
  if (v.reason === null) return v.outcome;
  return `${v.outcome} [${v.reason.code}]`;
}
