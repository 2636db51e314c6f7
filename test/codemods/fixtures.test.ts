import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Project, ts } from "ts-morph";
import { afterAll, describe, expect, test } from "vitest";
import { toPromise } from "corral";
import { migrate, type Stage } from "../../codemods/engine/migrate.ts";

/**
 * Golden fixtures, discovered: fixtures/<stage>/<case>/ holds input.ts|js, case.json, and output.ts|js unless the
 * case is refused or unchanged. See fixtures/README.md for the format.
 */
const root = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const stages = readdirSync(root).filter((name) => existsSync(path.join(root, name, ".stage")));

interface CaseSpec {
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

interface Case {
  stage: string;
  name: string;
  dir: string;
  input: string;
  spec: CaseSpec;
}

const cases: Case[] = stages.flatMap((stage) =>
  readdirSync(path.join(root, stage))
    .filter((name) => existsSync(path.join(root, stage, name, "case.json")))
    .map((name) => {
      const dir = path.join(root, stage, name);
      const input = readdirSync(dir).find((f) => /^input\.(ts|tsx|js|mjs|cjs)$/.test(f));
      if (input === undefined) throw new Error(`${dir}: no input.ts or input.js`);
      return { stage, name, dir, input, spec: JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8")) as CaseSpec };
    }),
);

// The cases run on a copy of the whole fixtures folder, so their imports of fixtures/support still resolve.
const scratch = mkdtempSync(path.join(os.tmpdir(), "corral-fixtures-"));
cpSync(root, scratch, { recursive: true });
// As in a project that has installed corral: the type gate checks the rewrites against corral's own types.
mkdirSync(path.join(scratch, "node_modules"));
symlinkSync(fileURLToPath(new URL("../../", import.meta.url)), path.join(scratch, "node_modules/corral"), "dir");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Migrate `file` (its function per the spec) as the CLI would; the report and the file's new text. */
async function run(file: string, spec: CaseSpec, stage: string) {
  const target = spec.function === undefined ? file : `${file}:${spec.function}`;
  const report = await migrate({ targets: [target], to: stage.replace(/^to-/, "") as Stage, keepLegacyExport: spec.keepLegacyExport === true, strict: spec.strict === true });
  const changed = report.changes.find((c) => c.file === path.resolve(file));
  return { report, text: changed?.after ?? readFileSync(file, "utf8") };
}

describe.each(stages)("fixtures/%s", (stage) => {
  const mine = cases.filter((c) => c.stage === stage);

  test.each(mine.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const work = path.join(scratch, stage, c.name);
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
  });
});

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
export type Scenario = (module: any, trace: (event: string) => void) => Promise<void>;

async function traced(scenario: Scenario, module: unknown): Promise<string[]> {
  const events: string[] = [];
  await scenario(module, (event) => events.push(event));
  return events;
}

describe("every fixture type-checks: TypeScript inputs and outputs in strict mode, JavaScript ones as JavaScript", () => {
  test("no diagnostics", () => {
    const options = { allowJs: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true, types: ["node"] };
    const project = new Project({ compilerOptions: options });
    // A script (no import or export: an entry file) shares the global scope with every other script, where two
    // `main`s would clash: each one is checked in a project of its own.
    const scripts: string[] = [];
    for (const c of cases) {
      for (const name of readdirSync(c.dir)) {
        if (!/^(input|output|scenario|cancel)\.(ts|js|mjs|cjs)$/.test(name)) continue;
        const file = path.join(c.dir, name);
        if (/^\s*(import|export)\b/m.test(readFileSync(file, "utf8"))) project.addSourceFileAtPath(file);
        else scripts.push(file);
      }
    }
    const describe = (d: import("ts-morph").Diagnostic) => `${d.getSourceFile()?.getFilePath()}:${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as never, "\n")}`;
    const diagnostics = project.getPreEmitDiagnostics().map(describe);
    for (const script of scripts) {
      const alone = new Project({ compilerOptions: options });
      alone.addSourceFileAtPath(script);
      diagnostics.push(...alone.getPreEmitDiagnostics().map(describe));
    }
    expect(diagnostics).toEqual([]);
  });
});

describe("the fixture set", () => {
  test("is not empty, and every stage has refusals", () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const stage of stages) expect(cases.some((c) => c.stage === stage && c.spec.expect === "refused")).toBe(true);
  });
});
