#!/usr/bin/env node
/**
 * The `corral` command. The migration commands (scan, migrate, check) arrive with the codemods; until then it prints
 * what is coming and exits 2 for anything but help, so scripts do not mistake it for a working migration.
 */
import { readFileSync } from "node:fs";

const help = `corral: structured concurrency for TypeScript, and codemods to migrate Promise/callback code to it

Usage:
  corral --help       this text
  corral --version    the installed version

Commands (arriving with the codemods; not available in this version):
  corral scan [paths]                          inventory of functions and what each migration stage would do
  corral migrate <targets> --to async|scoped   rewrite functions, dry run by default (--write to apply)
  corral check [paths]                         hazards in scoped code: swallowed Cancelled, unbridged awaits

The runtime is available now:  import { run, withNursery, failAfter } from "corral"
Docs: README.md in the corral package.
`;

function version(): string {
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

const [command] = process.argv.slice(2);
if (command === undefined || command === "--help" || command === "-h" || command === "help") {
  process.stdout.write(help);
} else if (command === "--version" || command === "-v") {
  process.stdout.write(`${version()}\n`);
} else {
  process.stderr.write(
    `corral: '${command}' is not available in this version; the migration commands arrive with the codemods.\n` +
      "Run 'corral --help' for what exists now.\n",
  );
  process.exitCode = 2;
}
