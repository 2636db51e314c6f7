/**
 * How a file without a prettier config writes its code, read from the code itself, so that what a rewrite adds
 * reads like what is already there. Prettier prints the new code with options inferred here (semicolons, quotes,
 * quoted keys, indentation, trailing commas, arrow parentheses, bracket spacing, line width); what prettier cannot print (the space of
 * `function name (args)`, as `standard` writes it) is restored on the new code by {@link restoreConventions}.
 *
 * The file is read as it was before the rewrite: the rewrite's own text is written before it is formatted and
 * would otherwise vote for itself (every statement it writes ends with a semicolon).
 */
import type * as prettier from "prettier";
import { ts } from "ts-morph";

/** A file's conventions: prettier's options, and the spacing prettier cannot print. */
export interface FileStyle {
  options: prettier.Options;
  /** `function name (args)` and `method (args)`: prettier always prints `name(args)`. */
  spaceBeforeNamedParen: boolean;
  /** `function (args)` of an anonymous function: prettier always prints it with the space. */
  spaceBeforeAnonymousParen: boolean;
}

/** Tallies of the two ways of writing one thing. */
class Votes {
  yes = 0;
  no = 0;
  add(yes: boolean): void {
    if (yes) this.yes++;
    else this.no++;
  }
  /** The way most of the file writes it; `fallback` with no evidence. */
  wins(fallback: boolean): boolean {
    return this.yes === this.no ? fallback : this.yes > this.no;
  }
}

const K = ts.SyntaxKind;

/** Statements that end with a semicolon unless the file leaves them out. */
const SEMICOLON_STATEMENTS = new Set([
  K.VariableStatement,
  K.ExpressionStatement,
  K.ReturnStatement,
  K.ThrowStatement,
  K.BreakStatement,
  K.ContinueStatement,
  K.DoStatement,
  K.DebuggerStatement,
  K.ImportDeclaration,
  K.ImportEqualsDeclaration,
  K.ExportDeclaration,
  K.ExportAssignment,
  K.TypeAliasDeclaration,
  K.PropertyDeclaration,
]);

/**
 * The conventions of `source`, the file as it was before the rewrite. Where the file shows nothing, prettier's
 * defaults stand, but for trailing commas: none, which every JavaScript engine parses.
 */
export function inferStyle(source: ts.SourceFile): FileStyle {
  const text = source.text;
  const semi = new Votes();
  const single = new Votes();
  const bareArrow = new Votes();
  const spaced = new Votes();
  const named = new Votes();
  const anonymous = new Votes();
  const literalComma = new Votes();
  const callComma = new Votes();
  /** Object keys quoted where they need not be (`'toCwd': srcpath`): prettier would unquote them. */
  let needlesslyQuoted = 0;
  /** A multi-line list: whether it ends with a comma (an ES5-era file never does). */
  const list = (votes: Votes, elements: ts.NodeArray<ts.Node> | undefined, close: number): void => {
    if (elements === undefined || elements.length === 0) return;
    const last = elements[elements.length - 1]!;
    if (text.slice(last.end, close).includes("\n")) votes.add(elements.hasTrailingComma);
  };
  /** Whether `(` at `paren` has white space before it. */
  const spaceBefore = (paren: number): boolean => /\s/.test(text[paren - 1] ?? "");
  const visit = (node: ts.Node): void => {
    const start = node.getStart(source);
    if (SEMICOLON_STATEMENTS.has(node.kind) && !(node.kind === K.VariableStatement && node.parent.kind === K.ForStatement)) {
      semi.add(text[node.end - 1] === ";");
    }
    if (ts.isStringLiteral(node) && !ts.isJsxAttribute(node.parent) && !/['"]/.test(node.text)) single.add(text[start] === "'");
    if (ts.isArrowFunction(node) && node.parameters.length === 1) {
      const p = node.parameters[0]!;
      if (ts.isIdentifier(p.name) && p.type === undefined && p.initializer === undefined && p.dotDotDotToken === undefined && node.typeParameters === undefined) {
        bareArrow.add(p.getStart(source) === start || (node.modifiers !== undefined && text[p.getStart(source) - 1] !== "("));
      }
    }
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined && !ts.isArrowFunction(node) && text[node.parameters.pos - 1] === "(") {
      const isAnonymous = ts.isFunctionExpression(node) && node.name === undefined;
      (isAnonymous ? anonymous : named).add(spaceBefore(node.parameters.pos - 1));
    }
    if (ts.isObjectLiteralExpression(node) || ts.isNamedImports(node) || ts.isNamedExports(node) || ts.isObjectBindingPattern(node)) {
      const body = text.slice(start + 1, node.end - 1);
      if (body.trim() !== "" && !body.includes("\n")) spaced.add(/^\s/.test(body));
    }
    if (ts.isPropertyAssignment(node) && ts.isStringLiteral(node.name) && /^[A-Za-z_$][\w$]*$/.test(node.name.text)) needlesslyQuoted++;
    if (ts.isArrayLiteralExpression(node)) list(literalComma, node.elements, node.end);
    if (ts.isObjectLiteralExpression(node)) list(literalComma, node.properties, node.end);
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) list(callComma, node.arguments, node.end);
    node.forEachChild(visit);
  };
  source.forEachChild(visit);
  const indent = indentation(text);
  const semicolons = semi.wins(true);
  const singleQuote = single.wins(false);
  // With no multi-line list to go by, a file in prettier's defaults is taken to use them; any other, none.
  const trailingComma = !literalComma.wins(semicolons && !singleQuote) ? "none" : callComma.wins(true) ? "all" : "es5";
  return {
    options: {
      semi: semicolons,
      singleQuote,
      arrowParens: bareArrow.wins(false) ? "avoid" : "always",
      bracketSpacing: spaced.wins(true),
      quoteProps: needlesslyQuoted > 0 ? "preserve" : "as-needed",
      trailingComma,
      ...indent,
      printWidth: lineWidth(text, indent.tabWidth),
    },
    spaceBeforeNamedParen: named.wins(false),
    spaceBeforeAnonymousParen: anonymous.wins(true),
  };
}

/** The lines of `text` but for JSDoc's ` * ` lines and blank ones. */
function codeLines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "" && !/^\s*\*/.test(line));
}

/** Tabs or spaces, and how many spaces a level: the step most often seen between a line and the next one in. */
function indentation(text: string): { useTabs: boolean; tabWidth: number } {
  const lines = codeLines(text);
  const indents = lines.map((l) => /^[ \t]*/.exec(l)![0]);
  const useTabs = indents.filter((i) => i.startsWith("\t")).length > indents.filter((i) => i.startsWith(" ")).length;
  const steps = new Map<number, number>();
  for (let i = 1; i < indents.length; i++) {
    const step = indents[i]!.length - indents[i - 1]!.length;
    if (!indents[i]!.includes("\t") && step >= 2 && step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  const [tabWidth] = [...steps].reduce((best, step) => (step[1] > best[1] ? step : best), [2, 0]);
  return { useTabs, tabWidth };
}

/**
 * The width the file's code is written to: prettier's 80, unless at least three lines of code (one in a hundred in
 * a long file) are longer, as in files written to 100 or 120 columns; then the length of the shortest of those
 * lines, to the ten. One long line (a URL, a message no one wraps) does not make a file wide.
 */
function lineWidth(text: string, tabWidth: number): number {
  const lengths = codeLines(text)
    .filter((l) => !/^\s*(\/\/|\/\*)/.test(l))
    .map((l) => l.replace(/\t/g, " ".repeat(tabWidth)).trimEnd().length)
    .sort((a, b) => b - a);
  const long = lengths[Math.max(2, Math.floor(lengths.length / 100))] ?? 0;
  return long <= 80 ? 80 : Math.ceil(long / 10) * 10;
}

/**
 * The width of the file's own lines the rewrite moved into `pieces` (the text it wrote, before formatting) or
 * replaced (gone from `text`, the new text): the longest such line, to the ten. A file written without a line limit
 * (`standard` sets none) has lines of every length; wrapping the ones a rewrite moves, or the code that takes the
 * place of a long line, would put lines in the diff that its author would not have wrapped.
 */
export function keptLineWidth(original: string, text: string, pieces: readonly string[], tabWidth: number): number {
  const moved = new Set(pieces.flatMap((p) => p.split("\n")).map((l) => l.trim()));
  const now = new Set(codeLines(text).map((l) => l.trim()));
  let longest = 0;
  for (const line of codeLines(original)) {
    if (moved.has(line.trim()) || !now.has(line.trim())) longest = Math.max(longest, line.replace(/\t/g, " ".repeat(tabWidth)).trimEnd().length);
  }
  return Math.ceil(longest / 10) * 10;
}

/**
 * `code` (a piece prettier printed) with the spacing of the file's function heads that prettier cannot print:
 * `function name (args)` and `method (args)` where the file writes them so, `function(args)` where it writes
 * anonymous functions without the space. Strings and comments are left alone: only the tree's heads are looked at.
 */
export function restoreConventions(code: string, style: FileStyle, kind: ts.ScriptKind): string {
  if (!style.spaceBeforeNamedParen && style.spaceBeforeAnonymousParen) return code;
  const source = ts.createSourceFile("piece.ts", code, ts.ScriptTarget.Latest, true, kind);
  const edits: { at: number; insert: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined && !ts.isArrowFunction(node)) {
      const paren = node.parameters.pos - 1;
      if (code[paren] === "(") {
        const want = ts.isFunctionExpression(node) && node.name === undefined ? style.spaceBeforeAnonymousParen : style.spaceBeforeNamedParen;
        const has = code[paren - 1] === " ";
        if (want && !has) edits.push({ at: paren, insert: true });
        if (!want && has) edits.push({ at: paren - 1, insert: false });
      }
    }
    node.forEachChild(visit);
  };
  source.forEachChild(visit);
  let out = code;
  for (const edit of edits.sort((a, b) => b.at - a.at)) out = edit.insert ? `${out.slice(0, edit.at)} ${out.slice(edit.at)}` : out.slice(0, edit.at) + out.slice(edit.at + 1);
  return out;
}
