import { ts } from "ts-morph";
import { describe, expect, test } from "vitest";
import { inferStyle, keptLineWidth, restoreConventions, type FileStyle } from "../../codemods/engine/file-style.ts";

function styleOf(text: string): FileStyle {
  return inferStyle(ts.createSourceFile("input.js", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
}

const STANDARD = `'use strict'
const fs = require('fs')

/**
 * JSDoc lines start with one space: not an indentation level.
 */
function read (file, cb) {
  fs.readFile(file, 'utf8', (err, text) => {
    if (err) return cb(err)
    cb(null, { text, lines: text.split('\\n').map(line => line.trim()).filter(line => line !== ''), file })
  })
}
const list = [
  1,
  2
]
module.exports = { read, list, describe: function (x) { return String(x) }, long: 'a value written on one long line, as standard allows' }
`;

describe("inferStyle reads the file's own conventions", () => {
  test("standard: no semicolons, single quotes, bare arrow parameters, no trailing commas, a space before parens", () => {
    const style = styleOf(STANDARD);
    expect(style.options).toMatchObject({ semi: false, singleQuote: true, arrowParens: "avoid", trailingComma: "none", useTabs: false, tabWidth: 2 });
    expect(style.spaceBeforeNamedParen).toBe(true);
    expect(style.spaceBeforeAnonymousParen).toBe(true);
  });

  test("prettier's defaults, where the file is written in them", () => {
    const style = styleOf(`import { a } from "a";\n\nexport const x = [\n  "one",\n  "two",\n];\nexport function f(y) {\n  return g(\n    (z) => z,\n    y,\n  );\n}\n`);
    expect(style.options).toMatchObject({ semi: true, singleQuote: false, arrowParens: "always", trailingComma: "all", printWidth: 80, bracketSpacing: true });
    expect(style.spaceBeforeNamedParen).toBe(false);
  });

  test("tabs, and four spaces with JSDoc (whose ` * ` lines are no level)", () => {
    expect(styleOf("function f() {\n\tif (x) {\n\t\treturn 1;\n\t}\n}\n").options).toMatchObject({ useTabs: true });
    const four = styleOf("/**\n * doc\n */\nfunction f() {\n    if (x) {\n        return 1;\n    }\n}\n");
    expect(four.options).toMatchObject({ useTabs: false, tabWidth: 4 });
  });

  test("a file written to 120 columns is not reflowed at 80; one long line does not make a file wide", () => {
    const long = (n: number): string => `call(${"x".repeat(n - 7)});`;
    expect(styleOf([long(60), long(112), long(115), long(118)].join("\n")).options.printWidth).toBe(120);
    expect(styleOf([long(60), long(150), long(70)].join("\n")).options.printWidth).toBe(80);
  });

  test("keys quoted where they need not be stay quoted", () => {
    expect(styleOf("const a = { 'toCwd': 1 }\n").options.quoteProps).toBe("preserve");
    expect(styleOf("const a = { toCwd: 1, 'a-b': 2 }\n").options.quoteProps).toBe("as-needed");
  });

  test("trailing commas in literals but not in calls: es5 (an ES5-era file has none: none)", () => {
    expect(styleOf("const a = [\n  1,\n  2,\n];\nf(\n  a,\n  b\n);\n").options.trailingComma).toBe("es5");
    expect(styleOf("var a = [\n  1,\n  2\n];\n").options.trailingComma).toBe("none");
  });
});

test("keptLineWidth: the longest of the file's lines the rewrite moved or replaced, to the ten", () => {
  const original = "function f (cb) {\n  g(function (err, value) {\n    cb(null, { value, note: 'a message written on one line of ninety-odd characters' })\n  })\n}\n";
  const text = "async function f () {\n  const value = await h()\n  return { value, note: 'a message written on one line of ninety-odd characters' }\n}\n";
  expect(keptLineWidth(original, text, [text], 2)).toBe(90);
});

describe("restoreConventions puts back the spacing prettier cannot print, on function heads only", () => {
  const standard: FileStyle = { options: {}, spaceBeforeNamedParen: true, spaceBeforeAnonymousParen: true };
  test("named functions, async ones and methods get their space; calls and strings keep theirs", () => {
    const code = "async function readAll(a) {\n  const o = { m(x) { return f('function g(x)') } }\n  return g(function (y) {})\n}";
    expect(restoreConventions(code, standard, ts.ScriptKind.JS)).toBe(
      "async function readAll (a) {\n  const o = { m (x) { return f('function g(x)') } }\n  return g(function (y) {})\n}",
    );
  });
  test("anonymous functions lose the space where the file writes `function(`", () => {
    const tight: FileStyle = { options: {}, spaceBeforeNamedParen: false, spaceBeforeAnonymousParen: false };
    expect(restoreConventions("g(function (y) {});", tight, ts.ScriptKind.JS)).toBe("g(function(y) {});");
  });
  test("prettier's own convention is left as it printed it", () => {
    const prettier: FileStyle = { options: {}, spaceBeforeNamedParen: false, spaceBeforeAnonymousParen: true };
    expect(restoreConventions("function f(a) {}", prettier, ts.ScriptKind.JS)).toBe("function f(a) {}");
  });
});
