import { describe, expect, test } from "vitest";
import { folderSummaries, isUnder, mapData } from "../../cli/scan-map-data.ts";
import type { ScanReport, ScannedFunction, Style } from "../../codemods/engine/scan.ts";

function fn(file: string, name: string, style: Style, refused = false): ScannedFunction {
  return {
    file,
    function: name,
    line: 1,
    style,
    async: refused ? { outcome: "refused", reason: { code: "some-code", message: `why ${name}` } } : { outcome: "changed", reason: null },
    scoped: { outcome: "unchanged", reason: null },
    calls: [],
  };
}

function report(functions: ScannedFunction[]): ScanReport {
  return { functions, errors: [], skipped: [], order: [] };
}

describe("the migration map's per-folder summary", () => {
  test("every folder up to the one all files share, in tree order (numbers as numbers), each counting what is under it", () => {
    const rows = folderSummaries(report([
      fn("src/part10/a.js", "a", "chain"),
      fn("src/part2/b.js", "b", "callback", true),
      fn("src/part2/deep/c.js", "c", "async"),
      fn("src/part2/deep/c.js", "d", "chain"),
      fn("src/top.js", "e", "sync"),
    ]));
    expect(rows.map((r) => [r.folder, r.depth, r.files, r.functions])).toEqual([
      ["src", 0, 4, 5],
      ["src/part2", 1, 2, 3],
      ["src/part2/deep", 2, 1, 2],
      ["src/part10", 1, 1, 1],
    ]);
    const part2 = rows[1]!;
    expect(part2.styles).toMatchObject({ callback: 1, async: 1, chain: 1, sync: 0 });
    expect(part2.async).toMatchObject({ changed: 2, refused: 1 });
  });

  test("files in several top folders, or at the top, are summed under `.`; absolute paths end at `/`", () => {
    expect(folderSummaries(report([fn("a.js", "a", "chain"), fn("lib/b.js", "b", "chain")])).map((r) => [r.folder, r.functions])).toEqual([
      [".", 2],
      ["lib", 1],
    ]);
    expect(folderSummaries(report([fn("/x/y/a.js", "a", "chain")])).map((r) => r.folder)).toEqual(["/", "/x", "/x/y"]);
    expect(isUnder("/x/y/a.js", "/")).toBe(true);
    expect(isUnder("src/part10/a.js", "src/part1")).toBe(false);
  });
});

describe("the migration map's packed data", () => {
  test("each reason is written once and functions refer to it by number", () => {
    const twice = fn("a.js", "a", "chain", true);
    const data = mapData(report([twice, { ...twice, function: "b", async: { ...twice.async } }, fn("a.js", "c", "chain")]));
    expect(data.files).toEqual(["a.js"]);
    expect(data.reasons).toEqual([{ code: "some-code", message: "why a" }]);
    expect(data.functions.map((f) => [f[1], f[5]])).toEqual([["a", 0], ["b", 0], ["c", -1]]);
  });
});
