#!/usr/bin/env node
/**
 * The `corral` command: `scan` takes stock, `migrate` rewrites functions, `review` shows what it would write, `check`
 * finds hazards in scoped code. Exit status: 0 success, 1 something found or not processed, 2 a usage error.
 */
import { mergeReportsCommand, mergeReportsHelp } from "./merge-reports.ts";
import { migrateCommand, migrateHelp, reviewHelp } from "./migrate-command.ts";
import { scanCommand, scanHelp } from "./scan-command.ts";
import { checkCommand, checkHelp } from "./check-command.ts";
import { COMMANDS, parseCommandLine, UsageFailure } from "./usage.ts";
import { version } from "./version.ts";

const help = `corral: structured concurrency for TypeScript, and codemods to migrate Promise/callback code to it

Usage:
  corral scan [paths...] [--json] [--html map.html]             each function's style, what each stage would do, an order
  corral migrate <targets...> --to async|scoped [--write]       rewrite functions (a dry run unless --write)
  corral migrate <entry-file> --entry [--write]                 run the program's main inside run()
  corral review <targets...> --to async|scoped [--html file]    the pending changes side by side, function by function
  corral check [paths...] [--json]                              hazards in scoped code, with fix hints (exit 1 if any)
  corral merge-reports <shard.json...>                          join the --json reports of --shard runs into one
  corral <command> --help                                       help for one command, with examples
  corral --version                                              the installed version

Every command takes --json; exit status 0 on success, 1 when something was found or could not be processed,
2 on a usage error.

The runtime:  import { run, withNursery, failAfter } from "corral"
Docs: README.md in the corral package.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(help);
    return 0;
  }
  if (command === "--version" || command === "-v") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (command === "migrate" || command === "review") {
    const { values, positionals } = parseCommandLine(command, rest, {
      to: { type: "string" },
      write: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      project: { type: "string" },
      all: { type: "boolean", default: false },
      entry: { type: "boolean", default: false },
      "keep-legacy-export": { type: "boolean", default: false },
      callers: { type: "boolean", default: false },
      "allow-dirty": { type: "boolean", default: false },
      "no-type-check": { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      verify: { type: "string" },
      jobs: { type: "string" },
      html: { type: "string" },
      shard: { type: "string" },
      cache: { type: "boolean", default: false },
      "cache-location": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(command === "migrate" ? migrateHelp : reviewHelp);
      return 0;
    }
    if (command === "migrate" && values.html !== undefined) throw new UsageFailure("--html goes with review and scan; migrate prints its diff (or writes with --write)");
    return migrateCommand({
      targets: positionals,
      to: values.to,
      write: values.write,
      json: values.json,
      project: values.project,
      all: values.all,
      entry: values.entry,
      keepLegacyExport: values["keep-legacy-export"],
      callers: values.callers,
      allowDirty: values["allow-dirty"],
      typeCheck: !values["no-type-check"],
      strict: values.strict,
      verify: values.verify,
      jobs: jobsOf(values.jobs),
      shard: values.shard,
      cache: values.cache,
      cacheLocation: values["cache-location"],
      ...(command === "review" ? { review: { html: values.html } } : {}),
    });
  }
  if (command === "scan" || command === "check") {
    const { values, positionals } = parseCommandLine(command, rest, {
      json: { type: "boolean", default: false },
      project: { type: "string" },
      html: { type: "string" },
      shard: { type: "string" },
      cache: { type: "boolean", default: false },
      "cache-location": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(command === "scan" ? scanHelp : checkHelp);
      return 0;
    }
    const args = { paths: positionals, json: values.json, project: values.project };
    if (command === "check" && values.html !== undefined) throw new UsageFailure("--html goes with scan (and review), not check");
    if (command === "check" && (values.shard !== undefined || values.cache)) throw new UsageFailure("--shard and --cache go with scan and migrate, not check");
    return command === "scan"
      ? scanCommand({ ...args, html: values.html, shard: values.shard, cache: values.cache, cacheLocation: values["cache-location"] })
      : checkCommand(args);
  }
  if (command === "merge-reports") {
    const { values, positionals } = parseCommandLine(command, rest, { help: { type: "boolean", short: "h", default: false } });
    if (values.help) {
      process.stdout.write(mergeReportsHelp);
      return 0;
    }
    return mergeReportsCommand(positionals);
  }
  throw new UsageFailure(`'${command}' is not a corral command; the commands are ${COMMANDS.join(", ")}`);
}

function jobsOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageFailure(`--jobs ${value}: give a whole number of worker threads, 1 or more`);
  return jobs;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage = error instanceof UsageFailure || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`corral: ${error instanceof Error ? error.message : String(error)}\n`);
    if (usage) process.stderr.write("Run 'corral --help' for usage.\n");
    process.exitCode = usage ? 2 : 1;
  },
);
