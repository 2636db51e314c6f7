import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { toPromise } from "corral";
import { migrate, type Stage } from "../../codemods/engine/migrate.ts";
import { fixturesRoot, shareNamed, shareOf, type Case, type CaseSpec } from "./fixture-cases.ts";

/**
 * The golden cases of the share the test file `file` is named after (`<k>-of-<n>.test.ts`, see fixture-cases.ts),
 * one test each, under `fixtures/<stage>`: the outcome and reason, the exact output, a refused or unchanged file
 * byte-identical, the output a fixed point, the scenario's traces of input and output equal, and the cancel check.
 */
export function testFixtureShare(file: string): void {
  const { k, n } = shareNamed(file);
  const mine = shareOf(k, n);
  // The cases run on a copy of the whole fixtures folder, so their imports of fixtures/support still resolve.
  const scratch = mkdtempSync(path.join(os.tmpdir(), "corral-fixtures-"));
  cpSync(fixturesRoot, scratch, { recursive: true });
  // As in a project that has installed corral: the type gate checks the rewrites against corral's own types.
  mkdirSync(path.join(scratch, "node_modules"));
  symlinkSync(fileURLToPath(new URL("../../", import.meta.url)), path.join(scratch, "node_modules/corral"), "dir");
  // Scenarios make their files under os.tmpdir(): inside the scratch folder, removed with it (this worker's env only).
  mkdirSync(path.join(scratch, "tmp"));
  process.env.TMPDIR = path.join(scratch, "tmp");
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  for (const stage of [...new Set(mine.map((c) => c.stage))]) {
    describe(`fixtures/${stage}`, () => {
      test.each(mine.filter((c) => c.stage === stage).map((c) => [c.name, c] as const))("%s", (_name, c) => checkCase(c, path.join(scratch, stage, c.name)));
    });
  }
}

/** Migrate `file` (its function per the spec) as the CLI would; the report and the file's new text. */
async function run(file: string, spec: CaseSpec, stage: string) {
  const target = spec.function === undefined ? file : `${file}:${spec.function}`;
  const report = await migrate({ targets: [target], to: stage.replace(/^to-/, "") as Stage, keepLegacyExport: spec.keepLegacyExport === true, strict: spec.strict === true });
  const changed = report.changes.find((c) => c.file === path.resolve(file));
  return { report, text: changed?.after ?? readFileSync(file, "utf8") };
}

/** One case, run in `work` (its folder in the scratch copy). */
async function checkCase(c: Case, work: string): Promise<void> {
  const { stage } = c;
  const inputFile = path.join(work, c.input);
  const before = readFileSync(inputFile, "utf8");
  const { report, text } = await run(inputFile, c.spec, stage);
  const outcomes = report.results.filter((r) => c.spec.function === undefined || r.function === String(c.spec.function) || r.line === c.spec.function);
  const detail = JSON.stringify(report.results, null, 1);
  expect(outcomes.map((r) => r.outcome), detail).toContain(c.spec.expect);
  if (c.spec.expect !== "changed") {
    expect(text, "a refused or unchanged file stays byte-identical").toBe(before);
    if (c.spec.reason !== undefined) expect(outcomes.map((r) => r.reason?.code), detail).toContain(c.spec.reason);
    expect(existsSync(path.join(c.dir, c.input.replace("input", "output"))), "no output file for a case that does not change").toBe(false);
    return;
  }
  const expected = readFileSync(path.join(c.dir, c.input.replace("input", "output")), "utf8");
  expect(text).toBe(expected);
  for (const note of c.spec.notes ?? []) expect(outcomes.flatMap((r) => r.notes)).toContain(note);
  // A fixed point: migrating the output changes nothing.
  writeFileSync(inputFile, text);
  const { function: _chosen, ...wholeFile } = c.spec;
  const again = await run(inputFile, wholeFile, stage);
  expect(again.text, "the output is a fixed point").toBe(text);
  // Input and output behave the same under the case's scenario.
  if (existsSync(path.join(c.dir, "scenario.ts"))) {
    const scenario = (await import(pathToFileURL(path.join(c.dir, "scenario.ts")).href)) as { default: Scenario };
    const input = await import(pathToFileURL(path.join(c.dir, c.input)).href);
    const output = await import(pathToFileURL(path.join(c.dir, c.input.replace("input", "output"))).href);
    const changed = new Set(report.results.filter((r) => r.outcome === "changed").map((r) => r.function));
    // With --keep-legacy-export the old names keep the old signatures: nothing to wrap.
    const view = c.spec.keepLegacyExport === true ? output : legacyView(output, changed, stage);
    const traces = [await traced(scenario.default, input), await traced(scenario.default, view)];
    expect(traces[0]!.length, "the scenario traced something").toBeGreaterThan(0);
    expect(traces[1]).toEqual(traces[0]);
  }
  // What only the scoped output does: cancellation reaches the legacy work, siblings are cancelled and awaited.
  if (existsSync(path.join(c.dir, "cancel.ts"))) {
    const cancel = (await import(pathToFileURL(path.join(c.dir, "cancel.ts")).href)) as { default: (module: any) => Promise<void> };
    await cancel.default(await import(pathToFileURL(path.join(c.dir, c.input.replace("input", "output"))).href));
  }
}

/**
 * After `--to scoped` the functions take a `cx` first: the scenario, written against the old signatures, drives
 * them through `toPromise`, as a legacy caller would. Other stages' modules are used as they are.
 */
function legacyView(module: Record<string, unknown>, changed: ReadonlySet<string>, stage: string): Record<string, unknown> {
  if (stage !== "to-scoped") return module;
  return Object.fromEntries(
    Object.entries(module).map(([name, value]) => [name, typeof value === "function" && changed.has(name) ? toPromise(value as never) : value]),
  );
}

/** A scenario drives a fixture's module under stubs and traces what happens, in order. */
type Scenario = (module: any, trace: (event: string) => void) => Promise<void>;

async function traced(scenario: Scenario, module: unknown): Promise<string[]> {
  const events: string[] = [];
  await scenario(module, (event) => events.push(event));
  return events;
}
