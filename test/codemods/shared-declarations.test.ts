import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ts, type Project } from "ts-morph";
import { afterAll, describe, expect, test } from "vitest";
import { openProject } from "../../codemods/engine/project.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "corral-shared-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tsconfig = path.join(dir, "tsconfig.json");
// The smallest standard library that has a Promise, and no @types: a test of sharing, not of those files.
writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { strict: true, target: "es2022", lib: ["es2015"], types: [], module: "nodenext", noEmit: true } }));
const file = path.join(dir, "main.ts");
writeFileSync(file, `import type { Shape } from "./shape.js";\nexport const area = (s: Shape): number => s.width * s.height;\nexport const later = Promise.resolve(1);\n`);
const shapes = path.join(dir, "shape.d.ts");

/** The tree of `name` in the project's program (the standard library's is found by its file name's end). */
function tree(project: Project, name: string): ts.SourceFile {
  return project.getProgram().compilerObject.getSourceFiles().find((f) => f.fileName.endsWith(name))!;
}

const errors = (project: Project): string[] => project.getPreEmitDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.getMessageText() as never, "\n"));

describe("projects the engine opens share the declaration files parsed before", () => {
  test("the standard library and a project's .d.ts: one tree for the same text and options; the code's own files each project's", () => {
    writeFileSync(shapes, "export interface Shape { width: number; height: number }\n");
    const [one, two] = [openProject([file], tsconfig), openProject([file], tsconfig)];
    expect(errors(one)).toEqual([]);
    expect(errors(two)).toEqual([]);
    expect(tree(two, "/lib.es5.d.ts")).toBe(tree(one, "/lib.es5.d.ts"));
    expect(tree(two, "/shape.d.ts")).toBe(tree(one, "/shape.d.ts"));
    expect(tree(two, "/main.ts")).not.toBe(tree(one, "/main.ts"));
  });

  test("other options, or a .d.ts whose text changed, get a tree of their own, and its errors", () => {
    writeFileSync(shapes, "export interface Shape { width: number; height: number }\n");
    const before = openProject([file], tsconfig);
    expect(tree(openProject([file], tsconfig, false, { target: ts.ScriptTarget.ES2020 }), "/lib.es5.d.ts")).not.toBe(tree(before, "/lib.es5.d.ts"));
    writeFileSync(shapes, "export interface Shape { width: string; height: number }\n");
    const after = openProject([file], tsconfig);
    expect(tree(after, "/shape.d.ts")).not.toBe(tree(before, "/shape.d.ts"));
    expect(tree(after, "/shape.d.ts").text).toContain("width: string");
    expect(errors(after)).toEqual(["The left-hand side of an arithmetic operation must be of type 'any', 'number', 'bigint' or an enum type."]);
    expect(errors(before)).toEqual([]);
  });
});
