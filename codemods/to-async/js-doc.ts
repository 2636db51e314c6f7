/**
 * The JSDoc of an err-first function in JavaScript, kept true for its async version. In a JavaScript file checked by
 * TypeScript (`checkJs`), JSDoc tags are the types: an async version without them has untyped, optional parameters
 * (so `callbackify(fAsync)(a, b, callback)` matches `callbackify`'s no-argument overload, TS2554, and `noImplicitAny`
 * reports them), and a `@param` naming the dropped callback is an error of its own (TS8024).
 */
import { Node, type JSDocTag } from "ts-morph";
import type { Edit } from "../engine/edits.ts";
import type { FunctionNode } from "../engine/functions.ts";

/**
 * The tags of `fn`'s JSDoc in a JavaScript file (none in TypeScript, where the types are in the code): its own, or
 * for a function held by a variable, a property or an assignment, the comment of what holds it.
 */
function tagsOf(fn: FunctionNode): JSDocTag[] {
  if (!/\.[cm]?jsx?$/.test(fn.getSourceFile().getFilePath())) return [];
  for (let node: Node | undefined = fn; node !== undefined && !Node.isBlock(node) && !Node.isSourceFile(node); node = node.getParent()) {
    const holder: boolean = Node.isObjectLiteralExpression(node) || Node.isCallExpression(node) || Node.isClassLikeDeclarationBase(node);
    if (holder || (node !== fn && Node.isFunctionLikeDeclaration(node))) break;
    const docs = Node.isJSDocable(node) ? node.getJsDocs() : [];
    if (docs.length > 0) return docs.at(-1)!.getTags();
    if (Node.isStatement(node)) break;
  }
  return [];
}

/** A tag's text without the comment's trailing ` * ` or closing stars. */
function tagText(tag: JSDocTag): string {
  return tag.getText().replace(/[\s*/]+$/, "");
}

/**
 * The JSDoc for the async version beside an exported function (`fAsync`): the `@template` tags and the `@param` tags
 * of the parameters it keeps; empty when the function has none.
 */
export function asyncVersionDoc(fn: FunctionNode, kept: readonly string[]): string {
  const tags = tagsOf(fn).filter(
    (tag) => Node.isJSDocTemplateTag(tag) || (Node.isJSDocParameterTag(tag) && kept.includes(tag.getName())),
  );
  if (!tags.some((tag) => Node.isJSDocParameterTag(tag))) return "";
  return `/**\n${tags.map((tag) => ` * ${tagText(tag)}\n`).join("")} */\n`;
}

/** The edit that removes the `@param` tag of the dropped callback from the JSDoc of a function made async in place. */
export function callbackTagRemoval(fn: FunctionNode, callback: string): Edit | undefined {
  const tag = tagsOf(fn).find((t) => Node.isJSDocParameterTag(t) && t.getName() === callback);
  if (tag === undefined) return undefined;
  const text = fn.getSourceFile().getFullText();
  const end = tag.getStart() + tagText(tag).length;
  const lineStart = text.lastIndexOf("\n", tag.getStart()) + 1;
  const lineEnd = text.indexOf("\n", end);
  // A tag on a line of its own goes with its line; one sharing a line with the comment's end, alone.
  const ownLine = /^[\s*]*$/.test(text.slice(lineStart, tag.getStart())) && lineEnd >= 0 && /^\s*$/.test(text.slice(end, lineEnd));
  return ownLine ? { start: lineStart, end: lineEnd + 1, text: "", format: false } : { start: tag.getStart(), end, text: "", format: false };
}
