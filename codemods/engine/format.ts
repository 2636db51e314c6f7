import path from "node:path";
import * as prettier from "prettier";
import { ts } from "ts-morph";
import { inferStyle, keptLineWidth, restoreConventions, type FileStyle } from "./file-style.ts";
import { elementSpan, type Span } from "./format-range.ts";

/**
 * Format exactly the ranges the codemod wrote, with the project's own prettier config (found from the file's
 * folder). Without one, the new code follows the file's own habits (file-style.ts: semicolons, quotes, indentation,
 * trailing commas, line width, the space of `function name (args)`), and its `.editorconfig` where it has one, so
 * it reads like the code around it. Text outside the ranges is left alone.
 *
 * The result is what prettier's range formatting gives for each range in turn: prettier formats the statements a
 * range lies in (its "source elements"), alone, at their indentation. Those are found here on TypeScript's tree
 * (see {@link elementSpan}) and formatted together, each nested in blocks as deep as its indentation and parted by
 * a marker comment: one parse instead of one per range, and prettier's per-call option handling once. A piece
 * that cannot share the call is formatted alone, the way prettier would.
 */
export async function formatRanges(file: string, text: string, ranges: readonly Span[], original: string): Promise<string> {
  const formatter = new Formatter();
  const formatted = formatter.format(file, text, ranges, original);
  await formatter.flush();
  return formatted;
}

/** One file's pieces waiting for a batch, and where its answer goes. */
interface Request {
  text: string;
  spans: Span[];
  pieces: Piece[];
  options: prettier.Options;
  /** The file's conventions prettier cannot print, restored on each formatted piece. */
  style: FileStyle;
  kind: ts.ScriptKind;
  /** Files formatted in one prettier call share these options (the parser and the kind of file included). */
  key: string;
  resolve: (text: string) => void;
  reject: (error: unknown) => void;
}

/**
 * {@link formatRanges} for many files: `format` queues a file, `flush` formats everything queued in one prettier
 * call per set of options, and each `format` promise then settles (with the error of its own file if one of its
 * pieces does not parse).
 */
export class Formatter {
  private readonly queue: Request[] = [];
  private readonly preparing: Promise<unknown>[] = [];

  /** Files waiting for {@link flush}. */
  get size(): number {
    return this.queue.length + this.preparing.length;
  }

  /** `text` with `ranges` formatted; `original` is the file before the rewrite, whose conventions the new code follows. */
  format(file: string, text: string, ranges: readonly Span[], original: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const prepared = prepare(file, text, ranges, original).then((ready) => {
        if (ready === undefined) resolve(text);
        else this.queue.push({ ...ready, text, resolve, reject });
      }, reject);
      this.preparing.push(prepared);
    });
  }

  async flush(): Promise<void> {
    await Promise.all(this.preparing.splice(0));
    const groups = new Map<string, Request[]>();
    for (const request of this.queue.splice(0)) groups.set(request.key, [...(groups.get(request.key) ?? []), request]);
    for (const requests of groups.values()) {
      const formatted = await formatPieces(requests.flatMap((r) => r.pieces), requests[0]!.options);
      let at = 0;
      for (const request of requests) {
        const mine = formatted.slice(at, (at += request.pieces.length));
        const failure = mine.find((f) => f instanceof Error);
        if (failure !== undefined) request.reject(failure);
        else {
          let out = request.text;
          for (let i = request.spans.length - 1; i >= 0; i--) {
            const piece = restoreConventions(mine[i] as string, request.style, request.kind);
            out = out.slice(0, request.spans[i]!.start) + piece + out.slice(request.spans[i]!.end);
          }
          request.resolve(out);
        }
      }
    }
  }
}

/** A file's options and the statements to format, or undefined when no range needs formatting. */
async function prepare(file: string, text: string, ranges: readonly Span[], original: string): Promise<Omit<Request, "text" | "resolve" | "reject"> | undefined> {
  const wanted = ranges.filter((r) => r.end - r.start >= 16 || text.slice(r.start, r.end).includes("\n")); // not a lone `async `
  if (wanted.length === 0) return undefined;
  // Prettier formats a range as a program of its own; with a `.cjs` name that program is a script, where the
  // `await` of an async function's body is an error. So the range is read as a module.
  const filepath = file.replace(/\.c([jt]s)$/, ".$1");
  const parser = /\.[cm]?tsx?$/.test(file) ? "typescript" : "babel";
  const kind = /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : /\.tsx$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.JSX;
  // Only statements are looked for in this tree: JSDoc comments are left unparsed (a tenth of the parse).
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
  const source = ts.createSourceFile(filepath, text, options, true, kind);
  const spans = outermost(wanted.map((r) => elementSpan(source, r)).filter((s): s is Span => s !== undefined));
  const style = await styleOf(file, () => ts.createSourceFile(filepath, original, options, true, kind), text, spans.map((s) => text.slice(s.start, s.end)));
  const config = style.options;
  const pieces = spans.map((span) => piece(text, span, config.tabWidth ?? 2));
  // The file's name reaches prettier only through its kind (JSX or not), so files of a kind share a call.
  const key = JSON.stringify([style, parser, path.extname(filepath)]);
  return { spans, pieces, options: { ...config, parser, filepath }, style, kind, key };
}

/**
 * The project's prettier config where it has one (with its `.editorconfig`, as prettier reads it); else the file's
 * own conventions, with what its `.editorconfig` says (indentation, line width) over what the code suggests, and a
 * line width no shorter than the file's lines the rewrite moves or replaces (keptLineWidth) unless prettier wrapped it.
 */
async function styleOf(file: string, original: () => ts.SourceFile, text: string, pieces: readonly string[]): Promise<FileStyle> {
  const editorconfig = (await prettier.resolveConfig(file, { editorconfig: true })) ?? {};
  if ((await prettier.resolveConfigFile(file)) !== null) return { options: editorconfig, spaceBeforeNamedParen: false, spaceBeforeAnonymousParen: true };
  const source = original();
  const inferred = inferStyle(source);
  const options = { ...inferred.options, ...editorconfig };
  // A file in prettier's look was wrapped by prettier, and its long lines are those prettier could not break; any
  // other file was wrapped by hand, and its long lines say how long its author lets a line be.
  const prettierLook = options.semi === true && options.singleQuote === false;
  if (editorconfig.printWidth === undefined && !prettierLook) {
    options.printWidth = Math.max(options.printWidth!, keptLineWidth(source.text, text, pieces, options.tabWidth!));
  }
  return { ...inferred, options };
}

/** A source element to format: its text, the indentation of its line, and how many blocks deep that is. */
interface Piece {
  text: string;
  indent: string;
  /** Blocks to nest it in for prettier to print it at its indentation; undefined when no number of blocks does. */
  depth: number | undefined;
}

function piece(text: string, span: Span, tabWidth: number): Piece {
  const lineStart = text.lastIndexOf("\n", span.start - 1) + 1;
  const indent = /^\s*/.exec(text.slice(lineStart, span.start))![0];
  const size = alignment(indent, tabWidth);
  return { text: text.slice(span.start, span.end), indent, depth: size % tabWidth === 0 ? size / tabWidth : undefined };
}

/** Prettier's width of an indentation (a tab reaches the next tab stop). */
function alignment(indent: string, tabWidth: number): number {
  let size = 0;
  for (const char of indent) size = char === "\t" ? size + tabWidth - (size % tabWidth) : size + 1;
  return size;
}

/** Spans sorted, with a span inside another dropped and overlapping ones joined (their statements are siblings). */
function outermost(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const last = out[out.length - 1];
    if (last !== undefined && span.start < last.end) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

const BOUNDARY = "//corral-format-boundary";

/**
 * Every piece formatted (or the error prettier gave for it), in one prettier call where they can share it. A piece
 * that starts with a string (a directive alone, a plain statement among others) or with a character that would
 * continue the statement before it, or whose indentation is no whole number of levels, is formatted alone; so is
 * every piece when one of them does not parse.
 */
async function formatPieces(pieces: readonly Piece[], options: prettier.Options): Promise<(string | Error)[]> {
  const shared = pieces.filter((p) => p.depth !== undefined && !/^["'([`+\-/<]/.test(p.text));
  const together = shared.length > 1 ? await formatTogether(shared, options) : undefined;
  const position = new Map(shared.map((p, i) => [p, i]));
  const out: (string | Error)[] = [];
  for (const p of pieces) {
    const index = position.get(p);
    out.push(together !== undefined && index !== undefined ? together[index]! : await formatAlone(p, options).catch((error: unknown) => asError(error)));
  }
  return out;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Pieces nested in blocks to their depth, parted by a marker line, formatted at once, then taken apart again. */
async function formatTogether(pieces: readonly Piece[], options: prettier.Options): Promise<string[] | undefined> {
  const program = pieces.map((p) => `${"{\n".repeat(p.depth!)}${p.text}${"\n}".repeat(p.depth!)}`).join(`\n${BOUNDARY}\n`);
  let formatted: string;
  try {
    formatted = await prettier.format(program, options);
  } catch {
    return undefined; // a piece does not parse with the others: each alone says which
  }
  const chunks = formatted.trimEnd().split(`\n${BOUNDARY}\n`);
  if (chunks.length !== pieces.length) return undefined;
  const out: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const depth = pieces[i]!.depth!;
    const lines = chunk.split("\n");
    const opens = lines.slice(0, depth).every((l) => l.trim() === "{");
    const closes = lines.slice(lines.length - depth).every((l) => l.trim() === "}");
    if (lines.length < 2 * depth + 1 || !opens || !closes) return undefined;
    out.push(lines.slice(depth, lines.length - depth).join("\n").trim());
  }
  return out;
}

/** One piece through prettier's own range formatting, at its indentation. */
async function formatAlone(p: Piece, options: prettier.Options): Promise<string> {
  const text = p.indent + p.text;
  const formatted = await prettier.format(text, { ...options, rangeStart: p.indent.length, rangeEnd: text.length });
  return formatted.slice(p.indent.length).trimEnd();
}
