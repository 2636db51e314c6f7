import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Project, ts } from "ts-morph";
import { describe, expect, test } from "vitest";
import { shareDeclarations } from "../../codemods/engine/shared-declarations.ts";
import { cases, shareNamed, shareOf, stages } from "../support/fixture-cases.ts";

// Each case runs in the share of test/codemods/fixtures/ it falls in (fixture-share.ts); this file checks the set.

describe("every fixture type-checks: TypeScript inputs and outputs in strict mode, JavaScript ones as JavaScript", () => {
  test("no diagnostics", () => {
    const options = { allowJs: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true, types: ["node"] };
    const project = new Project({ compilerOptions: options });
    shareDeclarations(project);
    // A script (no import or export: an entry file) shares the global scope with every other script, where two
    // `main`s would clash: each one is checked in a project of its own (the standard library parsed once for all).
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
      shareDeclarations(alone);
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

  test("is run whole: the share files are 1 to n of one n, and their shares are every case once", () => {
    const folder = fileURLToPath(new URL("fixtures/", import.meta.url));
    const shares = readdirSync(folder).filter((name) => name.endsWith(".test.ts")).map(shareNamed);
    const n = shares[0]?.n ?? 0;
    expect(shares.map((s) => s.n)).toEqual(shares.map(() => n));
    expect(shares.map((s) => s.k).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const run = shares.flatMap((s) => shareOf(s.k, s.n)).map((c) => `${c.stage}/${c.name}`);
    expect(run.sort()).toEqual(cases.map((c) => `${c.stage}/${c.name}`).sort());
  });
});
