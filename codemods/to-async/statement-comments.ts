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

/**
 * `lines` (the code written for `statement`) with the statement's own comments: each leading comment on a line of
 * its own before them, the trailing one after the last. Nothing is written for a statement whose code is dropped.
 */
export function withOwnComments(statement: Node, lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const { leading, trailing } = ownComments(statement);
  const comments = leading
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => (line.startsWith("*") ? ` ${line}` : line));
  const last = lines.length - 1;
  return [...comments, ...lines.slice(0, last), trailing.trim() === "" ? lines[last]! : `${lines[last]} ${trailing.trim()}`];
}
