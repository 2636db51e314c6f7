/**
 * How long a program a test runs in a process of its own may take before the test ends it as hung. Not a speed
 * check: these programs take under a second on an idle machine, and a loaded one must never reach this (a 20 s
 * limit here failed runs on a busy CI machine). It stays under vitest's testTimeout, so a hung child is ended with
 * its test instead of outliving the run.
 */
export const HANG_MS = 300_000;
