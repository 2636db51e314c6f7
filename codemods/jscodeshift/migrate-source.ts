/**
 * One file through `corral migrate <file> --to async`, as the jscodeshift transform needs it: the engine runs on the
 * file's path with the text jscodeshift read as its contents, and the report becomes the new text and the lines to
 * say through jscodeshift's `report`. Runs on the transform's engine thread (engine-thread.ts).
 */
import path from "node:path";
import { migrate } from "../engine/migrate.ts";
import { noteLines, outcomeLine } from "../engine/result-lines.ts";
import { skippedFolderOf } from "../engine/source-files.ts";

/** A file to migrate: its path (relative to the working directory, as jscodeshift gives it) and its text. */
export interface SourceRequest {
  path: string;
  source: string;
  /** The tsconfig to read types with (`corral migrate --project`); else ./tsconfig.json if there is one. */
  tsconfig?: string;
  /** Refuse a callback that may be called in the same turn instead of converting it (`corral migrate --strict`). */
  strict?: boolean;
}

export interface SourceAnswer {
  /** The file's new text; the request's text when nothing changes. */
  text: string;
  /** Skips, warnings, notes, refusals and errors, as `corral migrate` prints them. */
  reports: string[];
  /** Why corral could not process the file at all (it does not parse); the file is to be left untouched. */
  failure?: string;
}

/** Migrate the file of `request` with its text, as `corral migrate <file> --to async` would; nothing is written. */
export async function migrateSource(request: SourceRequest): Promise<SourceAnswer> {
  // `corral migrate .` does not walk into node_modules, build output or hidden folders; jscodeshift does.
  const folder = skippedFolderOf(request.path);
  if (folder !== undefined) {
    const why = `skipped: inside ${folder}/, which corral leaves alone when it walks a tree (dependencies, build output, hidden folders); to migrate this file anyway, run corral migrate on it`;
    return { text: request.source, reports: [why] };
  }
  const absolute = path.resolve(request.path);
  const report = await migrate({
    targets: [request.path],
    to: "async",
    // One file: a thread of its own would cost more than the work.
    jobs: 1,
    sources: new Map([[absolute, request.source]]),
    ...(request.tsconfig === undefined ? {} : { tsconfig: request.tsconfig }),
    ...(request.strict === true ? { strict: true } : {}),
  });
  const reports = [...report.skipped.map(({ reason }) => `skipped: ${reason}`), ...(report.warnings ?? []).map((warning) => `warning: ${warning}`)];
  for (const result of report.results) {
    reports.push(...noteLines(result));
    const outcome = outcomeLine(result);
    if (outcome !== undefined) reports.push(outcome);
  }
  const change = report.changes.find((c) => c.file === absolute);
  const failed = report.results.find((r) => r.outcome === "error" && r.function === "");
  if (change === undefined && failed !== undefined) {
    return { text: request.source, reports, failure: `corral could not process the file: [${failed.reason!.code}] ${failed.reason!.message}` };
  }
  return { text: change?.after ?? request.source, reports };
}
