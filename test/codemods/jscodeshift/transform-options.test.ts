import { expect, test } from "vitest";
import { UsageError } from "corral";
import { readTransformOptions } from "../../../codemods/jscodeshift/transform-options.ts";

test("--project and --strict=true are read; jscodeshift's own options are not corral's", () => {
  expect(readTransformOptions({ project: "tsconfig.build.json", strict: true, dry: true, parser: "babel" })).toEqual({ tsconfig: "tsconfig.build.json", strict: true });
  expect(readTransformOptions({ strict: false, verbose: 0 })).toEqual({});
});

test("`--strict src/` (strict given the path after it) is a usage error that says how to write it", () => {
  expect(() => readTransformOptions({ strict: "src/" })).toThrow(UsageError);
  expect(() => readTransformOptions({ strict: "src/" })).toThrow(/--strict was given "src\/"; write --strict=true/);
  expect(() => readTransformOptions({ project: true })).toThrow(/--project was given true; expected the path of a tsconfig\.json/);
});
