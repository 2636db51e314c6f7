/**
 * The benchmark's report: per package its styles, both stages' outcomes and its suite runs, plus the totals; and
 * the report printed as Markdown tables (what the README shows).
 */
import type { LintParity } from "./lint-parity.ts";
import type { SuiteRun } from "./run-suite.ts";
import { convertedPercent, refusedCount, sumOutcomes, sumStyles, type Outcomes, type StageTally, type Styles } from "./tally.ts";

/** The share of err-first and Promise-returning functions `--to async` should convert (issue 15). */
export const TARGET_PERCENT = 60;

/** A package's suite: runs on its checkout before and after each stage, or why it has none. */
export type SuiteReport = { missing: string } | { checkout: string; before: SuiteRun; afterAsync: SuiteRun; afterScoped: SuiteRun; lint: LintParity };

export interface PackageReport {
  name: string;
  version: string;
  /** Library files migrated. */
  files: number;
  styles: Styles;
  /** Functions (`file:line:name`) scan calls `sync` that look err-first or Promise-returning by their shape. */
  syncButWaiting: string[];
  async: StageTally;
  scoped: StageTally;
  /** Functions a second run of each stage over its own output would change: 0 where the output is a fixed point. */
  rerunChanges: { async: number; scoped: number };
  suite: SuiteReport;
  /** Why the CLI could not measure the package (it exited 2 or crashed): a bug to report, counted as nothing. */
  failure?: string;
}

export interface YieldReport {
  packages: PackageReport[];
  totals: { styles: Styles; async: StageTally; scoped: StageTally };
  /** `--to async`'s changed share of the err-first and Promise-returning functions, in percent. */
  asyncConvertedPercent: number;
  targetPercent: number;
}

/** The report over `packages`, with its totals. */
export function yieldReport(packages: PackageReport[]): YieldReport {
  const stage = (of: (p: PackageReport) => StageTally): StageTally => ({
    waiting: sumOutcomes(packages.map((p) => of(p).waiting)),
    all: sumOutcomes(packages.map((p) => of(p).all)),
  });
  const totals = { styles: sumStyles(packages.map((p) => p.styles)), async: stage((p) => p.async), scoped: stage((p) => p.scoped) };
  return { packages, totals, asyncConvertedPercent: convertedPercent(totals.async.waiting), targetPercent: TARGET_PERCENT };
}

const STYLE_ORDER = ["callback", "chain", "async", "mixed", "scoped", "sync"];

/** The report as Markdown: styles, one table per stage, refusals by reason, suites. */
export function renderReport(report: YieldReport): string {
  const label = (p: PackageReport): string => `${p.name}@${p.version}`;
  const styles = [...new Set([...STYLE_ORDER, ...Object.keys(report.totals.styles)])];
  const out: string[] = [];
  out.push("Functions by style (`corral scan`):", "");
  out.push(
    `| package | files | functions | ${styles.join(" | ")} | sync, but err-first or Promise by its shape |`,
    `|---|---:|---:|${styles.map(() => "---:").join("|")}|---:|`,
  );
  for (const p of report.packages) out.push(styleRow(label(p), String(p.files), p.styles, styles, p.syncButWaiting.length));
  const sum = (of: (p: PackageReport) => number): number => report.packages.reduce((n, p) => n + of(p), 0);
  out.push(styleRow("**total**", String(sum((p) => p.files)), report.totals.styles, styles, sum((p) => p.syncButWaiting.length)));
  type Staged = { async: StageTally; scoped: StageTally };
  const stages = [["async", (t: Staged) => t.async] as const, ["scoped", (t: Staged) => t.scoped] as const];
  for (const [stage, of] of stages) {
    out.push("", `\`corral migrate --all --to ${stage} --write\`${stage === "scoped" ? " (after --to async)" : ""}: err-first and Promise functions / all functions`, "");
    out.push(
      "| package | changed | refused | unchanged, with a reason | unchanged, no reason | errors | converted | a rerun changes |",
      "|---|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const p of report.packages) out.push(stageRow(label(p), of(p), p.rerunChanges[stage]));
    out.push(stageRow("**total**", of(report.totals), sum((p) => p.rerunChanges[stage])));
    out.push("", "Refused, by reason (err-first and Promise functions/all):", "");
    const rows: [string, StageTally][] = [...report.packages.map((p): [string, StageTally] => [label(p), of(p)]), ["**total**", of(report.totals)]];
    for (const [name, tally] of rows) {
      const reasons = refusals(tally);
      if (reasons !== "") out.push(`- ${name}: ${reasons}`);
    }
    if (refusedCount(of(report.totals).all) === 0) out.push("- none");
  }
  out.push("", "Test suites (the package's repository at the published version; passed/failed):", "");
  out.push("| package | before | after --to async | after --to scoped | the package's linter on the files --to async changed |", "|---|---|---|---|---|");
  for (const p of report.packages) out.push(suiteRow(label(p), p.suite));
  for (const p of report.packages) if (p.failure !== undefined) out.push("", `${label(p)}: not measured: ${p.failure}`);
  out.push(
    "",
    `--to async converted ${report.asyncConvertedPercent.toFixed(1)}% of ${report.totals.async.waiting.functions} err-first and Promise functions ` +
      `(target ${report.targetPercent}%); ${report.totals.async.waiting.unchangedWithoutReason} of them unchanged without a reason.`,
  );
  return out.join("\n") + "\n";
}

function styleRow(label: string, files: string, counts: Styles, styles: readonly string[], syncButWaiting: number): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return `| ${label} | ${files} | ${total} | ${styles.map((s) => counts[s] ?? 0).join(" | ")} | ${syncButWaiting} |`;
}

function stageRow(label: string, tally: StageTally, rerunChanges: number): string {
  const pair = (of: (o: Outcomes) => number): string => `${of(tally.waiting)} / ${of(tally.all)}`;
  const converted = tally.waiting.functions === 0 ? "-" : `${convertedPercent(tally.waiting).toFixed(0)}% of ${tally.waiting.functions}`;
  return `| ${label} | ${pair((o) => o.changed)} | ${pair(refusedCount)} | ${pair((o) => o.unchangedWithReason)} | ${pair((o) => o.unchangedWithoutReason)} | ${pair((o) => o.errors)} | ${converted} | ${rerunChanges} |`;
}

/** `code waiting/all` for each refusal code, most frequent first. */
function refusals(tally: StageTally): string {
  return Object.entries(tally.all.refused)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([code, n]) => `${code} ${tally.waiting.refused[code] ?? 0}/${n}`)
    .join(", ");
}

function suiteRow(label: string, suite: SuiteReport): string {
  if ("missing" in suite) return `| ${label} | no suite: ${suite.missing} | | | |`;
  const lint = "missing" in suite.lint ? suite.lint.missing : `new lint errors: ${suite.lint.newErrors} (${suite.lint.linter}: ${suite.lint.before} before, ${suite.lint.after} after)`;
  return `| ${label} | ${describeRun(suite.before, true)} | ${describeRun(suite.afterAsync, false)} | ${describeRun(suite.afterScoped, false)} | ${lint} |`;
}

/** `green 40/0 (3 s)`; a run red before the migration is marked so, not hidden. */
export function describeRun(run: SuiteRun, before: boolean): string {
  const counts = run.counts === undefined ? "" : ` ${run.counts.passed}/${run.counts.failed}`;
  const status = run.status === "timeout" ? "timeout" : run.status === "red" && before ? "suite red before" : run.status;
  return `${status}${counts} (${run.seconds.toFixed(0)} s)`;
}
