/**
 * Comments that go with a statement when it moves into an async version: the rewrite writes new text for the
 * statement (or copies it from its first token), and the comments around it would otherwise stay behind with the
 * code that is replaced, that is, be lost.
 */
import { Node } from "ts-morph";

/**
 * The comments of `statement`: those on the lines before it (the text before the first line break is the previous
 * statement's trailing comment, when there is a previous statement; after a `{` it is this one's), and the one after
 * it on its last line.
 */
export function ownComments(statement: Node): { leading: string; trailing: string } {
  const text = statement.getSourceFile().getFullText();
  const before = text.slice(statement.getFullStart(), statement.getStart());
  const afterPrevious = statement.getPreviousSibling() !== undefined && before.includes("\n");
  const leading = afterPrevious ? before.slice(before.indexOf("\n") + 1) : before;
  const trailing = statement.getTrailingCommentRanges().map((r) => text.slice(statement.getEnd(), r.getEnd())).at(-1) ?? "";
  return { leading, trailing };
}

/** Blocks whose `{` line comment {@link openerComment} took: their first statement goes without it. */
const openersTaken = new WeakSet<Node>();

/**
 * The comment on the line of an inner callback's `{`, as in `fs.stat(file, (err, stats) => { // eslint-disable-line
 * handle-callback-err`: it speaks of the call, so the caller puts it at the end of the line that awaits the call,
 * and the body's first statement no longer carries it. Empty when there is none.
 */
export function openerComment(body: Node): string {
  if (!Node.isBlock(body)) return "";
  const text = body.getSourceFile().getFullText();
  const line = text.slice(body.getStart() + 1, text.indexOf("\n", body.getStart()) >>> 0).trim();
  if (!/^(\/\/|\/\*)/.test(line)) return "";
  openersTaken.add(body);
  return line;
}

/** `lines` with `comment` at the end of the first line that awaits (unchanged when the comment is empty). */
export function withCommentOnAwait(lines: readonly string[], comment: string): string[] {
  const at = lines.findIndex((line) => /\bawait\b/.test(line));
  if (comment === "" || at === -1) return [...lines];
  return lines.map((line, i) => (i === at ? `${line} ${comment}` : line));
}

/**
 * `lines` (the code written for `statement`) with the statement's own comments: each leading comment on a line of
 * its own before them, the trailing one after the last. Nothing is written for a statement whose code is dropped.
 */
export function withOwnComments(statement: Node, lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const own = ownComments(statement);
  // The first line of an inner callback's body is its `{` line, whose comment went with the awaited call.
  const parent = statement.getParent();
  const opener = statement.getPreviousSibling() === undefined && parent !== undefined && openersTaken.has(parent) && own.leading.includes("\n");
  const leading = opener ? own.leading.slice(own.leading.indexOf("\n") + 1) : own.leading;
  const trailing = own.trailing;
  const comments = leading
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => (line.startsWith("*") ? ` ${line}` : line));
  // A blank line the file put before the statement stays (prettier drops one that opens a block).
  const apart = statement.getPreviousSibling() !== undefined && /\n[ \t]*\n/.test(`\n${leading}`) ? [""] : [];
  const last = lines.length - 1;
  return [...apart, ...comments, ...lines.slice(0, last), trailing.trim() === "" ? lines[last]! : `${lines[last]} ${trailing.trim()}`];
}
