import type { Node } from "ts-morph";
import { applyEdits, type Edit } from "./edits.ts";

/**
 * Edits being collected for one stretch of code, where a rewrite may build its text out of code already edited
 * (a call made native inside a `Promise.all` element that becomes a thunk): {@link textOf} reads a node as the
 * edits so far make it, and {@link replace} swaps a node for new text, taking the edits inside it along.
 */
export class EditSet {
  readonly edits: Edit[] = [];

  constructor(private readonly text: string) {}

  add(edit: Edit): void {
    this.edits.push(edit);
  }

  insert(at: number, text: string, format = true): void {
    this.edits.push({ start: at, end: at, text, ...(format ? {} : { format: false }) });
  }

  /** The text of `[start, end)` with the edits inside it applied. */
  textBetween(start: number, end: number): string {
    const inside = this.edits.filter((e) => e.start >= start && e.end <= end);
    const shifted = inside.map((e) => ({ ...e, start: e.start - start, end: e.end - start }));
    return applyEdits(this.text.slice(start, end), shifted).text;
  }

  /** The text of `node` with the edits inside it applied. */
  textOf(node: Node): string {
    return this.textBetween(node.getStart(), node.getEnd());
  }

  /** Replace `node` by `text` (built from {@link textOf} of its parts): the edits inside it are absorbed. */
  replace(node: Node, text: string): void {
    this.replaceRange(node.getStart(), node.getEnd(), text);
  }

  replaceRange(start: number, end: number, text: string): void {
    for (let i = this.edits.length - 1; i >= 0; i--) {
      const e = this.edits[i]!;
      if (e.start >= start && e.end <= end) this.edits.splice(i, 1);
    }
    this.edits.push({ start, end, text });
  }
}
