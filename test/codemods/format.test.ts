import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import { afterAll, describe, expect, test } from "vitest";
import { Formatter, formatRanges } from "../../codemods/engine/format.ts";

// formatRanges formats every range in one prettier call; the result must be what prettier's own range formatting
// gives, one range after the other (the last first, so earlier offsets stay valid). Like formatRanges, the
// reference leaves out short one-line ranges (a lone `async ` inserted before a function).
const dir = mkdtempSync(path.join(os.tmpdir(), "corral-format-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function reference(file: string, text: string, ranges: { start: number; end: number }[], config: prettier.Options): Promise<string> {
  let out = text;
  const wanted = ranges.filter((r) => r.end - r.start >= 16 || text.slice(r.start, r.end).includes("\n"));
  for (const r of wanted.sort((a, b) => b.start - a.start)) {
    out = await prettier.format(out, { ...config, filepath: file, rangeStart: r.start, rangeEnd: r.end });
  }
  return out;
}

/** The ranges marked `«...»` in `marked`, and the text without the marks. */
function parse(marked: string): { text: string; ranges: { start: number; end: number }[] } {
  const ranges: { start: number; end: number }[] = [];
  let text = "";
  for (const part of marked.split(/(«|»)/)) {
    if (part === "«") ranges.push({ start: text.length, end: -1 });
    else if (part === "»") ranges[ranges.length - 1]!.end = text.length;
    else text += part;
  }
  return { text, ranges };
}

const CASES: Record<string, { ext: string; config: prettier.Options; marked: string }> = {
  "function bodies at several depths, a class method, imports": {
    ext: "js",
    config: { tabWidth: 2 },
    marked: `«import   {a} from "a";»
export async function f(x) «{
const y = await   g(x);
      return y}»

class C {
  m() «{ return   this.x }»
}

function outer() {
  if (x) {
    «const   z = 1;
    call(   z)»
  }
}
`,
  },
  "tabs, single quotes, no semicolons": {
    ext: "ts",
    config: { useTabs: true, singleQuote: true, semi: false },
    marked: `export class A {
\tasync load(id: string): Promise<string> «{
const value = await   fetch("x" + id)
\t\t\treturn value.text()}»
}
«(async () => {   await run() })()»
export async function b() «{
  ;[1, 2].forEach((n) => n)
}»
`,
  },
  "an indentation that is no whole number of levels, an export default": {
    ext: "js",
    config: { tabWidth: 4 },
    marked: `function f() {
   «return   compute(1,2)»
}
export default   «async function () { await   x() }»
`,
  },
  "two ranges in one statement, a range across siblings": {
    ext: "ts",
    config: {},
    marked: `export «async »function f(a: number)   «{ return   a + 1 }»
«const a = 1;
const   b = 2;»
`,
  },
};

describe("formatRanges gives what prettier's range formatting gives, range by range", () => {
  for (const [name, { ext, config, marked }] of Object.entries(CASES)) {
    test(name, async () => {
      const folder = mkdtempSync(path.join(dir, "case-"));
      writeFileSync(path.join(folder, ".prettierrc"), JSON.stringify(config));
      const file = path.join(folder, `input.${ext}`);
      const { text, ranges } = parse(marked);
      const expected = await reference(file, text, ranges, { ...config, parser: ext === "ts" ? "typescript" : "babel" });
      expect(await formatRanges(file, text, ranges, text)).toBe(expected);
      expect(expected).not.toBe(text);
    });
  }
});

test("files formatted in one batch: a piece that does not parse fails its own file only", async () => {
  const folder = mkdtempSync(path.join(dir, "batch-"));
  writeFileSync(path.join(folder, ".prettierrc"), "{}");
  const good = parse(`export function f() «{\nreturn   compute( 1 )}»\n`);
  const bad = parse(`export function g() «{\nreturn   (;\n}»\n`);
  const formatter = new Formatter();
  const first = formatter.format(path.join(folder, "good.js"), good.text, good.ranges, good.text);
  const second = formatter.format(path.join(folder, "bad.js"), bad.text, bad.ranges, bad.text);
  const third = formatter.format(path.join(folder, "good2.js"), good.text, good.ranges, good.text);
  await formatter.flush();
  expect(await first).toBe("export function f() {\n  return compute(1);\n}\n");
  await expect(second).rejects.toThrow(/Unexpected token|SyntaxError/);
  expect(await third).toBe(await first);
});
