import type { Node } from "ts-morph";
import { isFunctionNode, nameOf } from "./functions.ts";

/** The hazards `corral check` finds; each code is stable (scripts and CI filters rely on it). */
export type HazardCode =
  | "swallowed-cancelled"
  | "unbridged-await"
  | "floating-promise"
  | "missing-cx"
  | "wrong-arity"
  | "legacy-wrapper-given-cx"
  | "scoped-function-passed-to-legacy";

/** One hazard: where (`file:line:column`, the enclosing function), what, and how to fix it. */
export interface Hazard {
  code: HazardCode;
  file: string;
  line: number;
  column: number;
  /** The named function the hazard is in (`Class.method`, ...; an arrow inside it counts as it), or `<top level>`. */
  function: string;
  message: string;
  hint: string;
}

/** A hazard at `node` of a file shown as `display`. */
export function hazardAt(code: HazardCode, node: Node, display: string, message: string, hint: string): Hazard {
  const { line, column } = node.getSourceFile().getLineAndColumnAtPos(node.getStart());
  const names = node.getAncestors().filter(isFunctionNode).map(nameOf);
  const named = names.find((n) => n !== "<anonymous>") ?? names[0] ?? "<top level>";
  return { code, file: display, line, column, function: named, message, hint };
}

/** Code as a message quotes it: on one line, at most 60 characters. */
export function short(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
