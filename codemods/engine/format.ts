import * as prettier from "prettier";
import { ts } from "ts-morph";

/**
 * Format exactly the ranges the codemod wrote, with the project's own prettier config (found from the file's
 * folder). Without one, prettier's defaults follow the file's own habits (quotes, semicolons, indentation), so
 * the new code reads like the code around it. Text outside the ranges is left alone.
 *
 * Prettier reads the whole text it is given for every range, so each range is formatted inside its top-level
 * statement only (a function, a class): the same result, without parsing the whole file once per range.
 */
export async function formatRanges(file: string, text: string, ranges: readonly { start: number; end: number }[]): Promise<string> {
  const config = (await prettier.resolveConfig(file, { editorconfig: true })) ?? inferStyle(text);
  const parser = /\.[cm]?tsx?$/.test(file) ? "typescript" : "babel";
  // Prettier formats a range as a program of its own; with a `.cjs` name that program is a script, where the
  // `await` of an async function's body is an error. So the range is read as a module.
  const filepath = file.replace(/\.c([jt]s)$/, ".$1");
  const format = (piece: string, start: number, end: number): Promise<string> =>
    prettier.format(piece, { ...config, parser, rangeStart: start, rangeEnd: end, filepath });
  const wanted = [...ranges]
    .filter((r) => r.end - r.start >= 16 || text.slice(r.start, r.end).includes("\n")) // not a lone `async `
    .sort((a, b) => b.start - a.start); // last first, so the offsets of the earlier ones stay valid
  const kind = /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : /\.tsx$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.JSX;
  const statements = ts.createSourceFile(filepath, text, ts.ScriptTarget.Latest, true, kind).statements;
  const home = wanted.map((r) => statements.find((st) => st.getStart() <= r.start && r.end <= st.getEnd() && startsLine(text, st.getStart())));
  if (home.some((st) => st === undefined)) {
    // A range across statements: the whole text each time.
    let out = text;
    for (const range of wanted) out = await format(out, range.start, range.end);
    // Prettier drops the file's last newline when a range starts at 0 (imports added to a file that had none).
    return text.endsWith("\n") && !out.endsWith("\n") ? `${out}\n` : out;
  }
  let out = text;
  for (let i = 0; i < wanted.length; ) {
    const statement = home[i]!;
    const start = statement.getStart();
    let piece = text.slice(start, statement.getEnd());
    for (; i < wanted.length && home[i] === statement; i++) piece = (await format(piece, wanted[i]!.start - start, wanted[i]!.end - start)).replace(/\n$/, "");
    out = out.slice(0, start) + piece + out.slice(statement.getEnd());
  }
  return out;
}

/** Whether `at` is the first non-blank of its line (a statement sharing its line with another is formatted in place). */
function startsLine(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, at));
}

/** Prettier options matching how `text` is already written, for projects without a prettier config. */
function inferStyle(text: string): prettier.Options {
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
