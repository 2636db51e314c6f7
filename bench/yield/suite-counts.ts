/**
 * How many tests passed and failed, read from a test runner's output. The packages of the benchmark use mocha
 * (`N passing`, `N failing`), tape (`# pass N`, `# fail N`), taper (`total ..... passed/all`), tap (raw TAP: its assertions, the test points that
 * are not the summary of a subtest), and vows (`OK » N honored`, `N broken`, `N errored`); whatever else a suite
 * prints, its exit status still says green or red.
 */
export interface SuiteCounts {
  passed: number;
  failed: number;
}

const SUMMARIES: readonly { pass: RegExp; fail: readonly RegExp[] }[] = [
  { pass: /^\s*(\d+) passing\b/gm, fail: [/^\s*(\d+) failing\b/gm] },
  { pass: /^# pass\s+(\d+)/gm, fail: [/^# fail\s+(\d+)/gm] },
  { pass: /\b(\d+) honored\b/gm, fail: [/\b(\d+) broken\b/gm, /\b(\d+) errored\b/gm] },
];

/** Passed and failed tests, summed over every summary the output holds; `undefined` when it holds none. */
export function suiteCounts(coloured: string): SuiteCounts | undefined {
  // Old runners colour their output whatever NO_COLOR says.
  const output = coloured.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
  const taper = /^total \.+ (\d+)\/(\d+)\s*$/m.exec(output);
  if (taper !== null) return { passed: Number(taper[1]), failed: Number(taper[2]) - Number(taper[1]) };
  for (const { pass, fail } of SUMMARIES) {
    const passed = sum(output, pass);
    if (passed === undefined) continue;
    return { passed, failed: fail.reduce((n, pattern) => n + (sum(output, pattern) ?? 0), 0) };
  }
  return tapCounts(output);
}

/** Raw TAP: the test points that do not close a subtest (a subtest's lines are indented deeper than its point). */
function tapCounts(output: string): SuiteCounts | undefined {
  const counts = { passed: 0, failed: 0 };
  let previousIndent = -1;
  let inYaml = false;
  for (const line of output.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (inYaml) {
      inYaml = trimmed !== "...";
      continue;
    }
    if (trimmed === "---") {
      inYaml = true;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const point = /^(not )?ok\b/.exec(trimmed);
    if (point !== null && previousIndent <= indent) counts[point[1] === undefined ? "passed" : "failed"] += 1;
    previousIndent = indent;
  }
  return counts.passed + counts.failed === 0 ? undefined : counts;
}

function sum(output: string, pattern: RegExp): number | undefined {
  const found = [...output.matchAll(pattern)];
  return found.length === 0 ? undefined : found.reduce((n, m) => n + Number(m[1]), 0);
}
