import { describe, expect, it } from "vitest";
import { renderReport, yieldReport, type PackageReport } from "../../bench/yield/report.ts";
import { suiteCounts } from "../../bench/yield/suite-counts.ts";
import { countStyles, tallyStage, type MigrateEntry, type ScanEntry } from "../../bench/yield/tally.ts";

// What `corral scan --json` and `corral migrate --json` print, by hand: the bench reads nothing else.
const scan: ScanEntry[] = [
  { file: "lib/a.js", function: "read", line: 3, style: "callback" },
  { file: "lib/a.js", function: "write", line: 9, style: "callback" },
  { file: "lib/a.js", function: "load", line: 20, style: "chain" },
  { file: "lib/a.js", function: "helper", line: 30, style: "sync" },
  { file: "lib/b.js", function: "copy", line: 1, style: "mixed" },
  { file: "lib/b.js", function: "silent", line: 8, style: "callback" },
];
const results: MigrateEntry[] = [
  { file: "lib/a.js", function: "read", line: 3, outcome: "changed", reason: null },
  { file: "lib/a.js", function: "write", line: 9, outcome: "refused", reason: { code: "callback-escapes", message: "..." } },
  { file: "lib/a.js", function: "load", line: 20, outcome: "unchanged", reason: { code: "already-async", message: "..." } },
  { file: "lib/a.js", function: "helper", line: 30, outcome: "unchanged", reason: null },
  { file: "lib/b.js", function: "copy", line: 1, outcome: "refused", reason: { code: "callback-escapes", message: "..." } },
  // Not in the scan (anonymous): counted over all functions only.
  { file: "lib/b.js", function: "<anonymous>", line: 4, outcome: "refused", reason: { code: "fire-and-forget-chain", message: "..." } },
  { file: "lib/c.js", function: "", line: 0, outcome: "error", reason: { code: "parse-error", message: "..." } },
  // lib/b.js:8:silent is not reported at all: a waiting function left unchanged without a word.
];

describe("bench:yield's counts", () => {
  it("counts functions by style", () => {
    expect(countStyles(scan)).toEqual({ callback: 3, chain: 1, sync: 1, mixed: 1 });
  });

  it("counts a stage over the waiting functions and over all, refusals by code", () => {
    const tally = tallyStage(scan, results);
    expect(tally.waiting).toEqual({ functions: 5, changed: 1, refused: { "callback-escapes": 2 }, unchangedWithReason: 1, unchangedWithoutReason: 1, errors: 0 });
    expect(tally.all).toEqual({
      functions: 7,
      changed: 1,
      refused: { "callback-escapes": 2, "fire-and-forget-chain": 1 },
      unchangedWithReason: 1,
      unchangedWithoutReason: 1,
      errors: 1,
    });
  });

  it("sums packages and gives the converted share of the waiting functions", () => {
    const pkg = (name: string): PackageReport => ({
      name,
      version: "1.0.0",
      files: 3,
      styles: countStyles(scan),
      syncButWaiting: ["lib/a.js:30:helper"],
      async: tallyStage(scan, results),
      scoped: tallyStage(scan, []),
      rerunChanges: { async: 1, scoped: 0 },
      suite: { missing: "no --repos given" },
    });
    const report = yieldReport([pkg("one"), pkg("two")]);
    expect(report.totals.async.waiting.functions).toBe(10);
    expect(report.totals.async.waiting.refused).toEqual({ "callback-escapes": 4 });
    expect(report.asyncConvertedPercent).toBe(20);
    const text = renderReport(report);
    expect(text).toContain("| one@1.0.0 | 3 | 6 | 3 | 1 | 0 | 1 | 0 | 1 | 1 |");
    expect(text).toContain("| **total** | 6 | 12 | 6 | 2 | 0 | 2 | 0 | 2 | 2 |");
    expect(text).toContain("| **total** | 2 / 2 | 4 / 6 | 2 / 2 | 2 / 2 | 0 / 2 | 20% of 10 | 2 |");
    expect(text).toContain("- **total**: callback-escapes 4/4, fire-and-forget-chain 0/2");
    expect(text).toContain("| one@1.0.0 | no suite: no --repos given | | |");
    expect(text).toContain("--to async converted 20.0% of 10 err-first and Promise functions (target 60%); 2 of them unchanged without a reason.");
  });
});

describe("bench:yield's suite counts", () => {
  it("reads mocha's summary", () => {
    expect(suiteCounts("  ok\n\n  41 passing (2s)\n  2 failing\n")).toEqual({ passed: 41, failed: 2 });
  });

  it("reads a summary its runner coloured", () => {
    expect(suiteCounts("\x1b[92m \x1b[0m\x1b[32m 10 passing\x1b[0m\x1b[90m (46ms)\x1b[0m\n\x1b[31m  1 failing\x1b[0m\n")).toEqual({ passed: 10, failed: 1 });
  });

  it("reads tape's summary", () => {
    expect(suiteCounts("ok 1 a\n# tests 3\n# pass  2\n# fail  1\n")).toEqual({ passed: 2, failed: 1 });
  });

  it("reads taper's total over the TAP of its files", () => {
    expect(suiteCounts("ok test-a.js ....... 20/20\nnot ok test-b.js .... 43/45\nnot ok 44 should be equal\ntotal ........... 63/65\n\nnot ok\n")).toEqual({ passed: 63, failed: 2 });
  });

  it("reads vows' summary", () => {
    expect(suiteCounts("✗ Broken » 30 honored ∙ 2 broken ∙ 1 errored\n")).toEqual({ passed: 30, failed: 3 });
  });

  it("counts raw TAP's assertions, not the points that close a subtest, past a failure's diagnostics", () => {
    const tap = [
      "# Subtest: test/a.js",
      "    ok 1 - first",
      "    not ok 2 - second",
      "      ---",
      "      found: 1",
      "      ...",
      "    ok 3 - third",
      "    1..3",
      "not ok 1 - test/a.js",
      "ok 2 - test/b.js # SKIP",
      "1..2",
    ].join("\n");
    expect(suiteCounts(tap)).toEqual({ passed: 3, failed: 1 });
  });

  it("finds no counts where the output holds none", () => {
    expect(suiteCounts("Error: Cannot find module 'tap'\n")).toBeUndefined();
  });
});
