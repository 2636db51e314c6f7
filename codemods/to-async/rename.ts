import { Node, ts, type Identifier, type ShorthandPropertyAssignment, type Symbol as MorphSymbol } from "ts-morph";
import { findAll } from "../engine/walk.ts";
import type { Edit } from "../engine/edits.ts";
import { refuseUnless } from "../engine/refusal.ts";
import type { Names } from "./names.ts";

/** Identifier nodes to replace with new text, for copying code under other names. */
export type Replacements = Map<Node, string>;

/**
 * `node`'s text (from its first token, or with leading comments when `full`) with `replacements` applied, and the
 * `edits` of functions rewritten inside it (see migrate.ts: inner functions are rewritten first).
 *
 * A replacement may hold others: `return conn.query()` awaited inside a `try` is replaced by `await ` and the copy
 * of its value, made with the renames and inner edits inside it already applied. Only the outermost spans are
 * written, or their text would be written twice. An inner edit holding a renamed name cannot take the new name
 * (its text is new code), so that is refused.
 */
export function textWith(node: Node, replacements: Replacements, full = false, edits: readonly Edit[] = []): string {
  const start = full ? node.getFullStart() : node.getStart();
  const end = node.getEnd();
  const text = node.getSourceFile().getFullText();
  const renamed: Edit[] = [...replacements].map(([n, replacement]) => ({ start: n.getStart(), end: n.getEnd(), text: replacement }));
  const spans = [...renamed];
  for (const edit of edits) {
    if (edit.start < start || edit.end > end) continue;
    refuseUnless(
      !renamed.some((s) => s.start < edit.end && edit.start < s.end && !contains(s, edit)),
      "nested-rewrite-conflict",
      "a function rewritten inside this one uses a name this rewrite must change; migrate the inner function first, " +
        "then run again",
      node,
    );
    spans.push(edit);
  }
  const inside = spans
    .filter((s) => s.start >= start && s.end <= end)
    .filter((s, _, all) => !all.some((other) => other !== s && contains(other, s) && !contains(s, other)))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let at = start;
  for (const span of inside) {
    out += text.slice(at, span.start) + span.text;
    at = span.end;
  }
  return out + text.slice(at, end);
}

/** Whether `outer`'s range holds `inner`'s. */
function contains(outer: Edit, inner: Edit): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** The identifiers a binding (a name or a destructuring pattern) declares. */
export function boundNames(binding: Node): Identifier[] {
  if (Node.isIdentifier(binding)) return [binding];
  if (Node.isObjectBindingPattern(binding) || Node.isArrayBindingPattern(binding)) {
    return binding.getElements().flatMap((element) => (Node.isBindingElement(element) ? boundNames(element.getNameNode()) : []));
  }
  return [];
}

/**
 * Give each name `scope` declares (per `declared`) a name free in the enclosing function, and record the
 * replacements of its declaration and every use inside `scope`.
 */
export function renameDeclared(scope: Node, declared: readonly Identifier[], names: Names, replacements: Replacements): void {
  for (const id of declared) renameTo(scope, id, names.claim(id.getText(), scope), replacements);
}

/** Every use of the variable `id` declares, inside `scope`, spelled `chosen` (nothing to do when that is its name). */
export function renameTo(scope: Node, id: Identifier, chosen: string, replacements: Replacements): void {
  const name = id.getText();
  if (chosen === name) return;
  const symbol = id.getSymbol();
  if (symbol === undefined) return;
  for (const use of findAll(scope, (node) => ts.isIdentifier(node) && node.text === name) as Identifier[]) {
    if (!sameSymbol(use, symbol)) continue;
    replacements.set(use, spelled(use, name, chosen));
  }
  for (const shorthand of findAll(scope, (node) => ts.isShorthandPropertyAssignment(node) && node.name.text === name) as ShorthandPropertyAssignment[]) {
    const checker = shorthand.getProject().getTypeChecker().compilerObject;
    if (checker.getShorthandAssignmentValueSymbol(shorthand.compilerNode) === symbol.compilerSymbol) {
      replacements.set(shorthand.getNameNode(), `${name}: ${chosen}`);
    }
  }
}

function sameSymbol(use: Identifier, symbol: MorphSymbol): boolean {
  if (Node.isShorthandPropertyAssignment(use.getParent())) return false; // handled with its value symbol
  return use.getSymbol() === symbol;
}

/** A renamed identifier, keeping the property key of `{ name }` destructuring. */
function spelled(use: Identifier, name: string, chosen: string): string {
  const parent = use.getParent();
  if (Node.isBindingElement(parent) && parent.getPropertyNameNode() === undefined && Node.isObjectBindingPattern(parent.getParent())) {
    return `${name}: ${chosen}`;
  }
  return chosen;
}
