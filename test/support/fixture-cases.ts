import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The golden fixtures, discovered: fixtures/<stage>/<case>/ holds input.ts|js, case.json, and output.ts|js unless
 * the case is refused or unchanged. See fixtures/README.md for the format.
 */
export const fixturesRoot = fileURLToPath(new URL("../../fixtures/", import.meta.url));

/** The stage folders (marked by a `.stage` file), in name order. */
export const stages = readdirSync(fixturesRoot)
  .filter((name) => existsSync(path.join(fixturesRoot, name, ".stage")))
  .sort();

export interface CaseSpec {
  /** The function to migrate (a name, `Class.method`, or a line); every function in the file when absent. */
  function?: string | number;
  expect: "changed" | "refused" | "unchanged";
  reason?: string;
  notes?: string[];
  /** `--keep-legacy-export` (to-scoped). */
  keepLegacyExport?: boolean;
  /** `--strict` (to-async): a callback that may be called in the same turn is refused, not converted. */
  strict?: boolean;
}

export interface Case {
  stage: string;
  name: string;
  dir: string;
  input: string;
  spec: CaseSpec;
}

/** Every case of every stage, by stage and then by name. */
export const cases: readonly Case[] = stages.flatMap((stage) =>
  readdirSync(path.join(fixturesRoot, stage))
    .sort()
    .filter((name) => existsSync(path.join(fixturesRoot, stage, name, "case.json")))
    .map((name) => {
      const dir = path.join(fixturesRoot, stage, name);
      const input = readdirSync(dir).find((f) => /^input\.(ts|tsx|js|mjs|cjs)$/.test(f));
      if (input === undefined) throw new Error(`${dir}: no input.ts or input.js`);
      return { stage, name, dir, input, spec: JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8")) as CaseSpec };
    }),
);

/**
 * The cases of share `k` of `n` (1-based): every n-th case from the k-th, so each share gets its part of every
 * stage (the stages cost differently per case) and the shares together are every case, each once.
 */
export function shareOf(k: number, n: number): Case[] {
  return cases.filter((_, index) => index % n === k - 1);
}

/**
 * The share a test file runs, from its name `<k>-of-<n>.test.ts`: the fixtures are split over several files so
 * vitest can run them on several workers, and the split lives in the file names, not in a list to keep.
 */
export function shareNamed(file: string): { k: number; n: number } {
  const match = /(\d+)-of-(\d+)\.test\.ts$/.exec(file);
  if (match === null) throw new Error(`${file}: a fixture share is named <k>-of-<n>.test.ts`);
  const [k, n] = [Number(match[1]), Number(match[2])];
  if (k < 1 || k > n) throw new Error(`${file}: share ${k} of ${n} does not exist`);
  return { k, n };
}
