/**
 * `corral migrate <targets> --to async [--write] [--json] [--project tsconfig.json]`: rewrite functions. A dry run
 * by default: a unified diff per file and a note per rewrite saying what changes in behaviour. `--write` writes each
 * changed file atomically (a temporary file renamed over it). Exit 0 on success, 1 when anything errored.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { migrate, type MigrateOptions, type MigrateReport } from "../codemods/engine/migrate.ts";
import type { FunctionResult, Reason } from "../codemods/engine/result.ts";
import { noteLines, outcomeLine } from "../codemods/engine/result-lines.ts";
import { parseTarget } from "../codemods/engine/targets.ts";
import { colourDiff, useColour } from "./colour.ts";
import { writeIfDifferent } from "./file-keeper.ts";
import { uncommitted } from "./git-status.ts";
import { Progress } from "./progress.ts";
import { reviewHtml } from "./review-html.ts";
import { UsageFailure } from "./usage.ts";
import { checkGreen, RedBeforeRewrite, writeVerified } from "./verify.ts";

export const migrateHelp = `corral migrate <targets...> --to async|scoped [--all] [--write [--verify "<command>"]] [--json] [--project tsconfig.json]
corral migrate <entry-file> --entry [--write] [--json]

Rewrite functions, one stage at a time. A dry run unless --write: prints a unified diff of each file it would
change, with a note per rewritten function saying what changes in behaviour, and the reason for each function it
refuses (a rewrite that could change behaviour is refused and the file left byte-identical).

Stages:
  --to async    callbacks and Promise chains become async/await (no runtime import)
  --to scoped   async functions take cx: Cx first; awaits of legacy promises become checkpoints (fromPromise, with
                cx.signal where the callee takes a signal), Promise.all/allSettled/race become all/race, a race
                against a setTimeout becomes failAfter/moveOnAfter, sleeps become sleep(cx, ms), catch-alls let
                Cancelled through. Callers in the targets are rewritten: scoped callers call f(cx, ...),
                others go through toPromise(f) / toCallback(f); callers in other files only with --callers
  --entry       the entry file's main call runs inside run() (trio-asyncio's first step)

Targets:
  src/users.ts:loadUser        a function (declaration, variable holding one, object method)
  src/users.ts:UserRepo.load   a class method
  src/users.ts:42              the innermost function containing line 42
  src/users.ts  src/           every function in a file or under a folder (--all says so explicitly)

Options:
  --to async|scoped   the stage (see above)
  --entry             wrap the entry file's main call in run()
  --keep-legacy-export  with --to scoped: an exported function keeps its old signature for outside callers
                      (the scoped version is named fScoped); the same for methods of exported classes
  --callers           with --to scoped: rewrite call sites outside the targets too (the project's tests, other
                      modules). Without it, a function used there keeps its old signature for them
                      (--keep-legacy-export) or is refused (callers-outside-targets)
  --all               every function under the given files and folders (no file:function targets)
  --write             write the changed files (atomically), instead of printing the diff; refused when a file
                      to write has uncommitted changes in its git work tree
  --allow-dirty       with --write: write over uncommitted changes anyway
  --verify "<command>"  with --write: run your tests (the command, in a shell) before (it must pass) and after
                      writing; when it fails, the rewritten functions are bisected, and each one whose rewrite
                      turns it red is refused broke-tests with the failure's first lines. Ctrl-C or a failure
                      puts every file back as it was. Progress on stderr
  --strict            with --to async: refuse an err-first function that may call back in the same turn
                      (callback-called-synchronously, callback-may-run-synchronously) instead of converting it
                      with a note that the async form always answers later
  --no-type-check     skip the type gate: by default a rewrite that adds a type error to its file or to a file
                      importing it is refused would-break-types (JavaScript is compared with the checker's JS
                      inference, on what would break when it runs)
  --json              print { "results": [ { file, function, line, outcome, reason, notes } ], "files": [...],
                      "skipped": [...] } only; files lists every file changed (or written, with --write)
  --project <file>    the tsconfig.json to read types with (default: ./tsconfig.json if present)
  --jobs <n>          worker threads for --to async (default: one per core for 200 files or more, else none);
                      the results are the same with any number

Examples:
  corral migrate src/api.ts:fetchUser --to async
  corral migrate src/ --to async --write
  corral migrate src/api.ts:12 --to async --json
  corral migrate src/ --to scoped --keep-legacy-export
  corral migrate src/users.ts:loadUser --to scoped --callers
  corral migrate src/ --to async --write --verify "npm test"
  corral migrate src/main.ts --entry --write

The diff is coloured on a terminal (plain when piped, or with NO_COLOR set).

Exit status: 0 on success (refusals included), 1 when a file could not be processed or --write met uncommitted
changes (nothing is written then), 2 on a usage error.
`;

export const reviewHelp = `corral review <targets...> --to async|scoped [--keep-legacy-export] [--html review.html] [--project tsconfig.json]
corral review <entry-file> --entry [--html review.html]

The pending changes of a stage (what migrate would write), function by function: each function's notes (what
changes in behaviour), then its hunks with the old code on the left and the new on the right; the file's other
hunks (imports, call sites) after them; the refusals last. Nothing is written.

Options:
  --html <file>       write the review as a self-contained page to open in a browser, instead of printing it
  --json              print { items: [{ file, function, line, notes, hunks: [{ oldStart, newStart, rows }] }],
                      refusals, skipped }
  (and the targets and options of corral migrate)

Examples:
  corral review src/orders.ts --to scoped
  corral review src/ --to async --html review.html

Exit status: 0, 1 when a file could not be processed, 2 on a usage error.
`;

export interface MigrateArgs {
  targets: string[];
  to: string | undefined;
  write: boolean;
  json: boolean;
  project: string | undefined;
  all: boolean;
  entry: boolean;
  keepLegacyExport: boolean;
  callers: boolean;
  allowDirty: boolean;
  /** Refuse rewrites that add a type error (`--no-type-check` turns this off). */
  typeCheck: boolean;
  /** `--strict`: refuse callbacks that may be called in the same turn instead of converting them (`--to async`). */
  strict: boolean;
  /** `--verify "<command>"`: a test command that must pass before and after the rewrites are written. */
  verify: string | undefined;
  jobs: number | undefined;
  /** `corral review`: show the pending changes function by function (as text, or into an HTML file) and write nothing. */
  review?: { html: string | undefined };
}

export async function migrateCommand(args: MigrateArgs): Promise<number> {
  if (args.entry && args.to !== undefined) throw new UsageFailure("--entry is a step of its own: run it without --to");
  if (!args.entry && args.to !== "async" && args.to !== "scoped") {
    throw new UsageFailure(
      args.to === undefined ? "missing --to: say which stage, --to async or --to scoped (or --entry)" : `--to ${args.to}: the stages are: async, scoped`,
    );
  }
  if (args.keepLegacyExport && args.to !== "scoped") throw new UsageFailure("--keep-legacy-export goes with --to scoped");
  if (args.callers && args.to !== "scoped") throw new UsageFailure("--callers goes with --to scoped");
  if (args.strict && args.to !== "async") throw new UsageFailure("--strict goes with --to async");
  if (args.targets.length === 0) throw new UsageFailure("no targets: give files, folders or file:function");
  for (const target of args.targets) {
    const { file, selector } = parseTarget(target);
    if (args.all && selector !== undefined) {
      throw new UsageFailure(`--all takes files and folders, not '${target}': drop --all to migrate one function`);
    }
    if (!existsSync(file)) throw new UsageFailure(`${file}: no such file or folder (from the target '${target}')`);
  }
  if (args.project !== undefined && !existsSync(args.project)) throw new UsageFailure(`--project ${args.project}: no such file`);
  if (args.verify !== undefined && !args.write) throw new UsageFailure("--verify runs your command on the written files: add --write");
  if (args.verify !== undefined && args.review !== undefined) throw new UsageFailure("review writes nothing, so there is nothing to --verify: use migrate --write --verify");
  const log = (line: string): void => void process.stderr.write(`corral: ${line}\n`);
  if (args.verify !== undefined) {
    try {
      await checkGreen(args.verify, log);
    } catch (error) {
      if (!(error instanceof RedBeforeRewrite)) throw error;
      process.stderr.write(`corral: ${error.message}\nNothing was written.\n`);
      return 1;
    }
  }
  const progress = new Progress("files");
  const options: MigrateOptions = {
    onProgress: (done, total) => progress.update(done, total),
    ...(args.jobs === undefined ? {} : { jobs: args.jobs }),
    targets: args.targets,
    to: args.entry ? "entry" : (args.to as "async" | "scoped"),
    keepLegacyExport: args.keepLegacyExport,
    callers: args.callers,
    typeGate: args.typeCheck,
    ...(args.strict ? { strict: true } : {}),
    ...(args.project === undefined ? {} : { tsconfig: args.project }),
  };
  let report = await migrate(options);
  if (args.review !== undefined && args.write) throw new UsageFailure("review writes nothing: drop --write (migrate --write applies the changes)");
  if (args.write && !args.allowDirty) {
    const dirty = uncommitted(report.changes.map((c) => c.file));
    if (dirty.length > 0) {
      const list = dirty.map((f) => path.relative(process.cwd(), f) || f).join(", ");
      process.stderr.write(
        `corral: not writing: ${list} ${dirty.length === 1 ? "has" : "have"} uncommitted changes. Commit or stash them first, ` +
          "so the rewrite can be reviewed as a diff of its own, or pass --allow-dirty. Nothing was written.\n",
      );
      return 1;
    }
  }
  if (args.verify !== undefined) {
    progress.end();
    const restage = (refuse: Readonly<Record<string, Reason>>) => migrate({ ...options, onProgress: () => {}, refuse: { ...options.refuse, ...refuse } });
    report = await writeVerified(args.verify, report, restage, log);
  } else if (args.write) for (const change of report.changes) writeIfDifferent(change.file, change.after);
  progress.end();
  if (args.review !== undefined) return review(report, args, await import("./review.ts"));
  for (const { file, reason } of report.skipped) process.stderr.write(`corral: skipped ${file}: ${reason}\n`);
  for (const warning of report.warnings ?? []) process.stderr.write(`corral: warning: ${warning}\n`);
  if (args.json) {
    // Every result has every key: a consumer never has to ask whether `reason` is there.
    const results = report.results.map((r) => ({ ...r, reason: r.reason ?? null }));
    const files = report.changes.map((c) => path.relative(process.cwd(), c.file) || c.file);
    process.stdout.write(`${JSON.stringify({ results, files, skipped: report.skipped, warnings: report.warnings ?? [] }, null, 2)}\n`);
  }
  else process.stdout.write(describe(report, args.write, useColour(process.stdout)));
  return report.results.some((r) => r.outcome === "error") ? 1 : 0;
}

/** `corral review`; `{ reviewItems, reviewText }` come from review.ts, loaded only for a review (it reads the compiler's trees). */
function review(report: MigrateReport, args: MigrateArgs, { reviewItems, reviewText }: typeof import("./review.ts")): number {
  for (const { file, reason } of report.skipped) process.stderr.write(`corral: skipped ${file}: ${reason}\n`);
  const items = reviewItems(report);
  const refusals = report.results.filter((r) => r.outcome === "refused" || r.outcome === "error");
  const stage = args.entry ? "--entry" : `--to ${args.to}`;
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ items, refusals: refusals.map((r) => ({ ...r, reason: r.reason ?? null })), skipped: report.skipped }, null, 2)}\n`);
    return report.results.some((r) => r.outcome === "error") ? 1 : 0;
  }
  if (args.review!.html !== undefined) {
    writeFileSync(args.review!.html, reviewHtml(items, refusals, `corral review: ${args.targets.join(" ")} ${stage}`));
    process.stderr.write(`corral: wrote the review to ${args.review!.html}\n`);
  } else process.stdout.write(reviewText(items, process.stdout.columns ?? 160));
  for (const result of refusals) process.stdout.write(`${outcomeLine(result)}\n`);
  return report.results.some((r) => r.outcome === "error") ? 1 : 0;
}

/** The human report: diffs (in a dry run), notes, refusals and errors, then a summary. */
function describe(report: MigrateReport, written: boolean, colour: boolean): string {
  const out: string[] = [];
  const byFile = new Map<string, FunctionResult[]>();
  for (const result of report.results) byFile.set(result.file, [...(byFile.get(result.file) ?? []), result]);
  for (const change of report.changes) {
    const display = path.relative(process.cwd(), change.file) || change.file;
    if (written) out.push(`wrote ${display}`);
    else {
      const patch = createTwoFilesPatch(`a/${display}`, `b/${display}`, change.before, change.after, "", "", { context: 3 }).replace(/^=+\n/, "");
      out.push(colour ? colourDiff(patch) : patch);
    }
    for (const result of byFile.get(display) ?? []) out.push(...noteLines(result));
    out.push("");
  }
  for (const result of report.results) {
    const line = outcomeLine(result);
    if (line !== undefined) out.push(line);
  }
  out.push(summary(report.results));
  return `${out.join("\n")}\n`;
}

function summary(results: readonly FunctionResult[]): string {
  const count = (outcome: string): number => results.filter((r) => r.outcome === outcome).length;
  const reasons = new Map<string, number>();
  for (const r of results) if (r.outcome === "refused") reasons.set(r.reason!.code, (reasons.get(r.reason!.code) ?? 0) + 1);
  const why = [...reasons].map(([code, n]) => `${code} ${n}`).join(", ");
  return `${count("changed")} changed, ${count("unchanged")} unchanged, ${count("refused")} refused${why === "" ? "" : ` (${why})`}, ${count("error")} errors`;
}
