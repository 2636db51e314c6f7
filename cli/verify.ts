/**
 * `corral migrate ... --write --verify "<command>"`: the project's own tests decide what is written. The command must
 * pass on the files as they are; the rewrites are written and it runs again; when it fails, the rewritten functions
 * are bisected (the rewrites of a prefix of them kept, the rest refused) down to the one whose rewrite turns the
 * command red, which is refused `broke-tests` with the first lines of the failure, and the search goes on until the
 * command passes with what is left. Every file is put back as it was if corral is interrupted (Ctrl-C, SIGTERM) or
 * fails on the way; nothing is left half-written.
 */
import { spawn } from "node:child_process";
import type { MigrateReport } from "../codemods/engine/migrate.ts";
import { functionKey, type Reason } from "../codemods/engine/result.ts";
import { FileKeeper } from "./file-keeper.ts";

/** How a verified run goes: the command's runs and the search, one line each on stderr. */
export type VerifyLog = (line: string) => void;

/** What ran the command: whether it passed, and its output (stdout and stderr, interleaved). */
interface TestRun {
  passed: boolean;
  output: string;
}

/** The stage, run again with `refuse` added to the options it was given. */
export type Restage = (refuse: Readonly<Record<string, Reason>>) => Promise<MigrateReport>;

/** The command failed on the files as they were: nothing to compare with. */
export class RedBeforeRewrite extends Error {}

/**
 * Run `command` before and after writing the rewrites of `report` (see the module comment). Resolves to the report
 * that was written: `report`, or one with the culprits refused `broke-tests`. The command must have passed already
 * (see {@link checkGreen}); `restage` decides the stage again with more refusals, on the files as they were.
 */
export async function writeVerified(command: string, report: MigrateReport, restage: Restage, log: VerifyLog): Promise<MigrateReport> {
  const keeper = new FileKeeper();
  const undo = (): void => keeper.restore();
  const onSignal = (signal: NodeJS.Signals): void => {
    undo();
    process.stderr.write(`corral: ${signal}: every file is back as it was; nothing was written\n`);
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGHUP" ? 1 : 15));
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, onSignal);
  process.on("exit", undo);
  try {
    const written = await search(command, report, restage, keeper, log);
    keeper.keep();
    return written;
  } finally {
    // On success the keeper holds nothing to undo; on a failure of ours it puts every file back.
    undo();
    for (const signal of signals) process.off(signal, onSignal);
    process.off("exit", undo);
  }
}

/** Run the command on the files as they are; it must pass. */
export async function checkGreen(command: string, log: VerifyLog): Promise<void> {
  log(`running \`${command}\` on the files as they are`);
  const run = await runCommand(command);
  if (!run.passed) {
    throw new RedBeforeRewrite(
      `--verify: \`${command}\` fails before any rewrite, so it cannot tell what a rewrite breaks. Make it pass first. It said:\n${firstLines(run.output)}`,
    );
  }
}

async function search(command: string, first: MigrateReport, restage: Restage, keeper: FileKeeper, log: VerifyLog): Promise<MigrateReport> {
  const refuse: Record<string, Reason> = {};
  let report = first;
  for (;;) {
    const keys = changedKeys(report);
    keeper.write(report.changes);
    log(`running \`${command}\` with ${count(keys.length, "rewritten function")}`);
    const run = await runCommand(command);
    if (run.passed) return report;
    if (keys.length === 0) throw new Error(`--verify: \`${command}\` fails with no rewrite left: it may not be deterministic. It said:\n${firstLines(run.output)}`);
    // The smallest prefix of the rewrites with which the command fails: its last one is a culprit. Kept none, it
    // passes (the files as they were); kept all, it fails.
    let passes = 0;
    let fails = keys.length;
    let failure = run.output;
    while (fails - passes > 1) {
      const middle = Math.floor((passes + fails) / 2);
      keeper.restore();
      const trial = await restage({ ...refuse, ...Object.fromEntries(keys.slice(middle).map((key) => [key, notTried])) });
      keeper.write(trial.changes);
      log(`bisecting: running \`${command}\` with the first ${middle} of ${keys.length} rewrites`);
      const attempt = await runCommand(command);
      if (attempt.passed) passes = middle;
      else {
        fails = middle;
        failure = attempt.output;
      }
    }
    const culprit = keys[fails - 1]!;
    log(`refused ${culprit}: its rewrite breaks \`${command}\``);
    refuse[culprit] = { code: "broke-tests", message: `with this rewrite \`${command}\` fails, so it was not made. It said:\n${firstLines(failure)}` };
    keeper.restore();
    report = await restage(refuse);
  }
}

/** A placeholder reason for the rewrites left out of a bisection step; never reported. */
const notTried: Reason = { code: "not-tried", message: "left out while bisecting" };

function changedKeys(report: MigrateReport): string[] {
  return report.results.filter((r) => r.outcome === "changed").map(functionKey);
}

/** Run `command` in a shell in the working directory, its output collected (not shown). */
function runCommand(command: string): Promise<TestRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ passed: code === 0, output }));
  });
}

/**
 * The first lines of a failure: from the first line that opens one (a runner's `FAIL` or `not ok`, then an error's
 * name, then any mark of failure: a runner lists its tests, failed ones marked, before it says why), else the end of
 * the output.
 */
export function firstLines(output: string, count = 12): string {
  const lines = output.split("\n").map((line) => line.trimEnd());
  const opens = [/^\s*(FAIL|not ok)\b/, /\b\w*Error\b.*:/, /\b(failed|failing)\b|[✗×✖]/];
  const start = opens.map((mark) => lines.findIndex((line) => mark.test(line))).find((index) => index !== -1) ?? -1;
  const picked = start === -1 ? lines.filter((line) => line !== "").slice(-count) : lines.slice(start, start + count);
  return picked.map((line) => `  ${line}`).join("\n");
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
