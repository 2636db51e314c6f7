/**
 * How many tests passed and failed, read from a test runner's output. The packages of the benchmark use mocha
 * (`N passing`, `N failing`), tap and tape (`# pass N`, `# fail N`, or raw TAP lines), and vows (`OK » N honored`,
 * `N broken`, `N errored`); whatever else a suite prints, its exit status still says green or red.
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
export function suiteCounts(output: string): SuiteCounts | undefined {
  for (const { pass, fail } of SUMMARIES) {
    const passed = sum(output, pass);
    if (passed === undefined) continue;
    return { passed, failed: fail.reduce((n, pattern) => n + (sum(output, pattern) ?? 0), 0) };
  }
  // Raw TAP: the top-level test points.
  const points = output.match(/^(?:not )?ok \d+\b/gm);
  if (points === null) return undefined;
  const failed = points.filter((p) => p.startsWith("not ")).length;
  return { passed: points.length - failed, failed };
}

function sum(output: string, pattern: RegExp): number | undefined {
  const found = [...output.matchAll(pattern)];
  return found.length === 0 ? undefined : found.reduce((n, m) => n + Number(m[1]), 0);
}
