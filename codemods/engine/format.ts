import * as prettier from "prettier";

/**
 * Format exactly the ranges the codemod wrote, with the project's own prettier config (found from the file's
 * folder). Without one, prettier's defaults follow the file's own habits (quotes, semicolons, indentation), so
 * the new code reads like the code around it. Text outside the ranges is left alone.
 */
export async function formatRanges(file: string, text: string, ranges: readonly { start: number; end: number }[]): Promise<string> {
  const config = (await prettier.resolveConfig(file, { editorconfig: true })) ?? inferStyle(text);
  const parser = /\.[cm]?tsx?$/.test(file) ? "typescript" : "babel";
  let out = text;
  // Last first, so the offsets of the earlier ranges stay valid.
  for (const range of [...ranges].sort((a, b) => b.start - a.start)) {
    if (range.end - range.start < 16 && !out.slice(range.start, range.end).includes("\n")) continue; // `async `
    // Prettier formats a range as a program of its own; with a `.cjs` name that program is a script, where the
    // `await` of an async function's body is an error. So the range is read as a module.
    const filepath = file.replace(/\.c([jt]s)$/, ".$1");
    out = await prettier.format(out, { ...config, parser, rangeStart: range.start, rangeEnd: range.end, filepath });
  }
  return out;
}

/** Prettier options matching how `text` is already written, for projects without a prettier config. */
export function inferStyle(text: string): prettier.Options {
  const single = (text.match(/'/g) ?? []).length;
  const double = (text.match(/"/g) ?? []).length;
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const withSemi = lines.filter((line) => /;\s*$/.test(line)).length;
  const indents = lines.map((line) => /^( +|\t+)\S/.exec(line)?.[1]).filter((i): i is string => i !== undefined);
  const useTabs = indents.filter((i) => i.startsWith("\t")).length > indents.length / 2;
  const spaces = indents.filter((i) => i.startsWith(" ")).map((i) => i.length);
  const tabWidth = spaces.length > 0 && Math.min(...spaces) >= 4 ? 4 : 2;
  return { singleQuote: single > double, semi: withSemi > 0 || lines.length === 0, useTabs, tabWidth };
}
