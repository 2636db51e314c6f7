/**
 * `corral check [paths] [--json] [--project tsconfig.json]`: hazards in scoped code with `file:line:col` and a fix
 * hint. Exit 1 when any is found (or a file cannot be read), so it can gate CI; 0 when the code is clean.
 */
import { existsSync } from "node:fs";
import { UsageFailure } from "./usage.ts";

export const checkHelp = `corral check [paths...] [--json] [--project tsconfig.json]

Hazards in scoped code (functions taking cx: Cx) and at its calls from legacy code, each with file:line:col
and a fix hint:
  swallowed-cancelled   a catch around a wait that can end without rethrowing: it swallows or replaces Cancelled
  unbridged-await       an await of a foreign promise: no checkpoint, a timeout or a failing sibling cannot reach it
  floating-promise      a call whose promise nobody awaits: it outlives the scope and its failure is lost
  missing-cx            a scoped function called without a Cx first (in any file: callees are followed
                        through imports, require and exports)
  wrong-arity           a scoped function given a Cx but too many (or, in TypeScript, too few) arguments
  legacy-wrapper-given-cx
                        a legacy wrapper (toPromise(f), a kept legacy export) called with a Cx first: every
                        argument lands one place to the right
  scoped-function-passed-to-legacy
                        a scoped function handed to code that calls it without a Cx (arr.forEach(f),
                        emitter.on("x", f), callbackify(f), setTimeout(f)); corral's own (n.start(f),
                        toPromise(f), all(cx, ...)) is fine

Options:
  --json              print { hazards: [{ code, file, line, column, function, message, hint }], errors }
  --project <file>    the tsconfig.json to read types with (default: ./tsconfig.json if present)

Examples:
  corral check src/
  corral check src/ --json

Exit status: 0 when nothing is found, 1 when a hazard is found or a file cannot be read, 2 on a usage error.
`;

export async function checkCommand(args: { paths: string[]; json: boolean; project: string | undefined }): Promise<number> {
  const paths = args.paths.length === 0 ? ["."] : args.paths;
  for (const p of paths) if (!existsSync(p)) throw new UsageFailure(`${p}: no such file or folder`);
  if (args.project !== undefined && !existsSync(args.project)) throw new UsageFailure(`--project ${args.project}: no such file`);
  // Loaded here, not with the command line: `corral --help` and the other commands do not need the compiler.
  const { check } = await import("../codemods/engine/check.ts");
  const { hazards, errors, skipped } = check(paths, args.project);
  for (const { file, reason } of skipped) process.stderr.write(`corral: skipped ${file}: ${reason}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify({ hazards, errors, skipped }, null, 2)}\n`);
  else {
    const lines = hazards.map((h) => `${h.file}:${h.line}:${h.column}: [${h.code}] ${h.message} (in ${h.function})\n  fix: ${h.hint}`);
    for (const error of errors) lines.push(`error: ${error}`);
    lines.push(`${hazards.length} hazard${hazards.length === 1 ? "" : "s"}${errors.length === 0 ? "" : `, ${errors.length} unreadable file${errors.length === 1 ? "" : "s"}`}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return hazards.length > 0 || errors.length > 0 ? 1 : 0;
}
