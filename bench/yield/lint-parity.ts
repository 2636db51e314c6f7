/**
 * Whether the migration reads like the package's own code, as its own linter judges it (issue 16): the linter the
 * package declares at that version (`standard`, or `eslint` with the checkout's own config), from the checkout's
 * installed devDependencies, run on the migrated library files before and after `--to async`. A problem the
 * linter reports after that it did not report before (the same rule and message in the same file; lines move) is
 * a new error. Only with `--repos`: the linter comes from the checkout.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The new errors the migration made, or why they were not counted. */
export type LintParity = { linter: string; before: number; after: number; newErrors: number } | { missing: string };

/** The linter a checkout declares: `standard` before `eslint` (standard runs eslint with its own config). */
function declaredLinter(checkout: string): "standard" | "eslint" | undefined {
  const manifest = JSON.parse(readFileSync(path.join(checkout, "package.json"), "utf8")) as { devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
  const declared = { ...manifest.dependencies, ...manifest.devDependencies };
  if ("standard" in declared) return "standard";
  if ("eslint" in declared) return "eslint";
  return undefined;
}

/**
 * The package's linter on `files` (relative to `library`, inside each checkout) in the checkout before the
 * migration and in the one after; `installed` is the checkout holding the installed devDependencies.
 */
export function lintParity(installed: string, before: string, after: string, files: readonly string[]): LintParity {
  const linter = declaredLinter(installed);
  if (linter === undefined) return { missing: "declares no linter" };
  const bin = path.join(installed, "node_modules", ".bin", linter);
  if (!existsSync(bin)) return { missing: `linter not installed (${linter})` };
  const lint = (dir: string): string[] | string => problems(bin, linter, dir, files);
  const old = lint(before);
  const now = lint(after);
  if (typeof old === "string") return { missing: old };
  if (typeof now === "string") return { missing: now };
  const remaining = [...old];
  let newErrors = 0;
  for (const problem of now) {
    const at = remaining.indexOf(problem);
    if (at === -1) newErrors++;
    else remaining.splice(at, 1);
  }
  return { linter, before: old.length, after: now.length, newErrors };
}

/** The problems the linter reports in `dir`, each as `file: message (rule)` without its line; or why it failed. */
function problems(bin: string, linter: "standard" | "eslint", dir: string, files: readonly string[]): string[] | string {
  const args = linter === "eslint" ? ["--format", "json", ...files] : ["--verbose", ...files];
  const run = spawnSync(bin, args, { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.error !== undefined) return `${linter} did not run: ${run.error.message}`;
  if (linter === "eslint") {
    try {
      const report = JSON.parse(run.stdout) as { filePath: string; messages: { severity: number; message: string; ruleId: string | null }[] }[];
      return report.flatMap((f) => f.messages.filter((m) => m.severity === 2).map((m) => `${path.relative(dir, f.filePath)}: ${m.message} (${m.ruleId ?? "parse"})`));
    } catch {
      return `eslint printed no report (exit ${run.status}): ${run.stderr.trim().split("\n")[0] ?? ""}`;
    }
  }
  // standard: `  /dir/file.js:12:3: Missing semicolon. (semi)`, one line per problem.
  return `${run.stdout}\n${run.stderr}`
    .split("\n")
    .map((line) => /^\s*(.+?):\d+:\d+: (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${path.relative(dir, path.resolve(dir, m[1]!))}: ${m[2]}`);
}
