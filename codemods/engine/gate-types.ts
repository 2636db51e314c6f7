/**
 * The engine's type gate around a stage's run: check the report's rewrites (type-gate.ts), refuse the functions
 * whose rewrites add a type error, and run the stage again with those refusals until no rewrite adds one. Loaded
 * only when a run has changes to check.
 */
import type { MigrateOptions, MigrateReport } from "./migrate.ts";
import { openProject } from "./project.ts";
import type { Reason } from "./result.ts";
import { parseTarget } from "./targets.ts";
import { findTypeBreaks } from "./type-gate.ts";

/**
 * `first`, or the report of the stage run again (`rerun`, given every refusal so far) until its rewrites add no type
 * error. Each round refuses at least one more function, so it ends.
 */
export async function gateTypes(
  first: MigrateReport,
  options: MigrateOptions,
  rerun: (refuse: Record<string, Reason>) => Promise<Omit<MigrateReport, "skipped">>,
): Promise<MigrateReport> {
  const refuse: Record<string, Reason> = { ...options.refuse };
  const files = options.targets.map((t) => parseTarget(t).file);
  let report = first;
  const said: string[] = [];
  while (report.changes.length > 0) {
    // A fresh project each round, with the rewrites in place.
    const texts = new Map([...(options.sources ?? []), ...report.changes.map((c) => [c.file, c.after] as const)]);
    const project = openProject(files, options.tsconfig, true, {}, texts);
    const { breaks, warnings } = findTypeBreaks(project, report.changes, report.results);
    for (const warning of warnings) if (!said.includes(warning)) said.push(warning);
    const fresh = [...breaks].filter(([key]) => !(key in refuse));
    if (fresh.length === 0) break;
    for (const [key, reason] of fresh) refuse[key] = reason;
    report = { ...(await rerun(refuse)), skipped: first.skipped };
  }
  return said.length === 0 ? report : { ...report, warnings: [...(report.warnings ?? []), ...said] };
}
